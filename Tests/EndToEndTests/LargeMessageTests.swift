// Messages larger than bouncecheck reads into memory (Limits.maxParsedBytes):
// the rest streams through untouched, and a returned original in a
// message/rfc822 part is read on to its end by streaming and hashed whole;
// only a bounce that really is cut short is judged on its header proof.
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

    static let bigBounce: [UInt8] = (try? bounce(of: signed(big))) ?? []

    @Test("a genuine bounce returning a message above the parse limit is verified to its end by streaming")
    func bigReturnIsHashedWhole() throws {
        let bounced = Self.bigBounce
        #expect(bounced.count > Limits.standard.maxParsedBytes + (1 << 20))
        let (status, line) = try check(bounced)
        #expect(status == 0)
        #expect(line.hasPrefix("Bounce-Check: pass (body verified)"), "got \(line)")
        // As a FILE argument (read in place), with the step that says so.
        let file = try temporaryDirectory("big").appendingPathComponent("bounce.eml")
        try Data(bounced).write(to: file)
        let r = try bouncecheck(["-c", TestKeyring.shared.config, "--explain", file.path])
        #expect(r.status == 0)
        #expect(r.text.contains("body: read to its end by streaming"), "\(r.text)")
        // --annotate on a pipe (the rest spooled to TMPDIR, then passed on):
        // the whole bounce comes out behind the field.
        let exe = binDir.appendingPathComponent("bouncecheck").path
        let a = try run(
            "/bin/sh", ["-c", "cat \"$0\" | \"$1\" -c \"$2\" --annotate", file.path, exe, TestKeyring.shared.config])
        #expect(a.text.hasPrefix("Bounce-Check: pass (body verified)"), "\(a.text.prefix(200)) \(a.stderr)")
        let header = Array(a.text.split(separator: "\n")[0].utf8) + [0x0A]
        #expect(Array(a.stdout.dropFirst(header.count)) == bounced, "the bounce changed on its way through")
    }

    @Test("a change past the parse limit is found")
    func changePastTheLimitFails() throws {
        var bounced = Self.bigBounce
        let at = bounced.count - (1 << 20)
        #expect(bounced[at] >= 0x30 && bounced[at] <= 0x39)
        bounced[at] = bounced[at] == 0x30 ? 0x31 : 0x30
        let (status, line) = try check(bounced)
        #expect(status == 1)
        #expect(line.hasPrefix("Bounce-Check: fail (returned body does not match its hash)"), "got \(line)")
    }

    @Test("a bounce cut short past the parse limit passes on its header proof")
    func cutBouncePassesOnHeaders() throws {
        let cut = Array(Self.bigBounce.prefix(Limits.standard.maxParsedBytes + (1 << 20)))
        let (status, line) = try check(cut)
        #expect(status == 0)
        #expect(line.hasPrefix("Bounce-Check: pass (headers only)"), "got \(line)")
        #expect(try check(cut, args: ["--require-body"]).0 == 1)
    }
}
