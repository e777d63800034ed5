// Every input the fuzzer found, once fixed, replayed as a named row
// (issue 14, item 4): the checker's findings (Fixtures/malformed/fuzz-*)
// with the verdict and reason each must get, the signer's
// (fuzz/findings-fixed/sign-*) with what bouncesign must make of each, and
// the shapes the fuzzer's start-up check holds genuine mail to. A stored
// finding without a row fails the suite, so none is kept and forgotten.
//
// The checker rows run with the accepting stub verifier (any clearsigned
// statement is good): a forged body must fail on its own account, not on a
// bad signature. The fuzzer signs at its own clock, so they are checked there.
import Foundation
import Testing

@testable import BounceKit

@Suite("Fuzz findings, replayed")
struct FuzzFindingTests {
    static let malformed = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/malformed")
    static let signerFindings = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/findings-fixed")

    /// The fuzzer's clock (fuzz/FuzzStubs.swift): its mail is signed an hour before.
    static let fuzzNow = 1_764_387_660
    static let policy = CheckPolicy(
        trusted: [TestKey.fingerprint], maxAge: 7 * 86_400, clockSkew: 900, requireBody: false, now: fuzzNow)

    struct CheckRow: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var verdict: String
        /// What the reason must start with.
        var reason: String
        var description: String { "\(file): \(name)" }
    }

    static let checkRows: [CheckRow] = [
        .init(
            name: "a statement timestamp that would overflow is malformed", file: "fuzz-001.eml", verdict: "fail",
            reason: "malformed proof"),
        .init(
            name: "5,000 field-like lines after a separator: no original, found in linear time", file: "fuzz-002.eml",
            verdict: "fail", reason: "no returned message"),
        .init(
            name: "5,000 indented field-like lines: no original, found in linear time", file: "fuzz-003.eml", verdict: "fail",
            reason: "no returned message"),
        .init(
            name: "nested encoded messages are read one level deep", file: "fuzz-004.eml", verdict: "fail",
            reason: "no returned message"),
        .init(
            name: "a header block ended by a delimiter line starts the multipart", file: "fuzz-005.eml", verdict: "fail",
            reason: "returned message carries no proof"),
        .init(
            name: "a second copy with another From fails, though the first verifies", file: "fuzz-006-copy-from-altered.eml",
            verdict: "fail", reason: FailReason.headersAltered.description),
        .init(
            name: "a second copy with another To fails, though the first verifies", file: "fuzz-007-copy-to-altered.eml",
            verdict: "fail", reason: FailReason.headersAltered.description),
        .init(
            name: "a copy with other From fields past the 16 originals read: no pass, as none of those is verified",
            file: "fuzz-008-copy-past-the-originals-limit.eml", verdict: "fail",
            reason: "returned body cannot be verified (the bounce returns more than 16 messages"),
    ]

    @Test("each checker finding, as LF and CRLF, gets its verdict for its reason", arguments: checkRows)
    func checkerFinding(_ row: CheckRow) throws {
        let file = [UInt8](try Data(contentsOf: Self.malformed.appendingPathComponent(row.file)))
        for (ends, bytes) in lfAndCRLF(file) {
            let got = BounceChecker(verifier: AcceptingVerifier(), policy: Self.policy).check(bytes).verdict
            let ok = got.keyword == row.verdict && got.reason.hasPrefix(row.reason)
            #expect(ok, "\(row.name) (\(ends)): got \(got.keyword) (\(got.reason)), want \(row.verdict) (\(row.reason)…)")
        }
    }

    struct SignRow: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        /// How many `l` lines the statement has.
        var leaves: Int
        var description: String { "\(file): \(name)" }
    }

    /// bouncesign's findings: each input signs, with the leaves it has, and
    /// bounced back whole it passes with its body verified.
    static let signRows: [SignRow] = [
        .init(
            name: "an empty message (no header field to bind) signs and verifies", file: "sign-001-no-bound-fields.eml", leaves: 1
        ),
        .init(
            name: "a proof-typed part of an earlier signing that is not trailing is kept and signed as content",
            file: "sign-002-user-proof-typed-part.eml", leaves: 3),
        .init(
            name: "a multipart whose parts no delimiter opens has no l line and verifies", file: "sign-003-no-content-leaves.eml",
            leaves: 0),
        .init(
            name: "a bare CR in a part sent as lines, re-encoded as base64, keeps its bytes and verifies",
            file: "sign-004-bare-cr-in-part-sent-as-lines.eml", leaves: 1),
        .init(
            name: "more parts than are listed, the rest a group over 4 KiB: its g line, without checkpoints, reads back",
            file: "sign-006-group-past-a-checkpoint.eml", leaves: 31),
        .init(
            name: "a multipart/mixed without parts but with a preamble is wrapped, its shape bound as a part's",
            file: "sign-005-empty-multipart-with-preamble.eml", leaves: 0),
    ]

    @Test("each signer finding signs with its leaves and, bounced back whole, passes with its body verified", arguments: signRows)
    func signerFinding(_ row: SignRow) throws {
        let input = [UInt8](try Data(contentsOf: Self.signerFindings.appendingPathComponent(row.file)))
        try expectSignsAndVerifies(row.name, input, leaves: row.leaves)
    }

    @Test(
        "a message with no content leaves (an empty multipart, bare or with a preamble or epilogue) signs with no l line and verifies"
    )
    func emptyMultipartSignsAndVerifies() throws {
        let head =
            "From: alice@example.org\nTo: bob@example.net\nSubject: nothing\nDate: Sat, 29 Nov 2025 02:41:00 +0000\n"
            + "Message-ID: <empty.1@example.org>\nMIME-Version: 1.0\n"
        let cases = [
            ("bare", "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b--\n"),
            ("with a preamble (fuzz sign-005)", "Content-Type: multipart/mixed; boundary=\"b\"\n\nThis is MIME.\n\n--b--\n"),
            ("with an epilogue", "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b--\nthe end\n"),
            ("alternative, with a preamble", "Content-Type: multipart/alternative; boundary=\"b\"\n\nThis is MIME.\n--b--\n"),
        ]
        for (name, body) in cases {
            for (ends, bytes) in lfAndCRLF(Array((head + body).utf8)) {
                try expectSignsAndVerifies("empty multipart, \(name) (\(ends))", bytes, leaves: 0)
            }
        }
    }

    @Test("a genuine bounce cut inside its proof parts passes on the header proof, every content part verified, rest cut")
    func cutInProofPassesOnHeaderProof() throws {
        let cases = [
            ("plain", "Content-Type: text/plain\n\nHi Bob,\nnoon?\n", "1 of 1 parts verified, rest cut"),
            (
                "alternative",
                "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"a\"\n\n--a\nContent-Type: text/plain\n\nnoon?\n"
                    + "--a\nContent-Type: text/html\n\n<p>noon?</p>\n--a--\n",
                "2 of 2 parts verified, rest cut"
            ),
        ]
        for (name, body, want) in cases {
            let signed = try TestMail.sign(
                "From: alice@example.org\nTo: bob@example.net\nSubject: lunch\nDate: Sat, 29 Nov 2025 02:41:00 +0000\n"
                    + "Message-ID: <cut.\(name)@example.org>\n" + body)
            // OpenSMTPD returns the first 64 KiB: here the cut falls in the clearsign part.
            let at = try #require(signed.firstIndex(of: Array("-----BEGIN PGP SIGNED MESSAGE-----".utf8), from: 0))
            var bounce = TestMail.bounce(returning: Array(signed[..<(at + 34)]))
            bounce.removeLast("\n--bounce-9f3a--\n".utf8.count)
            for (ends, bytes) in lfAndCRLF(bounce) {
                let got = TestMail.verdict(bytes)
                #expect(
                    got == .pass(.partial(verified: got.partialCount, of: got.partialCount)) && got.reason == want,
                    "\(name) (\(ends)): got \(got.keyword) (\(got.reason)), want pass (\(want))")
            }
        }
    }

    @Test("every stored finding has a row")
    func everyFindingHasARow() throws {
        let checked = try FileManager.default.contentsOfDirectory(atPath: Self.malformed.path).filter { $0.hasPrefix("fuzz-") }
        let signed = try FileManager.default.contentsOfDirectory(atPath: Self.signerFindings.path)
        let rows = Set(Self.checkRows.map(\.file) + Self.signRows.map(\.file))
        for f in (checked + signed).sorted() where !rows.contains(f) { Issue.record("\(f): stored finding without a row") }
        for f in rows.sorted() where !(checked + signed).contains(f) { Issue.record("\(f): row without its stored finding") }
    }

    @Test("parts past the listed 31, over 4 KiB in all, are verified as one group: one byte changed there fails")
    func groupedPartsAreVerified() throws {
        var mail =
            "From: alice@example.org\nTo: bob@example.net\nSubject: many parts\nDate: Sat, 29 Nov 2025 02:41:00 +0000\n"
            + "Message-ID: <group.1@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
        for i in 1...40 {
            let line = "Part \(i) of forty, a line of ordinary text to fill it.\n"
            mail += "--b\nContent-Type: text/plain\n\n" + String(repeating: line, count: 12)
        }
        mail += "--b--\n"
        let out = try MessageSigner(signer: StubSigner(), hostname: "test.example.org").sign(Array(mail.utf8), now: TestKey.now)
        let group = try #require(out.statement.leaves.last)
        #expect(group.isGroup && group.length > CanonicalContent.checkpoint(0), "no group over 4 KiB: \(group)")
        let bounce = TestMail.bounce(returning: out.bytes)
        #expect(TestMail.verdict(bounce) == .pass(.body))
        let forged = String(decoding: bounce, as: UTF8.self).replacingOccurrences("Part 39 of forty", "Part 39 of FORTY")
        let got = TestMail.verdict(Array(forged.utf8))
        #expect(
            got.keyword == "fail" && got.reason.hasPrefix("returned body does not match its hash (part 32"),
            "one byte changed in a grouped part: got \(got.keyword) (\(got.reason))")
    }

    private func expectSignsAndVerifies(_ name: String, _ input: [UInt8], leaves: Int) throws {
        let out = try MessageSigner(signer: StubSigner(), hostname: "test.example.org").sign(input, now: TestKey.now)
        let lLines = out.statement.text.split(separator: "\n").filter { $0.hasPrefix("l:") }.count
        #expect(lLines == leaves, "\(name): got \(lLines) l lines, want \(leaves)")
        let got = TestMail.verdict(TestMail.bounce(returning: out.bytes))
        #expect(got == .pass(.body), "\(name): bounced back whole, got \(got.keyword) (\(got.reason)), want pass (body verified)")
    }
}

extension Verdict {
    /// The parts a partial pass verified (0 otherwise).
    fileprivate var partialCount: Int {
        if case .pass(.partial(let n, _, _)) = self { return n }
        return 0
    }
}
