// Version 1 proofs (bouncesign before format 2) still verify for max-age
// after an upgrade (bouncesign(1) "Version 1"): a message signed the way
// version 1 signed it, with real GnuPG, bounced back whole, passes; altered
// or cut short, it fails.
import BounceKit
import Foundation
import Testing

@Suite("Version 1 proofs")
struct LegacyProofTests {
    let keyring = TestKeyring.shared

    /// The message as bouncesign 0.1 wrote it: the original as the first part
    /// of a multipart/mixed, the statement and clearsign parts, and the
    /// clearsigned text base64 in a v=1 header.
    func v1Signed(now: Int) throws -> [UInt8] {
        let boundary = "=_bouncesign_v1test"
        let head =
            "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: old mail\nMessage-ID: <v1.1@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\(boundary)\"\n\n"
        let content = "--\(boundary)\nContent-Type: text/plain\n\nSigned before the upgrade.\n"
        // mime-leaves/1 leaves the proof parts out: hash the message without them.
        let hash = CanonicalBody.hash(Array((head + content + "--\(boundary)--\n").utf8)[...])
        let statement = """
            bouncesign-statement: 1
            timestamp: \(now)
            nonce: 00112233445566778899aabbccddeeff
            message-id: <v1.1@example.org>
            canonicalization: mime-leaves/1
            body-hash: sha256:\(hash.map { String(format: "%02x", $0) }.joined())

            """
        let gpg = try run(
            "/usr/bin/gpg", ["--homedir", keyring.home, "--batch", "--yes", "-u", keyring.trusted, "--clearsign"],
            input: Array(statement.utf8))
        guard gpg.status == 0 else { throw TestFailure("gpg --clearsign: \(gpg.stderr)") }
        let clearsigned = String(decoding: gpg.stdout, as: UTF8.self)
        let b64 = Data(gpg.stdout).base64EncodedString()
        let field = "Bounce-Signature: v=1; a=openpgp-clearsign;\n b=" + b64 + "\n"
        let parts =
            "\n--\(boundary)\nContent-Type: \(ProofNames.statementType)\n\n\(statement)"
            + "\n--\(boundary)\nContent-Type: \(ProofNames.clearsignType)\n\n\(clearsigned)\n--\(boundary)--\n"
        return Array((field + head + content + parts).utf8)
    }

    @Test("a version 1 proof verifies whole; altered or cut short it fails")
    func legacyProofStillVerifies() throws {
        let signed = try v1Signed(now: Int(Date().timeIntervalSince1970) - 3600)
        let cases: [(String, [UInt8], Int32, String)] = [
            ("whole", bounce(of: signed), 0, "Bounce-Check: pass (body verified)"),
            ("headers only", bounce(of: signed, type: "text/rfc822-headers"), 0, "Bounce-Check: pass (headers only)"),
            (
                "altered",
                bounce(
                    of: Array(
                        String(decoding: signed, as: UTF8.self).replacingOccurrences(
                            of: "before the upgrade", with: "buy cheap pills"
                        ).utf8)),
                1, "Bounce-Check: fail (returned body does not match its hash)"
            ),
            (
                "cut short", Array(bounce(of: signed).prefix(while: { _ in true }).dropLast(60)), 1,
                "Bounce-Check: fail (returned body cannot be verified (it is cut short, and a version 1 proof"
            ),
        ]
        for (name, bounceBytes, wantStatus, want) in cases {
            let out = try bouncecheck(["-c", keyring.config, "--annotate"], input: bounceBytes)
            let line = out.text.split(separator: "\n").first.map(String.init) ?? ""
            #expect(line.hasPrefix(want), "\(name): got \(line), want \(want)")
            let plain = try bouncecheck(["-c", keyring.config], input: bounceBytes)
            #expect(plain.status == wantStatus, "\(name): exit \(plain.status), want \(wantStatus)")
        }
        let pass = try bouncecheck(["-c", keyring.config, "--annotate"], input: bounce(of: signed))
        #expect(pass.text.contains("bound=message-id"), "a version 1 pass says it binds the Message-ID only")
    }
}
