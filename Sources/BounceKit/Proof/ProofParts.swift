// The names bouncesign writes into a message and bouncecheck looks for.

/// Media types and header names of the proof bouncesign adds.
public enum ProofNames {
    /// The MAC part: the statement as plain text.
    public static let statementType = "application/x-bouncesign-statement"
    /// The clearsign part: the statement, OpenPGP-clearsigned.
    public static let clearsignType = "application/x-bouncesign-clearsign"
    /// The header copy of the clearsigned statement, for headers-only returns.
    public static let header = "Bounce-Signature"

    /// Whether a media type is one of the two proof parts' (excluded from the hash).
    static func isProofType(_ mediaType: String) -> Bool {
        mediaType == statementType || mediaType == clearsignType
    }
}
