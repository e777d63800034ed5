// The canonical content of a message, version 2 ("mime-leaves/2"): what the
// statement's `l`, `g` and `s` lines cover. bouncesign(1) "Canonical form"
// documents it for other implementations:
//
// 1. Walk the entities as MIMEScanner reads them. Leaves are the entities
//    that are not multiparts with parts (message/rfc822 is a leaf; a
//    multipart without any delimiter line is a leaf holding its body). The
//    proof bouncesign appends (ProofNames.trailingProof) is no leaf.
// 2. A leaf's descriptor: for each enclosing multipart, outermost first, and
//    then the leaf itself, its Content-* fields other than
//    Content-Transfer-Encoding and Content-Length, each as
//    "name:value\n" (name lower case, value unfolded, white-space runs made
//    one space, trimmed), then "\n". A multipart/mixed message root is left
//    out of every descriptor: bouncesign wraps other messages in one.
// 3. A leaf's content: its body with the transfer encoding undone, split
//    into lines at LF, CRLF or CR, trailing spaces and tabs removed, empty
//    lines at the end dropped, each line followed by LF (LineNormalizer).
// 4. A leaf's digest: SHA-256 of "bouncesign-leaf" NUL descriptor NUL
//    SHA-256(content), cut to 128 bits. Checkpoint k (k = 0..11, at
//    4 KiB * 2^k below the content's length): the same with SHA-256 of the
//    content's first 4 KiB * 2^k bytes.
// 5. Leaves after the 31st are one group record: SHA-256 of
//    "bouncesign-group" NUL, then descriptor NUL SHA-256(content) per leaf.
// 6. Shape (`s`): for each multipart whose preamble or epilogue has content
//    (canonical as in 3), its descriptor (the root's: "root"), NUL,
//    SHA-256(preamble), SHA-256(epilogue); absent when there is none.

/// Constants and digests of the canonical content.
public enum CanonicalContent {
    /// The name a version 2 statement gives this canonical form.
    public static let name = "mime-leaves/2"
    /// Checkpoints per leaf, at most.
    public static let maxCheckpoints = 12
    /// Leaves listed one by one; the rest form one group.
    public static let maxListedLeaves = 31

    /// Offset of checkpoint `k` in a leaf's canonical content.
    public static func checkpoint(_ k: Int) -> Int { 4096 << k }

    /// How many checkpoints a leaf of `length` canonical bytes has.
    public static func checkpointCount(length: Int) -> Int {
        (0..<maxCheckpoints).filter { checkpoint($0) < length }.count
    }

    static func leafDigest(descriptor: [UInt8], content: [UInt8]) -> [UInt8] {
        let sha = SHA256()
        sha.update(Array("bouncesign-leaf\0".utf8))
        sha.update(descriptor)
        sha.update([0])
        sha.update(content)
        return Digest.short(sha.finish())
    }

    /// The canonical Content-* fields of one entity (step 2).
    static func contentFields(_ header: Header) -> [UInt8] {
        var out: [UInt8] = []
        for f in header.fields {
            let name = f.name.asciiLowercased
            guard name.hasPrefix("content-"), name != "content-transfer-encoding", name != "content-length" else { continue }
            out += Array(name.utf8)
            out.append(ASCII.colon)
            var space = false
            for b in f.unfoldedValue {
                if ASCII.isWhitespace(b) {
                    space = true
                    continue
                }
                if space { out.append(ASCII.space) }
                space = false
                out.append(b)
            }
            out.append(ASCII.lf)
        }
        return out
    }
}

/// Counts canonical bytes into SHA-256 and keeps the digest of the first
/// `CanonicalContent.checkpoint(k)` bytes as they pass. Large blocks are
/// hashed on the process's hashing thread (HashWorker), in order; reading
/// the digests waits for them.
final class ContentSink: HashSink {
    private var state = HashState()
    /// Bytes taken (some may still be on their way through the worker).
    private(set) var count = 0
    /// The last block handed to the worker (0: none outstanding).
    private var ticket = 0

    /// Smaller blocks are hashed here: handing them over costs more.
    private static let handOver = 1 << 15

    init() {}

    func update(_ buffer: UnsafeRawBufferPointer) {
        count += buffer.count
        if let worker = HashWorker.shared, buffer.count >= Self.handOver || (ticket > 0 && !worker.isDone(ticket)) {
            let block = [UInt8](unsafeUninitializedCapacity: buffer.count) { out, n in
                UnsafeMutableRawBufferPointer(out).copyMemory(from: buffer)
                n = buffer.count
            }
            let state = self.state
            ticket = worker.submit { block.withUnsafeBytes { state.update($0) } }
        } else {
            state.update(buffer)
        }
    }

    /// SHA-256 of the content up to each checkpoint passed so far.
    var checkpoints: [[UInt8]] {
        settle()
        return state.checkpoints
    }

    func copy() -> ContentSink {
        settle()
        let c = ContentSink()
        c.state = state.copy()
        c.count = count
        return c
    }

    func finish() -> [UInt8] {
        settle()
        return state.sha.finish()
    }

    /// Waits for the blocks on their way.
    private func settle() {
        guard ticket > 0 else { return }
        HashWorker.shared?.wait(for: ticket)
        ticket = 0
    }

    /// The hash and its checkpoints: used by one thread at a time (the
    /// worker while blocks are on their way, then the sink's owner).
    private final class HashState {
        var sha = SHA256()
        var count = 0
        var checkpoints: [[UInt8]] = []

        func update(_ buffer: UnsafeRawBufferPointer) {
            var rest = buffer
            while !rest.isEmpty {
                let k = checkpoints.count
                let next = k < CanonicalContent.maxCheckpoints ? CanonicalContent.checkpoint(k) : Int.max
                let take = Swift.min(rest.count, next - count)
                sha.update(UnsafeRawBufferPointer(rebasing: rest[..<take]))
                count += take
                rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                if count == next { checkpoints.append(sha.copy().finish()) }
            }
        }

        func copy() -> HashState {
            let c = HashState()
            c.sha = sha.copy()
            c.count = count
            c.checkpoints = checkpoints
            return c
        }
    }
}

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
                descriptor: entity.ordinal == 0 ? o.own : o.descriptor, length: sink.count, contentHash: hash, checkpointHashes: sink.checkpoints,
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
