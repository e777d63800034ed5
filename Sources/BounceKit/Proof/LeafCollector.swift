// Reading the canonical content of a message (mime-leaves/2,
// CanonicalContent.swift) as a MIMEScanner streams it: each leaf's record,
// the preambles and epilogues, the top-level parts.

/// One leaf as read: enough to make its record, or to check it against one.
struct ReadLeaf {
    let ordinal: Int
    /// Parent's ordinal (nil: the message itself is the leaf).
    let parent: Int?
    let mediaType: String
    var descriptor: [UInt8]
    /// Canonical length, and SHA-256 of the whole canonical content.
    let length: Int
    let contentHash: [UInt8]
    /// SHA-256 of the content up to each checkpoint reached.
    let checkpointHashes: [[UInt8]]
    /// Canonical bytes known to be a prefix of the leaf's content even if it
    /// was cut short (what was written before the end was reached).
    let sureLength: Int
    /// Ended by a delimiter line of an enclosing multipart: not cut short.
    var complete: Bool

    var digest: [UInt8] { CanonicalContent.leafDigest(descriptor: descriptor, content: contentHash) }

    /// The digest of checkpoint `k`, if this leaf reached it for sure.
    func checkpointDigest(_ k: Int) -> [UInt8]? {
        guard k < checkpointHashes.count, CanonicalContent.checkpoint(k) <= sureLength else { return nil }
        return CanonicalContent.leafDigest(descriptor: descriptor, content: checkpointHashes[k])
    }

    /// The record bouncesign writes for it.
    var record: LeafRecord {
        let n = CanonicalContent.checkpointCount(length: length)
        return LeafRecord(
            length: length, digest: digest,
            checkpoints: (0..<n).map { CanonicalContent.leafDigest(descriptor: descriptor, content: checkpointHashes[$0]) })
    }
}

/// The canonical content of a message as a `MIMEScanner` reads it: its
/// leaves, its multiparts' preambles and epilogues, its top-level parts.
struct LeafCollector: MIMEScanVisitor {
    private(set) var leaves: [ReadLeaf] = []
    /// Non-empty preambles and epilogues: (descriptor, preamble, epilogue) hashes.
    private(set) var shapeEntries: [(descriptor: [UInt8], preamble: [UInt8], epilogue: [UInt8])] = []
    /// The message's direct parts, for `ProofNames.trailingProof`.
    private(set) var topLevel: [(ordinal: Int, mediaType: String)] = []
    /// Whether the message is a multipart/mixed (left out of descriptors).
    private(set) var rootIsMixed = false
    /// The message's own canonical Content-* fields.
    private var rootOwn: [UInt8] = []

    private struct OpenEntity {
        let entity: ScannedEntity
        /// This entity's canonical Content-* fields.
        let own: [UInt8]
        /// Descriptors of the enclosing multiparts and this entity.
        let descriptor: [UInt8]
        /// Its body (a multipart: its preamble, as a tentative leaf).
        var text: CanonicalText<ContentSink>
        /// A multipart's preamble is over: its parts have begun.
        var preambleOver = false
        /// A multipart: its preamble (as a tentative leaf) and epilogue.
        var epilogue: LineNormalizer<ContentSink>? = nil
        var sawPart = false
    }
    private var open: [OpenEntity] = []

    mutating func begin(_ entity: ScannedEntity) {
        if entity.ordinal == 0 { rootIsMixed = entity.isMultipart && entity.contentType.mediaType == "multipart/mixed" }
        if entity.parent == 0 { topLevel.append((entity.ordinal, entity.contentType.mediaType)) }
        let own = CanonicalContent.contentFields(entity.header) + [ASCII.lf]
        if entity.ordinal == 0 { rootOwn = own }
        let transparent = entity.ordinal == 0 && rootIsMixed
        open.append(
            OpenEntity(
                entity: entity, own: own, descriptor: (open.last?.descriptor ?? []) + (transparent ? [] : own),
                text: CanonicalText(entity.isMultipart ? .sevenBit : entity.encoding, into: ContentSink())))
    }

    mutating func bodyLine(_ line: LinePiece) {
        feed(line, into: open.count - 1)
    }

    static var takesRuns: Bool { true }

    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        open[open.count - 1].text.run(run)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        let top = open.count - 1
        switch role {
        case .preamble: feed(line, into: top)
        case .delimiter, .closeDelimiter:
            open[top].sawPart = true
            open[top].preambleOver = true
            if role == .closeDelimiter { open[top].epilogue = LineNormalizer(sha: ContentSink()) }
        case .epilogue:
            open[top].epilogue?.text(line.content)
            if line.terminated { open[top].epilogue?.lineBreak() }
        }
    }

    /// A body (or preamble) line into the open entity's canonical text, in
    /// place (a copy of the entity per line cost more than the hash).
    private mutating func feed(_ line: LinePiece, into i: Int) {
        guard !open[i].preambleOver else { return }
        open[i].text.line(line)
    }

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        var o = open.removeLast()
        let sure = o.text.written
        let sink = o.text.finish(cutByDelimiter: cutByDelimiter)
        let hash = sink.finish()
        // The next delimiter of an enclosing multipart ended it, or (for a
        // multipart) its own closing delimiter did.
        let complete = cutByDelimiter
        if entity.isMultipart && o.sawPart {
            var epilogueHash = SHA256().finish(), epilogueLength = 0
            if var e = o.epilogue {
                o.epilogue = nil
                let s = e.finish()
                epilogueLength = s.count
                epilogueHash = s.finish()
            }
            if sink.count > 0 || epilogueLength > 0 {
                let d = entity.ordinal == 0 && rootIsMixed ? Array("root".utf8) : o.descriptor
                shapeEntries.append((d, hash, epilogueHash))
            }
            return
        }
        // A message that is one leaf keeps its own fields, transparent or not:
        // bouncesign moves them into the first part when it wraps it.
        leaves.append(
            ReadLeaf(
                ordinal: entity.ordinal, parent: entity.parent, mediaType: entity.contentType.mediaType,
                descriptor: entity.ordinal == 0 ? o.own : o.descriptor, length: sink.count, contentHash: hash,
                checkpointHashes: sink.checkpoints,
                sureLength: sure, complete: complete))
    }

    /// The leaves that are content: all but the proof bouncesign appended.
    var contentLeaves: [ReadLeaf] {
        guard rootIsMixed else { return leaves }
        let proof = Set(ProofNames.trailingProof(topLevel))
        return leaves.filter { !proof.contains($0.ordinal) }
    }

    /// The statement's `s` digest; nil when no multipart has a preamble or
    /// epilogue with content.
    var shapeDigest: [UInt8]? { Self.digest(shapeEntries) }

    /// `shapeDigest` as the message reads once bouncesign has made it the
    /// first part of a new multipart/mixed: a multipart/mixed root is then
    /// described by its own fields, not as the transparent root. (Only a
    /// multipart/mixed without parts is wrapped, so no part of it is
    /// described through it.)
    var wrappedShapeDigest: [UInt8]? {
        let root = Array("root".utf8)
        return Self.digest(shapeEntries.map { $0.descriptor == root ? (rootOwn, $0.preamble, $0.epilogue) : $0 })
    }

    private static func digest(_ entries: [(descriptor: [UInt8], preamble: [UInt8], epilogue: [UInt8])]) -> [UInt8]? {
        guard !entries.isEmpty else { return nil }
        let sha = SHA256()
        for e in entries {
            sha.update(e.descriptor)
            sha.update([0])
            sha.update(e.preamble)
            sha.update(e.epilogue)
        }
        return Digest.short(sha.finish())
    }

    /// The statement's leaf records for `leaves` (steps 4 and 5).
    static func records(_ leaves: [ReadLeaf]) -> [LeafRecord] {
        guard leaves.count > CanonicalContent.maxListedLeaves else { return leaves.map(\.record) }
        let listed = leaves.prefix(CanonicalContent.maxListedLeaves).map(\.record)
        let rest = leaves.dropFirst(CanonicalContent.maxListedLeaves)
        return listed + [LeafRecord(length: rest.reduce(0) { $0 + $1.length }, digest: groupDigest(rest), isGroup: true)]
    }

    static func groupDigest(_ leaves: ArraySlice<ReadLeaf>) -> [UInt8] {
        let sha = SHA256()
        sha.update(Array("bouncesign-group\0".utf8))
        for l in leaves {
            sha.update(l.descriptor)
            sha.update([0])
            sha.update(l.contentHash)
        }
        return Digest.short(sha.finish())
    }
}
