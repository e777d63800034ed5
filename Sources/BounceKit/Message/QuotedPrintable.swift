// Quoted-printable (RFC 2045 §6.7), streaming (`QPDecoder`, `QPEncoder`);
// the functions here run them over one buffer.
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
        var decoder = QPDecoder()
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        LineSplitter.lines(of: input) { decoder.line($0) { out += $0 } }
        decoder.finish(cutByDelimiter: false) { out += $0 }
        return out
    }

    /// Encodes text; line breaks in the input (LF, CRLF or CR) stay line breaks.
    public static func encode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var encoder = QPEncoder()
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 8)
        withContiguousBytes(input) { encoder.encode($0) { out += $0 } }
        encoder.finish { out += $0 }
        return out
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    static let digits = Array("0123456789ABCDEF".utf8)
}

/// Quoted-printable decoding, line by line. The line break after the last
/// line is held back until the next line or `finish`, which drops it when a
/// delimiter owns it.
struct QPDecoder {
    private var pendingLF = false
    /// An escape cut at the end of a piece of an over-long line.
    private var carry: [UInt8] = []
    private var out: [UInt8] = []

    mutating func line(_ piece: LinePiece, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.removeAll(keepingCapacity: true)
        if pendingLF { out.append(ASCII.lf) }
        pendingLF = false
        if carry.isEmpty {
            decode(piece.content, piece)
        } else {
            let joined = carry + Array(piece.content)
            carry.removeAll()
            joined.withUnsafeBufferPointer { decode($0, piece) }
        }
        out.withUnsafeBufferPointer(emit)
    }

    mutating func finish(cutByDelimiter: Bool, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var tail = carry
        if pendingLF && !cutByDelimiter { tail.append(ASCII.lf) }
        pendingLF = false
        carry.removeAll()
        tail.withUnsafeBufferPointer(emit)
    }

    private mutating func decode(_ text: UnsafeBufferPointer<UInt8>, _ piece: LinePiece) {
        var end = text.count
        if !piece.continues {
            while end > 0, ASCII.isWhitespace(text[end - 1]) { end -= 1 }
        }
        var i = 0
        while i < end {
            let b = text[i]
            if b == ASCII.equals {
                if piece.continues && i + 2 >= end {
                    carry = Array(text[i..<end])
                    return
                }
                if i + 1 == end { return }  // soft line break
                if i + 2 < end, let h = QuotedPrintable.hex(text[i + 1]), let l = QuotedPrintable.hex(text[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        pendingLF = piece.terminated
    }
}

/// Quoted-printable encoding of a byte stream. Each byte waits for the next
/// one: only then is it known whether it ends its line (trailing white space
/// must be encoded).
struct QPEncoder {
    private var held: UInt8? = nil
    private var column = 0
    private var afterCR = false
    private var out: [UInt8] = []

    mutating func encode(_ input: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.removeAll(keepingCapacity: true)
        for b in input {
            if afterCR {
                afterCR = false
                if b == ASCII.lf { continue }  // CRLF: the break is written
            }
            if b == ASCII.lf || b == ASCII.cr {
                if let h = held { put(h, isLast: true) }
                held = nil
                out.append(ASCII.lf)
                column = 0
                afterCR = b == ASCII.cr
                continue
            }
            if let h = held { put(h, isLast: false) }
            held = b
        }
        out.withUnsafeBufferPointer(emit)
    }

    mutating func finish(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.removeAll(keepingCapacity: true)
        if let h = held { put(h, isLast: true) }
        held = nil
        column = 0
        out.withUnsafeBufferPointer(emit)
    }

    private mutating func put(_ b: UInt8, isLast: Bool) {
        var encoded = Self.mustEncode(b, isLast: isLast, column: column)
        // Keep room for a soft break '=' within 76 columns.
        let width = encoded ? 3 : 1
        if column + width > 75 && !(isLast && column + width <= 76) {
            out.append(ASCII.equals)
            out.append(ASCII.lf)
            column = 0
            encoded = Self.mustEncode(b, isLast: isLast, column: column)
        }
        if encoded {
            out.append(ASCII.equals)
            out.append(QuotedPrintable.digits[Int(b >> 4)])
            out.append(QuotedPrintable.digits[Int(b & 15)])
            column += 3
        } else {
            out.append(b)
            column += 1
        }
    }

    private static func mustEncode(_ b: UInt8, isLast: Bool, column: Int) -> Bool {
        b >= 0x7F || b == ASCII.equals || (b < ASCII.space && b != ASCII.tab)
            || (isLast && ASCII.isWhitespace(b))
            // At the start of any output line, '.' and 'F' (of "From ") are encoded.
            || (column == 0 && (b == ASCII.dot || b == 0x46))
    }
}
