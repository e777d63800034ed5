// A returned original longer than bouncecheck holds in memory
// (Limits.maxParsedBytes): when it came back whole in a message/rfc822 part,
// its body hash is taken by streaming the whole bounce through a
// MIMEScanner, and the part's decoded body through a second one. Memory
// stays bounded whatever the size.

/// What streaming the rest of a bounce found about its returned original.
public enum StreamedBody {
    /// The original's body hash: the part and the message in it were complete.
    case digest([UInt8])
    /// The part or the message in it was cut short after all.
    case truncated
    /// The rest of the message could not be read.
    case unreadable(String)
}

enum StreamedReturn {
    /// Hashes the original in the part `part` of `message` (the parsed
    /// prefix `input`), reading the rest of the bounce from `rest`.
    static func hash(
        part: MIMEEntity, in message: MIMEEntity, input: [UInt8], rest: MessageSource, limits: Limits
    ) -> StreamedBody {
        guard let ordinal = ordinal(of: part, in: message) else { return .truncated }
        var scanner = MIMEScanner(visitor: EncapsulatedHasher(ordinal: ordinal), limits: limits)
        input.withUnsafeBufferPointer { scanner.feed($0) }
        do { try rest.read { scanner.feed($0) } } catch { return .unreadable(error.reason) }
        scanner.finish()
        guard let result = scanner.visitor.result, result.complete else { return .truncated }
        return .digest(result.digest)
    }

    /// The number MIMEScanner gives `target`: entities in document order,
    /// encapsulated messages not entered.
    static func ordinal(of target: MIMEEntity, in message: MIMEEntity) -> Int? {
        var next = 0
        func walk(_ e: MIMEEntity) -> Int? {
            if e === target { return next }
            next += 1
            for p in e.parts { if let found = walk(p) { return found } }
            return nil
        }
        return walk(message)
    }
}

/// Hashes the message inside one message/* part of a streamed bounce.
struct EncapsulatedHasher: MIMEScanVisitor {
    let ordinal: Int
    private var decoder: BodyDecoder? = nil
    private var inner: MIMEScanner<CanonicalHasher>? = nil
    private var decoded: [UInt8] = []
    /// The hash, and whether the part and the message in it were complete.
    private(set) var result: (digest: [UInt8], complete: Bool)? = nil

    init(ordinal: Int) { self.ordinal = ordinal }

    mutating func begin(_ entity: ScannedEntity) {
        guard entity.ordinal == ordinal, entity.contentType.type == "message", !entity.isMultipart else { return }
        decoder = BodyDecoder(entity.encoding)
        inner = MIMEScanner(visitor: CanonicalHasher())
    }

    mutating func bodyLine(_ line: LinePiece) {
        // Moved out and back, so that its buffer is never shared (and copied).
        guard var d = decoder else { return }
        decoder = nil
        d.line(line) { decoded += $0 }
        decoder = d
        if decoded.count >= 1 << 16 { feedInner() }
    }

    /// Decoded bytes go to the inner scanner 64 KiB at a time, not a line at a time.
    private mutating func feedInner() {
        guard var s = inner else { return }
        inner = nil
        decoded.withUnsafeBufferPointer { s.feed($0) }
        decoded.removeAll(keepingCapacity: true)
        inner = s
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {}

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        guard entity.ordinal == ordinal, var d = decoder else { return }
        decoder = nil
        d.finish(cutByDelimiter: cutByDelimiter) { decoded += $0 }
        feedInner()
        guard var s = inner else { return }
        inner = nil
        s.finish()
        // Cut by a delimiter of the bounce: the part ended where it should.
        result = (s.visitor.digest(), cutByDelimiter && !s.messageIsUnclosed)
    }
}
