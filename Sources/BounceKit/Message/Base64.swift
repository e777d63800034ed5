// Base64 (RFC 2045 §6.8). Decoding is lenient as the RFC asks: characters
// outside the alphabet (line breaks, spaces, garbage) are ignored, and
// decoding stops at the first '='. Both directions stream (`Base64Decoder`,
// `Base64LineEncoder`); the functions here run them over one buffer.

/// Base64 encoding and decoding of mail bodies and header values.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Whether `c` is one of the 64 characters (not '=').
    static func isAlphabet(_ c: UInt8) -> Bool { table[Int(c)] != 0xFF }

    /// Decodes, skipping anything outside the alphabet.
    public static func decode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var decoder = Base64Decoder()
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        withContiguousBytes(input) { decoder.decode($0) { out += $0 } }
        decoder.finish { out += $0 }
        return out
    }

    /// Encodes on one line with no breaks.
    public static func encode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var out = encodeLines(input)
        out.removeAll { $0 == ASCII.lf }
        return out
    }

    /// Encodes as a MIME body: lines of 76 characters, each ending in LF.
    public static func encodeLines<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var encoder = Base64LineEncoder()
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 3 * 4 + input.count / 57 + 8)
        withContiguousBytes(input) { encoder.encode($0) { out += $0 } }
        encoder.finish { out += $0 }
        return out
    }
}

/// Runs `body` over the bytes of `c`, copying only if they are not contiguous.
func withContiguousBytes<C: Collection>(_ c: C, _ body: (UnsafeBufferPointer<UInt8>) -> Void) where C.Element == UInt8 {
    if c.withContiguousStorageIfAvailable(body) == nil { Array(c).withUnsafeBufferPointer(body) }
}

/// Base64 decoding, chunk by chunk.
struct Base64Decoder {
    private var acc: UInt32 = 0, n = 0
    private var stopped = false
    private var out: [UInt8] = []

    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !stopped, !input.isEmpty else { return }
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(input.count / 4 * 3 + 3)
        Base64.table.withUnsafeBufferPointer { table in
            for c in input {
                if c == ASCII.equals {
                    stopped = true
                    break
                }
                let v = table[Int(c)]
                if v == 0xFF { continue }
                acc = acc << 6 | UInt32(v)
                n += 1
                if n == 4 {
                    out.append(UInt8(truncatingIfNeeded: acc >> 16))
                    out.append(UInt8(truncatingIfNeeded: acc >> 8))
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc = 0
                    n = 0
                }
            }
        }
        out.withUnsafeBufferPointer(emit)
    }

    /// The last one or two bytes of an unpadded or padded end.
    mutating func finish(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var tail: [UInt8] = []
        if n == 2 { tail = [UInt8(truncatingIfNeeded: acc >> 4)] }
        if n == 3 { tail = [UInt8(truncatingIfNeeded: acc >> 10), UInt8(truncatingIfNeeded: acc >> 2)] }
        n = 0
        tail.withUnsafeBufferPointer(emit)
    }
}

/// Base64 encoding as a MIME body: lines of 76 characters ending in LF.
struct Base64LineEncoder {
    private var held: [UInt8] = []
    private var column = 0
    private var out: [UInt8] = []

    mutating func encode(_ input: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.removeAll(keepingCapacity: true)
        for b in input {
            held.append(b)
            if held.count == 3 { put(held[0], held[1], held[2], count: 3) }
        }
        out.withUnsafeBufferPointer(emit)
    }

    mutating func finish(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        out.removeAll(keepingCapacity: true)
        if !held.isEmpty {
            let n = held.count
            held += [0, 0]
            put(held[0], held[1], held[2], count: n)
        }
        if column > 0 { out.append(ASCII.lf) }
        column = 0
        out.withUnsafeBufferPointer(emit)
    }

    private mutating func put(_ a: UInt8, _ b: UInt8, _ c: UInt8, count: Int) {
        held.removeAll(keepingCapacity: true)
        let v = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
        out.append(Base64.alphabet[Int(v >> 18 & 63)])
        out.append(Base64.alphabet[Int(v >> 12 & 63)])
        out.append(count < 2 ? ASCII.equals : Base64.alphabet[Int(v >> 6 & 63)])
        out.append(count < 3 ? ASCII.equals : Base64.alphabet[Int(v & 63)])
        column += 4
        if column == 76 {
            out.append(ASCII.lf)
            column = 0
        }
    }
}
