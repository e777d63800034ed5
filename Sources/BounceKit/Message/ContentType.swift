// Content-Type (RFC 2045 §5.1) and Content-Transfer-Encoding (§6.1).
//
// Tolerated: a missing or unparsable type is text/plain (RFC 2045 §5.2);
// comments in parentheses are skipped; parameter names are case-insensitive;
// RFC 2231 continuations are not joined (no parameter we read needs them).

/// A parsed media type with its parameters.
public struct ContentType: Sendable, Equatable {
    /// Lower-case type, e.g. "multipart".
    public var type: String
    /// Lower-case subtype, e.g. "report".
    public var subtype: String
    /// Parameters by lower-case name.
    public var parameters: [String: String]

    /// "type/subtype", lower case.
    public var mediaType: String { "\(type)/\(subtype)" }
    public var isMultipart: Bool { type == "multipart" }

    public static let textPlain = ContentType(type: "text", subtype: "plain", parameters: [:])
    /// The default inside multipart/digest (RFC 2046 §5.1.5).
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822", parameters: [:])

    public init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// Parses a field value; nil when it names no type/subtype.
    public init?(_ value: String) {
        var scanner = ParameterScanner(Array(value.utf8))
        let media = scanner.token()
        let parts = media.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        type = String(parts[0]).asciiLowercased
        subtype = String(parts[1]).asciiLowercased
        parameters = scanner.parameters()
    }
}

/// Content-Transfer-Encoding, lower case; unknown values are kept as given.
public enum TransferEncoding: Sendable, Equatable {
    case sevenBit, eightBit, binary, quotedPrintable, base64
    case other(String)

    public init(_ value: String?) {
        switch (value ?? "7bit").trimmingWhitespace.asciiLowercased {
        case "7bit", "": self = .sevenBit
        case "8bit": self = .eightBit
        case "binary": self = .binary
        case "quoted-printable": self = .quotedPrintable
        case "base64": self = .base64
        case let v: self = .other(v)
        }
    }

    /// Whether the body is the content itself (no decoding step).
    public var isIdentity: Bool {
        switch self {
        case .sevenBit, .eightBit, .binary, .other: return true
        case .quotedPrintable, .base64: return false
        }
    }

    public var name: String {
        switch self {
        case .sevenBit: return "7bit"
        case .eightBit: return "8bit"
        case .binary: return "binary"
        case .quotedPrintable: return "quoted-printable"
        case .base64: return "base64"
        case .other(let v): return v
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let lo = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let hi = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[lo...hi])
    }
}

/// Reads `token; name=value; name="quoted value"` (RFC 2045 §5.1).
struct ParameterScanner {
    private let bytes: [UInt8]
    private var pos = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The leading token up to the first ';', trimmed, comments removed.
    mutating func token() -> String {
        var out: [UInt8] = []
        while pos < bytes.count, bytes[pos] != ASCII.semicolon {
            if bytes[pos] == 0x28 { skipComment(); continue }
            if !ASCII.isWhitespace(bytes[pos]) { out.append(bytes[pos]) }
            pos += 1
        }
        return String(mailBytes: out)
    }

    /// The `name=value` pairs that follow.
    mutating func parameters() -> [String: String] {
        var result: [String: String] = [:]
        while pos < bytes.count {
            pos += 1  // the ';'
            skipSpace()
            var name: [UInt8] = []
            while pos < bytes.count, bytes[pos] != ASCII.equals, bytes[pos] != ASCII.semicolon {
                if !ASCII.isWhitespace(bytes[pos]) { name.append(ASCII.lower(bytes[pos])) }
                pos += 1
            }
            guard pos < bytes.count, bytes[pos] == ASCII.equals else { continue }
            pos += 1
            skipSpace()
            let value = pos < bytes.count && bytes[pos] == ASCII.quote ? quoted() : bare()
            let key = String(mailBytes: name)
            if !key.isEmpty, result[key] == nil { result[key] = value }
        }
        return result
    }

    private mutating func quoted() -> String {
        var out: [UInt8] = []
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
        var out: [UInt8] = []
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
