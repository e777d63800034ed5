// The tree-walking implementation of "mime-leaves/1" that bouncesign used
// before the streaming one (Sources/BounceKit/Proof/CanonicalBody.swift):
// kept as an independent reference that the streaming hasher must agree
// with (CanonicalBodyTests, "streaming hash equals the reference").
@testable import BounceKit

extension ProofNames {
    static func isProofPart(_ entity: MIMEEntity) -> Bool { isProofType(entity.contentType.mediaType) }
}

/// Computes the body hash of a parsed message.
enum ReferenceCanonicalBody {
    /// SHA-256 of the canonical form of `message`.
    static func hash(of message: MIMEEntity) -> [UInt8] {
        if message.contentType.isMultipart, !message.parts.isEmpty { return hash(parts: message.parts) }
        let sha = SHA256()
        feed(message, into: sha)
        return sha.finish()
    }

    /// SHA-256 of the canonical form of a message's top-level parts.
    static func hash(parts: [MIMEEntity]) -> [UInt8] {
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
