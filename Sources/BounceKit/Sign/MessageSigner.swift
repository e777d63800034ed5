// bouncesign's engine: add the proof to one message (DESIGN.md, bouncesign).
//
// Structure rules: a multipart/mixed message gets the two proof parts
// appended; anything else becomes the first part of a new multipart/mixed,
// its Content-* fields moving with it. Parts under multipart/signed or
// multipart/encrypted and message/* parts are copied untouched (an existing
// signature must still verify). Other leaves holding 8-bit bytes, NUL, lines
// over 998 bytes, or lines starting with "." or "From " are re-encoded
// (text as quoted-printable, the rest as base64) so that no relay needs to.

/// The message with its proof, and what went into the proof.
public struct SignedMessage: Sendable {
    /// The new header block, the body parts, and the proof parts that close
    /// the message: kept apart so that a large body is never copied again.
    public var head: [UInt8], body: [UInt8], tail: [UInt8]
    /// The whole message (a copy).
    public var bytes: [UInt8] { head + body + tail }
    public var statement: Statement
    /// Whether bouncesign had to add a Message-ID.
    public var addedMessageID: Bool
}

/// Signs outgoing messages.
public struct MessageSigner {
    public let signer: any StatementSigning
    public let hostname: String
    public let limits: Limits

    public init(signer: any StatementSigning, hostname: String, limits: Limits = .standard) {
        self.signer = signer
        self.hostname = hostname
        self.limits = limits
    }

    public func sign(_ input: [UInt8], now: Int) throws(SignError) -> SignedMessage {
        let message = MIMEEntity.parse(input, limits: limits)
        let (messageID, addedID) = try messageID(of: message, now: now)
        let boundary = newBoundary(avoiding: input)
        let mixed = message.contentType.mediaType == "multipart/mixed" && !message.parts.isEmpty
        let outerBoundary = mixed ? (message.contentType.parameters["boundary"] ?? boundary) : boundary

        var body = MailWriter()
        if mixed {
            BodyRewriter.writeParts(of: message, skippingProof: true, into: &body)
        } else {
            body.text("--\(outerBoundary)\n")
            BodyRewriter.writeEntity(
                message, fields: message.header.fields.filter(Self.isContentField),
                isTop: true, into: &body)
        }
        let statement = Statement(
            timestamp: now, nonce: Crypto.randomBytes(16).hex, messageID: messageID,
            canonicalization: CanonicalBody.name,
            bodyHash: Self.hash(body: body.bytes, boundary: outerBoundary))
        let text = Array(statement.text.utf8)
        let clearsigned: [UInt8]
        do { clearsigned = try signer.clearsign(text) } catch { throw .gpg(error) }

        var out = MailWriter()
        out.field(ProofHeader.field(clearsigned: clearsigned))
        for f in message.header.fields where !f.is(ProofNames.header) && (mixed || !Self.isContentField(f)) {
            out.field(f)
        }
        if message.header.first("MIME-Version") == nil { out.text("MIME-Version: 1.0\n") }
        if addedID { out.text("Message-ID: \(messageID)\n") }
        if !mixed { out.text("Content-Type: multipart/mixed; boundary=\"\(outerBoundary)\"\n") }
        out.text("\n")
        var tail = MailWriter()
        tail.text("\n--\(outerBoundary)\n")
        tail.text(Self.proofPart(type: ProofNames.statementType, file: "bounce-statement.txt", content: text))
        tail.text("\n--\(outerBoundary)\n")
        tail.text(Self.proofPart(type: ProofNames.clearsignType, file: "bounce-statement.asc", content: clearsigned))
        tail.text("\n--\(outerBoundary)--\n")
        if mixed { tail.raw(message.epilogue) }
        return SignedMessage(
            head: out.bytes, body: body.bytes, tail: tail.bytes, statement: statement,
            addedMessageID: addedID)
    }

    /// The body hash exactly as bouncecheck will compute it: over the parts
    /// as written, parsed back.
    static func hash(body: [UInt8], boundary: String) -> [UInt8] {
        let parser = MIMEParser(limits: .standard)
        let parts = parser.splitMultipart(body[...], boundary: Array(boundary.utf8)).parts.map {
            parser.entity(body[$0], defaultType: .textPlain, depth: 1)
        }
        return CanonicalBody.hash(parts: parts)
    }

    static func isContentField(_ f: HeaderField) -> Bool {
        f.name.asciiLowercased.hasPrefix("content-")
    }

    private static func proofPart(type: String, file: String, content: [UInt8]) -> String {
        """
        Content-Type: \(type)
        Content-Disposition: attachment; filename="\(file)"
        Content-Description: proof of origin for bounces (bouncesign)
        Content-Transfer-Encoding: 7bit

        \(String(decoding: content, as: UTF8.self).trimmingTrailingNewlines)
        """
    }

    private func messageID(of message: MIMEEntity, now: Int) throws(SignError) -> (String, Bool) {
        if let raw = message.header["Message-ID"] {
            guard let id = MessageID.normalize(raw) else { throw .unusableMessageID(raw) }
            return (id, false)
        }
        return ("<\(now).\(Crypto.randomBytes(8).hex)@\(hostname)>", true)
    }

    private func newBoundary(avoiding input: [UInt8]) -> String {
        while true {
            let b = "=_bouncesign_\(Crypto.randomBytes(12).hex)"
            if input.firstIndex(of: Array(b.utf8), from: 0) == nil { return b }
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
