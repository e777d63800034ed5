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

/// Classifies a parsed message.
public enum BounceClassifier {
    public static func classify(_ message: MIMEEntity) -> BounceReport {
        let (kind, format, recipients) = recognise(message)
        guard kind != .notBounce else {
            return BounceReport(kind: .notBounce, format: format, original: nil, recipients: [])
        }
        return BounceReport(kind: kind, format: format, original: findOriginal(in: message), recipients: recipients)
    }

    private static func recognise(_ message: MIMEEntity) -> (MessageKind, String, [RecipientStatus]) {
        let entities = message.allEntities
        let types = entities.map(\.contentType.mediaType)
        let reportType = (message.contentType.parameters["report-type"] ?? "").asciiLowercased
        if reportType == "feedback-report" || types.contains("message/feedback-report")
            || BounceSignals.isComplaint(message.header)
        {
            return (.feedback, "RFC 5965 feedback report", [])
        }
        if reportType == "disposition-notification" || types.contains("message/disposition-notification") {
            return (.autoreply, "RFC 8098 disposition notification", [])
        }
        let statusPart = entities.first {
            ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mediaType)
        }
        let recipients = statusPart.map { DeliveryStatusParser.recipients($0.decodedBody) } ?? []
        let h = message.header
        if statusPart != nil || message.contentType.mediaType == "multipart/report" {
            var kind = kind(of: recipients)
            if recipients.isEmpty, BounceSignals.saysDelay(h, text: firstText(of: message)) { kind = .delay }
            return (kind, "RFC 3464 delivery status notification", recipients)
        }
        if BounceSignals.looksLikeBounce(h, returnsMessage: { findOriginal(in: message) != nil }) {
            if BounceSignals.isVirusNotice(h) { return (.virus, "virus notice", []) }
            let delayed = BounceSignals.saysDelay(h, text: firstText(of: message))
            // Exim names the failed recipients in a header of its own.
            let failed = (h["X-Failed-Recipients"] ?? "").split(separator: ",").map {
                RecipientStatus(finalRecipient: String($0).trimmingWhitespace, action: "failed", status: "", diagnostic: "")
            }
            return (delayed ? .delay : .failure, "non-standard bounce", failed)
        }
        if BounceSignals.isVirusNotice(h), h.first("Auto-Submitted") != nil { return (.virus, "virus notice", []) }
        if BounceSignals.isChallenge(h), h.first("Auto-Submitted") != nil || h.first("X-Challenge") != nil {
            return (.challenge, "challenge-response request", [])
        }
        if BounceSignals.isAutoReply(h) { return (.autoreply, "RFC 3834 auto-reply", []) }
        return (.notBounce, "ordinary message", [])
    }

    /// failure if any recipient failed (or none is listed), else delay, else delivered.
    static func kind(of recipients: [RecipientStatus]) -> MessageKind {
        let actions = Set(recipients.map(\.action))
        if actions.contains("failed") || actions.isEmpty { return .failure }
        if actions.contains("delayed") { return .delay }
        if actions.isSubset(of: ["delivered", "relayed", "expanded", "deliverable"]) { return .delivered }
        return .failure
    }

    /// The decoded text of the first text part (or the body), for phrases.
    private static func firstText(of message: MIMEEntity) -> String {
        let part = message.allEntities.first { $0.contentType.type == "text" && $0.parts.isEmpty } ?? message
        return String(mailBytes: part.decodedBody.prefix(8_192))
    }

    /// The returned original: a MIME part first, then text pasted inline.
    static func findOriginal(in message: MIMEEntity) -> ReturnedOriginal? {
        if let attached = findAttached(in: message) { return attached }
        let texts = message.allEntities.filter { $0.parts.isEmpty && ($0.contentType.type == "text" || $0 === message) }
        for entity in texts {
            if let block = InlineOriginal.find(in: entity.decodedBody) {
                return ReturnedOriginal(
                    message: MIMEEntity.parse(block), form: .inline,
                    location: "text pasted into the \(entity === message ? "body" : "\(entity.contentType.mediaType) part")")
            }
        }
        // Last resort, for parts whose boundary does not match: any header
        // block in the raw body.
        if let block = InlineOriginal.headerBlock(in: message.body, from: message.body.startIndex) {
            return ReturnedOriginal(message: MIMEEntity.parse(block), form: .inline, location: "text in the raw body")
        }
        return nil
    }

    static let headerTypes: Set<String> = [
        "text/rfc822-headers", "text/rfc822-header", "message/global-headers",
        "message/rfc822-headers",
    ]

    /// The first returned message or header block attached as a MIME part.
    static func findAttached(in message: MIMEEntity) -> ReturnedOriginal? {
        for entity in message.allEntities.dropFirst() {
            let type = entity.contentType.mediaType
            let location = "\(type) part"
            if type == "message/rfc822" || type == "message/global" {
                guard var inner = entity.encapsulated else { continue }
                var part: MIMEEntity? = entity
                if inner.header.fields.isEmpty {
                    inner = MIMEEntity.parse(skippingBlankLines(entity.decodedBody))
                    part = nil
                }
                guard !inner.header.fields.isEmpty else { continue }
                return ReturnedOriginal(message: inner, form: form(of: inner), location: location, part: part)
            }
            // A part with no part headers of its own whose "headers" are the
            // original's (seen after a bare boundary line).
            if entity.header.first("Message-ID") != nil || entity.header.first("Received") != nil {
                let inner = MIMEEntity.parse(entity.raw)
                return ReturnedOriginal(message: inner, form: form(of: inner), location: "part without part headers")
            }
            if type == "message/partial" || headerTypes.contains(type) {
                let inner = MIMEEntity.parse(skippingBlankLines(entity.decodedBody))
                guard !inner.header.fields.isEmpty else { continue }
                let whole = inner.hasBody && !inner.body.allSatisfy { $0 == ASCII.lf || $0 == ASCII.cr || $0 == ASCII.space }
                return ReturnedOriginal(message: inner, form: whole ? form(of: inner) : .headers, location: location)
            }
        }
        return nil
    }

    /// Some servers put a blank line before the returned header block.
    private static func skippingBlankLines(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var pos = bytes.startIndex
        while let line = bytes.line(at: pos), bytes.trimmed(line.content).isEmpty, line.next > pos { pos = line.next }
        return bytes[pos...]
    }

    /// Whole, truncated (a multipart cut short) or headers only.
    private static func form(of inner: MIMEEntity) -> ReturnForm {
        let emptyBody = inner.body.allSatisfy { $0 == ASCII.lf || $0 == ASCII.cr || $0 == ASCII.space }
        if !inner.hasBody || emptyBody { return .headers }
        // bouncesign always closes the outer multipart: a return cut short
        // loses that delimiter. One missing deeper down was there before.
        return inner.defects.contains(.missingClosingDelimiter) ? .truncated : .whole
    }
}
