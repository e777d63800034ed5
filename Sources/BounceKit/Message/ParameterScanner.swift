// The parameters of a MIME field value (RFC 2045 §5.1): name=value pairs
// after ';', values as tokens or quoted strings, comments skipped.

/// Reads `token; name=value; name="quoted value"` (RFC 2045 §5.1).
struct ParameterScanner {
    private let bytes: [UInt8]
    private var pos = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The leading token up to the first ';', without white space or
    /// comments, in ASCII lower case (a media type: RFC 2045 §5.1).
    mutating func token() -> [UInt8] {
        var out = room()
        while pos < bytes.count, bytes[pos] != ASCII.semicolon {
            if bytes[pos] == 0x28 { skipComment(); continue }
            if !ASCII.isWhitespace(bytes[pos]) { out.append(ASCII.lower(bytes[pos])) }
            pos += 1
        }
        return out
    }

    /// An empty array with room for what a name or value usually holds,
    /// so that it is not grown at its first few bytes. At most 256 bytes:
    /// a hostile value holds a million parameters, and room for the whole
    /// rest at each would cost time quadratic in its length.
    private func room() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count - pos, 256))
        return out
    }

    /// The `name=value` pairs that follow.
    mutating func parameters() -> MediaParameters {
        var result = MediaParameters()
        while pos < bytes.count {
            pos += 1  // the ';'
            skipSpace()
            var name = room()
            while pos < bytes.count, bytes[pos] != ASCII.equals, bytes[pos] != ASCII.semicolon {
                if !ASCII.isWhitespace(bytes[pos]) { name.append(ASCII.lower(bytes[pos])) }
                pos += 1
            }
            guard pos < bytes.count, bytes[pos] == ASCII.equals else { continue }
            pos += 1
            skipSpace()
            let value = pos < bytes.count && bytes[pos] == ASCII.quote ? quoted() : bare()
            let key = String(mailBytes: name)
            if !key.isEmpty { result.add(key, value) }
        }
        return result
    }

    private mutating func quoted() -> String {
        var out = room()
        pos += 1
        while pos < bytes.count, bytes[pos] != ASCII.quote {
            if bytes[pos] == ASCII.backslash, pos + 1 < bytes.count { pos += 1 }
            out.append(bytes[pos])
            pos += 1
        }
        pos += 1
        while pos < bytes.count, bytes[pos] != ASCII.semicolon { pos += 1 }
        return String(mailBytes: out)
    }

    private mutating func bare() -> String {
        var out = room()
        while pos < bytes.count, bytes[pos] != ASCII.semicolon {
            if bytes[pos] == 0x28 { skipComment(); continue }
            out.append(bytes[pos])
            pos += 1
        }
        while let last = out.last, ASCII.isWhitespace(last) { out.removeLast() }
        return String(mailBytes: out)
    }

    private mutating func skipSpace() {
        while pos < bytes.count, ASCII.isWhitespace(bytes[pos]) { pos += 1 }
    }

    private mutating func skipComment() {
        var depth = 0
        while pos < bytes.count {
            if bytes[pos] == 0x28 { depth += 1 }
            if bytes[pos] == 0x29 { depth -= 1; if depth == 0 { pos += 1; return } }
            pos += 1
        }
    }
}
