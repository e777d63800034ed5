// The DKIM proof's decision and its tap, without libopendkim: a stand-in
// verifier records exactly what the reader feeds it and reports the
// signatures a test chooses. Real signatures: Tests/EndToEndTests/DKIMProofTests.swift.
import Foundation
import Testing

@testable import BounceKit

/// Records what it is fed; reports `checks`.
final class RecordingDKIM: DKIMVerifying, @unchecked Sendable {
    let domains: [String]
    var checks: [DKIMSignatureCheck]
    private(set) var started = 0
    private(set) var fed: [RecordingVerification] = []

    init(domains: [String] = ["example.org"], checks: [DKIMSignatureCheck]) {
        self.domains = domains
        self.checks = checks
    }

    func start() -> Result<any DKIMVerification, DKIMError> {
        started += 1
        let v = RecordingVerification(checks)
        fed.append(v)
        return .success(v)
    }
}

final class RecordingVerification: DKIMVerification {
    var headers: [[UInt8]] = []
    var body: [UInt8] = []
    var finished = 0
    let checks: [DKIMSignatureCheck]
    init(_ c: [DKIMSignatureCheck]) { checks = c }
    func header(_ field: [UInt8]) { headers.append(field) }
    func endOfHeader() {}
    func body(_ bytes: UnsafeBufferPointer<UInt8>) { body += bytes }
    func finish() -> DKIMOutcome {
        finished += 1
        return .checked(checks)
    }
}

@Suite("DKIM proof decision")
struct DKIMProofDecisionTests {
    static let now = 1_800_000_000
    static let original = """
        DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;
        \th=from:to:subject; bh=x; b=y
        From: Alice <alice@example.org>
        To: bob@example.net
        Subject: hello
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"

        preamble
        --b
        Content-Type: text/plain

        text  \n--b--

        """

    static func good(_ edit: (inout DKIMSignatureCheck) -> Void = { _ in }) -> DKIMSignatureCheck {
        var c = DKIMSignatureCheck(
            domain: "example.org", selector: "sel", status: .good, bodyHash: .match, signedHeaders: ["from", "to", "subject"],
            signedAt: now - 3600, bodyLength: 40)
        edit(&c)
        return c
    }

    static func policy(headersOnly: Bool = true, requireBody: Bool = false) -> CheckPolicy {
        var p = CheckPolicy(
            trusted: [TestKey.fingerprint], maxAge: 7 * 86_400, clockSkew: 900, requireBody: requireBody, now: now)
        p.dkim = DKIMPolicy(domains: ["example.org"], maxAge: 7 * 86_400, headersOnly: headersOnly)
        return p
    }

    static func verdict(
        _ message: String = original, checks: [DKIMSignatureCheck], as type: String = "message/rfc822",
        policy: CheckPolicy = policy()
    ) -> (Verdict, RecordingDKIM) {
        let dkim = RecordingDKIM(checks: checks)
        // A headers-only return holds the header block alone.
        let returned = type == "text/rfc822-headers" ? String(message[..<message.range(of: "\n\n")!.upperBound]) : message
        let bounce = TestMail.bounce(returning: Array(returned.utf8), as: type)
        return (BounceChecker(verifier: RefusingVerifier(), policy: policy, dkim: dkim).check(bounce).verdict, dkim)
    }

    @Test("the verification is fed the returned original as it came: header fields and every body line, CRLF")
    func feedsTheRawOriginal() throws {
        let (v, dkim) = Self.verdict(checks: [Self.good()])
        #expect(v == .pass(.dkim(domain: "example.org", bodyVerified: true)))
        let fed = try #require(dkim.fed.first)
        let lines = Self.original.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(fed.headers.count == 6)
        #expect(fed.headers[0] == Array((lines[0] + "\r\n" + lines[1]).utf8))
        let body = lines[8...].joined(separator: "\r\n")
        #expect(String(decoding: fed.body, as: UTF8.self).hasPrefix(body.trimmingCharacters(in: .newlines)))
    }

    @Test("ordinary mail pays nothing: no DKIM-Signature of ours, no verification started")
    func noVerificationWithoutOurSignature() {
        let theirs = Self.original.replacingOccurrences("d=example.org", "d=other.example")
        let (v, dkim) = Self.verdict(theirs, checks: [Self.good()])
        #expect(v == .fail(.noProof))
        #expect(dkim.started == 0)
    }

    @Test("each rule of the decision, with its reason")
    func rules() {
        let cases: [(String, [DKIMSignatureCheck], String, CheckPolicy, Verdict)] = [
            (
                "whole, good", [Self.good()], "message/rfc822", Self.policy(),
                .pass(.dkim(domain: "example.org", bodyVerified: true))
            ),
            (
                "headers only", [Self.good { $0.bodyHash = .mismatch }], "text/rfc822-headers", Self.policy(),
                .pass(.dkim(domain: "example.org", bodyVerified: false))
            ),
            (
                "headers only refused", [Self.good()], "text/rfc822-headers", Self.policy(headersOnly: false),
                .fail(.dkim(.headersOnlyRefused))
            ),
            (
                "headers only, require-body", [Self.good()], "text/rfc822-headers", Self.policy(requireBody: true),
                .fail(.bodyRequired)
            ),
            (
                "body hash untested counts as no match", [Self.good { $0.bodyHash = .untested }], "message/rfc822", Self.policy(),
                .fail(.dkim(.bodyAltered))
            ),
            ("bad signature", [Self.good { $0.status = .bad }], "message/rfc822", Self.policy(), .fail(.dkim(.badSignature))),
            (
                "no key", [Self.good { $0.status = .noKey }], "message/rfc822", Self.policy(),
                .fail(.dkim(.noKey("sel._domainkey.example.org")))
            ),
            (
                "DNS did not answer: temporary", [Self.good { $0.status = .keyUnavailable("key DNS query failed") }],
                "message/rfc822",
                Self.policy(), .temperror("cannot fetch the DKIM key sel._domainkey.example.org: key DNS query failed")
            ),
            (
                "h= without From", [Self.good { $0.signedHeaders = ["to", "subject"] }], "message/rfc822", Self.policy(),
                .fail(.dkim(.fromNotSigned))
            ),
            ("expired x=", [Self.good { $0.expiresAt = Self.now - 1 }], "message/rfc822", Self.policy(), .fail(.dkim(.expired))),
            (
                "stale t=", [Self.good { $0.signedAt = Self.now - 8 * 86_400 }], "message/rfc822", Self.policy(),
                .fail(.dkim(.stale(ageSeconds: 8 * 86_400)))
            ),
            (
                "future t=", [Self.good { $0.signedAt = Self.now + 3600 }], "message/rfc822", Self.policy(),
                .fail(.dkim(.future(seconds: 3600)))
            ),
            ("no t=, no Date", [Self.good { $0.signedAt = nil }], "message/rfc822", Self.policy(), .fail(.dkim(.undated))),
            (
                "l= short", [Self.good { $0.signedLength = 10 }], "message/rfc822", Self.policy(),
                .fail(.dkim(.lengthShort(signed: 10, returned: 40)))
            ),
            (
                "a good one among bad ones passes", [Self.good { $0.status = .bad }, Self.good()], "message/rfc822",
                Self.policy(),
                .pass(.dkim(domain: "example.org", bodyVerified: true))
            ),
        ]
        for (name, checks, type, policy, want) in cases {
            let got = Self.verdict(checks: checks, as: type, policy: policy).0
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    @Test("From must be the signing domain or a subdomain, and only one From")
    func fromDomain() {
        for (from, pass) in [
            ("alice@example.org", true), ("news@lists.example.org", true), ("alice@badexample.org", false),
            ("alice@example.org.evil", false), ("alice@example.org, mallory@evil.example", false),
        ] {
            let m = Self.original.replacingOccurrences("Alice <alice@example.org>", from)
            let got = Self.verdict(m, checks: [Self.good()]).0
            #expect((got == .pass(.dkim(domain: "example.org", bodyVerified: true))) == pass, "\(from): got \(got)")
        }
        let twice = Self.original.replacingOccurrences("To: bob", "From: alice@example.org\nTo: bob")
        #expect(Self.verdict(twice, checks: [Self.good()]).0 == .fail(.dkim(.fromOutside("example.org"))))
    }

    @Test("no t=: the returned copy's Date gives the age")
    func dateStandsInForT() {
        let dated = Self.original.replacingOccurrences("Subject: hello", "Subject: hello\nDate: Fri, 15 Jan 2027 08:00:00 +0000")
        // 1_800_000_000 is 2027-01-15 08:00:00 UTC.
        #expect(
            Self.verdict(dated, checks: [Self.good { $0.signedAt = nil }]).0
                == .pass(.dkim(domain: "example.org", bodyVerified: true)))
        #expect(MailDate.unixTime("Fri, 15 Jan 2027 08:00:00 +0000") == 1_800_000_000)
        #expect(MailDate.unixTime("15 Jan 27 10:00 +0200") == 1_800_000_000)
        #expect(MailDate.unixTime("Fri, 15 Jan 2027 03:00:00 EST") == 1_800_000_000)
        #expect(MailDate.unixTime("yesterday") == nil)
    }

    @Test("a bouncesign proof decides; the DKIM key is never looked up")
    func proofFirst() throws {
        let (v, dkim) = Self.verdict(
            Self.original.replacingOccurrences("Subject: hello", "Bounce-Signature: v=2; garbage"), checks: [Self.good()])
        #expect(v != .pass(.dkim(domain: "example.org", bodyVerified: true)))
        #expect(dkim.fed.allSatisfy { $0.finished == 0 })
    }
}
