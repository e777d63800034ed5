// The canonical body hash must survive what relays do, and change with the
// content (issue 3, item 5).
import Testing

@testable import BounceKit

@Suite("Canonical body hash")
struct CanonicalBodyTests {
    static let base = """
        From: a@example.org
        Message-ID: <c@example.org>
        Subject: hello
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Grüße, this line is plain.
        Second line with trailing space   
        --m
        Content-Type: application/octet-stream
        Content-Transfer-Encoding: base64

        AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4
        OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx
        --m--

        """

    static func hash(_ s: String) -> [UInt8] { CanonicalBody.hash(Array(s.utf8)[...]) }

    static let equivalent: [(String, String)] = [
        ("CRLF line ends", base.replacingOccurrences("\n", "\r\n")),
        (
            "8bit re-encoded as quoted-printable",
            base.replacingOccurrences(
                "Content-Transfer-Encoding: 8bit\n\nGrüße, this line is plain.\nSecond line with trailing space   ",
                "Content-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe, this line is =\nplain.\nSecond line with trailing space  =20"
            )
        ),
        (
            "base64 re-wrapped at 64 columns",
            base.replacingOccurrences(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\nOTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss\nLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJT\nVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx"
            )
        ),
        (
            "headers re-folded",
            base.replacingOccurrences(
                "Content-Type: multipart/mixed; boundary=\"m\"",
                "Content-Type: multipart/mixed;\n\tboundary=\"m\"")
        ),
        (
            "trace headers added",
            "Return-Path: <a@example.org>\nReceived: from x by y; Sun, 29 Nov 2026\nDKIM-Signature: v=1; a=rsa-sha256; b=abc\nX-Spam: no\n"
                + base
        ),
        ("trailing white space stripped", base.replacingOccurrences("trailing space   ", "trailing space")),
        (
            "transport padding on a delimiter",
            base.replacingOccurrences("--m\nContent-Type: application", "--m   \nContent-Type: application")
        ),
    ]

    @Test("transit changes leave the hash unchanged")
    func transitChangesKeepTheHash() {
        let want = Self.hash(Self.base)
        for (name, variant) in Self.equivalent {
            #expect(variant != Self.base, "\(name): the variant is the base message")
            #expect(Self.hash(variant) == want, "\(name): hash changed")
        }
    }

    static let different: [(String, String)] = [
        ("one letter of text", base.replacingOccurrences("plain", "plane")),
        ("one byte of the attachment", base.replacingOccurrences("AAECAwQF", "AAECAwQG")),
        ("a line added", base.replacingOccurrences("Second line", "Inserted\nSecond line")),
        ("a part's type", base.replacingOccurrences("application/octet-stream", "application/pdf")),
        ("leading white space", base.replacingOccurrences("Second line", "  Second line")),
        (
            "a part removed",
            base.replacingOccurrences(
                "--m\nContent-Type: application/octet-stream", "--m--\nContent-Type: application/octet-stream")
        ),
    ]

    @Test("any change to the decoded content changes the hash")
    func contentChangesChangeTheHash() {
        let base = Self.hash(Self.base)
        for (name, variant) in Self.different {
            #expect(variant != Self.base, "\(name): the variant is the base message")
            #expect(Self.hash(variant) != base, "\(name): hash unchanged")
        }
    }

    @Test("the proof parts are not part of the hash")
    func proofPartsExcluded() {
        let withProof = Self.base.replacingOccurrences(
            "--m--", "--m\nContent-Type: \(ProofNames.statementType)\n\nanything\n--m--")
        #expect(Self.hash(withProof) == Self.hash(Self.base))
    }
}
