// Recognising bounces and finding the message they return.
//
// RFC 3464 multipart/report (report-type=delivery-status), with the original
// as message/rfc822, message/global (RFC 6533) or text/rfc822-headers /
// message/global-headers; RFC 5965 feedback reports; RFC 3834 auto-replies.

/// Classifies a parsed message.
public enum BounceClassifier {
    public static func classify(_ message: MIMEEntity) -> BounceReport {
        if message.contentType.mediaType == "multipart/report" {
            return report(message)
        }
        if isAutoReply(message.header) {
            return BounceReport(kind: .autoreply, format: "RFC 3834 auto-reply",
                                original: findEncapsulated(in: message), recipients: [])
        }
        return BounceReport(kind: .notBounce, format: "ordinary message", original: nil, recipients: [])
    }

    private static func report(_ message: MIMEEntity) -> BounceReport {
        let reportType = (message.contentType.parameters["report-type"] ?? "").asciiLowercased
        let statusPart = message.parts.first {
            ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mediaType)
        }
        let recipients = statusPart.map { DeliveryStatusParser.recipients($0.decodedBody) } ?? []
        let original = findEncapsulated(in: message)
        switch reportType {
        case "feedback-report":
            return BounceReport(kind: .feedback, format: "RFC 5965 feedback report", original: original, recipients: [])
        case "disposition-notification":
            return BounceReport(kind: .autoreply, format: "RFC 8098 disposition notification", original: original,
                                recipients: [])
        default:
            return BounceReport(kind: kind(of: recipients), format: "RFC 3464 multipart/report", original: original,
                                recipients: recipients)
        }
    }

    /// failure if any recipient failed (or none is listed), else delay, else delivered.
    static func kind(of recipients: [RecipientStatus]) -> MessageKind {
        let actions = Set(recipients.map(\.action))
        if actions.contains("failed") || actions.isEmpty { return .failure }
        if actions.contains("delayed") { return .delay }
        return .delivered
    }

    /// The first returned message or header block anywhere in the bounce.
    static func findEncapsulated(in message: MIMEEntity) -> ReturnedOriginal? {
        for entity in message.allEntities.dropFirst() {
            switch entity.contentType.mediaType {
            case "message/rfc822", "message/global":
                guard let inner = entity.encapsulated else { continue }
                let truncated = inner.contains(.missingClosingDelimiter) || !inner.hasBody
                return ReturnedOriginal(message: inner, form: truncated ? (inner.hasBody ? .truncated : .headers) : .whole,
                                        location: "\(entity.contentType.mediaType) part")
            case "text/rfc822-headers", "message/global-headers":
                let inner = MIMEEntity.parse(entity.decodedBody)
                return ReturnedOriginal(message: inner, form: .headers, location: "\(entity.contentType.mediaType) part")
            default:
                continue
            }
        }
        return nil
    }

    /// RFC 3834 §5: Auto-Submitted: auto-replied, plus the common pre-standard
    /// markers of vacation programs. "auto-generated" alone (cron, notices)
    /// is no reply to a message of ours and stays an ordinary message.
    static func isAutoReply(_ header: Header) -> Bool {
        if let a = header["Auto-Submitted"]?.asciiLowercased, a.hasPrefix("auto-replied") { return true }
        return header.first("X-Autoreply") != nil || header.first("X-Autorespond") != nil
    }
}
