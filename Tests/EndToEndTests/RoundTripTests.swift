// Sign → bounce → check over varied messages (issue 2, item 8): every one
// passes; one changed character of the returned content fails; and a mail
// reader sees the same parts and the same decoded text as before signing.
import BounceKit
import Foundation
import Testing

/// The messages of the round trip. Each has the word MARKER in a text part,
/// where the tamper test changes one character.
enum Samples {
    static let header =
        "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: test\nDate: Sun, 29 Nov 2026 10:00:00 +0000\n"

    static func plain(id: Bool = true) -> String {
        header + (id ? "Message-ID: <plain.1@example.org>\n" : "") + "\nHello Bob,\nMARKER plain text.\n.\nFrom here on\n"
    }

    static let utf8 =
        header + """
            Message-ID: <utf8.1@example.org>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            Grüße aus Köln — MARKER ünïcödé ✓
            trailing spaces   

            """

    static let longLine =
        header + "Message-ID: <long.1@example.org>\n\nMARKER " + String(repeating: "long-line ", count: 150) + "end\nshort line\n"

    static let alternative =
        header + """
            Message-ID: <alt.1@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=us-ascii

            MARKER plain alternative
            --alt
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <p>HTML alternative caf=C3=A9</p>
            --alt--

            """

    static let nested =
        header + """
            Message-ID: <nested.1@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            This is a preamble.
            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            MARKER body with ümlauts
            --inner
            Content-Type: text/html

            <b>html</b>
            --inner--

            --outer
            Content-Type: application/octet-stream; name="data.bin"
            Content-Disposition: attachment; filename="data.bin"
            Content-Transfer-Encoding: base64

            AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4
            OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx
            --outer
            Content-Type: message/rfc822

            From: someone@example.com
            Subject: forwarded

            A forwarded message.
            --outer--
            Epilogue.

            """

    static func crlf() -> String { plain().replacingOccurrences(of: "\n", with: "\r\n") }

    /// A PGP/MIME-signed message (RFC 3156), signed by the keyring's other key.
    static func pgpMIME() throws -> String {
        let content = "Content-Type: text/plain; charset=us-ascii\r\n\r\nMARKER this text is PGP/MIME signed.\r\n-- \r\nAlice"
        let keyring = TestKeyring.shared
        let sig = try run(
            "/usr/bin/gpg",
            [
                "--homedir", keyring.home, "--batch", "--local-user", keyring.other,
                "--armor", "--detach-sign",
            ], input: Array(content.utf8))
        guard sig.status == 0 else { throw TestFailure("gpg --detach-sign: \(sig.stderr)") }
        return header.replacingOccurrences(of: "\n", with: "\r\n") + """
            Message-ID: <pgpmime.1@example.org>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"\r
            \r
            --sig\r
            \(content)\r
            --sig\r
            Content-Type: application/pgp-signature; name="signature.asc"\r
            \r
            \(sig.text.replacingOccurrences(of: "\n", with: "\r\n"))\r
            --sig--\r

            """
    }

    static func all() throws -> [(String, [UInt8])] {
        [
            ("plain ASCII", plain()), ("8-bit UTF-8", utf8), ("line over 998 bytes", longLine),
            ("multipart/alternative", alternative), ("nested multiparts with attachments", nested),
            ("PGP/MIME signed", try pgpMIME()), ("CRLF input", crlf()), ("no Message-ID", plain(id: false)),
        ]
        .map { ($0.0, Array($0.1.utf8)) }
    }
}

/// What a mail reader shows: each leaf's type and decoded text.
func readerView(_ message: [UInt8]) -> [String] {
    MailPart.parse(message).allEntities
        .filter { !$0.contentType.isMultipart && !$0.contentType.mediaType.hasPrefix("application/x-bouncesign") }
        .filter { $0.encapsulated == nil || $0.contentType.type == "message" }
        .map { leaf in
            let text = String(decoding: leaf.decodedBody, as: UTF8.self)
                .replacingOccurrences(of: "\r\n", with: "\n")
                .trimmingCharacters(in: .newlines)
            return "\(leaf.contentType.mediaType): \(text)"
        }
}

@Suite("Round trip over varied messages")
struct RoundTripTests {
    @Test("signed messages bounce back and pass with the body verified")
    func genuineBouncesPass() throws {
        for (name, message) in try Samples.all() {
            let (status, line) = try check(bounce(of: try signed(message)))
            #expect(status == 0, "\(name): got exit \(status) (\(line)), want 0")
            #expect(line.hasPrefix("Bounce-Check: pass (body verified)"), "\(name): got \(line)")
        }
    }

    @Test("one changed character of the returned content fails")
    func tamperedBouncesFail() throws {
        for (name, message) in try Samples.all() {
            let b = bounce(of: try signed(message))
            #expect(b.contains("MARKER"), "\(name): fixture lost its marker")
            let (status, line) = try check(b.replacingFirst("MARKER", with: "MARKEX"))
            #expect(status == 1, "\(name): got exit \(status) (\(line)), want 1")
            #expect(line.contains("returned body does not match its hash"), "\(name): got \(line)")
        }
    }

    @Test("a mail reader sees the same parts and text after signing")
    func readerSeesTheSameMessage() throws {
        for (name, message) in try Samples.all() {
            let before = readerView(message), after = readerView(try signed(message))
            #expect(before == after, "\(name): got \(after), want \(before)")
        }
    }

    @Test("signed output is 7-bit with lines of at most 998 bytes outside untouchable parts")
    func outputSurvivesTransit() throws {
        for (name, message) in try Samples.all() where name != "nested multiparts with attachments" {
            let out = try signed(message)
            #expect(!out.contains(where: { $0 >= 0x80 }), "\(name): 8-bit byte in output")
            let longest = out.split(separator: 0x0A, omittingEmptySubsequences: false).map(\.count).max() ?? 0
            #expect(longest <= 998, "\(name): line of \(longest) bytes")
            #expect(!out.contains(0x0D), "\(name): CR in output")
        }
    }

    @Test("an existing PGP/MIME signature still verifies after signing")
    func pgpMIMESignatureSurvives() throws {
        let out = try signed(Array(try Samples.pgpMIME().utf8))
        guard let part = MailPart.parse(out).allEntities.first(where: { $0.contentType.mediaType == "multipart/signed" }),
            part.parts.count == 2
        else { Issue.record("no multipart/signed in output"); return }
        let dir = try temporaryDirectory("pgpmime")
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = String(decoding: part.parts[0].raw, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        try content.write(to: dir.appendingPathComponent("content"), atomically: true, encoding: .utf8)
        try Data(part.parts[1].decodedBody).write(to: dir.appendingPathComponent("sig.asc"))
        let verify = try run(
            "/usr/bin/gpg",
            [
                "--homedir", TestKeyring.shared.home, "--batch", "--verify",
                dir.appendingPathComponent("sig.asc").path,
                dir.appendingPathComponent("content").path,
            ])
        #expect(verify.status == 0, "gpg --verify: \(verify.stderr)")
    }

    @Test("a message without Message-ID gets one, and the proof is bound to it")
    func messageIDIsAdded() throws {
        let out = try signed(Array(Samples.plain(id: false).utf8))
        let id = MailPart.parse(out).header["Message-ID"]
        #expect(id?.hasPrefix("<") == true)
        let statement = MailPart.parse(out).allEntities.first { $0.contentType.mediaType == ProofNames.statementType }
        #expect(statement.map { String(decoding: $0.body, as: UTF8.self).contains("\nid: \(id ?? "?")\n") } == true)
    }

    @Test("headers-only returns pass on the header proof and say so")
    func headersOnlyReturnPassesOnHeaderProof() throws {
        let b = bounce(of: try signed(Array(Samples.plain().utf8)), type: "text/rfc822-headers")
        let (status, line) = try check(b)
        #expect(status == 0)
        #expect(line.hasPrefix("Bounce-Check: pass (headers only)"), "got \(line)")
        let (strict, strictLine) = try check(b, args: ["--require-body"])
        #expect(strict == 1, "require-body: got \(strict) (\(strictLine))")
    }

    @Test("originals pasted inline by Exim, qmail and Gmail pass with the pasted body verified")
    func inlineReturnsPass() throws {
        let signedCopy = String(decoding: try signed(Array(Samples.plain().utf8)), as: UTF8.self)
        let styles = [
            (
                "Exim",
                "X-Failed-Recipients: bob@example.net\nSubject: Mail delivery failed: returning message to sender\nFrom: Mail Delivery System <Mailer-Daemon@mx.example.net>",
                "------ This is a copy of the message, including all the headers. ------"
            ),
            (
                "qmail", "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice",
                "--- Below this line is a copy of the message."
            ),
            (
                "Gmail",
                "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification (Failure)",
                "----- Original message -----"
            ),
        ]
        for (name, head, separator) in styles {
            let b =
                "Return-Path: <>\n\(head)\nTo: alice@example.org\n\nThis message could not be delivered.\n\n\(separator)\n\n\(signedCopy)"
            let (status, line) = try check(Array(b.utf8))
            #expect(status == 0 && line.hasPrefix("Bounce-Check: pass (body verified)"), "\(name): got \(line)")
            let forged = b.replacingOccurrences(of: "Message-ID: <plain.1@", with: "Message-ID: <spam.1@")
            #expect(try check(Array(forged.utf8)).0 == 1, "\(name): forged copy")
        }
    }

    @Test("a whole return whose proof attachments a gateway stripped still passes on the header, body hashed")
    func strippedProofPartsStillVerifyTheBody() throws {
        let s = try signed(Array(Samples.plain().utf8))
        let parsed = MailPart.parse(s)
        guard let first = parsed.parts.first(where: { $0.contentType.mediaType == ProofNames.statementType }) else {
            Issue.record("no statement part")
            return
        }
        // Cut from the statement part's delimiter line to the closing delimiter.
        let boundary = parsed.contentType.parameters["boundary"] ?? ""
        let cutStart = first.raw.startIndex - ("--" + boundary + "\n").utf8.count - 1
        let closing = Array("\n--\(boundary)--".utf8)
        guard let cutEnd = s.firstRange(of: closing)?.lowerBound else { Issue.record("no closing delimiter"); return }
        let stripped = Array(s[..<cutStart]) + Array(s[cutEnd...])
        let (status, line) = try check(bounce(of: stripped))
        #expect(status == 0 && line.hasPrefix("Bounce-Check: pass (body verified)"), "got \(line)")
        let (tampered, tamperedLine) = try check(bounce(of: stripped.replacingFirst("MARKER", with: "MARKEX")))
        #expect(tampered == 1, "got \(tamperedLine)")
    }
}
