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

    /// Which of a multipart/mixed message's top-level parts (ordinal and
    /// media type, in order) are the proof bouncesign appended: the last part
    /// if it is a clearsign part, and the one before it if that is a
    /// statement part. Every other part is content, whatever its type: a
    /// user's own attachment of a proof type is kept and hashed, and a proof
    /// moved elsewhere is content that no statement lists.
    static func trailingProof(_ topLevel: [(ordinal: Int, mediaType: String)]) -> [Int] {
        guard let last = topLevel.last, last.mediaType == clearsignType else { return [] }
        if topLevel.count >= 2, topLevel[topLevel.count - 2].mediaType == statementType {
            return [topLevel[topLevel.count - 2].ordinal, last.ordinal]
        }
        return [last.ordinal]
    }
}
