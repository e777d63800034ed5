// What a message is, as far as backscatter goes, and where its returned
// original is.

/// The kinds of message bouncecheck tells apart.
public enum MessageKind: String, Sendable, CaseIterable {
    /// A delivery-status notification reporting failure.
    case failure
    /// A DSN reporting delay (the message is still queued somewhere).
    case delay
    /// A DSN reporting success (delivered, relayed, expanded).
    case delivered
    /// An automatic reply (RFC 3834), vacation or out-of-office notice.
    case autoreply
    /// An ARF abuse/feedback report (RFC 5965).
    case feedback
    /// A challenge-response request ("confirm you are human").
    case challenge
    /// A virus or content-filter notice to the sender.
    case virus
    /// Not a bounce.
    case notBounce = "none"
}

/// How much of the original came back.
public enum ReturnForm: String, Sendable {
    /// Headers and the whole body.
    case whole
    /// Headers and a body that was cut short.
    case truncated
    /// Only the header block.
    case headers
    /// Pasted as text into the bounce's own text.
    case inline
}

/// The returned original inside a bounce.
public struct ReturnedOriginal: Sendable {
    /// The returned original as read: its header and whatever of its body came back.
    public var message: ReturnedMessage
    /// How much of it came back.
    public var form: ReturnForm
    /// Where it was found, for --explain.
    public var location: String
    /// Other copies in the bounce with the same Message-ID and a body: they
    /// are verified as well.
    public var copies: [ReturnedMessage] = []
    /// Why a part that may hold another copy was not read (past a limit):
    /// then no copy there is verified, and the bounce cannot pass.
    public var unread: String? = nil
}

/// A message classified.
public struct BounceReport: Sendable {
    /// What kind of message it is.
    public var kind: MessageKind
    /// The format recognised, for --explain (e.g. "RFC 3464 multipart/report").
    public var format: String
    /// The returned original, when one was found.
    public var original: ReturnedOriginal?
    /// The recipients the report names (RFC 3464 §2.3), in order.
    public var recipients: [RecipientStatus]
}
