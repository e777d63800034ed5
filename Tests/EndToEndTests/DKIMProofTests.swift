// Our own DKIM signature as proof (issue 13 item 5): messages DKIM-signed by
// a real signer (dkimpy, Debian python3-dkim, through Tests/mta/dkim-sign.py)
// with rsa-sha256 and ed25519-sha256, relaxed and simple, returned whole and
// headers only, checked by the real bouncecheck with libopendkim and keys
// from a dkim-keys file (no network). One table of rows (name, bounce,
// verdict, reason), each run as LF and CRLF like the forged-bounce table: a
// forgery must fail for the reason it was written for.
import BounceKit
import Foundation
import Testing

/// Keys, a dkim-keys file and configs for the DKIM rows, made once.
final class DKIMFixture: Sendable {
    static let shared: DKIMFixture = {
        do { return try DKIMFixture() } catch { fatalError("cannot set up the DKIM keys: \(error)") }
    }()

    let dir: URL
    /// The dkim-keys file: rsa and ed for example.org, rsa for other.example.
    let keys: String
    /// trust + dkim-domain example.org + dkim-keys.
    let config: String
    /// The same with dkim-headers-only no.
    let strictConfig: String
    /// No dkim-domain: the feature off.
    let offConfig: String
    static let signer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../mta/dkim-sign.py").standardized.path

    private init() throws {
        let dir = try temporaryDirectory("dkim")
        self.dir = dir
        for (name, type) in [("rsa", "rsa"), ("ed", "ed25519"), ("stranger", "rsa")] {
            let r = try run("/usr/bin/dknewkey", ["--ktype", type, dir.appendingPathComponent(name).path])
            guard r.status == 0 else { throw TestFailure("dknewkey: \(r.stderr)") }
        }
        func record(_ name: String) throws -> String {
            try String(contentsOfFile: dir.appendingPathComponent("\(name).dns").path, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let keys = dir.appendingPathComponent("dkim-keys").path
        self.keys = keys
        try """
        # selector._domainkey.domain, then the TXT record
        rsa._domainkey.example.org \(try record("rsa"))
        ed._domainkey.example.org \(try record("ed"))

        rsa._domainkey.other.example \(try record("rsa"))

        """.write(toFile: keys, atomically: true, encoding: .utf8)
        let k = TestKeyring.shared
        let dkim = "dkim-domain example.org\ndkim-keys \(keys)\n"
        config = try k.config(named: "dkim.conf", trust: [k.trusted], extra: dkim)
        strictConfig = try k.config(named: "dkim-strict.conf", trust: [k.trusted], extra: dkim + "dkim-headers-only no\n")
        offConfig = try k.config(named: "dkim-off.conf", trust: [k.trusted], extra: "dkim-keys \(keys)\n")
    }

    /// `message` DKIM-signed by dkimpy.
    func sign(
        _ message: [UInt8], key: String = "rsa", selector: String? = nil, domain: String = "example.org",
        algorithm: String = "rsa-sha256", canon: String = "relaxed", extra: [String] = []
    ) throws -> [UInt8] {
        let args =
            [
                Self.signer, dir.appendingPathComponent("\(key).key").path, selector ?? key, domain, algorithm, canon,
            ] + extra
        let r = try run("/usr/bin/python3", args, input: message)
        guard r.status == 0 else { throw TestFailure("dkim-sign.py: \(r.stderr)") }
        return r.stdout
    }
}

@Suite("DKIM proof")
struct DKIMProofTests {
    static let now = Int(Date().timeIntervalSince1970)

    /// A message from example.org, dated now, with MARKER in its body.
    static func message(from: String = "alice@example.org", body: String = "MARKER: the text we sent.\nSecond line.\n")
        -> [UInt8]
    {
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return Array(
            """
            From: Alice <\(from)>
            To: bob@example.net
            Subject: DKIM-signed before bouncesign
            Date: \(date.string(from: Date()))
            Message-ID: <dkim.\(UUID().uuidString)@example.org>

            \(body)
            """.utf8)
    }

    /// The header block of `m`, blank line included (a headers-only return).
    static func headers(_ m: [UInt8]) -> [UInt8] {
        let end = m.firstRange(of: Array("\n\n".utf8))!.upperBound
        return Array(m[..<end])
    }

    static func whole(_ m: [UInt8]) -> [UInt8] { Bounces.report([("message/rfc822", m)]) }
    static func headersOnly(_ m: [UInt8]) -> [UInt8] { Bounces.report([("text/rfc822-headers", headers(m))]) }

    static let bodyVerified = "(DKIM example.org, body verified)"
    static let headersVerified = "(DKIM example.org, headers only)"

    static func rows() throws -> [BounceRow] {
        let f = DKIMFixture.shared
        var rows: [BounceRow] = []
        for (key, alg) in [("rsa", "rsa-sha256"), ("ed", "ed25519-sha256")] {
            for canon in ["relaxed", "simple"] {
                let s = try f.sign(message(), key: key, algorithm: alg, canon: canon)
                rows += [
                    .init(
                        name: "pass whole, \(alg) \(canon)", bounce: whole(s), verdict: "pass", reason: bodyVerified,
                        config: f.config),
                    .init(
                        name: "pass headers-only, \(alg) \(canon)", bounce: headersOnly(s), verdict: "pass",
                        reason: headersVerified, config: f.config),
                    .init(
                        name: "body altered, \(alg) \(canon)", bounce: whole(s.replacingFirst("MARKER", with: "SPAMMY")),
                        verdict: "fail", reason: "(bad DKIM signature: returned body does not match its body hash)",
                        config: f.config),
                    .init(
                        name: "header altered, \(alg) \(canon)",
                        bounce: whole(s.replacingFirst("Subject: DKIM", with: "Subject: Cheap")), verdict: "fail",
                        reason: "(bad DKIM signature)", config: f.config),
                ]
            }
        }
        let plain = try f.sign(message())
        let hour = 3600
        rows += [
            .init(
                name: "another domain's signature", bounce: whole(try f.sign(message(), domain: "other.example")),
                verdict: "fail", reason: "(returned message carries no proof)", config: f.config),
            .init(
                name: "our domain, another key", bounce: whole(try f.sign(message(), key: "stranger", selector: "rsa")),
                verdict: "fail", reason: "(bad DKIM signature)", config: f.config),
            .init(
                name: "our domain, selector not published",
                bounce: whole(try f.sign(message(), key: "stranger", selector: "gone")), verdict: "fail",
                reason: "(bad DKIM signature: no key published at gone._domainkey.example.org)", config: f.config),
            .init(
                name: "expired x=",
                bounce: whole(try f.sign(message(), extra: ["--t", "\(now - 2 * hour)", "--x", "\(now - hour)"])),
                verdict: "fail", reason: "(DKIM signature has expired)", config: f.config),
            .init(
                name: "t= older than dkim-max-age", bounce: whole(try f.sign(message(), extra: ["--t", "\(now - 8 * 86_400)"])),
                verdict: "fail", reason: "(DKIM signature is 69120", config: f.config),
            .init(
                name: "From outside the signing domain", bounce: whole(try f.sign(message(from: "alice@evil.example"))),
                verdict: "fail", reason: "(From is not in the DKIM signing domain example.org)", config: f.config),
            .init(
                name: "From in a subdomain", bounce: whole(try f.sign(message(from: "news@lists.example.org"))),
                verdict: "pass", reason: bodyVerified, config: f.config),
            .init(
                name: "l= covering the whole body", bounce: whole(try f.sign(message(), extra: ["--l"])), verdict: "pass",
                reason: bodyVerified, config: f.config),
            .init(
                name: "l= with spam appended",
                bounce: whole(try f.sign(message(), extra: ["--l"]) + Array(ForgedBounceTests.spam.utf8)), verdict: "fail",
                reason: "(bad DKIM signature: l=", config: f.config),
            .init(
                name: "headers-only with dkim-headers-only no", bounce: headersOnly(plain), verdict: "fail",
                reason: "dkim-headers-only is no", config: f.strictConfig),
            .init(
                name: "whole with dkim-headers-only no", bounce: whole(plain), verdict: "pass", reason: bodyVerified,
                config: f.strictConfig),
            .init(
                name: "no dkim-domain: the feature is off", bounce: whole(plain), verdict: "fail",
                reason: "(returned message carries no proof)", config: f.offConfig),
            .init(
                name: "pasted inline (qmail)", bounce: Bounces.qmail(plain), verdict: "pass", reason: bodyVerified,
                config: f.config),
        ]
        // Both proofs: the bouncesign proof decides (DKIM made after
        // bouncesign survives, FACTS.md).
        let both = try f.sign(try signed(message()))
        rows += [
            .init(
                name: "bouncesign proof and DKIM: the proof decides", bounce: whole(both), verdict: "pass",
                reason: "(body verified)", config: f.config, annotation: "; bound=headers"),
            .init(
                name: "bouncesign proof altered, DKIM valid: the proof decides",
                bounce: whole(try f.sign(ForgedBounceTests.alter(try signed(message())))), verdict: "fail",
                reason: "(returned body does not match its hash (part 1))", config: f.config),
        ]
        return rows
    }

    @Test("DKIM-signed returns pass or fail, each for its own reason")
    func table() throws {
        let rows = try Self.rows()
        for row in rows {
            let r = try bouncecheck(["-c", row.config, "--annotate"], input: row.bounce)
            let line = String(decoding: r.stdout.prefix(while: { $0 != 0x0A }), as: UTF8.self)
            let got = line.split(separator: ";").first.map { String($0.dropFirst("Bounce-Check: ".count)) } ?? "exit \(r.status)"
            print(row.name.padding(toLength: 58, withPad: " ", startingAt: 0) + " | " + got)
        }
        let (tried, wrong) = try ForgedBounceTests.judge(rows)
        print("dkim: \(tried) tried, \(wrong.count) wrong")
        #expect(tried >= 60)
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test("--explain says which proof decided")
    func explainSaysWhichProofDecided() throws {
        let f = DKIMFixture.shared
        let dkimOnly = try bouncecheck(["-c", f.config, "--explain"], input: Self.whole(try f.sign(Self.message())))
        #expect(dkimOnly.status == 0)
        #expect(dkimOnly.text.contains("proof: none; judging the DKIM signature of example.org"))
        #expect(
            dkimOnly.text.contains(
                "dkim: d=example.org s=rsa a=rsa-sha256 c=relaxed/relaxed: header signature good, body hash matches"))
        let both = try bouncecheck(["-c", f.config, "--explain"], input: Self.whole(try f.sign(try signed(Self.message()))))
        #expect(both.status == 0)
        #expect(both.text.contains("proof: decided by the bouncesign proof; the DKIM signature was not needed"))
        #expect(!both.text.contains("dkim: d="))
    }

    @Test("--check reports the DKIM domains and their key records")
    func setupCheck() throws {
        let f = DKIMFixture.shared
        let good = try bouncecheck(["-c", f.config, "--check"])
        #expect(good.status == 0, "\(good.text)")
        #expect(good.text.contains("ok: libopendkim loads"))
        #expect(good.text.contains("ok: dkim-keys \(f.keys): key record for example.org (selector rsa, ed)"))
        let k = TestKeyring.shared
        let missing = try k.config(
            named: "dkim-missing.conf", trust: [k.trusted],
            extra: "dkim-domain example.org\ndkim-domain example.net\ndkim-keys \(f.keys)\n")
        let bad = try bouncecheck(["-c", missing, "--check"])
        #expect(bad.status == 78)
        #expect(bad.text.contains("error: dkim-keys \(f.keys) has no key record for example.net"))
    }
}
