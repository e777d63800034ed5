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

/// Steps 2-3 for one body: the transfer encoding undone, the lines
/// normalised, into a sink.
struct CanonicalText<Sink: HashSink> {
    private var decoder: BodyDecoder
    private var lines: LineNormalizer<Sink>
    private let identity: Bool

    init(_ encoding: TransferEncoding, into sink: Sink) {
        decoder = BodyDecoder(encoding)
        identity = decoder.isIdentity
        lines = LineNormalizer(sha: sink)
    }

    /// Canonical bytes surely written so far (`LineNormalizer.written`).
    var written: Int { lines.written }

    mutating func line(_ piece: LinePiece) {
        if identity {
            // The content is already split into lines: no second search.
            lines.text(piece.content)
            if piece.terminated { lines.lineBreak() }
        } else {
            decoder.line(piece) { lines.feed($0) }
        }
    }

    /// Whole lines at once (a `LineRun`): as a block if they are already
    /// canonical, else line by line.
    mutating func run(_ run: UnsafeBufferPointer<UInt8>) {
        if identity, lines.plainText(run) { return }
        LineSplitter.lines(of: run) { line($0) }
    }

    /// The sink with the whole body in it.
    mutating func finish(cutByDelimiter: Bool) -> Sink {
        if !identity { decoder.finish(cutByDelimiter: cutByDelimiter) { lines.feed($0) } }
        return lines.finish()
    }
}

/// Step 3: lines without trailing white space, empty lines at the end
/// dropped. Written to SHA-256 through a 64 KiB buffer (one libgcrypt call
/// per line costs more than the hash itself).
struct LineNormalizer<Sink: HashSink> {
    private var sha: Sink
    private var buffer = ByteBuffer()
    /// White space since the last other byte of this line: trailing, unless
    /// more text follows.
    private var space: [UInt8] = []
    /// When `space` outgrows its buffer: the state as if it were not trailing.
    private var spaceWritten: Sink? = nil
    private var lineHasText = false
    private var emptyLines = 0
    private var afterCR = false

    init(sha: Sink) {
        self.sha = sha
    }

    /// Canonical bytes written so far: a prefix of the canonical form of any
    /// longer input that starts with what was fed (white space and empty
    /// lines are held back until text follows).
    var written: Int { sha.count + buffer.count }

    /// Bytes of one line, without line breaks.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        var last = bytes.count
        while last > 0, ASCII.isWhitespace(bytes[last - 1]) { last -= 1 }
        if last > 0 {
            if let s = spaceWritten {
                sha = s
                spaceWritten = nil
            } else if !lineHasText {
                for _ in 0..<emptyLines { buffer.append(ASCII.lf) }
            }
            emptyLines = 0
            if !space.isEmpty {
                space.withUnsafeBufferPointer { buffer.append($0) }
                space.removeAll(keepingCapacity: true)
            }
            write(UnsafeBufferPointer(rebasing: bytes[..<last]))
            lineHasText = true
        }
        if last < bytes.count {
            space += bytes[last...]
            if space.count > 1 << 16 { spillSpace() }
        }
    }

    mutating func lineBreak() {
        if lineHasText { buffer.append(ASCII.lf) } else { emptyLines += 1 }
        lineHasText = false
        if !space.isEmpty { space.removeAll(keepingCapacity: true) }
        spaceWritten = nil
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Lines that are canonical as they are (`LineRun.isPlainText`), taken
    /// as a block; false (nothing done) if they are not, or if white space
    /// or a line is held back.
    mutating func plainText(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !lineHasText, space.isEmpty, spaceWritten == nil, LineRun.isPlainText(run) else { return false }
        for _ in 0..<emptyLines { buffer.append(ASCII.lf) }
        emptyLines = 0
        write(run)
        if buffer.count >= 1 << 16 { flush() }
        return true
    }

    /// Decoded content, line breaks (LF, CRLF, CR) included.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b == ASCII.lf || b == ASCII.cr else { continue }
            if i > start { text(UnsafeBufferPointer(rebasing: bytes[start..<i])) }
            if !(b == ASCII.lf && afterCR && i == start) { lineBreak() }
            afterCR = b == ASCII.cr
            start = i + 1
        }
        if start < bytes.count {
            afterCR = false
            text(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// The hash state with every line in it.
    mutating func finish() -> Sink {
        if lineHasText { buffer.append(ASCII.lf) }
        flush()
        return sha
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if buffer.count + bytes.count > 1 << 16 { flush() }
        if bytes.count >= 1 << 16 { sha.update(UnsafeRawBufferPointer(bytes)) } else { buffer.append(bytes) }
    }

    private mutating func flush() {
        buffer.withBytes { sha.update(UnsafeRawBufferPointer($0)) }
        buffer.removeAll()
    }

    /// A pathological run of white space: hash it on a copy, kept in case
    /// text follows, instead of holding it all.
    private mutating func spillSpace() {
        flush()
        if spaceWritten == nil {
            let copy = sha.copy()
            if !lineHasText { Array(repeating: ASCII.lf, count: emptyLines).withUnsafeBytes { copy.update($0) } }
            spaceWritten = copy
        }
        if let w = spaceWritten { space.withUnsafeBytes { w.update($0) } }
        space.removeAll(keepingCapacity: true)
    }
}

/// Where canonical bytes go: SHA-256 itself, or a sink that also counts
/// them and keeps the state at checkpoints (`ContentSink`).
protocol HashSink: AnyObject {
    func update(_ buffer: UnsafeRawBufferPointer)
    /// An independent copy of the state so far.
    func copy() -> Self
    /// Bytes taken so far (SHA256 does not count: 0).
    var count: Int { get }
}

extension SHA256: HashSink {
    var count: Int { 0 }
}

/// Undoes a Content-Transfer-Encoding line by line; the line break after
/// the last line waits for `finish`, which drops it when a delimiter owns it.
struct BodyDecoder {
    private enum Kind {
        case identity
        case base64(Base64Decoder)
        case quotedPrintable(QPDecoder)
    }
    private var kind: Kind
    private var pendingLF = false

    init(_ encoding: TransferEncoding) {
        switch encoding {
        case .base64: kind = .base64(Base64Decoder())
        case .quotedPrintable: kind = .quotedPrintable(QPDecoder())
        default: kind = .identity
        }
    }

    var isIdentity: Bool {
        if case .identity = kind { return true }
        return false
    }

    mutating func line(_ piece: LinePiece, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch kind {
        case .identity:
            if pendingLF { emit(ASCII.lfBuffer) }
            emit(piece.content)
            pendingLF = piece.terminated
        // Each decoder is moved out and back, so that its buffer is never
        // shared (and copied) while it works.
        case .base64(var d):
            kind = .identity
            d.decode(piece.content, emit)
            kind = .base64(d)
        case .quotedPrintable(var d):
            kind = .identity
            d.line(piece, emit)
            kind = .quotedPrintable(d)
        }
    }

    /// Whole lines ending in LF, none with a CR (a `LineRun`), as `line`
    /// would give them one by one; false (nothing done) unless there is no
    /// encoding to undo.
    mutating func lfLines(_ run: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard case .identity = kind, run.count > 0 else { return false }
        if pendingLF { emit(ASCII.lfBuffer) }
        emit(UnsafeBufferPointer(rebasing: run[..<(run.count - 1)]))
        pendingLF = true
        return true
    }

    mutating func finish(cutByDelimiter: Bool, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch kind {
        case .identity:
            if pendingLF && !cutByDelimiter { emit(ASCII.lfBuffer) }
        case .base64(var d):
            kind = .identity
            d.finish(emit)
            kind = .base64(d)
        case .quotedPrintable(var d):
            kind = .identity
            d.finish(cutByDelimiter: cutByDelimiter, emit)
            kind = .quotedPrintable(d)
        }
        pendingLF = false
    }
}
