// Regression tests for what fuzzing and code review found
// (Fixtures/malformed/fuzz-*.eml): each gets a clear verdict, as LF and as
// CRLF, whatever the verifier says, and never a temperror (nothing in the
// input may cause one). fuzz-005 (a header block ended by a delimiter line)
// is also checked on the scanner itself in MIMEScannerTests.
import Foundation
import Testing

@testable import BounceKit

@Suite("Malformed input regressions")
struct MalformedTests {
    static let dir = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/malformed")

    static func fixtures() throws -> [(String, [UInt8])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try files.map { ($0, [UInt8](try Data(contentsOf: dir.appendingPathComponent($0)))) }
    }

    @Test("every malformed fixture, as LF and CRLF, gets a verdict that is neither pass nor temperror, with any verifier")
    func fixturesGetAClearVerdict() throws {
        let fixtures = try Self.fixtures()
        #expect(fixtures.count >= 5)
        for (file, original) in fixtures {
            for (ends, bytes) in lfAndCRLF(original) {
                for (who, verifier) in [("refusing", RefusingVerifier()), ("accepting", AcceptingVerifier())]
                    as [(String, any ClearsignVerifying)]
                {
                    let got = BounceChecker(verifier: verifier, policy: TestKey.policy()).check(bytes).verdict
                    let name = "\(file) (\(ends), \(who) verifier)"
                    if case .pass = got { Issue.record("\(name): got \(got), want no pass") }
                    if case .temperror = got { Issue.record("\(name): got \(got), want a verdict") }
                }
            }
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

    @Test("nested encoded messages are read one level deep, in linear time (fuzz-004)")
    func nestedEncodedMessagesAreBounded() {
        // The scanner keeps message/rfc822 a leaf: only the outermost returned
        // original is read, its own message/rfc822 body is content.
        var m = "Subject: inner\nMessage-ID: <in@example.org>\n\nhello\n"
        for _ in 0..<10 {
            m =
                "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                + String(decoding: Base64.encodeLines(Array(m.utf8)), as: UTF8.self)
        }
        let bounce = TestMail.bounce(returning: Array(("Message-ID: <out@example.org>\n" + m).utf8))
        let outline = BounceOutline.read(bounce[...])
        #expect(outline.entities.count == 4, "got \(outline.entities.count) entities, want 4")
        let leaves = outline.entities.last?.original?.leaves.count
        #expect(leaves == 1, "got \(leaves.map(String.init) ?? "no original"), want 1 leaf")
        let got = TestMail.verdict(bounce)
        #expect(got == .fail(.noProof), "got \(got), want fail(noProof)")
    }
}
