// Quoted-printable (RFC 2045 §6.7).
//
// Decoding is lenient: an '=' not followed by two hex digits or a line break
// is kept literally (§6.7 note 1), and trailing white space before a line
// break is dropped (§6.7 rule 3). Line breaks of any kind decode to LF.
//
// Encoding is conservative, to survive every relay: lines of at most 76
// characters; 8-bit bytes, '=', control characters and trailing white space
// encoded; and a line that starts with "From " or "." gets its first
// character encoded, because sendmail turns "From " into ">From " and
// OpenSMTPD's bounces drop a leading dot (RFC 3156 §3; FACTS.md).

/// Quoted-printable encoding and decoding of mail bodies.
public enum QuotedPrintable {
    /// Decodes a quoted-printable body.
    public static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var pos = input.startIndex
        while let line = input.line(at: pos) {
            var end = line.content.upperBound
            while end > line.content.lowerBound, ASCII.isWhitespace(input[end - 1]) { end -= 1 }
            var i = line.content.lowerBound
            var soft = false
            while i < end {
                let b = input[i]
                if b == ASCII.equals {
                    if i + 1 == end { soft = true; break }
                    if i + 2 < end, let h = hex(input[i + 1]), let l = hex(input[i + 2]) {
                        out.append(h << 4 | l)
                        i += 3
                        continue
                    }
                }
                out.append(b)
                i += 1
            }
            if !soft && line.terminated { out.append(ASCII.lf) }
            pos = line.next
        }
        return out
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    private static let digits = Array("0123456789ABCDEF".utf8)

    /// Encodes text; line breaks in the input (LF, CRLF or CR) stay line breaks.
    public static func encode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 8)
        var pos = input.startIndex
        while let line = input.line(at: pos) {
            encodeLine(input[line.content], into: &out)
            if line.terminated { out.append(ASCII.lf) }
            pos = line.next
        }
        return out
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var column = 0
        for i in line.indices {
            let b = line[i]
            let isLast = i == line.index(before: line.endIndex)
            var encoded = mustEncode(b, isLast: isLast, column: column)
            // Keep room for a soft break '=' within 76 columns.
            if column + (encoded ? 3 : 1) > 75 && !(isLast && column + (encoded ? 3 : 1) <= 76) {
                out.append(ASCII.equals)
                out.append(ASCII.lf)
                column = 0
                encoded = mustEncode(b, isLast: isLast, column: column)
            }
            if encoded {
                out.append(ASCII.equals)
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 15)])
                column += 3
            } else {
                out.append(b)
                column += 1
            }
        }
    }

    private static func mustEncode(_ b: UInt8, isLast: Bool, column: Int) -> Bool {
        b >= 0x7F || b == ASCII.equals || (b < ASCII.space && b != ASCII.tab)
            || (isLast && ASCII.isWhitespace(b))
            // At the start of any output line, '.' and 'F' (of "From ") are encoded.
            || (column == 0 && (b == ASCII.dot || b == 0x46))
    }
}
