// Reading a bounce in one pass: the outline the classifier needs (each
// entity's header and type, the start of each text and delivery-status
// part) and, for every part that may hold the returned original, that
// original read as it streams past (ReturnedMessageReader). Memory stays
// bounded whatever the size: text is kept up to `Limits.maxKeptText`, and
// an original is kept as digests, not bytes.
//
// Parts that may hold the original: message/rfc822, message/global,
// message/partial and the header types (text/rfc822-headers and its
// variants) are read from their decoded body, leading blank lines skipped
// (a forger's label does not decide how much is read: a header type holding
// a body has its body read); a part whose own header carries Message-ID or
// Received (an original pasted after a bare delimiter line) is read from its
// raw lines, header included.

/// One entity of a bounce as bouncecheck keeps it.
public final class OutlineEntity: @unchecked Sendable {
    /// 0 for the bounce itself, then 1, 2, ... in document order.
    public let ordinal: Int
    /// The ordinal of the enclosing multipart; nil for the bounce itself.
    public let parent: Int?
    /// The entity's header block, as read within the limits.
    public let header: Header
    /// Its Content-Type, or the default its place gives it (RFC 2046 §5.1).
    public let contentType: ContentType
    /// A multipart with at least one part.
    public internal(set) var hasParts = false
    /// The decoded start of a text or delivery-status part (or of the
    /// message, or a multipart without parts), at most `Limits.maxKeptText`.
    public internal(set) var text: [UInt8] = []
    /// Text of it was left out of `text` (a limit of kept text).
    public internal(set) var textCut = false
    /// The returned original this part holds, read from it.
    public internal(set) var original: ReturnedMessage? = nil

    init(_ e: ScannedEntity) {
        ordinal = e.ordinal
        parent = e.parent
        header = e.header
        contentType = e.contentType
    }

    /// A leaf (not a multipart with parts).
    public var isLeaf: Bool { !hasParts }
}

/// A bounce as read once.
public struct BounceOutline: Sendable {
    /// The entities in document order; the message first.
    public var entities: [OutlineEntity]
    /// Defects met in the bounce itself.
    public var defects: Set<MIMEDefect>
    /// The limits it was read with (to read inline originals alike).
    public var limits: Limits
    /// DKIM as configured (to read inline originals alike).
    public var dkim: (any DKIMVerifying)? = nil
    /// The root header's signal fields, read once for the reader and the classifier.
    var rootSignals: SignalFields? = nil
    /// Parts that may hold a returned original past `limits.maxOriginals`,
    /// not read: a copy among them is not verified, so no verdict may pass.
    public var originalsNotRead = 0

    /// The bounce itself.
    public var root: OutlineEntity { entities[0] }

    /// Reads a message held in memory.
    public static func read(_ bytes: ArraySlice<UInt8>, limits: Limits = .standard, dkim: (any DKIMVerifying)? = nil)
        -> BounceOutline
    {
        MIMEScanner.scan(bytes, visitor: BounceReader(limits: limits, dkim: dkim), limits: limits).visitor.outline
    }
}

/// The header types a returned header block (or, mislabelled, a whole
/// message) comes back as. An array: four are searched faster than a Set is
/// built (once per run, at every start).
let returnedHeaderTypes: [String] = [
    "text/rfc822-headers", "text/rfc822-header", "message/global-headers", "message/rfc822-headers",
]

/// Builds a `BounceOutline` as a `MIMEScanner` reads the bounce.
struct BounceReader: MIMEScanVisitor {
    let limits: Limits
    let dkim: (any DKIMVerifying)?
    private var entities: [OutlineEntity] = []
    private var defects: Set<MIMEDefect> = []
    private var limitHit = false
    private var keptText = 0

    /// What is being done with an open entity's lines.
    private struct Open {
        let entity: OutlineEntity
        var capture: BodyDecoder? = nil
        var original: OriginalFeed? = nil
    }
    private var open: [Open] = []
    /// Originals read from raw lines: every line below them goes in.
    private var taps: [(ordinal: Int, feed: OriginalFeed)] = []
    private var originals = 0
    private var originalsNotRead = 0
    private var rootSignals: SignalFields? = nil

    /// Started on the first original's header proof (Check/EarlyVerifier.swift).
    let early: EarlyVerifier?

    init(limits: Limits = .standard, dkim: (any DKIMVerifying)? = nil, early: EarlyVerifier? = nil) {
        self.limits = limits
        self.dkim = dkim
        self.early = early
    }

    /// The outline, once the scanner has finished.
    var outline: BounceOutline {
        BounceOutline(
            entities: entities, defects: defects, limits: limits, dkim: dkim, rootSignals: rootSignals,
            originalsNotRead: originalsNotRead)
    }

    mutating func begin(_ e: ScannedEntity) {
        let entity = OutlineEntity(e)
        entities.append(entity)
        if let p = open.last { p.entity.hasParts = true }
        for i in taps.indices { taps[i].feed.raw(e.rawHeader) }
        var o = Open(entity: entity)
        let type = e.contentType.mediaType
        if e.ordinal == 0 { rootSignals = SignalFields(e.header) }
        if !e.isMultipart && (e.contentType.type == "text" || type.hasSuffix("delivery-status") || e.ordinal == 0) {
            let ordinaryText =
                e.ordinal == 0 && e.contentType.type == "text"
                && !BounceClassifier.textMayMatter(rootSignals ?? SignalFields(e.header), type: e.contentType)
            if !ordinaryText { o.capture = BodyDecoder(e.encoding) }
        }
        if e.isMultipart { o.capture = BodyDecoder(.sevenBit) }  // the preamble, if no part comes
        let attached =
            !e.isMultipart
            && (["message/rfc822", "message/global", "message/partial"].contains(type) || returnedHeaderTypes.contains(type))
        let rawMessage = e.ordinal > 0 && (e.header.first("Message-ID") != nil || e.header.first("Received") != nil)
        if (attached || rawMessage) && originals >= limits.maxOriginals {
            originalsNotRead += 1
        } else if attached {
            originals += 1
            o.original = OriginalFeed(decoding: e.encoding, limits: limits, limitBefore: limitHit, dkim: dkim, early: early)
        } else if rawMessage {
            originals += 1
            var feed = OriginalFeed(decoding: nil, limits: limits, limitBefore: limitHit, dkim: dkim, early: early)
            feed.raw(e.rawHeader)
            taps.append((e.ordinal, feed))
        }
        open.append(o)
    }

    mutating func bodyLine(_ line: LinePiece) {
        let top = open.count - 1
        keep(line, top)
        open[top].original?.line(line)
        tap(line)
    }

    static var takesRuns: Bool { true }

    /// Lines of a part that holds an original stream to it as a block;
    /// lines that are kept as text or tapped go one by one.
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        let top = open.count - 1
        // Nothing reads these lines: text kept to its budget, no original.
        if taps.isEmpty, open[top].capture == nil, open[top].original == nil { return }
        let asBlock =
            taps.isEmpty && (open[top].capture?.isIdentity ?? true) && (open[top].original?.decodesNothing ?? true)
            && !LineRun.hasCR(run)
        guard asBlock else {
            LineSplitter.lines(of: run) { bodyLine($0) }
            return
        }
        keep(run: run, top)
        open[top].original?.run(run)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        let top = open.count - 1
        if role == .preamble { keep(line, top) }
        if role == .delimiter || role == .closeDelimiter { open[top].capture = nil }
        tap(line)
    }

    mutating func end(_ e: ScannedEntity, cutByDelimiter: Bool) {
        let o = open.removeLast()
        if var c = o.capture, o.entity.text.count < limits.maxKeptText {
            c.finish(cutByDelimiter: cutByDelimiter) { o.entity.text += $0 }
        }
        if var f = o.original { o.entity.original = f.finish(cutByDelimiter: cutByDelimiter) }
        if let last = taps.last, last.ordinal == e.ordinal {
            var f = taps.removeLast().feed
            o.entity.original = f.finish(cutByDelimiter: cutByDelimiter)
        }
    }

    mutating func defect(_ d: MIMEDefect) {
        defects.insert(d)
        if d.isLimit { limitHit = true }
    }

    /// Keeps the decoded start of a text part, within the budget.
    private mutating func keep(_ line: LinePiece, _ i: Int) {
        guard var c = open[i].capture else { return }
        open[i].capture = nil
        let entity = open[i].entity
        var budget = Swift.min(limits.maxKeptText - entity.text.count, limits.maxKeptTextTotal - keptText)
        guard budget > 0 else {
            entity.textCut = true
            return
        }
        c.line(line) { chunk in
            let n = Swift.min(chunk.count, budget)
            if n < chunk.count { entity.textCut = true }
            entity.text += UnsafeBufferPointer(rebasing: chunk[..<n])
            budget -= n
            keptText += n
        }
        open[i].capture = c
    }

    /// `keep` for a run of lines ending in LF, without CR, in a part
    /// without transfer encoding.
    private mutating func keep(run: UnsafeBufferPointer<UInt8>, _ i: Int) {
        guard var c = open[i].capture else { return }
        open[i].capture = nil
        let entity = open[i].entity
        var budget = Swift.min(limits.maxKeptText - entity.text.count, limits.maxKeptTextTotal - keptText)
        guard budget > 0 else {
            entity.textCut = true
            return
        }
        _ = c.lfLines(run) { chunk in
            let n = Swift.min(chunk.count, budget)
            if n < chunk.count { entity.textCut = true }
            entity.text += UnsafeBufferPointer(rebasing: chunk[..<n])
            budget -= n
            keptText += n
        }
        open[i].capture = c
    }

    private mutating func tap(_ line: LinePiece) {
        for i in taps.indices { taps[i].feed.rawLine(line) }
    }
}

/// Feeds one returned original, as its bytes come, to its own scanner.
struct OriginalFeed {
    private var decoder: BodyDecoder?
    private var scanner: MIMEScanner<ReturnedMessageReader>
    private var pending = PendingBytes()

    /// `decoding`: the part's transfer encoding; nil to take raw lines.
    init(
        decoding encoding: TransferEncoding?, limits: Limits, limitBefore: Bool, dkim: (any DKIMVerifying)? = nil,
        early: EarlyVerifier? = nil
    ) {
        decoder = encoding.map(BodyDecoder.init)
        scanner = MIMEScanner(visitor: ReturnedMessageReader(limitBefore: limitBefore, dkim: dkim, early: early), limits: limits)
    }

    /// A line of the part's body (still transfer-encoded).
    mutating func line(_ piece: LinePiece) {
        decoder?.line(piece) { pending.take($0) }
        if pending.bytes.count >= 1 << 16 { flush() }
    }

    /// The part has no transfer encoding to undo: it can take runs.
    var decodesNothing: Bool { decoder?.isIdentity ?? false }

    /// Whole lines of the part's body at once (`MIMEScanVisitor.bodyRun`):
    /// ending in LF, without CR, and only when `decodesNothing`.
    mutating func run(_ run: UnsafeBufferPointer<UInt8>) {
        _ = decoder?.lfLines(run) { pending.take($0) }
        if pending.bytes.count >= 1 << 16 { flush() }
    }

    /// Raw bytes (header blocks of a tapped part).
    mutating func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { pending.take($0) }
    }

    /// A raw line of a tapped part.
    mutating func rawLine(_ piece: LinePiece) {
        pending.take(piece.content)
        if piece.terminated { pending.take(ASCII.lfBuffer) }
        if pending.bytes.count >= 1 << 16 { flush() }
    }

    private mutating func flush() {
        pending.bytes.withBytes { scanner.feed($0) }
        pending.bytes.removeAll()
    }

    mutating func finish(cutByDelimiter: Bool) -> ReturnedMessage {
        decoder?.finish(cutByDelimiter: cutByDelimiter) { pending.take($0) }
        flush()
        scanner.finish()
        return scanner.visitor.finished(closed: !scanner.messageIsUnclosed, containerEnded: cutByDelimiter)
    }
}

/// The bytes of an original waiting for its scanner, leading blank lines
/// and white space left out (relays and bounces add them).
private struct PendingBytes {
    var bytes = ByteBuffer()
    /// Still before the first byte that is not white space or a line end.
    private var atStart = true

    mutating func take(_ chunk: UnsafeBufferPointer<UInt8>) {
        var start = 0
        if atStart {
            while start < chunk.count, ASCII.isWhitespace(chunk[start]) || chunk[start] == ASCII.lf || chunk[start] == ASCII.cr {
                start += 1
            }
            if start == chunk.count { return }
            atStart = false
        }
        bytes.append(UnsafeBufferPointer(rebasing: chunk[start...]))
    }
}
