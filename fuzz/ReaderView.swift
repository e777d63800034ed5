// What a reader sees of a message, read with the project's own MIMEScanner
// (a small visitor, no parser of its own): its header, each leaf decoded
// with its media type and charset, each multipart's preamble and epilogue.
// The oracles compare these views, never digests: a digest that misses
// something a reader sees is exactly what they are there to catch.
//
// `ReturnedCopies` lists every copy of an original a reader can find in a
// bounce, where BounceClassifier looks: message/* and header-type parts
// (decoded), parts whose own header starts a message (raw), text pasted
// into a text part or a plain body, and, when none of those, a header block
// in a multipart's own text or in a delivery-status part.

/// One leaf as a mail client would show it.
struct ReaderLeaf: Equatable {
    var mediaType: String
    /// The charset parameter, lower case ("" when absent).
    var charset: String
    /// The decoded bytes.
    var content: [UInt8]
    /// Sent as lines (7bit, 8bit, binary or unknown, not base64 or QP): its
    /// line ends are the message's, LF, CRLF or a bare CR alike, and read
    /// here as LF; what the part means by them is the reader's guess.
    var asLines = false
}

/// A message as a reader sees it.
struct ReaderView {
    var header = Header()
    /// Content leaves in document order (the proof bouncesign appends left out).
    var leaves: [ReaderLeaf] = []
    /// Multiparts with a preamble or epilogue that has text: media type,
    /// canonical preamble, canonical epilogue.
    var shape: [String] = []
    /// Anything but white space after the header.
    var bodyCameBack = false
    /// The root had no Content-Type field.
    var untyped = false

    static func read(_ bytes: ArraySlice<UInt8>) -> ReaderView {
        MIMEScanner.scan(bytes, visitor: ReaderVisitor()).visitor.finished()
    }
}

/// Builds a `ReaderView` as a MIMEScanner reads the message.
struct ReaderVisitor: MIMEScanVisitor {
    private var view = ReaderView()
    private var all: [(ordinal: Int, leaf: ReaderLeaf)] = []
    private var topLevel: [(ordinal: Int, mediaType: String)] = []
    private var rootIsMixed = false
    private struct Open {
        let entity: ScannedEntity
        var decoder: BodyDecoder
        var bytes: [UInt8] = []
        var sawPart = false
        var epilogue: [UInt8] = []
    }
    private var open: [Open] = []

    mutating func begin(_ e: ScannedEntity) {
        if e.ordinal == 0 {
            view.header = e.header
            view.untyped = e.header.first("Content-Type") == nil
            rootIsMixed = e.isMultipart && e.contentType.mediaType == "multipart/mixed"
        } else {
            view.bodyCameBack = true
        }
        if e.parent == 0 { topLevel.append((e.ordinal, e.contentType.mediaType)) }
        open.append(Open(entity: e, decoder: BodyDecoder(e.isMultipart ? .sevenBit : e.encoding)))
    }

    mutating func bodyLine(_ line: LinePiece) {
        note(line)
        decode(line)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        note(line)
        let top = open.count - 1
        switch role {
        case .preamble: decode(line)
        case .delimiter, .closeDelimiter: open[top].sawPart = true
        case .epilogue:
            open[top].epilogue += line.content
            if line.terminated { open[top].epilogue.append(ASCII.lf) }
        }
    }

    mutating func end(_ e: ScannedEntity, cutByDelimiter: Bool) {
        var o = open.removeLast()
        if e.isMultipart && o.sawPart {
            let pre = Canonical.lines(o.bytes), epi = Canonical.lines(o.epilogue)
            if !pre.isEmpty || !epi.isEmpty {
                view.shape.append("\(e.contentType.mediaType)\0\(String(mailBytes: pre))\0\(String(mailBytes: epi))")
            }
            return
        }
        o.decoder.finish(cutByDelimiter: cutByDelimiter) { o.bytes += $0 }
        let charset = (e.contentType.parameters["charset"] ?? "").asciiLowercased
        let asLines = e.encoding != .base64 && e.encoding != .quotedPrintable
        all.append((e.ordinal, ReaderLeaf(mediaType: e.contentType.mediaType, charset: charset, content: o.bytes, asLines: asLines)))
    }

    private mutating func decode(_ line: LinePiece) {
        let top = open.count - 1
        var d = open[top].decoder
        var bytes = open[top].bytes
        open[top].bytes = []
        d.line(line) { bytes += $0 }
        open[top].decoder = d
        open[top].bytes = bytes
    }

    private mutating func note(_ line: LinePiece) {
        if !view.bodyCameBack, line.content.contains(where: { !ASCII.isWhitespace($0) }) { view.bodyCameBack = true }
    }

    func finished() -> ReaderView {
        var v = view
        let proof = rootIsMixed ? Set(ProofNames.trailingProof(topLevel)) : []
        v.leaves = all.filter { !proof.contains($0.ordinal) }.map(\.leaf)
        return v
    }
}

/// The normalisations the canonical form promises to tolerate.
enum Canonical {
    /// Lines split at LF, CRLF or CR, trailing spaces and tabs removed,
    /// empty lines at the end dropped, each line followed by LF.
    static func lines(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var line: [UInt8] = []
        var i = 0
        func put() {
            while let last = line.last, ASCII.isWhitespace(last) { line.removeLast() }
            out += line
            out.append(ASCII.lf)
            line.removeAll(keepingCapacity: true)
        }
        while i < b.count {
            let c = b[i]
            if c == ASCII.lf || c == ASCII.cr {
                if c == ASCII.cr, i + 1 < b.count, b[i + 1] == ASCII.lf { i += 1 }
                put()
            } else {
                line.append(c)
            }
            i += 1
        }
        if !line.isEmpty { put() }
        while out.count >= 2, out[out.count - 1] == ASCII.lf, out[out.count - 2] == ASCII.lf { out.removeLast() }
        if out == [ASCII.lf] { out = [] }
        return out
    }

    /// Line ends made LF, nothing else changed.
    static func lineEnds(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == ASCII.cr {
                out.append(ASCII.lf)
                if i + 1 < b.count, b[i + 1] == ASCII.lf { i += 1 }
            } else {
                out.append(b[i])
            }
            i += 1
        }
        return out
    }

    /// A header field's value as the statement binds it: unfolded, white
    /// space runs made one space, trimmed.
    static func value(_ f: HeaderField) -> [UInt8] {
        Array(f.unfoldedValue.split(whereSeparator: { ASCII.isWhitespace($0) || $0 == ASCII.cr || $0 == ASCII.lf })
            .joined(separator: [ASCII.space]))
    }

    /// Every field of `name`, each value as `value` gives it.
    static func fields(_ name: String, _ h: Header) -> [[UInt8]] { h.all(name).map(value) }

    /// Every field of `name` as far as a pass vouches for it: From, To and
    /// Cc by their addresses only, each domain cut to its last two labels
    /// (bouncesign(1): display names and comments are not bound, so that a
    /// server that masquerades or re-quotes after signing does not break the
    /// proof); other fields as `value`.
    static func bound(_ name: String, _ h: Header) -> [[UInt8]] {
        guard ["from", "to", "cc"].contains(name) else { return fields(name, h) }
        return h.all(name).map { f in
            Array(AddressList.addresses(f.value).map(cutDomain).joined(separator: ",").utf8)
        }
    }

    private static func cutDomain(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return address[...at] + address[address.index(after: at)...].split(separator: ".").suffix(2).joined(separator: ".")
    }
}

/// The copies of an original a reader can find in a bounce, in the order
/// BounceClassifier considers them.
struct ReturnedCopies: MIMEScanVisitor {
    private struct Entity {
        let e: ScannedEntity
        var hasParts = false
        /// Decoded body of a leaf, or the text of a multipart before its first part.
        var text: [UInt8] = []
        var decoder: BodyDecoder?
        /// A copy read from this part.
        var copy: [UInt8]? = nil
        var raw = false
    }
    private var entities: [Entity] = []
    private var open: [Int] = []
    private var taps: [Int] = []

    static func find(in bounce: [UInt8]) -> [[UInt8]] {
        MIMEScanner.scan(bounce[...], visitor: ReturnedCopies()).visitor.copies
    }

    mutating func begin(_ e: ScannedEntity) {
        if let p = open.last { entities[p].hasParts = true }
        for t in taps { entities[t].copy! += e.rawHeader }
        var x = Entity(e: e, decoder: BodyDecoder(e.isMultipart ? .sevenBit : e.encoding))
        let type = e.contentType.mediaType
        if !e.isMultipart, ["message/rfc822", "message/global", "message/partial"].contains(type) || returnedHeaderTypes.contains(type) {
            x.copy = []
        } else if e.ordinal > 0, e.header.first("Message-ID") != nil || e.header.first("Received") != nil {
            x.copy = e.rawHeader
            x.raw = true
            taps.append(entities.count)
        }
        open.append(entities.count)
        entities.append(x)
    }

    mutating func bodyLine(_ line: LinePiece) {
        decode(line, into: open[open.count - 1])
        tap(line)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        let top = open[open.count - 1]
        if role == .preamble { decode(line, into: top) }
        if role == .delimiter || role == .closeDelimiter { entities[top].decoder = nil }
        tap(line)
    }

    mutating func end(_ e: ScannedEntity, cutByDelimiter: Bool) {
        let i = open.removeLast()
        if var d = entities[i].decoder {
            var t = entities[i].text
            d.finish(cutByDelimiter: cutByDelimiter) { t += $0 }
            entities[i].text = t
            entities[i].decoder = nil
        }
        if taps.last == i { taps.removeLast() }
    }

    private mutating func decode(_ line: LinePiece, into i: Int) {
        guard var d = entities[i].decoder else { return }
        var t = entities[i].text
        entities[i].text = []
        d.line(line) { t += $0 }
        entities[i].decoder = d
        entities[i].text = t
    }

    private mutating func tap(_ line: LinePiece) {
        for t in taps {
            entities[t].copy! += line.content
            if line.terminated { entities[t].copy!.append(ASCII.lf) }
        }
    }

    /// Leading blank lines and white space skipped, as OriginalFeed does.
    private static func skipLeadingSpace(_ b: [UInt8]) -> [UInt8] {
        Array(b.drop { ASCII.isWhitespace($0) || $0 == ASCII.lf || $0 == ASCII.cr })
    }

    var copies: [[UInt8]] {
        var found: [[UInt8]] = []
        for x in entities.dropFirst() {
            guard let c = x.copy else { continue }
            let bytes = x.raw ? Self.skipLeadingSpace(c) : Self.skipLeadingSpace(x.text)
            // As the classifier: a part whose message has no header field
            // holds no original (and the last resort below may then apply).
            if ReaderView.read(bytes[...]).header.fields.isEmpty { continue }
            found.append(bytes)
        }
        // Text pasted inline, where the classifier looks for it: in a text
        // leaf (or the message) that is not itself read as an original.
        for (k, x) in entities.enumerated() where !x.hasParts && x.copy == nil && (x.e.contentType.type == "text" || k == 0) {
            if let block = InlineOriginal.find(in: x.text[...]) { found.append(Array(block)) }
        }
        if found.isEmpty {
            // As the classifier: a multipart's own text, the message's, or
            // a status part that a part with a mismatched delimiter ran into.
            for (k, x) in entities.enumerated()
            where x.hasParts || k == 0 || x.e.contentType.mediaType.hasSuffix("delivery-status") {
                if let block = InlineOriginal.headerBlock(in: x.text[...], from: 0) {
                    found.append(Array(block))
                    break
                }
            }
        }
        return found
    }
}
