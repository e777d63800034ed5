// bouncesign's first reading of a message: what the proof needs (the
// message header, the body hash) and which parts must be re-encoded before
// the second reading writes them out (see MessageSigner's rules).

import Glibc

/// What the first reading found.
struct SignSurvey: MIMEScanVisitor {
    let limits: Limits
    /// The message itself, once its header is read.
    private(set) var message: ScannedEntity? = nil
    /// Parts directly under the message, proof parts included, in order.
    private(set) var topLevel: [(ordinal: Int, mediaType: String)] = []
    /// Entities to re-encode (multiparts: some part below must be).
    private(set) var rewrite: Set<Int> = []
    /// Leaves to re-encode as base64 of their bytes exactly as they are,
    /// line ends included (see `end`).
    private(set) var exact: Set<Int> = []
    /// For a message without Content-Type: whether its text is UTF-8.
    private(set) var textIsUTF8 = true
    /// Why the message cannot be signed unchanged, if it cannot.
    private(set) var risk: ContentRisk? = nil
    /// Some entity's body began with a piece of an over-long line: with a
    /// header over the limits, that line is what ended the header.
    private(set) var longHeaderLine = false

    /// The message is one leaf whose body has no CR: copied as it is, its
    /// body comes out byte for byte (copying writes every line end as LF).
    private(set) var isOneLeafWithoutCR = false
    private var hasParts = false

    /// Parts directly under the message, proof parts included.
    var topLevelParts: Int { topLevel.count }

    /// The earlier proof that signing replaces (`ProofNames.trailingProof`).
    var proofToReplace: Set<Int> { Set(ProofNames.trailingProof(topLevel)) }

    /// What is known of each entity still open, innermost last.
    private struct Open {
        let isProtected: Bool
        /// This entity or one around it is protected: copied as it is.
        let inProtected: Bool
        let quotedPrintable: Bool
        var unsafeLine = false
        var partToRewrite = false
        var sawBody = false
        /// Line ends seen in its body (the last one included, even when a
        /// delimiter owns it: it still tells the message's convention).
        var sawCR = false, sawCRLF = false, sawLF = false
        /// Quoted-printable "=0D" or "=0A" (a CR or LF as data).
        var qpLineEndEscape = false
    }
    private var open: [Open] = []
    /// An LF or CRLF line end seen anywhere in a body so far: a CR alone is
    /// then data (a bare CR); in a message of CR line ends it is a line end.
    private var sawLineFeed = false
    /// Decodes the message's own text when it has no Content-Type.
    private var untypedText: (decoder: BodyDecoder, utf8: UTF8Validator)? = nil

    init(limits: Limits) { self.limits = limits }

    mutating func begin(_ entity: ScannedEntity) {
        if entity.ordinal > 0 { hasParts = true }
        if entity.ordinal == 0 {
            message = entity
            if !entity.isMultipart, entity.header.first("Content-Type") == nil {
                untypedText = (BodyDecoder(entity.encoding), UTF8Validator())
            }
        }
        if entity.parent == 0 { topLevel.append((entity.ordinal, entity.contentType.mediaType)) }
        let isProtected = Self.isProtected(entity)
        open.append(
            Open(
                isProtected: isProtected, inProtected: isProtected || (open.last?.inProtected ?? false),
                quotedPrintable: entity.encoding == .quotedPrintable))
    }

    mutating func bodyLine(_ line: LinePiece) {
        let last = open.count - 1
        if !open[last].sawBody {
            open[last].sawBody = true
            if line.continues { longHeaderLine = true }
        }
        if !open[last].unsafeLine, !Self.isTransitSafe(line) { open[last].unsafeLine = true }
        switch line.terminator {
        case .none: break
        case .lf: open[last].sawLF = true
        case .cr: open[last].sawCR = true
        case .crlf: open[last].sawCRLF = true
        }
        if line.terminator == .lf || line.terminator == .crlf { sawLineFeed = true }
        if open[last].quotedPrintable, !open[last].qpLineEndEscape, Self.hasLineEndEscape(line.content) {
            open[last].qpLineEndEscape = true
        }
        if var t = untypedText {
            untypedText = nil
            t.decoder.line(line) { t.utf8.feed($0) }
            untypedText = t
        }
    }

    /// Whole lines at once: what `bodyLine` finds, without a call per line,
    /// for a part past its first line that needs no decoding to judge
    /// (neither quoted-printable nor an untyped message's text).
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        let last = open.count - 1
        var run = run
        if !open[last].sawBody, let base = run.baseAddress {
            // The first line alone: it tells how the header ended.
            let lf =
                memchr(base, Int32(ASCII.lf), run.count).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? run.count - 1
            LineSplitter.lines(of: UnsafeBufferPointer(rebasing: run[...lf])) { bodyLine($0) }
            run = UnsafeBufferPointer(rebasing: run[(lf + 1)...])
        }
        guard !run.isEmpty else { return }
        guard !open[last].quotedPrintable, untypedText == nil, !LineRun.hasCR(run) else {
            LineSplitter.lines(of: run) { bodyLine($0) }
            return
        }
        if !open[last].unsafeLine, !Self.isTransitSafe(lines: run) { open[last].unsafeLine = true }
        open[last].sawLF = true
        sawLineFeed = true
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {}

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        let e = open.removeLast()
        let (needs, exactBytes) = entity.isMultipart ? (e.partToRewrite, false) : leafNeeds(entity, e)
        if needs && !e.isProtected {
            if e.inProtected || entity.ordinal >= limits.maxParts {
                // Copied untouched with the subtree around it.
                if exactBytes { refuse(e.inProtected ? .protectedLineEnds : .opaqueMultipart) }
            } else {
                rewrite.insert(entity.ordinal)
                if exactBytes { exact.insert(entity.ordinal) }
                if !open.isEmpty { open[open.count - 1].partToRewrite = true }
                if let r = Self.cannotReencode(entity, e) { refuse(r) }
            }
        } else if needs && e.isProtected && exactBytes {
            refuse(.protectedLineEnds)
        }
        if entity.ordinal == 0 { isOneLeafWithoutCR = !entity.isMultipart && !hasParts && !e.sawCR && !e.sawCRLF }
        if entity.ordinal == 0, var t = untypedText {
            t.decoder.finish(cutByDelimiter: false) { t.utf8.feed($0) }
            textIsUTF8 = t.utf8.isValid
            untypedText = nil
        }
    }

    /// Whether a leaf must be re-encoded, and whether as its exact bytes.
    ///
    /// Copying writes every line end as LF. That is the line end a reader
    /// sees for lines (text, 7bit, message/*: CRLF in canonical form,
    /// RFC 2046 §4.1.1), but not for two kinds of content:
    /// - 8bit or binary data of a non-text type, where CR and CRLF are bytes
    ///   of the content: any line end but LF means base64 of the exact bytes
    ///   (the line end before a delimiter is the delimiter's, RFC 2046 §5.1.1);
    /// - a bare CR in a message whose lines end in LF or CRLF: it is data,
    ///   not a line end, and copying or quoted-printable (whose encoder reads
    ///   a CR as a line break) would turn it into one. Such a leaf, text too,
    ///   becomes base64 of its exact bytes. Not "=0D" in quoted-printable:
    ///   our decoder (and the canonical hash after it) cannot tell "=0D"
    ///   before a line break from a CRLF, so a CR before a line end would
    ///   hash differently after signing; base64 keeps every byte for every
    ///   reader, at the cost of text that is not readable undecoded.
    private func leafNeeds(_ entity: ScannedEntity, _ e: Open) -> (Bool, Bool) {
        guard entity.encoding.isIdentity else { return (e.unsafeLine, false) }
        let bareCR = e.sawCR && sawLineFeed
        let binary =
            (entity.encoding == .eightBit || entity.encoding == .binary) && !Self.isLineOriented(entity.contentType)
        if bareCR || (binary && (e.sawCR || e.sawCRLF)) { return (true, true) }
        return (e.unsafeLine, binary && e.unsafeLine)
    }

    /// Why an entity marked for re-encoding cannot be, if it cannot.
    private static func cannotReencode(_ entity: ScannedEntity, _ e: Open) -> ContentRisk? {
        if entity.contentType.isMultipart && !entity.isMultipart { return .opaqueMultipart }
        if case .other(let name) = entity.encoding { return .unknownEncoding(name) }
        if entity.encoding == .quotedPrintable && e.qpLineEndEscape { return .quotedPrintableLineEnd }
        return nil
    }

    private mutating func refuse(_ r: ContentRisk) {
        if risk == nil { risk = r }
    }

    /// Content made of lines, whose line ends a reader sees as CRLF.
    static func isLineOriented(_ t: ContentType) -> Bool {
        t.type == "text" || t.type == "message" || t.isMultipart
    }

    /// "=0D" or "=0A" (any case) in a quoted-printable line.
    static func hasLineEndEscape(_ c: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i + 2 < c.count {
            if c[i] == ASCII.equals, c[i + 1] == 0x30 {
                let d = c[i + 2] | 0x20
                if d == 0x64 || d == 0x61 { return true }
            }
            i += 1
        }
        return false
    }

    /// Subtrees copied byte for byte: signatures over them must still verify.
    static func isProtected(_ e: ScannedEntity) -> Bool {
        let t = e.contentType
        return t.type == "message" || t.mediaType == "multipart/signed" || t.mediaType == "multipart/encrypted"
    }

    /// 7-bit, no NUL, at most 998 bytes, not starting "." or "From ".
    static func isTransitSafe(_ line: LinePiece) -> Bool {
        let c = line.content
        guard !line.continues, c.count <= 998 else { return false }
        guard let first = c.first else { return true }
        if first == ASCII.dot { return false }
        if c.count >= 5, first == 0x46, c[1] == 0x72, c[2] == 0x6F, c[3] == 0x6D, c[4] == ASCII.space { return false }
        return !containsEightBitOrNUL(c)
    }

    /// `isTransitSafe` for every line of a run (whole lines, each ending
    /// in LF but perhaps the last): one pass, sixteen bytes at a time. A
    /// call to memchr per line and a second pass for 8-bit bytes were a
    /// tenth of signing a long text.
    static func isTransitSafe(lines run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let lf = SIMD16<UInt8>(repeating: ASCII.lf), zero = SIMD16<UInt8>(repeating: 0)
        let high = SIMD16<UInt8>(repeating: 0x80)
        var lineStart = 0
        guard startsTransitSafeLine(run, at: 0) else { return false }
        /// A line ends at `end` (its LF): its length, and how the next starts.
        func lineEnds(at end: Int) -> Bool {
            guard end - lineStart <= 998 else { return false }
            lineStart = end + 1
            return startsTransitSafeLine(run, at: lineStart)
        }
        var i = 0
        while i + 16 <= run.count {
            let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let bad = Lanes((v .== zero) .| (v .>= high))
            if bad.low | bad.high != 0 { return false }
            let ends = Lanes(v .== lf)
            for (half, offset) in [(ends.low, i), (ends.high, i + 8)] where half != 0 {
                var marks = half & 0x8080_8080_8080_8080  // one bit per lane
                while marks != 0 {
                    guard lineEnds(at: offset + marks.trailingZeroBitCount / 8) else { return false }
                    marks &= marks - 1
                }
            }
            i += 16
        }
        while i < run.count {
            let b = run[i]
            if b >= 0x80 || b == 0 { return false }
            if b == ASCII.lf, !lineEnds(at: i) { return false }
            i += 1
        }
        return run.count - lineStart <= 998
    }

    /// A mask of sixteen byte lanes as two words, each lane a byte of all
    /// ones or all zeros, lane 0 lowest: tested and searched as numbers
    /// (the stdlib's any() was a call per use, not an instruction).
    private struct Lanes {
        let low: UInt64, high: UInt64
        init(_ mask: SIMDMask<SIMD16<Int8>>) {
            let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
            low = UInt64(littleEndian: words[0])
            high = UInt64(littleEndian: words[1])
        }
    }

    /// Whether the line that starts at `start` in `run` (whole lines)
    /// starts neither with "." nor with "From "; true past the end.
    private static func startsTransitSafeLine(_ run: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start < run.count else { return true }
        let s = start
        if run[s] == ASCII.dot { return false }
        guard s + 5 <= run.count, run[s] == 0x46 else { return true }
        return !(run[s + 1] == 0x72 && run[s + 2] == 0x6F && run[s + 3] == 0x6D && run[s + 4] == ASCII.space)
    }

    /// Eight bytes at a time: a high bit, or a zero byte.
    static func containsEightBitOrNUL(_ c: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = c.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= c.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if (w & highs) != 0 || ((w &- ones) & ~w & highs) != 0 { return true }
            i += 8
        }
        while i < c.count {
            if c[i] >= 0x80 || c[i] == 0 { return true }
            i += 1
        }
        return false
    }
}

/// UTF-8 validation across chunk boundaries (Unicode 15, table 3-7).
struct UTF8Validator {
    private var needed = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF
    private var broken = false

    var isValid: Bool { !broken && needed == 0 }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes where !broken {
            if needed > 0 {
                guard b >= low && b <= high else {
                    broken = true
                    return
                }
                needed -= 1
                (low, high) = (0x80, 0xBF)
                continue
            }
            switch b {
            case 0x00...0x7F: break
            case 0xC2...0xDF: needed = 1
            case 0xE0: (needed, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
            case 0xED: (needed, high) = (2, 0x9F)
            case 0xF0: (needed, low) = (3, 0x90)
            case 0xF1...0xF3: needed = 3
            case 0xF4: (needed, high) = (3, 0x8F)
            default: broken = true
            }
        }
    }
}
