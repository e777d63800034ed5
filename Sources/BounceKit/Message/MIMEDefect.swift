// What the MIME reader found wrong, without giving up. One table maps each
// defect to the words --explain uses.

/// What the MIME reader found wrong in a message, without giving up.
public enum MIMEDefect: Sendable, Hashable {
    case header(HeaderDefect)
    /// A multipart with no usable boundary parameter (read as one opaque part).
    case missingBoundary
    /// A multipart whose closing delimiter never came: probably truncated.
    case missingClosingDelimiter
    /// Nesting or part count beyond `Limits`.
    case tooComplex
    /// A line longer than the reader takes at once: read in pieces, never as
    /// a delimiter or header line.
    case lineTooLong

    /// Whether the reader stopped reading the message as MIME there: what
    /// follows is not verified (a limit can only lower a verdict).
    public var isLimit: Bool {
        switch self {
        case .tooComplex, .lineTooLong, .header(.tooLarge): return true
        default: return false
        }
    }

    /// For --explain.
    public var explanation: String {
        switch self {
        case .header(.malformedLine): return "a header line that is not a field ended a header block"
        case .header(.tooLarge): return "a header block beyond the limit; the rest read as body"
        case .missingBoundary: return "a multipart without a usable boundary, read as one part"
        case .missingClosingDelimiter: return "a multipart without its closing delimiter (cut short?)"
        case .tooComplex: return "nesting or part count beyond the limit; deeper parts not read"
        case .lineTooLong: return "a line beyond the line limit, read in pieces"
        }
    }
}
