// Byte helpers for mail, which is bytes until a field is decoded.
//
// Lines end in LF, CRLF or a bare CR (the old Mac convention, seen in the
// wild and in the corpus): all three are accepted everywhere.
import Glibc

/// ASCII byte constants used by the parsers.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// One LF, to hand to code that takes bytes (never written to).
    nonisolated(unsafe) static let lfBuffer: UnsafeBufferPointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: lf)
        return UnsafeBufferPointer(start: p, count: 1)
    }()

    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab }
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
    static func upper(_ b: UInt8) -> UInt8 { (b >= 0x61 && b <= 0x7A) ? b & ~0x20 : b }
    static func isHexDigit(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (lower(b) >= 0x61 && lower(b) <= 0x66) }
}

/// One line of a buffer: its content and where the next line starts.
struct Line {
    /// The line without its terminator.
    var content: Range<Int>
    /// Index just past the terminator (LF, CRLF or CR).
    var next: Int
    /// Whether the line had a terminator (the last line of a buffer may not).
    var terminated: Bool { next > content.upperBound }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Index of the first LF or CR at or after `from`, or `count`. memchr for LF
    /// then for a CR before it (both vectorised in libc), but within a window
    /// of 128 bytes that doubles while neither is found: a search for LF to
    /// the end of the buffer, once per line, made bare-CR text quadratic. So
    /// each search reads O(line + 128) bytes and a buffer's lines are found in
    /// linear time whatever their ends, while a line shorter than the window
    /// (most lines) costs the same two memchr calls as before.
    /// `examined` grows by the number of bytes searched, for the tests.
    @inline(__always)
    func firstLineBreak(from: Int, examined: inout Int) -> Int {
        guard let base = baseAddress else { return count }
        let origin = UnsafeRawPointer(base)
        var start = from, window = 128
        while start < count {
            let end = Swift.min(count, start + window)
            let lf = memchr(base + start, Int32(ASCII.lf), end - start).map { UnsafeRawPointer($0) - origin } ?? end
            let cr = memchr(base + start, Int32(ASCII.cr), lf - start).map { UnsafeRawPointer($0) - origin } ?? lf
            examined += lf - start + cr - start
            if cr < lf || lf < end { return cr }  // cr is lf when no CR is before it
            start = end
            window *= 2
        }
        return count
    }
}

extension Collection where Element == UInt8, Index == Int {
    /// The line starting at `start`, or nil at the end of the buffer.
    func line(at start: Int) -> Line? {
        var examined = 0
        return line(at: start, examined: &examined)
    }

    /// `line(at:)`, adding the bytes it searches to `examined` (for the tests).
    func line(at start: Int, examined: inout Int) -> Line? {
        guard start < endIndex else { return nil }
        let found = withContiguousStorageIfAvailable {
            startIndex + $0.firstLineBreak(from: start - startIndex, examined: &examined)
        }
        let end = found ?? self[start...].firstIndex { $0 == ASCII.lf || $0 == ASCII.cr } ?? endIndex
        guard end < endIndex else { return Line(content: start..<endIndex, next: endIndex) }
        let crlf = self[end] == ASCII.cr && end + 1 < endIndex && self[end + 1] == ASCII.lf
        return Line(content: start..<end, next: end + (crlf ? 2 : 1))
    }

    /// Whether the bytes at `range` start with `prefix`, ASCII case-insensitively.
    func hasPrefix(_ prefix: String, in range: Range<Int>, caseInsensitive: Bool = true) -> Bool {
        var i = range.lowerBound
        for p in prefix.utf8 {
            guard i < range.upperBound else { return false }
            let b = self[i]
            if caseInsensitive ? ASCII.lower(b) != ASCII.lower(p) : b != p { return false }
            i += 1
        }
        return true
    }

    /// The range with leading and trailing spaces and tabs removed.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, ASCII.isWhitespace(self[lo]) { lo += 1 }
        while hi > lo, ASCII.isWhitespace(self[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// Index of the first occurrence of `needle` at or after `from`, or nil.
    func firstIndex(of needle: [UInt8], from: Int) -> Int? {
        let start = Swift.max(from, startIndex)
        guard !needle.isEmpty, start <= endIndex else { return nil }
        let found: Int?? = withContiguousStorageIfAvailable { hay in
            needle.withUnsafeBufferPointer { n -> Int? in
                guard let h = hay.baseAddress, let np = n.baseAddress else { return nil }
                // memchr for the first byte, memcmp for the rest (memmem is
                // a GNU extension the Glibc module does not export).
                var offset = start - startIndex
                while offset + n.count <= hay.count {
                    guard let hit = memchr(h + offset, Int32(np.pointee), hay.count - offset - n.count + 1) else {
                        return nil
                    }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
                    if memcmp(h + at, np, n.count) == 0 { return startIndex + at }
                    offset = at + 1
                }
                return nil
            }
        }
        if let found { return found }
        var i = start
        while i + needle.count <= endIndex {
            if self[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension String {
    /// Decodes mail bytes as text: UTF-8 where valid, otherwise Latin-1, so
    /// that no byte is ever lost or turned into a crash.
    init<C: Collection>(mailBytes bytes: C) where C.Element == UInt8 {
        // ASCII, as nearly all header and settings text is, needs no
        // validation: String(validating:) is generic over the encoding, and
        // its first use has the runtime build metadata (eight page faults,
        // a tenth of what an ordinary check adds to start-up).
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self = String(decoding: bytes, as: UTF8.self)
        } else if let s = String(validating: bytes, as: UTF8.self) {
            self = s
        } else {
            self = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }

    /// The string without white space at either end. Mail's white space is
    /// ASCII (RFC 5322: space and tab, and line ends); so is a settings
    /// file's. Bytes, not Unicode properties: their tables are a page fault.
    var trimmingWhitespace: String {
        let isSpace = { (b: UInt8) in b == ASCII.space || (b >= ASCII.tab && b <= ASCII.cr) }
        guard let lo = utf8.firstIndex(where: { !isSpace($0) }), let hi = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[lo...hi])
    }

    /// Whether `needle` occurs in the string, byte for byte: what matching
    /// ASCII keywords needs, without loading StringProtocol.contains's
    /// regex machinery (_StringProcessing) into every bouncecheck run.
    func containsText(_ needle: String) -> Bool {
        var haystack = self
        let n = Array(needle.utf8)
        return haystack.withUTF8 { $0.firstIndex(of: n, from: 0) != nil }
    }

    /// The ASCII lower-case form (mail keywords are ASCII).
    var asciiLowercased: String {
        String(decoding: utf8.map(ASCII.lower), as: UTF8.self)
    }
}
