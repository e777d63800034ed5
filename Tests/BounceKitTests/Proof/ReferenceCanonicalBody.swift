// Independent references for the canonical forms, built on the scanner's
// events (one grammar, one reading) but computed the plain way: each body is
// kept whole, decoded in one go (Base64.decode, QuotedPrintable.decode) and
// normalized line by line, where the streaming code decodes and normalizes
// piece by piece as lines pass (BodyDecoder, LineNormalizer, ContentSink).
// Before the tree parser was removed this compared two parsers; now it
// compares the two ways of decoding and normalizing, on the same reading.
@testable import BounceKit

/// A message as a tree, built from `MIMEScanner` events.
struct ReferenceTree: MIMEScanVisitor {
    final class Node {
        let entity: ScannedEntity
        var children: [Node] = []
        /// A leaf's body lines; a multipart's lines outside its parts.
        var body: [UInt8] = []
        var preamble: [UInt8] = []
        var sawDelimiter = false
        var sawClose = false
        var cutByDelimiter = false
        init(_ e: ScannedEntity) { entity = e }

        /// The body with the line end a delimiter owns taken off (RFC 2046 §5.1.1).
        var content: [UInt8] { cutByDelimiter && body.last == ASCII.lf ? Array(body.dropLast()) : body }
        var preambleContent: [UInt8] { preamble.last == ASCII.lf ? Array(preamble.dropLast()) : preamble }
        var hasParts: Bool { entity.isMultipart && !children.isEmpty }
    }

    private(set) var root: Node? = nil
    private var stack: [Node] = []

    mutating func begin(_ entity: ScannedEntity) {
        let n = Node(entity)
        if let p = stack.last { p.children.append(n) } else { root = n }
        stack.append(n)
    }

    mutating func bodyLine(_ line: LinePiece) { append(line, to: &stack[stack.count - 1].body) }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        let n = stack[stack.count - 1]
        if role == .delimiter { n.sawDelimiter = true }
        if role == .closeDelimiter { n.sawClose = true }
        if role == .preamble { append(line, to: &n.preamble) }
        append(line, to: &n.body)
    }

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        stack.removeLast().cutByDelimiter = cutByDelimiter
    }

    private func append(_ line: LinePiece, to bytes: inout [UInt8]) {
        bytes += line.content
        if line.terminated { bytes.append(ASCII.lf) }
    }

    static func read(_ bytes: [UInt8]) -> Node {
        MIMEScanner.scan(bytes[...], visitor: ReferenceTree()).visitor.root!  // the scanner always begins the message
    }

    /// Every node in document order.
    static func all(_ n: Node) -> [Node] { [n] + n.children.flatMap(all) }

    static func decoded(_ bytes: [UInt8], _ encoding: TransferEncoding) -> [UInt8] {
        switch encoding {
        case .base64: return Base64.decode(bytes)
        case .quotedPrintable: return QuotedPrintable.decode(bytes[...])
        default: return bytes
        }
    }

    /// Lines at LF, CRLF or CR, trailing white space removed, empty lines at
    /// the end dropped, each followed by LF.
    static func normalized(_ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], pendingEmpty = 0, pos = 0
        while let line = content.line(at: pos) {
            var end = line.content.upperBound
            while end > line.content.lowerBound, ASCII.isWhitespace(content[end - 1]) { end -= 1 }
            if end == line.content.lowerBound {
                pendingEmpty += 1
            } else {
                out += [UInt8](repeating: ASCII.lf, count: pendingEmpty) + content[line.content.lowerBound..<end] + [ASCII.lf]
                pendingEmpty = 0
            }
            pos = line.next
        }
        return out
    }
}

/// "mime-leaves/1" (CanonicalBody.swift), walked over the tree.
enum ReferenceCanonicalBody {
    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let sha = SHA256()
        feed(ReferenceTree.read(bytes), into: sha)
        return sha.finish()
    }

    private static func feed(_ n: ReferenceTree.Node, into sha: SHA256) {
        if n.hasParts {
            for part in n.children where !(n.entity.ordinal == 0 && ProofNames.isProofType(part.entity.contentType.mediaType)) {
                feed(part, into: sha)
            }
            return
        }
        sha.update(Array("--\(n.entity.contentType.mediaType)\n".utf8))
        sha.update(ReferenceTree.normalized(ReferenceTree.decoded(n.content, n.entity.encoding)))
    }
}

/// "mime-leaves/2" leaf digests (CanonicalContent.swift, steps 1-4), walked
/// over the tree.
enum ReferenceCanonicalContent {
    /// (ordinal, digest) of each content leaf, in document order.
    static func leaves(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        let root = ReferenceTree.read(bytes)
        let mixed = root.entity.isMultipart && root.entity.contentType.mediaType == "multipart/mixed"
        var proof: Set<Int> = []
        if mixed {
            proof = Set(ProofNames.trailingProof(root.children.map { ($0.entity.ordinal, $0.entity.contentType.mediaType) }))
        }
        var out: [(Int, [UInt8])] = []
        func walk(_ n: ReferenceTree.Node, _ above: [UInt8]) {
            let own = CanonicalContent.contentFields(n.entity.header) + [ASCII.lf]
            if n.entity.isMultipart && (n.sawDelimiter || n.sawClose) {
                let mine = n.entity.ordinal == 0 && mixed ? [] : own
                for c in n.children { walk(c, above + mine) }
                return
            }
            guard !proof.contains(n.entity.ordinal) else { return }
            // A multipart without parts is a leaf of its preamble, not decoded.
            let raw = n.entity.isMultipart ? n.preambleContent : ReferenceTree.decoded(n.content, n.entity.encoding)
            let sha = SHA256()
            sha.update(ReferenceTree.normalized(raw))
            let descriptor = n.entity.ordinal == 0 ? own : above + own
            out.append((n.entity.ordinal, CanonicalContent.leafDigest(descriptor: descriptor, content: sha.finish())))
        }
        walk(root, [])
        return out
    }
}
