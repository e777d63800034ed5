// Content-Transfer-Encoding (RFC 2045 §6.1).

/// Content-Transfer-Encoding, lower case; unknown values are kept as given.
public enum TransferEncoding: Sendable, Equatable {
    case sevenBit, eightBit, binary, quotedPrintable, base64
    case other(String)

    /// The encoding a field value names: none is 7bit (RFC 2045 §6.1), an unknown one is kept as `other`.
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

    /// Its name as written in the field, lower case.
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
