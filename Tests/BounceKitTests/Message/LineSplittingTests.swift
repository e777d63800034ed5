// Line splitting is the parser's innermost loop and has a memchr fast path:
// it must agree with the plain definition on every mix of LF, CRLF and CR,
// at every offset into a slice.
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

@Suite("Line splitter terminators")
struct LineSplitterTerminatorTests {
    /// The input again from the pieces: content, then the terminator's bytes.
    static func reassembled(_ bytes: [UInt8], chunk: Int) -> [UInt8] {
        var out: [UInt8] = []
        var splitter = LineSplitter()
        let take: (LinePiece) -> Void = { piece in
            out += piece.content
            switch piece.terminator {
            case .none: break
            case .lf: out.append(0x0A)
            case .cr: out.append(0x0D)
            case .crlf: out += [0x0D, 0x0A]
            }
        }
        var i = 0
        while i < bytes.count {
            let end = min(i + chunk, bytes.count)
            bytes[i..<end].withUnsafeBufferPointer { splitter.feed($0, take) }
            i = end
        }
        splitter.finish(take)
        return out
    }

    @Test("content and terminator give back the input byte for byte, in every chunk size (CR at a chunk's end)")
    func terminatorsRebuildTheInput() {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [[0x61], [0x62, 0x63], [0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0D], [0x00], [0xFF]]
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<30, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            for chunk in 1...8 {
                let got = Self.reassembled(bytes, chunk: chunk)
                #expect(got == bytes, "\(bytes) in \(chunk)-byte chunks: got \(got)")
            }
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
