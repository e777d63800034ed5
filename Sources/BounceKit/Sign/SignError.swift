// Why bouncesign could not sign a message.

/// A failure to sign; bouncesign exits 75 (or passes the message unsigned
/// under on-error pass) so that no message is lost.
public enum SignError: Error, CustomStringConvertible {
    /// The message's Message-ID holds characters a statement cannot carry.
    case unusableMessageID(String)
    /// GnuPG could not sign (its home, the key, or gpg itself).
    case gpg(GPGError)
    /// libgcrypt cannot be loaded: the message cannot be hashed.
    case hashing(Crypto.Unavailable)
    /// Reading or spooling the message failed (the reason says which).
    case input(FileIO.Failure)
    /// Signing would change what a reader sees: the message is kept as it is
    /// (exit 75, or sent unsigned under on-error pass).
    case wouldChangeContent(ContentRisk)

    /// The reason in an administrator's words, for standard error and the log.
    public var description: String {
        switch self {
        case .unusableMessageID(let id): return "cannot bind the proof to Message-ID \"\(id)\": not printable ASCII"
        case .gpg(let e): return e.description
        case .hashing(let e): return e.description
        case .input(let e): return e.description
        case .wouldChangeContent(let risk): return "\(risk); cannot sign it without changing it"
        }
    }
}
