// Recognising bounces and finding the message they return.
//
// In order: RFC 3464 multipart/report (report-type=delivery-status, or any
// message/delivery-status part), RFC 5965 feedback reports, RFC 8098
// disposition notifications; then the non-standard reports real MTAs send,
// recognised by sender, subject and X-Failed-Recipients (BounceSignals);
// then virus notices, challenge-response requests and RFC 3834 auto-replies.
// The original is looked for as a MIME part first (message/rfc822,
// message/global, message/partial, text/rfc822-headers and its variants),
// then pasted into the text (InlineOriginal).

/// Classifies a bounce read once (BounceReader).
enum BounceClassifier {
    static func classify(_ outline: BounceOutline) -> BounceReport {
        // Looked for at most once: recognising a non-standard bounce may
        // need to know whether it returns a message, and so does the report.
        var lookedFor = false
        var found: ReturnedOriginal? = nil
        func original() -> ReturnedOriginal? {
            if !lookedFor { found = findOriginal(in: outline) }
            lookedFor = true
            return found
        }
        let (kind, format, recipients) = recognise(outline, original: original)
        guard kind != .notBounce else {
            return BounceReport(kind: .notBounce, format: format, original: nil, recipients: [])
        }
        return BounceReport(kind: kind, format: format, original: original(), recipients: recipients)
    }

    private static func recognise(
        _ outline: BounceOutline, original: () -> ReturnedOriginal?
    ) -> (MessageKind, String, [RecipientStatus]) {
        let entities = outline.entities
        let root = outline.root
        let types = entities.map(\.contentType.mediaType)
        let signals = outline.rootSignals ?? SignalFields(root.header)
        let reportType = (root.contentType.parameters["report-type"] ?? "").asciiLowercased
        if reportType == "feedback-report" || types.contains("message/feedback-report")
            || BounceSignals.isComplaint(signals)
        {
            return (.feedback, "RFC 5965 feedback report", [])
        }
        if reportType == "disposition-notification" || types.contains("message/disposition-notification") {
            return (.autoreply, "RFC 8098 disposition notification", [])
        }
        let statusPart = entities.first {
            ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mediaType)
        }
        let recipients = statusPart.map { DeliveryStatusParser.recipients($0.text[...], limits: outline.limits) } ?? []
        if statusPart != nil || root.contentType.mediaType == "multipart/report" {
            var kind = kind(of: recipients)
            if recipients.isEmpty, BounceSignals.saysDelay(signals, text: firstText(of: outline)) { kind = .delay }
            return (kind, "RFC 3464 delivery status notification", recipients)
        }
        if BounceSignals.looksLikeBounce(signals, returnsMessage: { original() != nil }) {
            if BounceSignals.isVirusNotice(signals) { return (.virus, "virus notice", []) }
            let delayed = BounceSignals.saysDelay(signals, text: firstText(of: outline))
            // Exim names the failed recipients in a header of its own.
            let failed = (root.header["X-Failed-Recipients"] ?? "").split(separator: ",").map {
                RecipientStatus(finalRecipient: String($0).trimmingWhitespace, action: "failed", status: "", diagnostic: "")
            }
            return (delayed ? .delay : .failure, "non-standard bounce", failed)
        }
        if BounceSignals.isVirusNotice(signals), signals.hasAutoSubmitted { return (.virus, "virus notice", []) }
        if BounceSignals.isChallenge(signals), signals.hasAutoSubmitted || signals.hasChallenge {
            return (.challenge, "challenge-response request", [])
        }
        if BounceSignals.isAutoReply(signals) { return (.autoreply, "RFC 3834 auto-reply", []) }
        return (.notBounce, "ordinary message", [])
    }

    /// Whether the text of a message of one text part can matter: only if
    /// its header lets `recognise` find it anything but ordinary. For such
    /// a message `recognise` asks these questions and no others (a
    /// report-type, a complaint, an MTA as sender, a virus notice, a
    /// challenge, an auto-reply); the text is read only after one says yes
    /// (a delay's phrases, a message pasted in). BounceReader keeps the
    /// text of other such messages not at all: an ordinary message costs
    /// no copy of its first megabyte.
    static func textMayMatter(_ h: SignalFields, type: ContentType) -> Bool {
        if type.parameters["report-type"] != nil { return true }
        return BounceSignals.isComplaint(h) || BounceSignals.mayBeFromMTA(h) || BounceSignals.isVirusNotice(h)
            || BounceSignals.isChallenge(h) || BounceSignals.isAutoReply(h)
    }

    /// failure if any recipient failed (or none is listed), else delay, else delivered.
    static func kind(of recipients: [RecipientStatus]) -> MessageKind {
        let actions = Set(recipients.map(\.action))
        if actions.contains("failed") || actions.isEmpty { return .failure }
        if actions.contains("delayed") { return .delay }
        if actions.isSubset(of: ["delivered", "relayed", "expanded", "deliverable"]) { return .delivered }
        return .failure
    }

    /// The decoded start of the first text part (or the body), for phrases.
    private static func firstText(of outline: BounceOutline) -> ArraySlice<UInt8> {
        let part = outline.entities.first { $0.contentType.type == "text" && $0.isLeaf } ?? outline.root
        return part.text.prefix(8_192)
    }

    /// The returned original: the first part that holds one, else text
    /// pasted inline. Every other copy with the same Message-ID that brought
    /// a body back goes along, to be verified too: the bounce's sender does
    /// not choose which copy is checked.
    static func findOriginal(in outline: BounceOutline) -> ReturnedOriginal? {
        var found: [(message: ReturnedMessage, location: String, inline: Bool, entity: OutlineEntity)] = []
        for entity in outline.entities.dropFirst() {
            guard let m = entity.original, !m.header.fields.isEmpty else { continue }
            let type = entity.contentType.mediaType
            let attached = type.hasPrefix("message/") || returnedHeaderTypes.contains(type)
            found.append((m, attached ? "\(type) part" : "part without part headers", false, entity))
        }
        let searched = outline.entities.lazy.filter {
            $0.isLeaf && $0.original == nil && ($0.contentType.type == "text" || $0 === outline.root)
        }
        for entity in searched {
            guard let block = InlineOriginal.find(in: entity.text[...]) else { continue }
            let where_ = entity === outline.root ? "body" : "\(entity.contentType.mediaType) part"
            // Text kept up to the limit may have been cut there.
            let whole = entity.text.count < outline.limits.maxKeptText
            found.append(
                (
                    ReturnedMessage.read(block, limits: outline.limits, whole: whole, dkim: outline.dkim),
                    "text pasted into the \(where_)", true, entity
                ))
        }
        // Last resort, for parts whose boundary does not match: any header
        // block in a multipart's text, or in the status part that a part
        // with a mismatched delimiter ran into.
        if found.isEmpty {
            for entity in outline.entities
            where !entity.isLeaf || entity === outline.root || entity.contentType.mediaType.hasSuffix("delivery-status") {
                guard let block = InlineOriginal.headerBlock(in: entity.text[...], from: 0) else { continue }
                found.append(
                    (
                        ReturnedMessage.read(block, limits: outline.limits, dkim: outline.dkim), "text in the raw body", true,
                        entity
                    ))
                break
            }
        }
        guard let first = found.first else { return nil }
        let id = first.message.header["Message-ID"].flatMap(MessageID.normalize)
        let copies = found.dropFirst().filter {
            $0.message.bodyCameBack && $0.message.header["Message-ID"].flatMap(MessageID.normalize) == id
        }
        // Where another copy could be and was not looked for. The text
        // holding the original itself may be cut: that copy is read as cut.
        var unread: String? = nil
        if outline.originalsNotRead > 0 {
            unread = "the bounce returns more than \(outline.limits.maxOriginals) messages; \(outline.originalsNotRead) not read"
        } else if outline.defects.contains(.tooComplex) {
            unread = "the bounce has parts nested deeper, or more parts, than bouncecheck reads"
        } else if searched.contains(where: { $0.textCut && $0 !== first.entity }) {
            unread = "its text is longer than bouncecheck reads for pasted copies"
        }
        return ReturnedOriginal(
            message: first.message, form: form(of: first.message, inline: first.inline), location: first.location,
            copies: copies.map(\.message), unread: unread)
    }

    /// Whole, truncated (cut short) or headers only.
    static func form(of m: ReturnedMessage, inline: Bool) -> ReturnForm {
        if !m.bodyCameBack { return .headers }
        if inline { return .inline }
        return m.closed && m.leavesBeforeLimit == nil ? .whole : .truncated
    }
}
