// Messages larger than bouncecheck reads into memory (Limits.maxParsedBytes):
// the rest streams through untouched, and a returned original cut there is
// judged on its header proof.
import BounceKit
import Foundation
import Testing

@Suite("Large messages")
struct LargeMessageTests {
    static let big: [UInt8] = {
        var s = "From: a@example.org\nSubject: big\nMessage-ID: <big.1@example.org>\n\n"
        let line = String(repeating: "0123456789", count: 7) + "\n"
        s.reserveCapacity(12 << 20)
        while s.utf8.count < Limits.standard.maxParsedBytes + (2 << 20) { s += line }
        return Array(s.utf8)
    }()

    @Test("an ordinary message above the parse limit passes through --annotate whole")
    func annotatePassesTheRestThrough() throws {
        let r = try bouncecheck(["-c", TestKeyring.shared.config, "--annotate"], input: Self.big)
        #expect(r.status == 0)
        let header = Array("Bounce-Check: none (not a bounce)\n".utf8)
        #expect(Array(r.stdout.prefix(header.count)) == header)
        #expect(r.stdout.count == Self.big.count + header.count)
        #expect(Array(r.stdout.dropFirst(header.count)) == Self.big, "the message changed on its way through")
        #expect(try bouncecheck(["-c", TestKeyring.shared.config], input: Self.big).status == 2)
    }

    @Test("a genuine bounce returning a message above the parse limit passes on its header proof")
    func bigReturnPassesOnHeaders() throws {
        let (status, line) = try check(bounce(of: try signed(Self.big)))
        #expect(status == 0)
        #expect(line.hasPrefix("Bounce-Check: pass (headers only)"), "got \(line)")
    }
}
