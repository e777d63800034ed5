// bouncesign's first reading of a message: what the proof needs (the
// message header, the body hash) and which parts must be re-encoded before
// the second reading writes them out (see MessageSigner's rules).

/// What the first reading found.
struct SignSurvey: MIMEScanVisitor {
    let limits: Limits
    /// The message itself, once its header is read.
    private(set) var message: ScannedEntity? = nil
    /// Parts directly under the message, proof parts included.
    private(set) var topLevelParts = 0
    /// Entities to re-encode (multiparts: some part below must be).
    private(set) var rewrite: Set<Int> = []
    /// For a message without Content-Type: whether its text is UTF-8.
    private(set) var textIsUTF8 = true

    /// What is known of each entity still open, innermost last.
    private struct Open {
        let isProtected: Bool
        var unsafeLine = false
        var partToRewrite = false
    }
    private var open: [Open] = []
    /// Decodes the message's own text when it has no Content-Type.
    private var untypedText: (decoder: BodyDecoder, utf8: UTF8Validator)? = nil

    init(limits: Limits) { self.limits = limits }

    mutating func begin(_ entity: ScannedEntity) {
        if entity.ordinal == 0 {
            message = entity
            if !entity.isMultipart, entity.header.first("Content-Type") == nil {
                untypedText = (BodyDecoder(entity.encoding), UTF8Validator())
            }
        }
        if entity.parent == 0 { topLevelParts += 1 }
        open.append(Open(isProtected: Self.isProtected(entity)))
    }

    mutating func bodyLine(_ line: LinePiece) {
        let last = open.count - 1
        if !open[last].unsafeLine, !Self.isTransitSafe(line) { open[last].unsafeLine = true }
        if var t = untypedText {
            untypedText = nil
            t.decoder.line(line) { t.utf8.feed($0) }
            untypedText = t
        }
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {}

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        let e = open.removeLast()
        let needs = !e.isProtected && (entity.isMultipart ? e.partToRewrite : e.unsafeLine)
        if needs && entity.ordinal < limits.maxParts {
            rewrite.insert(entity.ordinal)
            if !open.isEmpty { open[open.count - 1].partToRewrite = true }
        }
        if entity.ordinal == 0, var t = untypedText {
            t.decoder.finish(cutByDelimiter: false) { t.utf8.feed($0) }
            textIsUTF8 = t.utf8.isValid
            untypedText = nil
        }
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
