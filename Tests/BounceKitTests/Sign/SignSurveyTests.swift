// What bouncesign's first reading must find deep inside a long body, where
// the lines reach it as runs (LineRun.swift) and not one by one: a line no
// relay carries unchanged (a leading dot, "From ", over 998 bytes, 8-bit
// or NUL) makes the part re-encoded, so the signed output is 7-bit and safe.
import Testing

@testable import BounceKit

@Suite("Sign survey")
struct SignSurveyTests {
    /// 300 plain lines, `risky`, 300 more: the risky line is mid-run.
    static func message(_ risky: String) -> String {
        let plain = (0..<300).map { "plain line \($0) of a long text part\n" }.joined()
        return """
            From: Alice <alice@example.org>
            To: bob@example.net
            Subject: survey
            Message-ID: <survey@example.org>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=us-ascii

            \(plain)\(risky)
            \(plain)
            """
    }

    static let cases: [(name: String, risky: String)] = [
        ("a line starting with a dot", ".hidden by SMTP"),
        ("a line starting with From and a space", "From here on, mbox"),
        ("a line over 998 bytes", String(repeating: "x", count: 1200)),
        ("an 8-bit byte", "caf\u{E9}"),
        ("a NUL byte", "nul\u{0}here"),
    ]

    @Test("a line that transit would change, deep in a long text part, makes bouncesign re-encode the part")
    func riskyLineMidRunIsReencoded() throws {
        for c in Self.cases {
            let signed = try TestMail.sign(Self.message(c.risky))
            let text = String(decoding: signed, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let unsafe = lines.filter { $0.hasPrefix(".") || $0.hasPrefix("From here") || $0.utf8.count > 998 }
            #expect(unsafe.isEmpty, "\(c.name): unsafe lines in the output: \(unsafe.map { $0.prefix(40) })")
            #expect(!signed.contains { $0 >= 0x80 || $0 == 0 }, "\(c.name): 8-bit or NUL bytes in the output")
            #expect(text.contains("Content-Transfer-Encoding: quoted-printable"), "\(c.name): the part was not re-encoded")
        }
    }

    @Test("a long plain text part is copied as it is")
    func plainPartIsCopied() throws {
        let message = Self.message("just another line")
        let signed = String(decoding: try TestMail.sign(message), as: UTF8.self)
        #expect(!signed.contains("Content-Transfer-Encoding: quoted-printable"), "a plain part was re-encoded")
        #expect(signed.contains("plain line 299 of a long text part\njust another line\nplain line 0 of"))
    }

    @Test("a run is judged line by line: the one-pass reading agrees with each line's")
    func runAgreesWithLines() {
        // Lines around the limits and the sixteen-byte steps, starting with
        // what transit changes or nearly so, with a rare 8-bit or NUL byte;
        // each run read at every alignment, so a line end falls on each lane.
        var seed: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let lengths = [0, 1, 4, 5, 6, 15, 16, 17, 31, 79, 997, 998, 999, 1000]
        let starts: [[UInt8]] = [
            [], Array(".".utf8), Array("From ".utf8), Array("From".utf8), Array("Fro".utf8), Array("Frog ".utf8),
        ]
        var verdicts: Set<Bool> = []
        for _ in 0..<3000 {
            var run: [UInt8] = []
            for _ in 0..<(1 + next(6)) {
                var line = starts[next(starts.count)]
                let length = lengths[next(lengths.count)]
                while line.count < length { line.append(next(400) == 0 ? [0x80, 0x00, 0xE9][next(3)] : UInt8(0x61 + next(26))) }
                run += line.prefix(length) + [ASCII.lf]
            }
            if next(4) == 0 { run.removeLast() }  // the last line without its LF
            var byLines = true
            LineSplitter.lines(of: run[...]) { if !SignSurvey.isTransitSafe($0) { byLines = false } }
            verdicts.insert(byLines)
            for offset in 0..<16 {
                let padded = [UInt8](repeating: 0x61, count: offset) + run
                padded.withUnsafeBufferPointer { all in
                    let r = UnsafeBufferPointer(rebasing: all[offset...])
                    #expect(
                        SignSurvey.isTransitSafe(lines: r) == byLines,
                        "offset \(offset): \(String(decoding: run.prefix(60), as: UTF8.self))")
                }
            }
        }
        #expect(verdicts == [true, false], "the cases tried were all judged alike")
    }
}
