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
//    leaf (message/rfc822 too: its bytes are the leaf's content). Direct
//    sub-parts of the message of type application/x-bouncesign-statement or
//    application/x-bouncesign-clearsign (the proof itself) are skipped;
//    deeper down such parts are content like any other.
// 2. For each leaf, undo the Content-Transfer-Encoding (base64 or
//    quoted-printable; others as is).
// 3. Split the content into lines at LF, CRLF or CR; remove trailing spaces and
//    tabs from each line; drop empty lines at the end.
// 4. Feed SHA-256 with "--" + the lower-case media type + LF, then each line
//    followed by LF.
// Message headers are not hashed: the statement binds the Message-ID instead.

/// Computes the body hash of a parsed message.
public enum CanonicalBody {
    public static let name = "mime-leaves/1"

    /// SHA-256 of the canonical form of `message`.
    public static func hash(of message: MIMEEntity) -> [UInt8] {
        if message.contentType.isMultipart, !message.parts.isEmpty { return hash(parts: message.parts) }
        let sha = SHA256()
        feed(message, into: sha)
        return sha.finish()
    }

    /// SHA-256 of the canonical form of a message's top-level parts.
    public static func hash(parts: [MIMEEntity]) -> [UInt8] {
        let sha = SHA256()
        for part in parts where !ProofNames.isProofPart(part) { feed(part, into: sha) }
        return sha.finish()
    }

    private static func feed(_ entity: MIMEEntity, into sha: SHA256) {
        if entity.contentType.isMultipart, !entity.parts.isEmpty {
            for part in entity.parts { feed(part, into: sha) }
            return
        }
        sha.update(Array("--\(entity.contentType.mediaType)\n".utf8))
        feedNormalizedLines(entity.decodedBody, into: sha)
    }

    /// Step 3: lines without trailing white space, trailing empty lines dropped.
    static func feedNormalizedLines(_ content: ArraySlice<UInt8>, into sha: SHA256) {
        // Lines are gathered into 64 KiB before hashing: one libgcrypt call
        // per line would cost more than the hash itself.
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        var pendingEmpty = 0
        var pos = content.startIndex
        while let line = content.line(at: pos) {
            var end = line.content.upperBound
            while end > line.content.lowerBound, ASCII.isWhitespace(content[end - 1]) { end -= 1 }
            if end == line.content.lowerBound {
                pendingEmpty += 1
            } else {
                for _ in 0..<pendingEmpty { chunk.append(ASCII.lf) }
                pendingEmpty = 0
                chunk += content[line.content.lowerBound..<end]
                chunk.append(ASCII.lf)
                if chunk.count >= 1 << 16 {
                    sha.update(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            pos = line.next
        }
        sha.update(chunk)
    }
}
