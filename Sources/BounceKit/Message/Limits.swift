// Every limit the parsers enforce, in one place. Exceeding one never traps:
// it records a defect, and the caller turns that into a clear verdict.

/// Bounds on what the message parser will do with hostile input.
public struct Limits: Sendable {
    /// Header fields read per header block; more are treated as body text.
    public var maxHeaderFields = 2_000
    /// Bytes in one header block; beyond this the rest is treated as body text.
    public var maxHeaderBytes = 1 << 20
    /// Nesting of multiparts and encapsulated messages.
    public var maxDepth = 24
    /// MIME parts in one message, all levels together.
    public var maxParts = 2_000
    /// Decoded bytes of one text or delivery-status part that bouncecheck
    /// keeps, to recognise a bounce and find an original pasted into it
    /// (a pasted original longer than this is read as cut there).
    public var maxKeptText = 1 << 20
    /// The same, all parts of one message together.
    public var maxKeptTextTotal = 8 << 20
    /// Boundary parameter length (RFC 2046 §5.1.1 allows 70).
    public var maxBoundaryLength = 200
    /// Parts of one bounce read as possible returned originals.
    public var maxOriginals = 16
    /// Recipient groups read from one delivery-status part.
    public var maxStatusGroups = 1_000

    /// Bytes of one line taken at once: room for the longest header line.
    /// A longer line comes in pieces, never a delimiter or header line.
    public var maxLine: Int { maxHeaderBytes + 1024 }

    /// The defaults (`Limits.standard`).
    public init() {}

    /// The defaults documented in the man pages.
    public static let standard = Limits()
}
