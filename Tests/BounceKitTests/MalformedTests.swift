// Regression tests for what fuzzing and code review found
// (Fixtures/malformed/fuzz-*.eml): each must get a verdict without a trap.
// fuzz-005 (a header block ended by a delimiter line, which the streaming
// scanner took for preamble) is checked in StreamingHashTests.
import Foundation
import Testing

@testable import BounceKit

/// Accepts any clearsign as a good signature by a trusted key, returning the
/// signed text: lets hostile statements reach the checks after GnuPG.
struct AcceptingVerifier: ClearsignVerifying {
    static let key = String(repeating: "A", count: 40)
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        let text = String(decoding: clearsigned, as: UTF8.self)
        let body =
            text.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
            .components(separatedBy: "-----BEGIN PGP SIGNATURE-----").first ?? ""
        return Verification(plaintext: Array(body.utf8), signatures: [SignatureReport(fingerprint: Self.key, status: .good)])
    }
}

@Suite("Malformed input regressions")
struct MalformedTests {
    static let dir = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/malformed")

    @Test("every malformed fixture gets a verdict, with any verifier")
    func fixturesGetAVerdict() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix(".eml") }
        #expect(files.count >= 4)
        let policy = CheckPolicy(
            trusted: [AcceptingVerifier.key], maxAge: 604_800, clockSkew: 900, requireBody: false,
            now: 1_800_000_000)
        for name in files.sorted() {
            let bytes = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name)))
            let refused = BounceChecker(verifier: RefusingVerifier(), policy: policy).check(bytes)
            let accepted = BounceChecker(verifier: AcceptingVerifier(), policy: policy).check(bytes)
            #expect(refused.verdict != .pass(.body) && refused.verdict != .pass(.headersOnly), "\(name)")
            _ = accepted.verdict
        }
    }

    @Test("a statement timestamp that would overflow is malformed (fuzz-001)")
    func hugeTimestampIsMalformed() {
        for ts in ["-9223372036854775808", "99999999999999999999", "+5", "1e9", ""] {
            let text = Array(
                "bouncesign-statement: 1\ntimestamp: \(ts)\nnonce: 0\nmessage-id: <a@b>\ncanonicalization: mime-leaves/1\nbody-hash: sha256:\(String(repeating: "0", count: 64))\n"
                    .utf8)
            #expect(throws: Statement.ParseError.self, "\(ts)") { try Statement(parsing: text) }
        }
    }

    @Test("nested encoded messages stop decoding at the byte budget (fuzz-004)")
    func nestedEncodedMessagesAreBounded() {
        var m = "Subject: inner\n\nhello\n"
        for _ in 0..<10 {
            m =
                "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                + String(decoding: Base64.encodeLines(Array(m.utf8)), as: UTF8.self)
        }
        var small = Limits()
        small.maxDecodedBytes = 2_000
        let parsed = MIMEEntity.parse(Array(m.utf8), limits: small)
        #expect(parsed.contains(.tooComplex))
        #expect(MIMEEntity.parse(Array(m.utf8)).allEntities.count == 11, "within the default budget all levels are read")
    }
}
