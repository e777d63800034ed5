// The canonical content, version 2 (CanonicalContent.swift, LeafCollector):
// a leaf's digest covers its decoded text and the Content-* fields of the
// leaf and every multipart above it, and nothing transit changes.
import Testing

@testable import BounceKit

@Suite("Canonical content v2")
struct CanonicalContentTests {
    static func collect(_ s: String) -> LeafCollector {
        MIMEScanner.scan(Array(s.utf8)[...], visitor: LeafCollector()).visitor
    }

    static func digests(_ s: String) -> [[UInt8]] { collect(s).contentLeaves.map(\.digest) }

    /// A leaf under multipart/alternative under the (transparent) mixed root.
    static let base = """
        From: a@example.org
        Subject: hello
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: multipart/alternative; boundary="a"

        --a
        Content-Type: text/plain; charset=utf-8
        Content-Disposition: inline; filename="note.txt"
        Content-Transfer-Encoding: 8bit

        Grüße, this line is plain.
        Second line with trailing space   
        --a--
        --m
        Content-Type: application/octet-stream
        Content-Transfer-Encoding: base64

        AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4
        OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx
        --m--

        """

    static let changes: [(String, String)] = [
        ("its charset parameter", base.replacingOccurrences("charset=utf-8", "charset=iso-8859-1")),
        ("an ancestor's Content-Type", base.replacingOccurrences("multipart/alternative", "multipart/related")),
        ("its Content-Disposition filename", base.replacingOccurrences("note.txt", "note.exe")),
        ("one letter of its text", base.replacingOccurrences("plain.", "plane.")),
        ("leading white space", base.replacingOccurrences("Second line", "  Second line")),
    ]

    @Test("a leaf's digest changes with its charset, an ancestor's Content-Type, its filename and its text")
    func digestChanges() {
        let want = Self.digests(Self.base)
        #expect(want.count == 2)
        for (name, variant) in Self.changes {
            let got = Self.digests(variant)
            #expect(got.count == 2 && got[0] != want[0], "\(name): got \(got), want the first digest to change")
            #expect(got.count == 2 && got[1] == want[1], "\(name): the other leaf changed too")
        }
    }

    static let transit: [(String, String)] = [
        ("CRLF line ends", base.replacingOccurrences("\n", "\r\n")),
        ("trailing white space stripped", base.replacingOccurrences("trailing space   ", "trailing space")),
        ("trailing white space added", base.replacingOccurrences("plain.", "plain. \t ")),
        (
            "8bit re-encoded as quoted-printable",
            base.replacingOccurrences(
                "Content-Transfer-Encoding: 8bit\n\nGrüße, this line is plain.\nSecond line with trailing space   ",
                "Content-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe, this line is =\nplain.\nSecond line with trailing space  =20"
            )
        ),
        (
            "base64 re-wrapped at 60 columns",
            base.replacingOccurrences(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\nOTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss\nLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJT\nVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx"
            )
        ),
        (
            "a Content-Type re-folded",
            base.replacingOccurrences("Content-Type: text/plain; charset=utf-8", "Content-Type: text/plain;\n\tcharset=utf-8")
        ),
        (
            "trace headers added",
            "Return-Path: <a@example.org>\nReceived: from x by y; Sun, 29 Nov 2026\nDKIM-Signature: v=1; b=abc\n" + base
        ),
        (
            "the root's boundary renamed",
            base.replacingOccurrences("boundary=\"m\"", "boundary=\"z\"").replacingOccurrences("--m", "--z")
        ),
    ]

    @Test("the digests do not change with line ends, trailing white space, transfer encodings or trace headers")
    func transitKeepsDigests() {
        let want = Self.digests(Self.base)
        for (name, variant) in Self.transit {
            #expect(variant != Self.base, "\(name): the variant is the base message")
            let got = Self.digests(variant)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    @Test("a multipart/mixed root is transparent: a single-part message equals the same part inside one")
    func mixedRootIsTransparent() {
        let part = "Content-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\nhello\n"
        let single = "From: a@example.org\nMIME-Version: 1.0\n" + part
        let wrapped = "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\(part)--b--\n"
        let related = wrapped.replacingOccurrences("multipart/mixed", "multipart/related")
        let s = Self.collect(single).contentLeaves, w = Self.collect(wrapped).contentLeaves,
            r = Self.collect(related).contentLeaves
        #expect(s.count == 1 && w.count == 1 && r.count == 1)
        #expect(s.first?.descriptor == w.first?.descriptor, "got \(s.map(\.descriptor)), want \(w.map(\.descriptor))")
        #expect(s.first?.digest == w.first?.digest, "single and wrapped differ")
        #expect(r.first?.digest != w.first?.digest, "a multipart/related root is no wrapper: its fields count")
    }

    static let shapes: [(String, String, Bool)] = [
        ("no preamble or epilogue", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n", false),
        ("an empty preamble and epilogue", "Content-Type: multipart/mixed; boundary=b\n\n \n\n--b\n\nx\n--b--\n\n \n", false),
        ("a preamble", "Content-Type: multipart/mixed; boundary=b\n\nThis is a MIME message.\n--b\n\nx\n--b--\n", true),
        ("an epilogue", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\ntrailer\n", true),
    ]

    @Test("preamble and epilogue text appears in the shape digest; empty ones leave none")
    func shape() {
        for (name, message, want) in Self.shapes {
            let got = Self.collect(message).shapeDigest
            #expect(
                (got != nil) == want, "\(name): got \(got.map { Digest.text($0) } ?? "nil"), want \(want ? "a digest" : "nil")")
        }
        let a = Self.collect(Self.shapes[2].1).shapeDigest
        let b = Self.collect(Self.shapes[2].1.replacingOccurrences("MIME message", "MIME massage")).shapeDigest
        #expect(a != b, "a changed preamble keeps its digest")
    }

    static func withParts(_ types: [String]) -> String {
        "Content-Type: multipart/mixed; boundary=b\n\n" + types.map { "--b\nContent-Type: \($0)\n\n\($0) body\n" }.joined()
            + "--b--\n"
    }

    static let proofCases: [(String, [String], [String])] = [
        ("the trailing pair is the proof", ["text/plain", ProofNames.statementType, ProofNames.clearsignType], ["text/plain"]),
        ("a trailing clearsign part alone is the proof", ["text/plain", ProofNames.clearsignType], ["text/plain"]),
        (
            "a proof-typed part in the middle is content",
            ["text/plain", ProofNames.statementType, "text/html", ProofNames.clearsignType],
            ["text/plain", ProofNames.statementType, "text/html"]
        ),
        (
            "a statement part last is content", ["text/plain", ProofNames.statementType],
            ["text/plain", ProofNames.statementType]
        ),
    ]

    @Test("the trailing proof pair is excluded from the content, a proof-typed part elsewhere is not")
    func proofExclusion() {
        for (name, types, want) in Self.proofCases {
            let got = Self.collect(Self.withParts(types)).contentLeaves.map(\.mediaType)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
        let nested =
            "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
            + Self.withParts(["text/plain", ProofNames.statementType, ProofNames.clearsignType]) + "--o--\n"
        let got = Self.collect(nested).contentLeaves.count
        #expect(got == 3, "a proof pair below the top level: got \(got) leaves, want 3")
    }

    @Test("checkpoint digests exist at 4 KiB times 2^k below the length, over the content up to there")
    func checkpoints() {
        let line = Array(String(repeating: "x", count: 63).utf8) + [ASCII.lf]  // 64 canonical bytes
        let cases: [(String, Int, Int)] = [
            ("one line", 1, 0), ("exactly 4 KiB", 64, 0), ("4 KiB + 64", 65, 1), ("exactly 8 KiB", 128, 1),
            ("8 KiB + 64", 129, 2), ("16 KiB + 64", 257, 3),
            ("64 KiB + 64", 1_025, 5),
        ]
        for (name, lines, want) in cases {
            let content = Array([[UInt8]](repeating: line, count: lines).joined())
            let message = "Content-Type: text/plain\n\n" + String(decoding: content, as: UTF8.self)
            guard let leaf = Self.collect(message).contentLeaves.first else {
                Issue.record("\(name): no leaf")
                continue
            }
            let record = leaf.record
            #expect(record.length == content.count, "\(name): got length \(record.length), want \(content.count)")
            #expect(record.checkpoints.count == want, "\(name): got \(record.checkpoints.count) checkpoints, want \(want)")
            for (k, got) in record.checkpoints.enumerated() {
                let sha = SHA256()
                sha.update(Array(content.prefix(CanonicalContent.checkpoint(k))))
                let expected = CanonicalContent.leafDigest(descriptor: leaf.descriptor, content: sha.finish())
                #expect(
                    got == expected,
                    "\(name): checkpoint \(k) is not the digest of the first \(CanonicalContent.checkpoint(k)) bytes")
            }
        }
    }

    @Test("leaves past the 31st form one group record")
    func group() {
        let types = [String](repeating: "text/plain", count: 40)
        let leaves = Self.collect(Self.withParts(types)).contentLeaves
        let records = LeafCollector.records(leaves)
        #expect(records.count == 32, "got \(records.count) records, want 32")
        #expect(records.last?.isGroup == true && records.dropLast().allSatisfy { !$0.isGroup })
        #expect(records.last?.length == leaves.dropFirst(31).reduce(0) { $0 + $1.length })
    }
}
