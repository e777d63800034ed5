// Crafted bounces that try to pass without our key (issue 5 item 3, issue 9
// item 9), and genuine bounces that must pass. One table of rows
// (name, bounce, verdict, reason), each built from mail the real bouncesign
// signed with a real GnuPG key, each run through the real bouncecheck as LF
// and as CRLF: the verdict keyword and the reason text (FailReason,
// Coverage) must both be the ones named, and the exit status must agree.
// A forgery that fails for the wrong reason proves nothing about the
// defence it was written for.
import BounceKit
import Foundation
import Testing

/// One signed message and the pieces a forger would cut out of it.
struct Forge {
    let keyring = TestKeyring.shared
    /// The message as bouncesign wrote it.
    let signed: [UInt8]
    let parsed: MailPart

    /// Signs `message` in filter mode, or, with `envelope`, in re-injection
    /// mode in front of a "sendmail" that writes the message to stdout.
    init(_ message: [UInt8] = Array(Samples.plain().utf8), envelope: [String]? = nil, config: String? = nil) throws {
        let conf = config ?? keyring.config
        if let envelope {
            let out = try bouncesign(
                ["-c", conf, "--", try Forge.sendmail(), "-i", "-f", "alice@example.org", "--"] + envelope, input: message)
            guard out.status == 0 else { throw TestFailure("bouncesign -- sendmail exited \(out.status): \(out.stderr)") }
            signed = out.stdout
        } else {
            signed = try EndToEndTests.signed(message, config: conf)
        }
        parsed = MailPart.parse(signed)
    }

    /// A stand-in for sendmail that ignores its arguments and copies the
    /// message to standard output.
    static func sendmail() throws -> String {
        let path = TestKeyring.shared.dir.appendingPathComponent("sendmail-to-stdout").path
        if !FileManager.default.fileExists(atPath: path) {
            try "#!/bin/sh\nexec cat\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return path
    }

    func part(_ type: String) -> MailPart { parsed.part(type)! }
    var statement: [UInt8] { Array(part(ProofNames.statementType).body) + [0x0A] }
    var clearsign: [UInt8] { Array(part(ProofNames.clearsignType).body) }
    var proofHeader: String { String(decoding: parsed.header.first(ProofNames.header)!.raw, as: UTF8.self) }
    var boundary: String { parsed.contentType.parameters["boundary"]! }
    /// The header block, blank line included, and the body after it.
    var head: [UInt8] { Array(signed[..<parsed.body.startIndex]) }
    var body: [UInt8] { Array(parsed.body) }

    /// The signed message with a part's body replaced.
    func replacing(_ type: String, with body: [UInt8], in bytes: [UInt8]? = nil) -> [UInt8] {
        let m = bytes ?? signed
        let p = MailPart.parse(m).part(type)!
        return Array(m[..<p.body.startIndex]) + body + Array(m[p.body.endIndex...])
    }

    /// `bytes` without its Bounce-Signature header field.
    func withoutHeader(_ bytes: [UInt8]) -> [UInt8] {
        let h = MailPart.parse(bytes).header.first(ProofNames.header)!.raw
        return Array(bytes[..<h.startIndex]) + Array(bytes[(h.endIndex + 1)...])
    }

    /// `bytes` with the Bounce-Signature field replaced by `field`.
    func withHeader(_ field: String, in bytes: [UInt8]? = nil) -> [UInt8] {
        Array((field + "\n").utf8) + withoutHeader(bytes ?? signed)
    }

    /// The header proof with b= holding `packet` instead of the signature.
    func header(signature packet: [UInt8]) -> String {
        let h = proofHeader
        let b = h.range(of: "b=")!
        return String(h[..<b.upperBound]) + String(decoding: Base64.encode(packet), as: UTF8.self)
    }

    /// The clearsigned text of this statement with `packet` as its
    /// signature, in the canonical form bouncecheck builds.
    func clearsigned(signature packet: [UInt8]) -> [UInt8] {
        SignedStatement(text: statement, signature: packet).clearsigned
    }

    /// The message without its header proof, one string changed in the
    /// clearsign part (and, with `statementToo`, in the statement part).
    func editingClearsign(_ old: String, to new: String, statementToo: Bool = false) -> [UInt8] {
        func edit(_ b: [UInt8]) -> [UInt8] {
            Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
        }
        let m = replacing(ProofNames.clearsignType, with: edit(clearsign))
        let both = statementToo ? replacing(ProofNames.statementType, with: edit(statement), in: m) : m
        return withoutHeader(both)
    }

    /// A message carrying `text` clearsigned by `keys` in both parts, and in
    /// the header when the signature is one packet.
    func carrying(statement text: [UInt8], keys: [String]) throws -> [UInt8] {
        let cs = try gpgClearsign(text, keys: keys)
        let body = replacing(ProofNames.statementType, with: text)
        let withPart = replacing(ProofNames.clearsignType, with: cs, in: body)
        guard let s = try? SignedStatement(clearsigned: cs) else { return withoutHeader(withPart) }
        let field = String(decoding: ProofHeader.field(s).raw, as: UTF8.self)
        return withHeader(field, in: withPart)
    }

    func gpgClearsign(_ text: [UInt8], keys: [String]) throws -> [UInt8] {
        let args = ["--homedir", keyring.home, "--batch", "--yes"] + keys.flatMap { ["-u", $0] } + ["--clearsign"]
        let r = try run("/usr/bin/gpg", args, input: text)
        guard r.status == 0 else { throw TestFailure("gpg --clearsign: \(r.stderr)") }
        return r.stdout
    }

    /// The genuine statement with one field changed (or removed, for "").
    func statement(replacing field: String, with value: String) -> [UInt8] {
        let lines = String(decoding: statement, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return Array(
            lines.compactMap { l -> Substring? in
                guard l.hasPrefix(field + ":") else { return l }
                return value.isEmpty ? nil : Substring("\(field): \(value)")
            }.joined(separator: "\n").utf8)
    }
}

/// Keys that once were good: one expired, one revoked, both in the trust
/// list. They live in a GnuPG home of their own, with a copy of the trusted
/// public key: making them writes the keyring, and in the shared home that
/// raced with the tests verifying against it (a genuine bounce once got 75,
/// keyring trouble, in a full parallel run).
struct SpoiledKeys {
    let expired: String, revoked: String
    let expiredSigned: [UInt8], revokedSigned: [UInt8]
    let config: String

    init(for forge: Forge) throws {
        let dir = try temporaryDirectory("spoiled")
        let home = dir.appendingPathComponent("gnupg").path
        try FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func gpg(_ args: [String], input: [UInt8] = []) throws -> Outcome {
            let r = try run("/usr/bin/gpg", ["--homedir", home, "--batch"] + args, input: input)
            guard r.status == 0 else { throw TestFailure("gpg \(args.first ?? ""): \(r.stderr)") }
            return r
        }
        let trusted = try run("/usr/bin/gpg", ["--homedir", forge.keyring.home, "--batch", "--export", forge.keyring.trusted])
        _ = try gpg(["--import"], input: trusted.stdout)
        func make(_ uid: String, _ expire: String) throws -> String {
            _ = try gpg(["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", expire])
            let list = try gpg(["--with-colons", "--list-keys", uid])
            guard
                let fpr = list.text.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?
                    .split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first
            else { throw TestFailure("no fpr") }
            return String(fpr)
        }
        expired = try make("Expiring <exp@example.org>", "seconds=3")
        revoked = try make("Revoked <rev@example.org>", "never")
        let expiredCS = try gpg(["--yes", "-u", expired, "--clearsign"], input: forge.statement).stdout
        let revokedCS = try gpg(["--yes", "-u", revoked, "--clearsign"], input: forge.statement).stdout
        expiredSigned = forge.withoutHeader(forge.replacing(ProofNames.clearsignType, with: expiredCS))
        revokedSigned = forge.withoutHeader(forge.replacing(ProofNames.clearsignType, with: revokedCS))
        let rev = try String(contentsOfFile: "\(home)/openpgp-revocs.d/\(revoked).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN")
        _ = try gpg(["--import"], input: Array(rev.utf8))
        _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"])  // checking needs no agent
        config = dir.appendingPathComponent("spoiled.conf").path
        let trust = [forge.keyring.trusted, expired, revoked].map { "trust \($0)\n" }.joined()
        try ("homedir \(home)\n" + trust).write(toFile: config, atomically: true, encoding: .utf8)
        usleep(3_500_000)  // let the expiring key expire
    }
}

/// Bounces as servers write them, around whatever a row returns.
enum Bounces {
    static let reportHead = """
        Return-Path: <>
        From: MAILER-DAEMON@mx.example.net
        To: alice@example.org
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="test-bounce"

        --test-bounce
        Content-Type: text/plain

        """

    /// An RFC 3464 report for `recipient` with a `text` part, then `parts`
    /// (type, bytes) as they are, then the closing delimiter.
    static func report(
        text: String = "Your message could not be delivered.\n", _ parts: [(String, [UInt8])],
        recipient: String = "nobody@example.net", original: String? = nil
    ) -> [UInt8] {
        var out = Array((reportHead + "\n" + text).utf8)
        out += Array(
            """

            --test-bounce
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            \(original.map { "Original-Recipient: rfc822; \($0)\n" } ?? "")Final-Recipient: rfc822; \(recipient)
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown

            """.utf8)
        for (type, bytes) in parts {
            out += Array("\n--test-bounce\nContent-Type: \(type)\n\n".utf8) + bytes
        }
        return out + Array("\n--test-bounce--\n".utf8)
    }

    /// qmail: the copy pasted after its separator line, nothing attached.
    static func qmail(_ copy: [UInt8], recipient: String = "nobody@example.net") -> [UInt8] {
        Array(
            """
            Return-Path: <>
            From: MAILER-DAEMON@mx.example.net
            To: alice@example.org
            Subject: failure notice

            Hi. This is the qmail-send program at mx.example.net.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <\(recipient)>:
            Sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.


            """.utf8) + copy
    }

    /// Exim: X-Failed-Recipients, the copy pasted after its separator.
    static func exim(_ copy: [UInt8], recipient: String = "nobody@example.net") -> [UInt8] {
        Array(
            """
            Return-Path: <>
            X-Failed-Recipients: \(recipient)
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            To: alice@example.org
            Subject: Mail delivery failed: returning message to sender

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              \(recipient)
                user unknown

            ------ This is a copy of the message, including all the headers. ------


            """.utf8) + copy
    }

    /// OpenSMTPD: the first `limit` bytes of the original in a
    /// text/rfc822-headers part, then the report's closing delimiter.
    static func openSMTPD(_ original: [UInt8], limit: Int = 64 << 10) -> [UInt8] {
        report([("text/rfc822-headers", Array(original.prefix(limit)))])
    }
}

extension Array where Element == UInt8 {
    /// Every occurrence of `old` replaced.
    func replacingAll(_ old: String, with new: String) -> [UInt8] {
        Array(String(decoding: self, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }

    /// Up to the end of the first line containing `marker`, then `extra` bytes more.
    func cut(after marker: String, plus extra: Int = 0) -> [UInt8] {
        guard let r = firstRange(of: Array(marker.utf8)), let lf = self[r.upperBound...].firstIndex(of: 0x0A) else { return self }
        return Array(prefix(Swift.min(count, lf + 1 + extra)))
    }

    /// `insert` placed before the first occurrence of `marker`.
    func inserting(_ insert: String, before marker: String) -> [UInt8] {
        replacingFirst(marker, with: insert + marker)
    }
}

/// One row: a bounce, the verdict keyword and a distinctive part of the
/// reason (and of the rest of the annotation) it must get.
struct BounceRow {
    var name: String
    var bounce: [UInt8]
    var verdict: String
    var reason: String
    var config: String = TestKeyring.shared.config
    /// Also in the annotation, e.g. "; bound=recipients".
    var annotation: String? = nil
}

/// Messages the rows start from.
enum Originals {
    /// A text part of 21 KB (past the first checkpoint), MARKER in its first
    /// line, and a 150 KiB attachment.
    static let multi: [UInt8] = {
        var s = Samples.header + "Message-ID: <multi.1@example.org>\nMIME-Version: 1.0\n"
        s += "Content-Type: multipart/mixed; boundary=\"mx\"\n\n--mx\nContent-Type: text/plain; charset=us-ascii\n\n"
        s += "MARKER multi text.\n"
        for i in 0..<300 { s += "line \(i) of the text part, long enough to pass the first checkpoint soon\n" }
        s += "--mx\nContent-Type: application/octet-stream; name=\"data.bin\"\nContent-Transfer-Encoding: base64\n\n"
        let data = (0..<(150 << 10)).map { UInt8(truncatingIfNeeded: ($0 * 7919) % 251) }
        s += String(decoding: Base64.encodeLines(data), as: UTF8.self)
        s += "\n--mx--\n"
        return Array(s.utf8)
    }()
}

@Suite("Forged bounces")
struct ForgedBounceTests {
    /// Runs every row as LF and CRLF through the real bouncecheck; returns
    /// the mismatches.
    static func judge(_ rows: [BounceRow]) throws -> (tried: Int, wrong: [String]) {
        var wrong: [String] = []
        var tried = 0
        for row in rows {
            for (suffix, bytes) in [("", row.bounce), (" (CRLF)", row.bounce.crlf)] {
                tried += 1
                let name = row.name + suffix
                let annotated = try bouncecheck(["-c", row.config, "--annotate"], input: bytes)
                let line = String(decoding: annotated.stdout.prefix(while: { $0 != 0x0A && $0 != 0x0D }), as: UTF8.self)
                let got = line.isEmpty ? "exit \(annotated.status): \(annotated.stderr.prefix(200))" : String(line.prefix(300))
                if ProcessInfo.processInfo.environment["FORGED_SHOW"] != nil { print("row \(name): \(got)") }
                let want = "\(row.verdict) (…\(row.reason)…)" + (row.annotation ?? "")
                let prefix = "Bounce-Check: \(row.verdict) ("
                if !line.hasPrefix(prefix) || !line.contains(row.reason) || !(row.annotation.map(line.contains) ?? true) {
                    wrong.append("\(name): got \(got), want \(want)")
                    continue
                }
                let checked = try bouncecheck(["-c", row.config], input: bytes)
                let wantStatus: Int32 = row.verdict == "pass" ? 0 : 1
                if checked.status != wantStatus {
                    wrong.append(
                        "\(name): got exit \(checked.status) (\(checked.stderr.prefix(300))), want \(wantStatus) (\(want))")
                }
            }
        }
        return (tried, wrong)
    }

    @Test("no crafted bounce passes without our key, and each fails for its own reason")
    func forgedBouncesFail() throws {
        let rows = try Self.forgedRows()
        let (tried, wrong) = try Self.judge(rows)
        print("forged: \(tried) tried, \(wrong.count) not failed")
        #expect(tried >= 90)
        #expect(rows.allSatisfy { $0.verdict == "fail" })
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test("genuine bounces pass, saying how much was verified and how strongly bound")
    func genuineBouncesPass() throws {
        let rows = try Self.genuineRows()
        let (tried, wrong) = try Self.judge(rows)
        print("genuine: \(tried) tried, \(wrong.count) not passed")
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test("a Bcc recipient is never named in the signed message")
    func bccIsNotRevealed() throws {
        let f = try Forge(envelope: ["bob@example.net", "carol.hidden@example.com"])
        #expect(!f.signed.contains("carol"), "the Bcc address is in the signed output")
        #expect(!f.signed.contains("example.com"), "the Bcc domain is in the signed output")
        #expect(f.statement.contains("\nr: 1\n"), "\(String(decoding: f.statement, as: UTF8.self))")
    }

    @Test("the whole proof of a short plain message is at most 1,500 bytes")
    func proofIsSmall() throws {
        let id = "<" + String(repeating: "a", count: 26) + "@example.org>"
        #expect(id.count == 40)
        let message = Array(Samples.plain().replacingOccurrences(of: "<plain.1@example.org>", with: id).utf8)
        let out = try signed(message)
        let added = out.count - message.count
        print("proof size: \(added) bytes (header and parts) for a \(message.count)-byte message")
        #expect(added <= 1_500, "the proof adds \(added) bytes")
    }
}
