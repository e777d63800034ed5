// Copies MIME entities into bouncesign's output, re-encoding the leaves that
// would not survive transit (see MessageSigner's rules).

enum BodyRewriter {
    /// Writes a multipart's preamble and parts (not its closing delimiter).
    static func writeParts(of entity: MIMEEntity, skippingProof: Bool, into w: inout MailWriter) {
        let boundary = entity.contentType.parameters["boundary"] ?? ""
        w.raw(entity.preamble)
        var first = true
        for part in entity.parts where !(skippingProof && ProofNames.isProofPart(part)) {
            w.text(first ? "--\(boundary)\n" : "\n--\(boundary)\n")
            first = false
            writeEntity(part, fields: part.header.fields, isTop: false, into: &w)
        }
    }

    /// Writes an entity with the given header fields.
    static func writeEntity(_ e: MIMEEntity, fields: [HeaderField], isTop: Bool, into w: inout MailWriter) {
        if isProtected(e) || !needsRewrite(e) {
            for f in fields { w.field(f) }
            w.text("\n")
            w.raw(e.body)
            return
        }
        if e.contentType.isMultipart {
            for f in fields { w.field(f) }
            w.text("\n")
            writeParts(of: e, skippingProof: false, into: &w)
            w.text("\n--\(e.contentType.parameters["boundary"] ?? "")--\n")
            w.raw(e.epilogue)
            return
        }
        let decoded = e.decodedBody
        let asText = e.contentType.type == "text"
        for f in fields where !f.is("Content-Transfer-Encoding") { w.field(f) }
        if isTop && e.header.first("Content-Type") == nil {
            let utf8 = String(validating: decoded, as: UTF8.self) != nil
            w.text("Content-Type: text/plain; charset=\(utf8 ? "utf-8" : "unknown-8bit")\n")
        }
        w.text("Content-Transfer-Encoding: \(asText ? "quoted-printable" : "base64")\n\n")
        w.bytes += asText ? QuotedPrintable.encode(decoded) : Base64.encodeLines(decoded)
    }

    /// Subtrees copied byte for byte: signatures over them must still verify.
    private static func isProtected(_ e: MIMEEntity) -> Bool {
        let t = e.contentType
        return t.type == "message" || t.mediaType == "multipart/signed" || t.mediaType == "multipart/encrypted"
            || (t.isMultipart && e.parts.isEmpty)
    }

    /// Whether the entity, or a leaf below it, must be re-encoded.
    private static func needsRewrite(_ e: MIMEEntity) -> Bool {
        if isProtected(e) { return false }
        if e.contentType.isMultipart { return e.parts.contains(where: needsRewrite) }
        return !isTransitSafe(e.body)
    }

    /// 7-bit, no NUL, lines of at most 998 bytes, none starting "." or "From ".
    static func isTransitSafe(_ body: ArraySlice<UInt8>) -> Bool {
        var pos = body.startIndex
        while let line = body.line(at: pos) {
            let c = line.content
            if c.count > 998 { return false }
            if let first = c.first, body[first] == ASCII.dot { return false }
            if body.hasPrefix("From ", in: c, caseInsensitive: false) { return false }
            if body[c].contains(where: { $0 >= 0x80 || $0 == 0 }) { return false }
            pos = line.next
        }
        return true
    }
}
