// MIME entities: RFC 5322 messages and RFC 2045/2046 parts, parsed into a tree.
//
// The parser never fails: whatever it cannot make sense of becomes a defect on
// the entity, and parsing goes on with the best reading. Deliberate
// divergences, each for mail that real servers produce:
// - a multipart without its closing delimiter ends at the end of its body and
//   is marked `missingClosingDelimiter` (truncated bounces, OpenSMTPD's chunks);
// - a delimiter line may carry trailing white space (RFC 2046 §5.1.1 allows
//   transport padding) and any line ending;
// - message/rfc822 and message/global bodies are parsed as messages even when
//   base64 or quoted-printable encoded (RFC 2046 §5.2.1 forbids it for rfc822,
//   RFC 6532 §3.5 allows it for global; some servers do it anyway);
// - beyond `Limits.maxDepth` or `maxParts`, parts are left as opaque leaves
//   and the entity is marked `tooComplex`.

/// What the MIME parser found wrong in an entity, without giving up.
public enum MIMEDefect: Sendable, Hashable {
    case header(HeaderDefect)
    /// A multipart with no boundary parameter (read as a single opaque part).
    case missingBoundary
    /// A multipart whose closing delimiter never came: probably truncated.
    case missingClosingDelimiter
    /// Nesting or part count beyond `Limits`.
    case tooComplex
}

/// One MIME entity: a whole message, a body part, or an encapsulated message.
public final class MIMEEntity: Sendable {
    /// The whole entity as it appears: header, blank line and body.
    public let raw: ArraySlice<UInt8>
    /// The entity's own header block.
    public let header: Header
    /// The body exactly as it appears (still transfer-encoded).
    public let body: ArraySlice<UInt8>
    public let contentType: ContentType
    public let transferEncoding: TransferEncoding
    /// Sub-parts of a multipart, in order.
    public let parts: [MIMEEntity]
    /// A multipart's text before its first delimiter and after its last.
    public let preamble: ArraySlice<UInt8>, epilogue: ArraySlice<UInt8>
    /// The message inside a message/rfc822 or message/global part.
    public let encapsulated: MIMEEntity?
    /// Whether the header block ended with a blank line (false: headers only,
    /// as text/rfc822-headers returns them, or cut short).
    public let hasBody: Bool
    public let defects: Set<MIMEDefect>

    init(
        raw: ArraySlice<UInt8>, header: Header, body: ArraySlice<UInt8>, contentType: ContentType,
        transferEncoding: TransferEncoding, parts: [MIMEEntity], preamble: ArraySlice<UInt8>,
        epilogue: ArraySlice<UInt8>, encapsulated: MIMEEntity?, hasBody: Bool, defects: Set<MIMEDefect>
    ) {
        self.raw = raw
        self.preamble = preamble
        self.epilogue = epilogue
        self.header = header
        self.body = body
        self.contentType = contentType
        self.transferEncoding = transferEncoding
        self.parts = parts
        self.encapsulated = encapsulated
        self.hasBody = hasBody
        self.defects = defects
    }

    /// Parses a whole message.
    public static func parse(_ bytes: [UInt8], limits: Limits = .standard) -> MIMEEntity {
        MIMEParser(limits: limits).entity(bytes[...], defaultType: .textPlain, depth: 0)
    }

    /// Parses a message held in a slice (an encapsulated or inline copy).
    public static func parse(_ bytes: ArraySlice<UInt8>, limits: Limits = .standard) -> MIMEEntity {
        MIMEParser(limits: limits).entity(bytes, defaultType: .textPlain, depth: 0)
    }

    /// The body with its transfer encoding undone.
    public var decodedBody: ArraySlice<UInt8> {
        switch transferEncoding {
        case .base64: return Base64.decode(body)[...]
        case .quotedPrintable: return QuotedPrintable.decode(body)[...]
        default: return body
        }
    }

    /// This entity and every entity below it, depth first, in document order
    /// (encapsulated messages included).
    public var allEntities: [MIMEEntity] {
        var out: [MIMEEntity] = [self]
        for p in parts { out += p.allEntities }
        if let e = encapsulated { out += e.allEntities }
        return out
    }

    /// Whether this entity or anything below it is marked with `defect`.
    public func contains(_ defect: MIMEDefect) -> Bool {
        allEntities.contains { $0.defects.contains(defect) }
    }
}

/// The recursive-descent parser behind `MIMEEntity.parse`, with what is
/// left of its budgets for one message.
final class MIMEParser {
    let limits: Limits
    /// Parts still allowed (`Limits.maxParts`).
    private var partsLeft: Int
    /// Bytes still allowed for decoded copies of encapsulated messages
    /// (`Limits.maxDecodedBytes`): nested encoded messages each make one.
    private var decodedBytesLeft: Int

    init(limits: Limits) {
        self.limits = limits
        partsLeft = limits.maxParts
        decodedBytesLeft = limits.maxDecodedBytes
    }

    func entity(_ bytes: ArraySlice<UInt8>, defaultType: ContentType, depth: Int) -> MIMEEntity {
        let head = HeaderParser.parse(bytes, limits: limits)
        var defects = Set(head.defects.map(MIMEDefect.header))
        let hasBody = head.bodyStart <= bytes.endIndex && bodySeparatorSeen(bytes, head)
        let body = bytes[min(head.bodyStart, bytes.endIndex)...]
        let type = head.header["Content-Type"].flatMap(ContentType.init) ?? defaultType
        let encoding = TransferEncoding(head.header["Content-Transfer-Encoding"])
        var parts: [MIMEEntity] = []
        var preamble = body[body.startIndex..<body.startIndex], epilogue = preamble
        var encapsulated: MIMEEntity? = nil
        partsLeft -= 1
        let canDescend = depth < limits.maxDepth && partsLeft > 0
        if type.isMultipart {
            if !canDescend {
                defects.insert(.tooComplex)
            } else if let boundary = type.parameters["boundary"], !boundary.isEmpty,
                boundary.utf8.count <= limits.maxBoundaryLength
            {
                let split = splitMultipart(body, boundary: Array(boundary.utf8))
                if !split.closed { defects.insert(.missingClosingDelimiter) }
                preamble = body[split.preamble]
                epilogue = body[split.epilogue]
                let childDefault = type.subtype == "digest" ? ContentType.messageRFC822 : .textPlain
                for range in split.parts {
                    guard partsLeft > 0 else { defects.insert(.tooComplex); break }
                    parts.append(entity(body[range], defaultType: childDefault, depth: depth + 1))
                }
            } else {
                defects.insert(.missingBoundary)
            }
        } else if type.type == "message", type.subtype == "rfc822" || type.subtype == "global" {
            if canDescend && (encoding.isIdentity || decodedBytesLeft >= body.count) {
                if !encoding.isIdentity { decodedBytesLeft -= body.count }
                let inner = encoding.isIdentity ? body : decoded(body, encoding)
                encapsulated = entity(inner, defaultType: .textPlain, depth: depth + 1)
            } else {
                defects.insert(.tooComplex)
            }
        }
        return MIMEEntity(
            raw: bytes, header: head.header, body: body, contentType: type, transferEncoding: encoding,
            parts: parts, preamble: preamble, epilogue: epilogue, encapsulated: encapsulated,
            hasBody: hasBody, defects: defects)
    }

    private func decoded(_ body: ArraySlice<UInt8>, _ encoding: TransferEncoding) -> ArraySlice<UInt8> {
        encoding == .base64 ? Base64.decode(body)[...] : QuotedPrintable.decode(body)[...]
    }

    /// Whether the header block was closed by a blank line.
    private func bodySeparatorSeen(_ bytes: ArraySlice<UInt8>, _ head: HeaderParser.Result) -> Bool {
        if head.bodyStart < bytes.endIndex { return true }
        // Header ran to the end of the buffer: a body exists only if the
        // buffer ends with a blank line.
        let tail = bytes.suffix(4)
        return tail.elementsEqual([ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf])
            || tail.suffix(2).elementsEqual([ASCII.lf, ASCII.lf]) || tail.suffix(2).elementsEqual([ASCII.cr, ASCII.cr])
    }

    /// Finds the parts between delimiter lines "--boundary" (RFC 2046 §5.1.1).
    /// The line break before a delimiter belongs to the delimiter.
    func splitMultipart(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> MultipartSplit {
        var parts: [Range<Int>] = []
        var preambleEnd: Int? = nil
        var partStart: Int? = nil
        var previousContentEnd = body.startIndex
        var pos = body.startIndex
        while let line = body.line(at: pos) {
            if let kind = delimiter(body, line.content, boundary) {
                if let s = partStart { parts.append(s..<max(s, previousContentEnd)) }
                if preambleEnd == nil { preambleEnd = line.content.lowerBound }
                if kind == .close {
                    return MultipartSplit(
                        preamble: body.startIndex..<(preambleEnd ?? line.content.lowerBound), parts: parts,
                        epilogue: line.next..<body.endIndex, closed: true)
                }
                partStart = line.next
            }
            previousContentEnd = line.content.upperBound
            pos = line.next
        }
        if let s = partStart { parts.append(s..<body.endIndex) }
        let end = preambleEnd ?? body.endIndex
        return MultipartSplit(
            preamble: body.startIndex..<end, parts: parts, epilogue: body.endIndex..<body.endIndex,
            closed: false)
    }

    struct MultipartSplit {
        var preamble: Range<Int>
        var parts: [Range<Int>]
        var epilogue: Range<Int>
        var closed: Bool
    }

    enum DelimiterKind { case open, close }

    private func delimiter(_ body: ArraySlice<UInt8>, _ line: Range<Int>, _ boundary: [UInt8]) -> DelimiterKind? {
        let need = 2 + boundary.count
        guard line.count >= need, body[line.lowerBound] == ASCII.dash, body[line.lowerBound + 1] == ASCII.dash,
            body[(line.lowerBound + 2)..<(line.lowerBound + need)].elementsEqual(boundary)
        else { return nil }
        var rest = line.lowerBound + need
        var kind = DelimiterKind.open
        if rest + 1 < line.upperBound, body[rest] == ASCII.dash, body[rest + 1] == ASCII.dash {
            kind = .close
            rest += 2
        }
        while rest < line.upperBound {
            guard ASCII.isWhitespace(body[rest]) else { return nil }
            rest += 1
        }
        return kind
    }
}
