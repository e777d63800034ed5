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
