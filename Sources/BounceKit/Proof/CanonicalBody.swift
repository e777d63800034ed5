// The canonical form of a message's content, which the statement's body hash
// covers. Canonicalization name: "mime-leaves/1".
//
// It must come out the same after everything relays and bounces do in
// transit (CRLF/LF, trailing white space, 8bit re-encoded as quoted-printable,
// base64 re-wrapped, headers re-folded or added) and after bouncesign's own
// wrapping, yet change with any change to the decoded content. The algorithm,
// also in bouncesign(1):
//
// 1. Walk the MIME tree depth first in document order. A multipart contributes
//    its sub-parts (preamble and epilogue are ignored); anything else is a
//    leaf (message/rfc822 too: its bytes are the leaf's content), and so is a
//    multipart without parts (its whole body). Direct sub-parts of the
//    message of type application/x-bouncesign-statement or
//    application/x-bouncesign-clearsign (the proof itself) are skipped;
//    deeper down such parts are content like any other.
// 2. For each leaf, undo the Content-Transfer-Encoding (base64 or
//    quoted-printable; others as is).
// 3. Split the content into lines at LF, CRLF or CR; remove trailing spaces and
//    tabs from each line; drop empty lines at the end.
// 4. Feed SHA-256 with "--" + the lower-case media type + LF, then each line
//    followed by LF.
// Message headers are not hashed: the statement binds the Message-ID instead.
//
// bouncesign and bouncecheck compute it with the same streaming code
// (`MIMEScanner` and `CanonicalHasher`), in bounded memory.

/// The body hash of a message.
public enum CanonicalBody {
    /// The name a version 1 statement gives this canonical form.
    public static let name = "mime-leaves/1"

    /// SHA-256 of the canonical form of a message (header and body) held in memory.
    public static func hash(_ message: ArraySlice<UInt8>, limits: Limits = .standard) -> [UInt8] {
        MIMEScanner.scan(message, visitor: CanonicalHasher(), limits: limits).visitor.digest()
    }
}

/// Computes the canonical body hash as a `MIMEScanner` reads the message.
struct CanonicalHasher: MIMEScanVisitor {
    private var sha = SHA256()
    private var leaf: LeafHasher? = nil
    /// A multipart that has shown no part yet: if none comes, it is a leaf,
    /// hashed on a copy of the state so far.
    private var tentative: (ordinal: Int, leaf: LeafHasher)? = nil

    mutating func begin(_ entity: ScannedEntity) {
        if entity.isMultipart {
            tentative = (entity.ordinal, LeafHasher(entity, into: sha.copy()))
        } else {
            leaf = entity.isTopLevelProofPart ? nil : LeafHasher(entity, into: sha)
        }
    }

    mutating func bodyLine(_ line: LinePiece) {
        leaf?.line(line)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        guard tentative?.ordinal == multipart else { return }
        if role == .delimiter { tentative = nil } else { tentative?.leaf.line(line) }
    }

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        if entity.isMultipart {
            if tentative?.ordinal == entity.ordinal, let s = tentative?.leaf.finish(cutByDelimiter: cutByDelimiter) {
                sha = s
            }
            tentative = nil
        } else if let s = leaf?.finish(cutByDelimiter: cutByDelimiter) {
            sha = s
            leaf = nil
        }
    }

    func digest() -> [UInt8] { sha.finish() }
}

/// Step 4 for one leaf: its media type, then its canonical text.
struct LeafHasher {
    private var text: CanonicalText<SHA256>

    init(_ entity: ScannedEntity, into sha: SHA256) {
        sha.update(Array("--\(entity.contentType.mediaType)\n".utf8))
        text = CanonicalText(entity.encoding, into: sha)
    }

    mutating func line(_ piece: LinePiece) { text.line(piece) }

    /// The hash state with this leaf in it.
    mutating func finish(cutByDelimiter: Bool) -> SHA256 { text.finish(cutByDelimiter: cutByDelimiter) }
}
