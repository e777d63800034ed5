// The statement, version 2 (Statement.swift): what bouncesign renders
// parses back to the same statement, and each way a statement can be wrong
// is its own ParseError; version 1 is still read.
import Testing

@testable import BounceKit

@Suite("Statement v2")
struct StatementTests {
    static let d1 = [UInt8](repeating: 0x11, count: 16), d2 = [UInt8](repeating: 0x22, count: 16)
    static let digest = Digest.text(d1)

    static let statements: [(String, Statement)] = [
        (
            "minimal: one short leaf",
            Statement(
                timestamp: 1_800_000_000, nonce: "5f0c2a9e41d3b7a8", messageID: "<a@example.org>", headers: nil,
                hiddenRecipients: nil, shape: nil, leaves: [LeafRecord(length: 12, digest: d1)])
        ),
        (
            "everything: h, r, s, a leaf with checkpoints, a group",
            Statement(
                timestamp: 1_800_000_000, nonce: "00", messageID: "<b@example.org>",
                headers: HeaderBinding(names: ["from", "to", "subject"], digest: d2), hiddenRecipients: 2, shape: d1,
                leaves: [
                    LeafRecord(length: 20_000, digest: d1, checkpoints: [d2, d1, d2]),
                    LeafRecord(length: 0, digest: d2),
                    LeafRecord(length: 300, digest: d1, isGroup: true),
                ])
        ),
        (
            // Found by make fuzz: a group past the first checkpoint's offset
            // was written without checkpoints and refused when read back.
            "a group longer than a checkpoint apart, as the signer writes it: no checkpoints",
            Statement(
                timestamp: 1_800_000_000, nonce: "01", messageID: "<g@example.org>", headers: nil, hiddenRecipients: nil,
                shape: nil,
                leaves: [LeafRecord(length: 12, digest: d1), LeafRecord(length: 4_313, digest: d2, isGroup: true)])
        ),
        (
            "r: 0 is kept apart from no r",
            Statement(
                timestamp: 0, nonce: "ff", messageID: "<c@example.org>", headers: nil, hiddenRecipients: 0, shape: nil,
                leaves: [LeafRecord(length: 4_097, digest: d1, checkpoints: [d2])])
        ),
    ]

    @Test("render then parse gives back the same statement")
    func roundTrip() throws {
        for (name, want) in Self.statements {
            let got = try Statement(parsing: Array(want.text.utf8))
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    static let head = "bouncesign-statement: 2\nt: 1800000000\nn: 00\nid: <a@b>\n"
    static let leaf = "l: 5 \(digest)\n"

    static let errors: [(String, String, Statement.ParseError)] = [
        ("no version line", "t: 1\nn: 00\nid: <a@b>\n" + leaf, .missing("bouncesign-statement")),
        ("version 3", head.replacingOccurrences("statement: 2", "statement: 3") + leaf, .unsupportedVersion("3")),
        ("missing t", head.replacingOccurrences("t: 1800000000\n", "") + leaf, .missing("t")),
        ("empty t", head.replacingOccurrences("t: 1800000000", "t:") + leaf, .missing("t")),
        ("missing n", head.replacingOccurrences("n: 00\n", "") + leaf, .missing("n")),
        ("missing id", head.replacingOccurrences("id: <a@b>\n", "") + leaf, .missing("id")),
        ("t twice", head + "t: 1800000001\n" + leaf, .duplicate("t")),
        ("n twice", head + leaf + "n: 01\n", .duplicate("n")),
        ("id twice", head + "id: <c@d>\n" + leaf, .duplicate("id")),
        ("s twice", head + "s: \(digest)\ns: \(digest)\n" + leaf, .duplicate("s")),
        ("version twice", head + "bouncesign-statement: 2\n" + leaf, .duplicate("bouncesign-statement")),
        ("l after g", head + "g: 5 \(digest)\n" + leaf, .malformed("g")),
        ("a second g", head + "g: 5 \(digest)\ng: 5 \(digest)\n", .malformed("g")),
        ("a group with checkpoints", head + "g: 5000 \(digest) \(digest)\n", .malformed("g")),
        ("no checkpoint for a length past 4 KiB", head + "l: 5000 \(digest)\n", .malformed("l")),
        ("a checkpoint for a length of exactly 4 KiB", head + "l: 4096 \(digest) \(digest)\n", .malformed("l")),
        ("one checkpoint for a length past 16 KiB", head + "l: 16385 \(digest) \(digest)\n", .malformed("l")),
        ("a line that is not name: value", head + "l\n", .malformed("line")),
        ("a digest one character short", head + "l: 5 \(digest.dropLast())\n", .malformed("l")),
        ("a digest with a character outside base64", head + "l: 5 \(digest.dropLast())!\n", .malformed("l")),
        ("a padded digest", head + "l: 5 \(digest)==\n", .malformed("l")),
        ("no digest", head + "l: 5\n", .malformed("l")),
        ("a negative length", head + "l: -5 \(digest)\n", .malformed("l")),
        ("a malformed s", head + "s: xyz\n" + leaf, .malformed("s")),
        ("an h without digest", head + "h: from:to\n" + leaf, .malformed("h")),
        ("a non-numeric r", head + "r: two\n" + leaf, .malformed("r")),
        (
            "a timestamp that would overflow", head.replacingOccurrences("1800000000", "99999999999999999999") + leaf,
            .malformed("t")
        ),
        ("a line without a colon", head + "garbage\n" + leaf, .malformed("line")),
        ("empty n", head.replacingOccurrences("n: 00", "n:") + leaf, .missing("n")),
        ("empty id", head.replacingOccurrences("id: <a@b>", "id:") + leaf, .missing("id")),
        ("a signed t", head.replacingOccurrences("t: 1800000000", "t: +1800000000") + leaf, .malformed("t")),
        ("an h whose digest is not one", head + "h: from:to xyz\n" + leaf, .malformed("h")),
        ("an h of three words", head + "h: from to \(digest)\n" + leaf, .malformed("h")),
        ("an r of 13 digits", head + "r: 1234567890123\n" + leaf, .malformed("r")),
        ("a length of 13 digits", head + "l: 1234567890123 \(digest)\n", .malformed("l")),
        (
            "more digests than the most checkpoints allow",
            head + "l: 5 " + Array(repeating: digest, count: CanonicalContent.maxCheckpoints + 2).joined(separator: " ") + "\n",
            .malformed("l")
        ),
        ("a g whose digest is not one", head + "g: 5 xyz\n", .malformed("g")),
        ("a g with no digest", head + "g: 5\n", .malformed("g")),
        // Version 1 (still read for max-age after an upgrade).
        ("v1: no body-hash", v1.replacingOccurrences("body-hash: sha256:\(v1Hash)\n", ""), .missing("body-hash")),
        ("v1: no timestamp", v1.replacingOccurrences("timestamp: 1800000000\n", ""), .missing("timestamp")),
        ("v1: a timestamp that is no number", v1.replacingOccurrences("1800000000", "yesterday"), .malformed("timestamp")),
        ("v1: no nonce", v1.replacingOccurrences("nonce: 00\n", ""), .missing("nonce")),
        ("v1: no message-id", v1.replacingOccurrences("message-id: <a@b>\n", ""), .missing("message-id")),
        ("v1: an empty canonicalization", v1.replacingOccurrences("mime-leaves/1", ""), .missing("canonicalization")),
        ("v1: nonce twice", v1 + "nonce: 01\n", .duplicate("nonce")),
        ("v1: an l line is one field like any other, twice a duplicate", v1 + "l: 1\nl: 2\n", .duplicate("l")),
    ]

    static let v1Hash = String(repeating: "ab", count: 32)
    static let v1 =
        "bouncesign-statement: 1\ntimestamp: 1800000000\nnonce: 00\nmessage-id: <a@b>\ncanonicalization: mime-leaves/1\n"
        + "body-hash: sha256:\(v1Hash)\n"

    @Test("each malformed statement is its own ParseError")
    func errors() {
        for (name, text, want) in Self.errors {
            do {
                let got = try Statement(parsing: Array(text.utf8))
                Issue.record("\(name): got \(got), want \(want)")
            } catch {
                #expect(error == want, "\(name): got \(error), want \(want)")
            }
        }
    }

    /// The case's name. No default: a new case does not compile until named.
    static func caseName(_ e: Statement.ParseError) -> String {
        switch e {
        case .missing: return "missing"
        case .duplicate: return "duplicate"
        case .unsupportedVersion: return "unsupportedVersion"
        case .malformed: return "malformed"
        }
    }

    @Test("the rows reach every ParseError case, and the base texts they alter parse")
    func everyCaseReached() throws {
        let reached = Set(Self.errors.map { Self.caseName($0.2) })
        let every: Set = ["missing", "duplicate", "unsupportedVersion", "malformed"]
        #expect(reached == every, "rows reach \(reached.sorted()), want \(every.sorted())")
        // A row must fail for its alteration, not because its base was already wrong.
        _ = try Statement(parsing: Array((Self.head + Self.leaf).utf8))
        _ = try Statement(parsing: Array(Self.v1.utf8))
    }

    @Test("each error's words name the statement and the field, for an administrator")
    func errorWords() {
        for (name, _, error) in Self.errors {
            let text = error.description
            let field: String
            switch error {
            case .missing(let f), .duplicate(let f), .malformed(let f), .unsupportedVersion(let f): field = f
            }
            #expect(text.hasPrefix("statement "), "\(name): \"\(text)\" does not say it is about the statement")
            #expect(text.contains(field), "\(name): \"\(text)\" does not name \(field)")
            #expect(!text.contains("ParseError") && !text.contains("(\""), "\(name): \"\(text)\" reads as code")
        }
    }

    @Test("a version 1 statement still parses, with its body hash and no leaves")
    func version1Parses() throws {
        let hash = String(repeating: "ab", count: 32)
        let text =
            "bouncesign-statement: 1\ntimestamp: 1800000000\nnonce: 00\nmessage-id: <a@b>\ncanonicalization: mime-leaves/1\nbody-hash: sha256:\(hash)\n"
        let got = try Statement(parsing: Array(text.utf8))
        #expect(got.version == 1, "got version \(got.version), want 1")
        #expect(got.legacyBodyHash == [UInt8](repeating: 0xAB, count: 32), "got \(got.legacyBodyHash ?? [])")
        #expect(got.legacyCanonicalization == CanonicalBody.name)
        #expect(got.timestamp == 1_800_000_000 && got.messageID == "<a@b>" && got.leaves.isEmpty)
    }

    @Test("a version 1 statement with a short or non-hex body hash is malformed")
    func version1BadHash() {
        for (name, hash) in [
            ("short", "sha256:abcd"), ("upper case", "sha256:" + String(repeating: "AB", count: 32)), ("md5", "md5:00"),
        ] {
            let text =
                "bouncesign-statement: 1\ntimestamp: 1\nnonce: 00\nmessage-id: <a@b>\ncanonicalization: mime-leaves/1\nbody-hash: \(hash)\n"
            #expect(throws: Statement.ParseError.malformed("body-hash"), "\(name)") { try Statement(parsing: Array(text.utf8)) }
        }
    }

    @Test("checkpoints sit at 4 KiB times 2^k below the length, at most twelve")
    func checkpointCounts() {
        let cases: [(String, Int, Int)] = [
            ("empty", 0, 0), ("4 KiB", 4_096, 0), ("4 KiB + 1", 4_097, 1), ("8 KiB", 8_192, 1),
            ("8 KiB + 1", 8_193, 2), ("16 KiB + 1", 16_385, 3), ("64 KiB + 1", 65_537, 5), ("8 MiB", 8 << 20, 11),
            ("1 GiB", 1 << 30, 12),
        ]
        for (name, length, want) in cases {
            let got = CanonicalContent.checkpointCount(length: length)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }
}
