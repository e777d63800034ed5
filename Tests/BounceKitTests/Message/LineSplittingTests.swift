// Line splitting is the parser's innermost loop and has a word-at-a-time
// fast path: it must agree with the plain definition on every mix of LF,
// CRLF and CR, at every offset into a slice; the streaming splitter must hand
// out pieces whose content and terminator bytes give back the input, the same
// pieces in any chunks; and both must read each byte O(1) times, which the
// tests check by counting the bytes read, never by timing.
import Testing

@testable import BounceKit

@Suite("Line splitting")
struct LineSplittingTests {
    /// The definition: a line ends at LF, CRLF or a CR not followed by LF.
    static func reference(_ b: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = [], cur: [UInt8] = [], i = 0
        while i < b.count {
            if b[i] == 0x0A {
                lines.append(cur); cur = []
            } else if b[i] == 0x0D {
                lines.append(cur); cur = []
                if i + 1 < b.count, b[i + 1] == 0x0A { i += 1 }
            } else {
                cur.append(b[i])
            }
            i += 1
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }

    @Test("agrees with the definition on random mixes of line ends, at every offset")
    func agreesWithDefinition() {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [[0x61], [0x62, 0x63], [0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0D], [0x00], [0xFF]]
        for _ in 0..<500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<30, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let prefix = Int.random(in: 0...3, using: &rng)
            let buffer = [UInt8](repeating: 0x7A, count: prefix) + bytes
            let slice = buffer[prefix...]
            var got: [[UInt8]] = [], pos = slice.startIndex
            while let line = slice.line(at: pos) {
                got.append(Array(slice[line.content]))
                pos = line.next
            }
            #expect(got == Self.reference(bytes), "\(bytes)")
        }
    }
}

@Suite("Line splitting: byte for byte")
struct LineSplittingReassemblyTests {
    struct Piece: Equatable {
        var content: [UInt8], terminator: LineTerminator, continues: Bool
    }

    /// The pieces of `input` fed to one splitter in chunks of `size` bytes.
    static func pieces(_ input: [UInt8], chunk size: Int) -> [Piece] {
        var splitter = LineSplitter(), got: [Piece] = []
        let take = { (p: LinePiece) in
            got.append(Piece(content: Array(p.content), terminator: p.terminator, continues: p.continues))
        }
        var i = 0
        while i < input.count {
            let end = min(i + size, input.count)
            input[i..<end].withUnsafeBufferPointer { splitter.feed($0, take) }
            i = end
        }
        splitter.finish(take)
        return got
    }

    /// A reproducible mix of text and every line end (a small LCG, not random).
    static let mix: [UInt8] = {
        let bits: [[UInt8]] = [[0x61], [0x62, 0x63], [0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0D], [0x00], [0xFF], [0x09]]
        var out: [UInt8] = [], x: UInt32 = 1
        for _ in 0..<2_000 {
            x = x &* 1_103_515_245 &+ 12_345
            out += bits[Int(x >> 16) % bits.count]
        }
        return out
    }()

    static let cases: [(name: String, input: String)] = [
        ("LF", "From: a\nSubject: b\n\nbody\nlast"),
        ("CRLF", "From: a\r\nSubject: b\r\n\r\nbody\r\n"),
        ("bare CR", "From: a\rSubject: b\r\rbody\rlast"),
        ("mixed", "a\r\nb\nc\rd\n\re\r\r\nf\n\n\r\r"),
        ("ends in a bare CR", "line\r"),
        ("only line ends", "\r\n\r\r\n\n\r"),
        ("no line end", "one line, unterminated"),
    ]

    @Test("content and terminator bytes give back the input, and the pieces are the same in any chunks")
    func reassemblesInAnyChunks() {
        for (name, text) in Self.cases.map({ ($0.name, Array($0.input.utf8)) }) + [("mix", Self.mix)] {
            let whole = Self.pieces(text, chunk: max(text.count, 1))
            for size in [1, 2, 3, 7, 64, 1000] {
                let got = Self.pieces(text, chunk: size)
                let bytes = got.flatMap { $0.content + $0.terminator.bytes }
                #expect(bytes == text, "\(name) in \(size)-byte chunks: got \(bytes), want \(text)")
                #expect(got == whole, "\(name) in \(size)-byte chunks: pieces differ from one chunk")
                #expect(got.allSatisfy { $0.terminator.length == $0.terminator.bytes.count })
            }
        }
    }

    @Test("an over-long line ended by a CRLF cut between chunks gives the same pieces as one chunk")
    func overLongLineWithCutCRLF() {
        let long = [UInt8](repeating: 0x61, count: LineSplitter.maxLine * 2 + 5)
        let text = long + [ASCII.cr, ASCII.lf] + Array("end".utf8) + [ASCII.cr]
        let whole = Self.pieces(text, chunk: text.count)
        #expect(whole.map(\.content.count) == [LineSplitter.maxLine, LineSplitter.maxLine, 5, 3])
        #expect(whole.map(\.terminator) == [.none, .none, .crlf, .cr])
        for size in [long.count + 1, LineSplitter.maxLine, 100_000] {
            let got = Self.pieces(text, chunk: size)
            #expect(got == whole, "\(size)-byte chunks: pieces differ from one chunk")
            #expect(got.flatMap { $0.content + $0.terminator.bytes } == text, "\(size)-byte chunks")
        }
    }
}

@Suite("Line splitting: linear time")
struct LineSplittingGrowthTests {
    /// `mebibytes` MiB of ordinary 80-byte text lines ending in `end`.
    static func text(mebibytes: Int, end: String) -> [UInt8] {
        let line = Array("Line of an ordinary message body: the quick brown fox jumps over the lazy dog".utf8) + Array(end.utf8)
        var out: [UInt8] = []
        out.reserveCapacity((mebibytes << 20) + line.count)
        while out.count < mebibytes << 20 { out += line }
        return out
    }

    /// Bytes the streaming splitter searches to split `input` fed as one chunk
    /// (the in-memory case: one chunk is the whole message).
    static func splitterReads(_ input: ArraySlice<UInt8>) -> Int {
        var splitter = LineSplitter()
        input.withUnsafeBufferPointer { splitter.feed($0) { _ in } }
        splitter.finish { _ in }
        return splitter.examined
    }

    /// Bytes `line(at:)` searches to walk every line of `input`.
    static func lineAtReads(_ input: ArraySlice<UInt8>) -> Int {
        var examined = 0, pos = input.startIndex
        while let line = input.line(at: pos, examined: &examined) { pos = line.next }
        return examined
    }

    static let readers: [(name: String, reads: @Sendable (ArraySlice<UInt8>) -> Int)] = [
        ("LineSplitter", splitterReads), ("line(at:)", lineAtReads),
    ]

    static let ends = ["LF": "\n", "CRLF": "\r\n", "bare CR": "\r"]

    @Test("the bytes searched grow linearly from 1 to 4 to 16 MiB, for every line end", arguments: ["LF", "CRLF", "bare CR"])
    func readsGrowLinearly(style: String) {
        let big = Self.text(mebibytes: 16, end: Self.ends[style] ?? "")
        for (name, reads) in Self.readers {
            let counts = [1, 4, 16].map { reads(big.prefix($0 << 20)) }
            // Each byte is searched a few times at most: for LF, for CR, and
            // within the 128-byte window past the end of a line.
            #expect(counts[0] <= 4 << 20, "\(name), \(style): \(counts[0]) bytes searched for 1 MiB")
            #expect(Double(counts[1]) <= 4 * 1.01 * Double(counts[0]), "\(name), \(style): got \(counts), want linear")
            #expect(Double(counts[2]) <= 16 * 1.01 * Double(counts[0]), "\(name), \(style): got \(counts), want linear")
        }
    }
}

@Suite("Byte search")
struct ByteSearchTests {
    @Test("finds a needle as a naive search would, at every offset of a slice")
    func agreesWithNaiveSearch() {
        let hay = Array("aababcabcdabc--b--bx".utf8)
        for needle in ["a", "abc", "abcd", "--b", "x", "bx", "zz", "aababcabcdabc--b--bx", "aababcabcdabc--b--bxy"] {
            let n = Array(needle.utf8)
            for cut in 0...3 {
                let slice = hay[cut...]
                for from in cut...hay.count {
                    var want: Int? = nil
                    var i = from
                    while i + n.count <= hay.count {
                        if Array(hay[i..<(i + n.count)]) == n { want = i; break }
                        i += 1
                    }
                    #expect(slice.firstIndex(of: n, from: from) == want, "\(needle) from \(from) in slice at \(cut)")
                }
            }
        }
    }
}
