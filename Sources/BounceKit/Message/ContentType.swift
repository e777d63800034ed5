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
    public var parameters: MediaParameters

    /// "type/subtype", lower case.
    public var mediaType: String { "\(type)/\(subtype)" }
    /// Whether the type is multipart/* (RFC 2046 §5.1).
    public var isMultipart: Bool { type == "multipart" }

    /// text/plain, the default for a part without Content-Type (RFC 2045 §5.2).
    public static let textPlain = ContentType(type: "text", subtype: "plain", parameters: MediaParameters())
    /// The default inside multipart/digest (RFC 2046 §5.1.5).
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822", parameters: MediaParameters())

    /// A content type from its parts, as given (callers pass lower case).
    public init(type: String, subtype: String, parameters: MediaParameters) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// Parses a field value; nil when it names no type/subtype.
    public init?(_ value: String) {
        var scanner = ParameterScanner(Array(value.utf8))
        let media = scanner.token()
        guard let slash = media.firstIndex(of: ASCII.slash), slash > 0, slash < media.count - 1 else { return nil }
        type = String(mailBytes: media[..<slash])
        subtype = String(mailBytes: media[(slash + 1)...])
        parameters = scanner.parameters()
    }
}
