// A returned original, read once: its header, the proof it carries and the
// canonical content of whatever body came back, all from one MIMEScanner
// pass over its bytes (fed as they stream out of the bounce, or from text
// pasted inline). The verdict is made from this and nothing else.

/// Everything bouncecheck knows about one returned original.
public struct ReturnedMessage: Sendable {
    /// Its header block (as many fields as the limits allow).
    public var header = Header()
    /// Whether any byte other than white space came after the header.
    public var bodyCameBack = false
    /// Content leaves in document order (proof parts left out).
    var leaves: [ReadLeaf] = []
    /// The message is a multipart whose closing delimiter came.
    public var closed = false
    /// The `s` digest of what came back.
    var shape: [UInt8]? = nil
    /// The proof parts bouncesign appends (ProofNames.trailingProof): decoded
    /// bytes, at most `ReturnedMessage.maxProofPart` each.
    var statementPart: [UInt8]? = nil
    var clearsignPart: [UInt8]? = nil
    /// Proof parts of a return cut short inside them: no carrier, but they
    /// may hold nothing but the start of the proof the header carries.
    var cutProofParts: [(mediaType: String, bytes: [UInt8])] = []
    /// Version 1: every top-level part of a proof type counts, and the body
    /// hash (mime-leaves/1) of the whole return.
    var legacyProofParts: [(mediaType: String, bytes: [UInt8])] = []
    var legacyProofCount = 0
    var legacyDigest: [UInt8] = []
    /// Content leaves completed before a parser limit was hit in or before
    /// this message (nil: none was): nothing after them is verified.
    public var leavesBeforeLimit: Int? = nil
    /// Defects met, for --explain.
    public var defects: Set<MIMEDefect> = []
    /// Its DKIM signatures of our domains (DKIM/DKIMTap.swift), when DKIM
    /// is configured and its header has one.
    public var dkim: DKIMEvidence? = nil

    /// Bytes of a proof part kept: far above any statement bouncesign writes.
    static let maxProofPart = 64 << 10
}

/// Reads a returned original as a `MIMEScanner` streams it.
struct ReturnedMessageReader: MIMEScanVisitor {
    private(set) var result = ReturnedMessage()
    private var collector = LeafCollector()
    /// The version 1 hash, taken only when the header proof is version 1
    /// (bouncesign has always put the header proof first): version 2 mail
    /// does not pay for a second canonical reading.
    private var legacy: CanonicalHasher? = nil
    /// The top-level proof-typed part being read, and its decoded bytes.
    private var proofPart: (ordinal: Int, mediaType: String, decoder: BodyDecoder, bytes: [UInt8])? = nil
    private var proofParts: [(ordinal: Int, mediaType: String, bytes: [UInt8])] = []
    private var inBody = false
    /// DKIM (configured or nil), and its tap once the header names our domain.
    private let dkimVerifier: (any DKIMVerifying)?
    private var dkimTap: DKIMTap? = nil

    /// Told the message's header, to start verifying its proof early.
    private let early: EarlyVerifier?

    /// `limitBefore`: a limit was hit in the bounce before this message began.
    init(limitBefore: Bool = false, dkim: (any DKIMVerifying)? = nil, early: EarlyVerifier? = nil) {
        if limitBefore { result.leavesBeforeLimit = 0 }
        dkimVerifier = dkim
        self.early = early
    }

    mutating func begin(_ entity: ScannedEntity) {
        if entity.ordinal == 0 {
            result.header = entity.header
            early?.start(entity.header)
            inBody = true
            switch DKIMTap.start(entity.header, dkimVerifier) {
            case .tap(let t): dkimTap = t
            case .failed(let evidence): result.dkim = evidence
            case nil: break
            }
        } else {
            dkimTap?.rawHeader(entity.rawHeader)
        }
        if entity.ordinal == 0, Self.headerProofIsVersion1(entity.header) { legacy = CanonicalHasher() }
        collector.begin(entity)
        legacy?.begin(entity)
        if entity.parent == 0, ProofNames.isProofType(entity.contentType.mediaType) {
            result.legacyProofCount += 1
            proofPart = (entity.ordinal, entity.contentType.mediaType, BodyDecoder(entity.encoding), [])
        }
        if entity.ordinal > 0 { result.bodyCameBack = true }
    }

    mutating func bodyLine(_ line: LinePiece) {
        noteBody(line)
        dkimTap?.line(line)
        collector.bodyLine(line)
        legacy?.bodyLine(line)
        if var p = proofPart {
            proofPart = nil
            p.decoder.line(line) { if p.bytes.count < ReturnedMessage.maxProofPart { p.bytes += $0 } }
            proofPart = p
        }
    }

    static var takesRuns: Bool { true }

    /// Body lines past the first text go to the content hash as a block,
    /// unless DKIM, a version 1 hash or a proof part needs them one by one.
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        if inBody, !result.bodyCameBack, run.contains(where: { !ASCII.isWhitespace($0) && $0 != ASCII.lf && $0 != ASCII.cr }) {
            result.bodyCameBack = true
        }
        guard dkimTap == nil, legacy == nil, proofPart == nil else {
            LineSplitter.lines(of: run) { bodyLine($0) }
            return
        }
        collector.bodyRun(run)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        noteBody(line)
        dkimTap?.line(line)
        collector.structureLine(line, role, of: multipart)
        legacy?.structureLine(line, role, of: multipart)
        if multipart == 0, role == .closeDelimiter { result.closed = true }
    }

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        collector.end(entity, cutByDelimiter: cutByDelimiter)
        legacy?.end(entity, cutByDelimiter: cutByDelimiter)
        if var p = proofPart, p.ordinal == entity.ordinal {
            p.decoder.finish(cutByDelimiter: cutByDelimiter) { if p.bytes.count < ReturnedMessage.maxProofPart { p.bytes += $0 } }
            proofParts.append((p.ordinal, p.mediaType, p.bytes))
            if proofParts.count > 4 { proofParts.removeFirst() }
            proofPart = nil
        }
    }

    mutating func defect(_ defect: MIMEDefect) {
        result.defects.insert(defect)
        if defect.isLimit, result.leavesBeforeLimit == nil { result.leavesBeforeLimit = collector.leaves.count }
    }

    private mutating func noteBody(_ line: LinePiece) {
        guard inBody, !result.bodyCameBack else { return }
        if line.content.contains(where: { !ASCII.isWhitespace($0) }) { result.bodyCameBack = true }
    }

    /// Whether a Bounce-Signature field says v=1 (or several fields are
    /// there: then the checker fails them anyway, and the hash is cheap
    /// to skip). Without a header proof, version 1 is kept possible.
    static func headerProofIsVersion1(_ header: Header) -> Bool {
        let fields = header.all(ProofNames.header)
        guard let f = fields.first else { return true }
        let v = f.unfoldedValue.filter { !ASCII.isWhitespace($0) }
        return fields.count == 1 && v.starts(with: Array("v=1;".utf8))
    }

    /// The message as read, once the scanner has finished. `containerEnded`:
    /// the part (or text) that held it ended where it should, not cut short;
    /// a message that is one leaf (a header-only proof) is whole only then.
    func finished(closed scannerSawClose: Bool, containerEnded: Bool) -> ReturnedMessage {
        var r = result
        r.closed = r.closed && scannerSawClose
        var content = collector.contentLeaves
        if content.count == 1, content[0].ordinal == 0 {
            content[0].complete = containerEnded
            r.closed = containerEnded
        }
        r.leaves = content
        // A limit counted leaves among all of them: count content leaves only.
        if let n = r.leavesBeforeLimit { r.leavesBeforeLimit = content.filter { $0.ordinal < ordinalOfLeaf(n) }.count }
        r.shape = collector.shapeDigest
        var proof = collector.rootIsMixed ? ProofNames.trailingProof(collector.topLevel) : []
        if collector.rootIsMixed, !r.closed, proof.isEmpty, let last = collector.topLevel.last,
            last.mediaType == ProofNames.statementType
        {
            // Cut inside the proof, after the statement part began: the proof
            // is not content, and its cut bytes are no carrier.
            r.leaves = r.leaves.filter { $0.ordinal != last.ordinal }
            r.cutProofParts = proofParts.filter { $0.ordinal == last.ordinal }.map { ($0.mediaType, $0.bytes) }
            if let n = r.leavesBeforeLimit { r.leavesBeforeLimit = min(n, r.leaves.count) }
            proof = []
        }
        for p in proofParts where proof.contains(p.ordinal) {
            if p.mediaType == ProofNames.statementType { r.statementPart = p.bytes } else { r.clearsignPart = p.bytes }
        }
        // A clearsign part cut short is no carrier either: the header speaks.
        if !r.closed, let cs = r.clearsignPart, (try? SignedStatement(clearsigned: cs)) == nil {
            r.cutProofParts = [(ProofNames.clearsignType, cs)] + (r.statementPart.map { [(ProofNames.statementType, $0)] } ?? [])
            r.clearsignPart = nil
            r.statementPart = nil
        }
        r.legacyProofParts = proofParts.map { ($0.mediaType, $0.bytes) }
        r.legacyDigest = legacy?.digest() ?? []
        if let t = dkimTap { r.dkim = t.finish() }
        return r
    }

    /// The ordinal of the n-th leaf read (Int.max when fewer were read).
    private func ordinalOfLeaf(_ n: Int) -> Int {
        n < collector.leaves.count ? collector.leaves[n].ordinal : Int.max
    }
}

extension ReturnedMessage {
    /// Reads a returned original held in memory (text pasted inline).
    static func read(
        _ bytes: ArraySlice<UInt8>, limits: Limits, limitBefore: Bool = false, whole: Bool = true,
        dkim: (any DKIMVerifying)? = nil
    ) -> ReturnedMessage {
        let reader = ReturnedMessageReader(limitBefore: limitBefore, dkim: dkim)
        let scanner = MIMEScanner.scan(bytes, visitor: reader, limits: limits)
        return scanner.visitor.finished(closed: !scanner.messageIsUnclosed, containerEnded: whole)
    }
}
