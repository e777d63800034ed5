// Runs of body lines (LineRun.swift): a visitor that takes them sees the
// same lines, in the same order, as one fed line by line, whatever the
// chunk size; a run never crosses a possible delimiter, never holds a line
// longer than a piece, and always ends after a whole line end; searching for
// runs is linear in the input; the block paths of the
// readers (plain text into the hash) agree with a byte-by-byte reading.
import Testing

@testable import BounceKit

/// `EventRecorder`, asking for runs and splitting them as the default does;
/// counts the runs it is given.
struct RunRecorder: MIMEScanVisitor {
    var lines = EventRecorder()
    var runs = 0

    static var takesRuns: Bool { true }
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        runs += 1
        LineSplitter.lines(of: run) { lines.bodyLine($0) }
    }
    mutating func begin(_ entity: ScannedEntity) { lines.begin(entity) }
    mutating func bodyLine(_ line: LinePiece) { lines.bodyLine(line) }
    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        lines.structureLine(line, role, of: multipart)
    }
    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) { lines.end(entity, cutByDelimiter: cutByDelimiter) }
}

@Suite("Line runs")
struct LineRunTests {
    /// Bodies with what ends or bends a run: "--" lines that are and are not
    /// delimiters, "-" lines, empty lines, trailing white space, a nested
    /// multipart, a message/rfc822 part, no final line end.
    static let messages = [
        """
        Content-Type: multipart/mixed; boundary="b1"

        preamble
        --b1
        Content-Type: text/plain

        one - two
        -- 
        signature
        ---- not a delimiter
        --b1x
        - item

        trailing\t 
        --b1
        Content-Type: multipart/alternative; boundary=b2

        --b2
        Content-Type: text/plain

        inner line
        --b1 inside b2 ends b2's part (outer first)
        --b2--
        --b1
        Content-Type: message/rfc822

        Subject: inner

        body of the inner message
        --b1--
        epilogue
        """,
        "Subject: one leaf\n\n--\n--x\nplain\n\nlast line without end",
        "Subject: empty body\n\n",
    ]

    @Test("a visitor that takes runs sees the lines a line-by-line visitor sees, in every chunk size and line ending")
    func runsGiveTheSameLines() {
        for (n, text) in Self.messages.enumerated() {
            for (ending, bytes) in lineEndings(text) {
                let want = scanInChunks(bytes, EventRecorder(), size: bytes.count + 1).visitor.events
                for size in [1, 2, 3, 5, 8, 13, 64, 100, bytes.count + 1] {
                    let got = scanInChunks(bytes, RunRecorder(), size: size).visitor.lines.events
                    #expect(got == want, "message \(n), \(ending), \(size)-byte chunks: got \(got), want \(want)")
                }
            }
        }
    }

    @Test("a long text leaf reaches the visitor in runs, not line by line")
    func longLeafComesInRuns() {
        let body = (0..<10_000).map { "line \($0) of plain text\n" }.joined()
        let bytes = Array(("Subject: long\n\n" + body).utf8)
        let s = scanInChunks(bytes, RunRecorder(), size: 1 << 18)
        let lines = s.visitor.lines.events.filter { $0.hasPrefix("body ") }.count
        #expect(lines == 10_000, "got \(lines) lines, want 10000")
        #expect(
            s.visitor.runs > 0 && s.visitor.runs <= 4, "got \(s.visitor.runs) runs for 10,000 lines in one chunk, want 1 to 4")
    }

    @Test("a run ends after a whole line end and before a line that starts with --; none when the line at the start does")
    func runEnds() {
        let cases: [(name: String, text: String, delimiters: Bool, want: Int?)] = [
            ("up to a -- line", "a\nb\n--x\nc\n", true, 4),
            ("-- lines do not matter in the message's own leaf", "a\nb\n--x\nc\n", false, 10),
            ("a -- line at the start: no run", "--x\na\n", true, nil),
            ("a single dash line is kept in", "a\n- b\nc\n", true, 8),
            ("after the last LF only", "a\nb\npartial", true, 4),
            ("a line after a bare CR starting with --", "a\nb\r--x\n", true, 4),
            ("no line end at all", "partial", true, nil),
            ("bare CR line ends: after the last whole one", "a\rb\rc", true, 4),
            ("a CR ending the chunk may be half a CRLF: not taken", "a\rb\r", true, 2),
            ("CRLF taken whole", "a\r\nb", true, 3),
        ]
        for c in cases {
            let bytes = Array(c.text.utf8)
            let got = bytes.withUnsafeBufferPointer {
                LineRun.end(in: $0, from: 0, limit: $0.count, delimitersPossible: c.delimiters)
            }
            #expect(got == c.want, "\(c.name): got \(got.map(String.init) ?? "nil"), want \(c.want.map(String.init) ?? "nil")")
        }
    }

    @Test("searching for runs is linear in the input, whatever the line ends (bare CR lines were quadratic)")
    func runSearchIsLinear() {
        let line = "Line of the body: the quick brown fox jumps over the lazy dog"
        func body(_ n: Int, _ end: String, lfEvery: Int) -> String {
            (0..<n).map { line + ($0 % lfEvery == 0 ? "\n" : end) }.joined()
        }
        let bodies: [(name: String, make: (Int) -> String)] = [
            ("bare CR lines", { body($0, "\r", lfEvery: Int.max) }),
            ("LF lines", { body($0, "\n", lfEvery: 1) }),
            ("an LF now and then among bare CR lines", { body($0, "\r", lfEvery: 500) }),
            ("-- lines among bare CR lines", { (0..<$0).map { $0 % 97 == 0 ? "--x\r" : line + "\r" }.joined() }),
        ]
        for (name, make) in bodies {
            for wrapped in [false, true] {
                var examined: [Int] = []
                for n in [2_000, 8_000] {
                    let text =
                        wrapped
                        ? "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n" + make(n) + "\n--b--\n"
                        : "Subject: s\n\n" + make(n)
                    let bytes = Array(text.utf8)
                    let s = scanInChunks(bytes, RunRecorder(), size: 1 << 18)
                    examined.append(s.runSearchExamined)
                    #expect(
                        s.runSearchExamined <= 3 * bytes.count,
                        "\(name)\(wrapped ? " in a part" : ""): \(s.runSearchExamined) bytes examined for \(bytes.count)")
                }
                #expect(examined[1] <= 5 * max(examined[0], 1), "\(name): \(examined[0]) then \(examined[1]) for 4x the input")
            }
        }
    }

    @Test("plain text is recognised as a byte-by-byte reading does, at every length and alignment")
    func plainTextAgreesWithBytewise() {
        let alphabet: [UInt8] = [0x61, 0x62, ASCII.space, ASCII.tab, ASCII.lf, ASCII.lf, ASCII.cr, ASCII.dash]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for length in 1...80 {
            for _ in 0..<60 {
                var run = (0..<length).map { _ in alphabet[next() % alphabet.count] }
                run[length - 1] = ASCII.lf  // a run ends in LF
                let want = Self.isPlainBytewise(run)
                let got = run.withUnsafeBufferPointer { LineRun.isPlainText($0) }
                #expect(got == want, "\(run): got \(got), want \(want)")
            }
        }
    }

    /// The reference: no CR, no empty line, no space or tab before an LF.
    static func isPlainBytewise(_ run: [UInt8]) -> Bool {
        if run.contains(ASCII.cr) || run.first == ASCII.lf { return false }
        for i in 1..<run.count where run[i] == ASCII.lf {
            if run[i - 1] == ASCII.lf || ASCII.isWhitespace(run[i - 1]) { return false }
        }
        return true
    }

    @Test("a leaf's canonical digest is the same whether its lines come in runs or one by one")
    func canonicalDigestIndependentOfRuns() {
        let texts = [
            "plain\nlines\n", "trailing \nspace\t\n", "\n\nleading empty\n", "a\n\n\nb\n\n\n", "crlf\r\nlines\r\n",
            "bare\rcr\r", (0..<3_000).map { "line \($0)\($0 % 7 == 0 ? " " : "")\n" }.joined(),
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            var byRuns = CanonicalText(.sevenBit, into: ContentSink())
            var byLines = CanonicalText(.sevenBit, into: ContentSink())
            var p = 0
            bytes.withUnsafeBufferPointer { buf in
                while let end = LineRun.end(in: buf, from: p, limit: buf.count, delimitersPossible: false) {
                    byRuns.run(UnsafeBufferPointer(rebasing: buf[p..<end]))
                    p = end
                }
                LineSplitter.lines(of: UnsafeBufferPointer(rebasing: buf[p...])) { byRuns.line($0) }
                LineSplitter.lines(of: buf) { byLines.line($0) }
            }
            let got = byRuns.finish(cutByDelimiter: false).finish(), want = byLines.finish(cutByDelimiter: false).finish()
            #expect(got == want, "\(text.prefix(30).debugDescription): digests differ")
        }
    }
}
