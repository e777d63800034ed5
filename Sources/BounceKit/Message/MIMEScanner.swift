// A streaming MIME parser: reads a message chunk by chunk and tells a
// visitor, line by line, which entity each line belongs to. Memory stays
// bounded (one header block per open entity, one unfinished line), so
// bouncesign can hash and rewrite messages of any size, and bouncecheck
// hashes returned originals with the very same code.
//
// It reads mail the way `MIMEParser` does (same header rules through
// `HeaderReader`, same delimiter rules, same limits), with two differences
// that only matter for messages no mail program writes:
// - message/rfc822 and message/global parts are leaves: nothing that uses
//   the scanner looks inside them;
// - a line longer than `LineSplitter.maxLine` is never a delimiter, and in a
//   header block it ends the header (the rest is body).

/// An entity as the scanner reports it, once its header block is read.
final class ScannedEntity {
    /// 0 for the message, then 1, 2, ... in document order.
    let ordinal: Int
    let depth: Int
    /// The ordinal of the enclosing multipart; nil for the message.
    let parent: Int?
    let header: Header
    /// The header block as read, line ends as LF, blank line included if
    /// there was one.
    let rawHeader: [UInt8]
    let contentType: ContentType
    let encoding: TransferEncoding
    /// Whether the scanner reads it as a multipart (parts follow); if not,
    /// every line of its body is leaf content.
    let isMultipart: Bool
    let boundary: [UInt8]

    init(
        ordinal: Int, depth: Int, parent: Int?, header: Header, rawHeader: [UInt8], contentType: ContentType,
        encoding: TransferEncoding, isMultipart: Bool, boundary: [UInt8]
    ) {
        self.ordinal = ordinal
        self.depth = depth
        self.parent = parent
        self.header = header
        self.rawHeader = rawHeader
        self.contentType = contentType
        self.encoding = encoding
        self.isMultipart = isMultipart
        self.boundary = boundary
    }

    /// Whether this is one of the two proof parts directly under the message.
    var isTopLevelProofPart: Bool {
        parent == 0 && ProofNames.isProofType(contentType.mediaType)
    }
}

/// The lines of a multipart that are not inside one of its parts.
enum StructureLine {
    case preamble, delimiter, closeDelimiter, epilogue
}

/// What a `MIMEScanner` reports.
protocol MIMEScanVisitor {
    /// An entity's header block has been read; its body lines follow.
    mutating func begin(_ entity: ScannedEntity)
    /// A line of the open leaf's body (still transfer-encoded).
    mutating func bodyLine(_ line: LinePiece)
    /// A line of a multipart (by ordinal) outside its parts.
    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int)
    /// The entity is over. `cutByDelimiter`: it ended at a delimiter line of
    /// an enclosing multipart, which owns the line end before it (RFC 2046
    /// §5.1.1), so the entity's last line is not terminated after all.
    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool)
    /// A defect was found (before the line or entity it concerns is handed on).
    mutating func defect(_ defect: MIMEDefect)
    /// Whether the visitor takes runs of body lines (`bodyRun`); a static
    /// answer, asked once per line start.
    static var takesRuns: Bool { get }
    /// Whole lines of the open leaf's body at once (LineRun.swift): none a
    /// delimiter, none longer than a piece, the last ending in a whole line end. By
    /// default each goes to `bodyLine`, as the scanner would have sent it.
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>)
}

extension MIMEScanVisitor {
    mutating func defect(_ defect: MIMEDefect) {}
    static var takesRuns: Bool { false }
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        LineSplitter.lines(of: run) { bodyLine($0) }
    }
}

/// Streams a message through a `MIMEScanVisitor`.
struct MIMEScanner<Visitor: MIMEScanVisitor> {
    var visitor: Visitor
    let limits: Limits
    /// Defects found anywhere in the message.
    private(set) var defects: Set<MIMEDefect> = []
    private mutating func record(_ d: MIMEDefect) {
        if defects.insert(d).inserted || d.isLimit { visitor.defect(d) }
    }

    /// Input bytes of the message's own header block, blank line included:
    /// where its body starts (bouncesign copies the body from there as it is).
    private(set) var messageHeaderLength = 0

    /// The message is a multipart whose closing delimiter never came: cut short.
    private(set) var messageIsUnclosed = false

    private var splitter = LineSplitter()
    private var frames: [Frame] = []
    private var nextOrdinal = 0
    /// The previous piece was part of a longer line.
    private var midLine = false

    private typealias Frame = ScanFrame

    init(visitor: Visitor, limits: Limits = .standard) {
        self.visitor = visitor
        self.limits = limits
        push(depth: 0, parent: nil, defaultType: .textPlain)
    }

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
        var s = splitter
        splitter = LineSplitter()
        var p = 0
        // Where the last search for a run stopped without finding one: lines
        // before it go one by one (LineRun.end).
        var searched = 0
        while p < chunk.count {
            if Visitor.takesRuns, LineRun.enabled, p >= searched, s.atLineStart, !midLine,
                let end = runEnd(chunk, from: p, searched: &searched)
            {
                visitor.bodyRun(UnsafeBufferPointer(rebasing: chunk[p..<end]))
                p = end
            } else {
                p = s.step(chunk, from: p) { accept($0) }
            }
        }
        splitter = s
    }

    /// Bytes looked at searching for runs, for the tests (linear in the input).
    private(set) var runSearchExamined = 0

    /// Where a run of body lines starting at `p` ends, if one does: only in
    /// a leaf's body, and before any line that could be a delimiter of an
    /// enclosing multipart (there is one when the leaf is not the message).
    private mutating func runEnd(_ chunk: UnsafeBufferPointer<UInt8>, from p: Int, searched: inout Int) -> Int? {
        guard frames[frames.count - 1].phase == .leaf else { return nil }
        return LineRun.end(
            in: chunk, from: p, limit: Swift.min(chunk.count, p + LineSplitter.maxLine), delimitersPossible: frames.count > 1,
            searched: &searched, examined: &runSearchExamined)
    }

    /// Ends the message: the last unterminated line, then every open entity.
    mutating func finish() {
        var s = splitter
        splitter = LineSplitter()
        s.finish { accept($0) }
        while !frames.isEmpty { endTop(cutByDelimiter: false) }
    }

    /// Scans a message held in memory.
    static func scan(_ bytes: ArraySlice<UInt8>, visitor: Visitor, limits: Limits = .standard) -> Self {
        var scanner = Self(visitor: visitor, limits: limits)
        bytes.withUnsafeBufferPointer { scanner.feed($0) }
        scanner.finish()
        return scanner
    }

    // MARK: lines

    private mutating func accept(_ line: LinePiece) {
        let continuation = midLine
        midLine = line.continues
        if line.continues && !continuation { record(.lineTooLong) }
        if continuation || line.continues || !takeDelimiter(line) { route(line) }
    }

    /// If `line` is a delimiter of an open multipart, acts on it.
    private mutating func takeDelimiter(_ line: LinePiece) -> Bool {
        guard let (k, close) = delimiter(line) else { return false }
        while frames.count > k + 1 { endTop(cutByDelimiter: true) }
        let entity = frames[k].entity!  // a multipart in its body: begun
        visitor.structureLine(line, close ? .closeDelimiter : .delimiter, of: entity.ordinal)
        if close {
            frames[k].phase = .epilogue
        } else {
            frames[k].phase = .inPart
            push(
                depth: entity.depth + 1, parent: entity.ordinal,
                defaultType: entity.contentType.subtype == "digest" ? .messageRFC822 : .textPlain)
        }
        return true
    }

    /// Hands a line to the innermost open entity.
    private mutating func route(_ line: LinePiece) {
        let top = frames.count - 1
        switch frames[top].phase {
        case .header:
            if readHeaderLine(line) { return }
            // The header ended before this line: it is the body's first, and
            // may be the new multipart's first delimiter.
            if line.continues || !takeDelimiter(line) { route(line) }
        case .leaf: visitor.bodyLine(line)
        case .preamble: visitor.structureLine(line, .preamble, of: frames[top].ordinal)
        case .epilogue: visitor.structureLine(line, .epilogue, of: frames[top].ordinal)
        case .inPart: break  // not reached: a part's frame is on top
        }
    }

    /// Takes a header-block line; false if the body starts with it.
    private mutating func readHeaderLine(_ line: LinePiece) -> Bool {
        let top = frames.count - 1
        let step =
            line.continues ? .bodyStartsHere(.tooLarge) : frames[top].reader.step(line.content, inputLength: line.inputLength)
        if frames[top].ordinal == 0, step != .bodyStartsHere(.tooLarge), step != .bodyStartsHere(.malformedLine) {
            messageHeaderLength += line.inputLength
        }
        switch step {
        case .skipped, .continuation, .field:
            let start = frames[top].rawHeader.count
            frames[top].rawHeader.append(contentsOf: line.content)
            if case .field(let name) = step {
                frames[top].fieldRanges.append(FieldSpan(name: name, range: start..<frames[top].rawHeader.count))
            } else if case .continuation = step, let last = frames[top].fieldRanges.indices.last {
                frames[top].fieldRanges[last].range = frames[top].fieldRanges[last].range.lowerBound..<frames[top].rawHeader.count
            }
            frames[top].rawHeader.append(ASCII.lf)
            return true
        case .end:
            frames[top].rawHeader.append(ASCII.lf)
            beginBody()
            return true
        case .bodyStartsHere(let defect):
            record(.header(defect))
            beginBody()
            return false
        }
    }

    /// Whether `line` is a delimiter of an open multipart: the outermost
    /// first, as `MIMEParser` splits the outer body before the inner ones.
    private func delimiter(_ line: LinePiece) -> (frame: Int, close: Bool)? {
        let c = line.content
        guard c.count >= 2, c[0] == ASCII.dash, c[1] == ASCII.dash else { return nil }
        for k in frames.indices where frames[k].phase == .preamble || frames[k].phase == .inPart {
            // In its preamble or a part: its header was read, so it is begun.
            if let close = Self.delimiterKind(c, frames[k].entity!.boundary) { return (k, close) }
        }
        return nil
    }

    /// "--boundary" (false) or "--boundary--" (true), then only white space.
    static func delimiterKind(_ c: UnsafeBufferPointer<UInt8>, _ boundary: [UInt8]) -> Bool? {
        let need = 2 + boundary.count
        guard c.count >= need, c[0] == ASCII.dash, c[1] == ASCII.dash,
            UnsafeBufferPointer(rebasing: c[2..<need]).elementsEqual(boundary)
        else { return nil }
        var rest = need
        var close = false
        if rest + 1 < c.count, c[rest] == ASCII.dash, c[rest + 1] == ASCII.dash {
            close = true
            rest += 2
        }
        while rest < c.count {
            guard ASCII.isWhitespace(c[rest]) else { return nil }
            rest += 1
        }
        return close
    }

    // MARK: entities

    private mutating func push(depth: Int, parent: Int?, defaultType: ContentType) {
        frames.append(
            Frame(
                ordinal: nextOrdinal, depth: depth, parent: parent, defaultType: defaultType, reader: HeaderReader(limits: limits)
            ))
        if nextOrdinal >= limits.maxParts { record(.tooComplex) }
        nextOrdinal += 1
    }

    /// The header block is complete: decide what the entity is.
    private mutating func beginBody() {
        let top = frames.count - 1
        let f = frames[top]
        let fields = f.fieldRanges.map { HeaderField(name: $0.name, raw: f.rawHeader[$0.range]) }
        let header = Header(fields: fields)
        let type = header["Content-Type"].flatMap(ContentType.init) ?? f.defaultType
        var boundary: [UInt8] = []
        if type.isMultipart {
            if f.depth >= limits.maxDepth || f.ordinal >= limits.maxParts {
                record(.tooComplex)
            } else if let b = type.parameters["boundary"], !b.isEmpty, b.utf8.count <= limits.maxBoundaryLength {
                boundary = Array(b.utf8)
            } else {
                record(.missingBoundary)
            }
        }
        let entity = ScannedEntity(
            ordinal: f.ordinal, depth: f.depth, parent: f.parent, header: header, rawHeader: f.rawHeader,
            contentType: type, encoding: TransferEncoding(header["Content-Transfer-Encoding"]),
            isMultipart: !boundary.isEmpty, boundary: boundary)
        frames[top].entity = entity
        frames[top].rawHeader = []
        frames[top].fieldRanges = []
        frames[top].phase = entity.isMultipart ? .preamble : .leaf
        visitor.begin(entity)
    }

    private mutating func endTop(cutByDelimiter: Bool) {
        if frames[frames.count - 1].phase == .header { beginBody() }
        let f = frames.removeLast()
        if f.phase == .preamble || f.phase == .inPart {
            record(.missingClosingDelimiter)
            if f.ordinal == 0 { messageIsUnclosed = true }
        }
        visitor.end(f.entity!, cutByDelimiter: cutByDelimiter)  // begun just above if it was not
    }
}

// Outside the generic scanner, and without tuples: the runtime builds the
// metadata of a generic type's nested types and of tuple arrays from their
// mangled names on first use, which every bouncecheck process paid.

/// Where an entity is in the scanner's reading.
private enum ScanPhase { case header, leaf, preamble, inPart, epilogue }

/// An open entity, as the scanner keeps it.
private struct ScanFrame {
    var phase = ScanPhase.header
    let ordinal: Int, depth: Int, parent: Int?
    let defaultType: ContentType
    var reader: HeaderReader
    var rawHeader: [UInt8] = []
    var fieldRanges: [FieldSpan] = []
    var entity: ScannedEntity? = nil
}

/// A header field's name and its bytes in the raw header block.
private struct FieldSpan {
    let name: String
    var range: Range<Int>
}
