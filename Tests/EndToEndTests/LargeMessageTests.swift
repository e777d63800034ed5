// Messages larger than any buffer bouncecheck keeps: an ordinary one streams
// through --annotate untouched; a returned original is read by the one
// streaming reading to its end and verified whole, wherever a change is;
// a return cut short is verified as far as it came and says so. (Version 1
// parsed the first 8 MiB into a tree and judged a cut return on its header
// proof alone, "headers only"; issue 9 forbids both.)
import BounceKit
import Foundation
import Testing

@Suite("Large messages")
struct LargeMessageTests {
    /// Above the 8 MiB that bouncecheck once parsed into memory.
    static let size = 10 << 20

    static let big: [UInt8] = {
        var s = "From: a@example.org\nSubject: big\nMessage-ID: <big.1@example.org>\n\n"
        let line = String(repeating: "0123456789", count: 7) + "\n"
        s.reserveCapacity(size + (1 << 20))
        while s.utf8.count < size { s += line }
        return Array(s.utf8)
    }()

    @Test("an ordinary message of 10 MiB passes through --annotate whole")
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

    @Test("a genuine bounce returning a 10 MiB message is verified to its end")
    func bigReturnIsHashedWhole() throws {
        let bounced = Self.bigBounce
        #expect(bounced.count > Self.size)
        let (status, line) = try check(bounced)
        #expect(status == 0)
        #expect(line.hasPrefix("Bounce-Check: pass (body verified)"), "got \(line)")
        // As a FILE argument (read in place).
        let file = try temporaryDirectory("big").appendingPathComponent("bounce.eml")
        try Data(bounced).write(to: file)
        let r = try bouncecheck(["-c", TestKeyring.shared.config, "--explain", file.path])
        #expect(r.status == 0)
        #expect(r.text.contains("body: body verified"), "\(r.text)")
        // --annotate on a pipe (spooled to TMPDIR, then passed on): the whole
        // bounce comes out behind the field.
        let exe = binDir.appendingPathComponent("bouncecheck").path
        let a = try run(
            "/bin/sh", ["-c", "cat \"$0\" | \"$1\" -c \"$2\" --annotate", file.path, exe, TestKeyring.shared.config])
        #expect(a.text.hasPrefix("Bounce-Check: pass (body verified)"), "\(a.text.prefix(200)) \(a.stderr)")
        let header = Array(a.text.split(separator: "\n")[0].utf8) + [0x0A]
        #expect(Array(a.stdout.dropFirst(header.count)) == bounced, "the bounce changed on its way through")
    }

    @Test("a change 1 MiB before the end of a 10 MiB return is found")
    func changeNearTheEndFails() throws {
        var bounced = Self.bigBounce
        // The proof parts and closing delimiters are well under 1 MiB.
        let at = bounced.count - (1 << 20)
        #expect(bounced[at] >= 0x30 && bounced[at] <= 0x39)
        bounced[at] = bounced[at] == 0x30 ? 0x31 : 0x30
        let (status, line) = try check(bounced)
        #expect(status == 1)
        #expect(line.hasPrefix("Bounce-Check: fail (returned body does not match its hash (part 1))"), "got \(line)")
    }

    @Test("a return cut short after 9 MiB is verified up to its last checkpoint, not called whole")
    func cutReturnIsPartlyVerified() throws {
        let cut = Array(Self.bigBounce.prefix(9 << 20))
        let (status, line) = try check(cut)
        #expect(status == 0)
        #expect(
            line.hasPrefix("Bounce-Check: pass (0 of 1 parts and the first 8192 KiB of part 1 verified, rest cut)"), "got \(line)"
        )
        #expect(try check(cut, args: ["--require-body"]).0 == 1)
        // Changed before the last checkpoint it holds (8 MiB): found.
        var changed = cut
        let at = cut.count - (6 << 20)
        changed[at] = changed[at] == 0x30 ? 0x31 : 0x30
        let (cStatus, cLine) = try check(changed)
        #expect(cStatus == 1 && cLine.contains("returned body does not match its hash (part 1)"), "got \(cLine)")
    }
}
