// bouncesign's engine: add the proof to one message (DESIGN.md, bouncesign).
//
// Structure rules: a multipart/mixed message gets the two proof parts
// appended; anything else becomes the first part of a new multipart/mixed,
// its Content-* fields moving with it. Parts under multipart/signed or
// multipart/encrypted and message/* parts are copied untouched (an existing
// signature must still verify). Other leaves holding 8-bit bytes, NUL, lines
// over 998 bytes, or lines starting with "." or "From " are re-encoded
// (text as quoted-printable, the rest as base64) so that no relay needs to.
//
// The message is read twice, streaming, in bounded memory: first to hash it
// and find what must be re-encoded (SignSurvey), then, once the statement is
// signed, to write it out (BodyRewriter). The hash is taken over the message
// as given; the canonical form does not change under the re-encoding and
// wrapping above, which the round-trip tests check against bouncecheck.

/// Signs outgoing messages.
public struct MessageSigner {
    /// Makes the clearsigned statement (GnuPG through GPGME, or a stub in tests).
    public let signer: any StatementSigning
    /// The host name for a Message-ID bouncesign adds to a message without one.
    public let hostname: String
    /// The parser limits the message is read with.
    public let limits: Limits
    /// Parts and header (the default), or the header alone.
    public let placement: Configuration.ProofPlacement

    /// A signer with its statement signer, host name and limits.
    public init(
        signer: any StatementSigning, hostname: String, limits: Limits = .standard,
        placement: Configuration.ProofPlacement = .parts
    ) {
        self.signer = signer
        self.hostname = hostname
        self.limits = limits
        self.placement = placement
    }

    /// Reads the message, hashes it and signs the statement; nothing is
    /// written yet, so a failure here leaves no half-sent message.
    /// `envelope`: the envelope recipients, when known (re-injection): the
    /// statement then counts those not in To or Cc.
    public func prepare(_ source: MessageSource, now: Int, envelope: Envelope? = nil) throws(SignError) -> PreparedMessage {
        do { try Crypto.load() } catch { throw .hashing(error) }
        // gpg starts now and waits for the statement (EarlyClearsign).
        let early = signer.begin()
        defer { early?.abandon() }
        var scanner = MIMEScanner(visitor: SurveyAndHash(survey: SignSurvey(limits: limits)), limits: limits)
        do { try source.read { scanner.feed($0) } } catch { throw .input(error) }
        scanner.finish()
        let survey = scanner.visitor.survey
        guard let message = survey.message else { throw .input(.failed("no message")) }  // begun at the first line
        // Header-only: nothing in the body is rewritten, so only the header's
        // limits can stand in the way.
        if let risk = ContentRisk.of(scanner.defects, longHeaderLine: survey.longHeaderLine)
            ?? (placement == .parts ? survey.risk : nil)
        {
            throw .wouldChangeContent(risk)
        }
        let (messageID, addedID) = try messageID(of: message.header, now: now)
        let mixed = message.isMultipart && message.contentType.mediaType == "multipart/mixed" && survey.topLevelParts > 0
        // 96 random bits: a message cannot hold the boundary by chance.
        let boundary = mixed ? String(decoding: message.boundary, as: UTF8.self) : "=_bs_\(Crypto.randomBytes(12).hex)"

        let headerOnly = placement == .header
        var leaves = scanner.visitor.content.contentLeaves
        let untypedText = !headerOnly && message.header.first("Content-Type") == nil && survey.rewrite.contains(0)
        if untypedText, let i = leaves.firstIndex(where: { $0.ordinal == 0 }) {
            // BodyRewriter gives such a message the Content-Type it will carry.
            let added = Header(fields: [HeaderField(name: "Content-Type", value: Self.untypedContentType(survey))])
            leaves[i].descriptor =
                CanonicalContent.contentFields(message.header) + CanonicalContent.contentFields(added) + [ASCII.lf]
        }
        // No field to bind: no `h` line (an empty name list would be written
        // "h:  digest", which no reader parses back).
        let binding = HeaderBinding.of(message.header)
        // A multipart/mixed without parts is wrapped like any other message:
        // its preamble and epilogue are then a part's, not the root's.
        let content = scanner.visitor.content
        let shape = mixed || headerOnly ? content.shapeDigest : content.wrappedShapeDigest
        let statement = Statement(
            timestamp: now, nonce: Crypto.randomBytes(8).hex, messageID: messageID,
            headers: binding.names.isEmpty ? nil : binding,
            hiddenRecipients: envelope.map { $0.hiddenCount(message.header) }, shape: shape,
            leaves: LeafCollector.records(leaves))
        let text = Array(statement.text.utf8)
        let signed: SignedStatement
        do {
            let armor = try early.map { e throws(GPGError) in try e.finish(text) } ?? signer.clearsign(text)
            signed = try SignedStatement(clearsigned: armor)
        } catch let e as GPGError {
            throw .gpg(e)
        } catch {
            throw .gpg(.operationFailed(operation: "sign", reason: "GnuPG wrote no usable clearsigned text: \(error)"))
        }
        let head = MailOutput()
        let proofField = ProofHeader.field(signed)
        head.write(proofField.raw)
        head.newline()
        var edits = HeaderEdits(message.header)
        edits.insertFirst(proofField)
        for (i, f) in message.header.fields.enumerated() {
            if !f.is(ProofNames.header) && (mixed || headerOnly || !Self.isContentField(f)) {
                Self.write(f, to: head)
            } else {
                edits.delete(at: i)
            }
        }
        if headerOnly {
            if addedID {
                head.write("Message-ID: \(messageID)\n")
                edits.append("Message-ID", messageID)
            }
            // The blank line, if the header had one; then the body as it came.
            if message.rawHeader.last == ASCII.lf, message.rawHeader.dropLast().last == ASCII.lf || message.rawHeader.count == 1 {
                head.newline()
            }
            var plan = RewritePlan(
                mixed: mixed, boundary: boundary, rewrite: [], exact: [], replacedProof: [], textIsUTF8: true, tail: [])
            plan.bodyOffset = scanner.messageHeaderLength
            return PreparedMessage(
                statement: statement, addedMessageID: addedID, headerEdits: edits.list, source: source, head: head.bytes,
                plan: plan, limits: limits)
        }
        if message.header.first("MIME-Version") == nil {
            head.write("MIME-Version: 1.0\n")
            edits.append("MIME-Version", "1.0")
        }
        if addedID {
            head.write("Message-ID: \(messageID)\n")
            edits.append("Message-ID", messageID)
        }
        if !mixed {
            head.write("Content-Type: multipart/mixed; boundary=\"\(boundary)\"\n")
            edits.append("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
        }
        head.newline()
        let tail =
            "\n--\(boundary)\n" + Self.proofPart(type: ProofNames.statementType, content: text)
            + "\n--\(boundary)\n" + Self.proofPart(type: ProofNames.clearsignType, content: signed.clearsigned)
            + "\n--\(boundary)--\n"
        // Only the proof a previous signing appended is replaced; a user's
        // own part of a proof type elsewhere is content, hashed and kept.
        var plan = RewritePlan(
            mixed: mixed, boundary: boundary, rewrite: survey.rewrite, exact: survey.exact,
            replacedProof: survey.proofToReplace, textIsUTF8: survey.textIsUTF8,
            tail: Array(tail.utf8))
        if !mixed, survey.isOneLeafWithoutCR, survey.rewrite.isEmpty {
            // What BodyRewriter would write, without reading the lines again.
            plan.bodyOffset = scanner.messageHeaderLength
            plan.lead = BodyRewriter.wrappedLeafLead(message.header, boundary: boundary)
        }
        return PreparedMessage(
            statement: statement, addedMessageID: addedID, headerEdits: edits.list, source: source, head: head.bytes,
            plan: plan, limits: limits)
    }

    /// The Content-Type BodyRewriter writes for a message without one.
    static func untypedContentType(_ survey: SignSurvey) -> String {
        "text/plain; charset=\(survey.textIsUTF8 ? "utf-8" : "unknown-8bit")"
    }

    /// Signs a message held in memory.
    public func sign(_ input: [UInt8], now: Int, envelope: Envelope? = nil) throws(SignError) -> SignedMessage {
        let prepared = try prepare(MessageSource(bytes: input), now: now, envelope: envelope)
        let out = MailOutput()
        do { try prepared.write(to: out) } catch { throw .input(error) }
        return SignedMessage(bytes: out.bytes, statement: prepared.statement, addedMessageID: prepared.addedMessageID)
    }

    static func isContentField(_ f: HeaderField) -> Bool {
        f.name.asciiLowercased.hasPrefix("content-")
    }

    /// A header field as it came (line ends made LF), and its line end.
    static func write(_ f: HeaderField, to out: MailOutput) {
        LineSplitter.lines(of: f.raw) { line in
            out.write(line.content)
            if line.terminated { out.newline() }
        }
        out.newline()
    }

    private static func proofPart(type: String, content: [UInt8]) -> String {
        "Content-Type: \(type)\n\n\(String(decoding: content, as: UTF8.self).trimmingTrailingNewlines)"
    }

    private func messageID(of header: Header, now: Int) throws(SignError) -> (String, Bool) {
        if let raw = header["Message-ID"] {
            guard let id = MessageID.normalize(raw) else { throw .unusableMessageID(raw) }
            return (id, false)
        }
        return ("<\(now).\(Crypto.randomBytes(8).hex)@\(hostname)>", true)
    }
}

/// The first reading's two visitors in one.
private struct SurveyAndHash: MIMEScanVisitor {
    var survey: SignSurvey
    var content = LeafCollector()

    mutating func begin(_ entity: ScannedEntity) {
        survey.begin(entity)
        content.begin(entity)
    }

    mutating func bodyLine(_ line: LinePiece) {
        survey.bodyLine(line)
        content.bodyLine(line)
    }

    static var takesRuns: Bool { true }

    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        survey.bodyRun(run)
        content.bodyRun(run)
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        survey.structureLine(line, role, of: multipart)
        content.structureLine(line, role, of: multipart)
    }

    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        survey.end(entity, cutByDelimiter: cutByDelimiter)
        content.end(entity, cutByDelimiter: cutByDelimiter)
    }

    mutating func defect(_ defect: MIMEDefect) {
        survey.defect(defect)
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
