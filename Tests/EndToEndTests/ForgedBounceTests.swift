// Crafted bounces that try to pass without our key (issue 5, item 3).
// Every one must fail; the test prints how many were tried.
import BounceKit
import Foundation
import Testing

/// Building blocks for forgeries of one signed message.
struct Forge {
    let keyring = TestKeyring.shared
    /// A genuinely signed message and its parts.
    let signed: [UInt8]
    let parsed: MIMEEntity

    init(_ message: [UInt8] = Array(Samples.plain().utf8)) throws {
        signed = try EndToEndTests.signed(message)
        parsed = MIMEEntity.parse(signed)
    }

    func part(_ type: String) -> MIMEEntity { parsed.parts.first { $0.contentType.mediaType == type }! }
    var statement: [UInt8] { Array(part(ProofNames.statementType).body) + [0x0A] }
    var clearsign: [UInt8] { Array(part(ProofNames.clearsignType).body) }
    var proofHeader: String { String(decoding: parsed.header.first(ProofNames.header)!.raw, as: UTF8.self) }

    /// The signed message with a part's body replaced.
    func replacing(_ type: String, with body: [UInt8]) -> [UInt8] {
        let p = part(type)
        return Array(signed[..<p.body.startIndex]) + body + Array(signed[p.body.endIndex...])
    }

    /// The signed message without its Bounce-Signature header.
    func withoutHeader(_ bytes: [UInt8]) -> [UInt8] {
        let h = MIMEEntity.parse(bytes).header.first(ProofNames.header)!.raw
        return Array(bytes[..<h.startIndex]) + Array(bytes[(h.endIndex + 1)...])
    }

    /// The message without its header proof, one string changed in the clearsign part.
    func editingClearsign(_ old: String, to new: String) -> [UInt8] {
        let edited = String(decoding: clearsign, as: UTF8.self).replacingOccurrences(of: old, with: new)
        return withoutHeader(replacing(ProofNames.clearsignType, with: Array(edited.utf8)))
    }

    /// A message carrying `statement` clearsigned by `keys`, in both parts and header.
    func carrying(statement text: [UInt8], keys: [String]) throws -> [UInt8] {
        let cs = try gpgClearsign(text, keys: keys)
        let body = replacing(ProofNames.statementType, with: text)
        let p = MIMEEntity.parse(body).parts.first { $0.contentType.mediaType == ProofNames.clearsignType }!
        let withPart = Array(body[..<p.body.startIndex]) + cs + Array(body[p.body.endIndex...])
        let header = ProofHeader.field(clearsigned: cs)
        return Array(header.raw) + [0x0A] + withoutHeader(withPart)
    }

    func gpgClearsign(_ text: [UInt8], keys: [String]) throws -> [UInt8] {
        let args = ["--homedir", keyring.home, "--batch", "--yes"] + keys.flatMap { ["-u", $0] } + ["--clearsign"]
        let r = try run("/usr/bin/gpg", args, input: text)
        guard r.status == 0 else { throw TestFailure("gpg --clearsign: \(r.stderr)") }
        return r.stdout
    }

    /// The genuine statement with one field changed.
    func statement(replacing field: String, with value: String) -> [UInt8] {
        let lines = String(decoding: statement, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return Array(lines.map { $0.hasPrefix(field + ":") ? Substring("\(field): \(value)") : $0 }.joined(separator: "\n").utf8)
    }
}

/// Keys that once were good: one expired, one revoked, both in the trust list.
struct SpoiledKeys {
    let expired: String, revoked: String
    let expiredSigned: [UInt8], revokedSigned: [UInt8]
    let config: String

    init(for forge: Forge) throws {
        let home = forge.keyring.home
        func make(_ uid: String, _ expire: String) throws -> String {
            let r = try run(
                "/usr/bin/gpg",
                [
                    "--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", uid,
                    "ed25519", "sign", expire,
                ])
            guard r.status == 0 else { throw TestFailure("quick-gen-key: \(r.stderr)") }
            let list = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--with-colons", "--list-keys", uid])
            guard
                let fpr = list.text.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?
                    .split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first
            else { throw TestFailure("no fpr") }
            return String(fpr)
        }
        let tag = UUID().uuidString.prefix(8)
        expired = try make("Expiring \(tag) <exp@example.org>", "seconds=3")
        revoked = try make("Revoked \(tag) <rev@example.org>", "never")
        let expiredCS = try forge.gpgClearsign(forge.statement, keys: [expired])
        let revokedCS = try forge.gpgClearsign(forge.statement, keys: [revoked])
        expiredSigned = Array(forge.withoutHeader(forge.replacing(ProofNames.clearsignType, with: expiredCS)))
        revokedSigned = Array(forge.withoutHeader(forge.replacing(ProofNames.clearsignType, with: revokedCS)))
        let rev = try String(contentsOfFile: "\(home)/openpgp-revocs.d/\(revoked).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN")
        _ = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--import"], input: Array(rev.utf8))
        config = try forge.keyring.config(named: "spoiled-\(tag).conf", trust: [forge.keyring.trusted, expired, revoked])
        usleep(3_500_000)  // let the expiring key expire
    }
}

@Suite("Forged bounces")
struct ForgedBounceTests {
    @Test("no crafted bounce passes without our key")
    func forgedBouncesFail() throws {
        let f = try Forge()
        let other = try Forge(Array(Samples.plain().replacingOccurrences(of: "plain.1@", with: "other.2@").utf8))
        let k = f.keyring
        let spoiled = try SpoiledKeys(for: f)
        let now = Int(Date().timeIntervalSince1970)
        setenv("GNUPGHOME", k.home, 1)
        let signer = MessageSigner(signer: GPGSigner(setup: GPGSetup(homedir: k.home), fingerprint: k.trusted), hostname: "x")
        let plain = Array(Samples.plain().utf8)
        let headersOnly = { (m: [UInt8]) in bounce(of: m, type: "text/rfc822-headers") }
        let swappedBody = f.signed.replacingFirst("MARKER plain text.", with: "Buy cheap watches!")
        let otherKeyConfig = try k.config(named: "forge-other.conf", key: k.other, trust: [k.trusted])
        let byOther = try signed(plain, config: otherKeyConfig)

        let cases: [(String, [UInt8], String)] = [
            ("no proof at all", bounce(of: plain), k.config),
            ("no proof, headers only", headersOnly(plain), k.config),
            ("body changed under a valid statement", bounce(of: swappedBody), k.config),
            ("signed by a key in the keyring that is not trusted", bounce(of: byOther), k.config),
            ("same, headers only", headersOnly(byOther), k.config),
            (
                "statement part differs: nonce",
                bounce(of: f.replacing(ProofNames.statementType, with: f.statement(replacing: "nonce", with: "00"))), k.config
            ),
            (
                "statement part differs: message-id",
                bounce(of: f.replacing(ProofNames.statementType, with: f.statement(replacing: "message-id", with: "<spam@x>"))),
                k.config
            ),
            (
                "statement part differs: body-hash",
                bounce(
                    of: f.replacing(
                        ProofNames.statementType,
                        with: f.statement(replacing: "body-hash", with: "sha256:" + String(repeating: "0", count: 64)))), k.config
            ),
            ("statement older than max-age", bounce(of: try signer.sign(plain, now: now - 8 * 86_400).bytes), k.config),
            ("same, headers only", headersOnly(try signer.sign(plain, now: now - 8 * 86_400).bytes), k.config),
            ("timestamp in the future", bounce(of: try signer.sign(plain, now: now + 86_400).bytes), k.config),
            (
                "returned Message-ID changed",
                bounce(of: f.signed.replacingFirst("<plain.1@example.org>", with: "<spam.1@example.org>")), k.config
            ),
            (
                "same, headers only", headersOnly(f.signed.replacingFirst("<plain.1@example.org>", with: "<spam.1@example.org>")),
                k.config
            ),
            ("another message's proof parts", bounce(of: f.replacing(ProofNames.clearsignType, with: other.clearsign)), k.config),
            (
                "another message's header proof, headers only",
                headersOnly(Array((other.proofHeader + "\n").utf8) + f.withoutHeader(f.signed)), k.config
            ),
            (
                "header proof from another message than the parts",
                bounce(of: Array((other.proofHeader + "\n").utf8) + f.withoutHeader(f.signed)), k.config
            ),
            (
                "our header proof and Message-ID on another body, returned whole",
                bounce(of: Array((f.proofHeader + "\nMessage-ID: <plain.1@example.org>\n\nBuy cheap watches!\n").utf8)),
                k.config
            ),
            ("two proof headers", bounce(of: Array((f.proofHeader + "\n").utf8) + f.signed), k.config),
            ("two proof headers, headers only", headersOnly(Array((f.proofHeader + "\n").utf8) + f.signed), k.config),
            (
                "two statement parts",
                bounce(
                    of: f.signed.replacingFirst(
                        "Content-Type: \(ProofNames.clearsignType)",
                        with:
                            "Content-Type: \(ProofNames.statementType)\n\nx\n--\(f.parsed.contentType.parameters["boundary"]!)\nContent-Type: \(ProofNames.clearsignType)"
                    )), k.config
            ),
            (
                "two clearsign parts",
                bounce(
                    of: f.signed.replacingFirst(
                        "Content-Type: \(ProofNames.statementType)",
                        with: "Content-Type: \(ProofNames.clearsignType)\n\n" + String(decoding: f.clearsign, as: UTF8.self)
                            + "\n--\(f.parsed.contentType.parameters["boundary"]!)\nContent-Type: \(ProofNames.statementType)")),
                k.config
            ),
            (
                "two signatures on one statement",
                bounce(of: try f.carrying(statement: f.statement, keys: [k.trusted, k.other])), k.config
            ),
            (
                "signature wrapping: text before the signed block",
                bounce(of: f.replacing(ProofNames.clearsignType, with: Array("message-id: <spam@x>\n".utf8) + f.clearsign)),
                k.config
            ),
            (
                "signature wrapping: a second signed block",
                bounce(of: f.replacing(ProofNames.clearsignType, with: other.clearsign + f.clearsign)), k.config
            ),
            (
                "signature wrapping: statement shown differs from statement signed",
                bounce(of: f.editingClearsign("timestamp: ", to: "timestamp: 9")), k.config
            ),
            (
                "armor changed: bad signature",
                bounce(of: f.editingClearsign("nonce: ", to: "nonce: 1")), k.config
            ),
            (
                "hash header changed",
                bounce(of: f.editingClearsign("Hash: SHA256", to: "Hash: SHA1")), k.config
            ),
            (
                "a detached signature instead of a clearsign",
                bounce(
                    of: f.withoutHeader(
                        f.replacing(
                            ProofNames.clearsignType,
                            with: Array(
                                f.clearsign.drop(while: { $0 != 0x2D }).split(separator: 0x0A).drop(while: {
                                    !$0.starts(with: Array("-----BEGIN PGP SIGNATURE".utf8))
                                }).joined(separator: [0x0A]))))), k.config
            ),
            ("signature by an expired key", bounce(of: spoiled.expiredSigned), spoiled.config),
            ("signature by a revoked key", bounce(of: spoiled.revokedSigned), spoiled.config),
            (
                "statement version 2, validly signed",
                bounce(
                    of: try f.carrying(statement: f.statement(replacing: "bouncesign-statement", with: "2"), keys: [k.trusted])),
                k.config
            ),
            (
                "statement without body-hash, validly signed",
                bounce(of: try f.carrying(statement: f.statement(replacing: "body-hash", with: ""), keys: [k.trusted])), k.config
            ),
            (
                "statement with an unknown canonicalization",
                bounce(
                    of: try f.carrying(statement: f.statement(replacing: "canonicalization", with: "none"), keys: [k.trusted])),
                k.config
            ),
            (
                "statement with a malformed timestamp",
                bounce(of: try f.carrying(statement: f.statement(replacing: "timestamp", with: "soon"), keys: [k.trusted])),
                k.config
            ),
            (
                "statement naming two Message-IDs",
                bounce(of: try f.carrying(statement: f.statement + Array("message-id: <spam@x>\n".utf8), keys: [k.trusted])),
                k.config
            ),
            ("header proof with v=2, headers only", headersOnly(Array(f.signed.replacingFirst("v=1;", with: "v=2;"))), k.config),
            (
                "header proof with bytes added to b=, headers only",
                headersOnly(Array(f.signed.replacingFirst(" b=", with: " b=QUJD"))), k.config
            ),
            (
                "proof in the bounce, not in the returned message", Array((f.proofHeader + "\n").utf8) + bounce(of: plain),
                k.config
            ),
            (
                "bounce of a bounce of our message",
                bounce(of: Array("Message-ID: <plain.1@example.org>\n".utf8) + bounce(of: f.signed)), k.config
            ),
            ("deeply nested message/rfc822", (0..<40).reduce(f.signed) { m, _ in bounce(of: m) }, k.config),
            (
                "encoded-word Message-ID",
                bounce(
                    of: f.signed.replacingFirst(
                        "Message-ID: <plain.1@example.org>", with: "Message-ID: =?utf-8?q?<plain.1@example.org>?=")), k.config
            ),
            (
                "Message-ID with a comment added",
                bounce(
                    of: f.signed.replacingFirst(
                        "Message-ID: <plain.1@example.org>", with: "Message-ID: <plain.1@example.org> (x)")), k.config
            ),
            (
                "NUL byte in the Message-ID",
                bounce(of: f.signed.replacingFirst("Message-ID: <plain.1", with: "Message-ID: <plain\u{0}.1")), k.config
            ),
            (
                "NUL bytes in the statement part", bounce(of: f.replacing(ProofNames.statementType, with: f.statement + [0, 0])),
                k.config
            ),
            (
                "charset trick: body re-declared in another charset",
                bounce(
                    of: f.signed.replacingFirst("charset=utf-8", with: "charset=utf-16")
                        .replacingFirst("MARKER plain", with: "MARKER plaim")), k.config
            ),
        ]
        var passed: [String] = []
        for (name, message, config) in cases {
            let r = try bouncecheck(["-c", config, "--annotate"], input: message)
            let line = r.text.split(separator: "\n").first.map(String.init) ?? ""
            if r.status != 0 || !line.hasPrefix("Bounce-Check: fail") {
                passed.append("\(name): exit \(r.status), \(line.prefix(160)) \(r.stderr.prefix(200))")
            }
        }
        print("forged: \(cases.count) tried, \(passed.count) not failed")
        #expect(cases.count >= 40)
        #expect(passed.isEmpty, "\(passed.joined(separator: "\n"))")
    }
}
