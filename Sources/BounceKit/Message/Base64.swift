// Base64 (RFC 2045 §6.8). Decoding is lenient as the RFC asks: characters
// outside the alphabet (line breaks, spaces, garbage) are ignored, and
// decoding stops at the first '='.

/// Base64 encoding and decoding of mail bodies and header values.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes, skipping anything outside the alphabet.
    public static func decode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var acc: UInt32 = 0, n = 0
        for c in input {
            if c == ASCII.equals { break }
            let v = table[Int(c)]
            if v == 0xFF { continue }
            acc = acc << 6 | UInt32(v)
            n += 1
            if n == 4 {
                out.append(UInt8(truncatingIfNeeded: acc >> 16))
                out.append(UInt8(truncatingIfNeeded: acc >> 8))
                out.append(UInt8(truncatingIfNeeded: acc))
                acc = 0; n = 0
            }
        }
        if n == 2 { out.append(UInt8(truncatingIfNeeded: acc >> 4)) }
        if n == 3 {
            out.append(UInt8(truncatingIfNeeded: acc >> 10))
            out.append(UInt8(truncatingIfNeeded: acc >> 2))
        }
        return out
    }

    /// Encodes on one line with no breaks.
    public static func encode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var it = input.makeIterator()
        while let a = it.next() {
            let b = it.next(), c = it.next()
            let n = UInt32(a) << 16 | UInt32(b ?? 0) << 8 | UInt32(c ?? 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(b == nil ? ASCII.equals : alphabet[Int(n >> 6 & 63)])
            out.append(c == nil ? ASCII.equals : alphabet[Int(n & 63)])
        }
        return out
    }

    /// Encodes as a MIME body: lines of 76 characters, each ending in LF.
    public static func encodeLines<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        let flat = encode(input)
        var out: [UInt8] = []
        out.reserveCapacity(flat.count + flat.count / 76 + 1)
        var i = 0
        while i < flat.count {
            let end = Swift.min(i + 76, flat.count)
            out.append(contentsOf: flat[i..<end])
            out.append(ASCII.lf)
            i = end
        }
        return out
    }
}
