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
    /// Bytes of a message that bouncecheck reads into memory and parses; the
    /// rest is streamed through unread (a returned original cut there counts
    /// as truncated, and is verified on its header proof). Servers return
    /// headers only far below this (Postfix 50 kB, Exim 100 KiB).
    public var maxParsedBytes = 8 << 20
    /// Bytes of base64 or quoted-printable encapsulated messages decoded per
    /// message, all levels together; beyond it they are opaque.
    public var maxDecodedBytes = 16 << 20
    /// Boundary parameter length (RFC 2046 §5.1.1 allows 70).
    public var maxBoundaryLength = 200

    public init() {}

    /// The defaults documented in the man pages.
    public static let standard = Limits()
}
