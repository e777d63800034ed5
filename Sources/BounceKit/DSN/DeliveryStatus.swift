// message/delivery-status bodies, RFC 3464 §2: a per-message field group,
// then one group per recipient, groups separated by blank lines.
// message/global-delivery-status (RFC 6533) has the same layout.

/// One recipient's fate, as the DSN reports it (RFC 3464 §2.3).
public struct RecipientStatus: Sendable, Equatable {
    /// Final-Recipient (§2.3.2), without its address-type prefix.
    public var finalRecipient: String
    /// Original-Recipient (§2.3.1), as the sender gave it, if reported.
    public var originalRecipient: String = ""
    /// Action (§2.3.3): failed, delayed, delivered, relayed, expanded.
    public var action: String
    /// Status (§2.3.4), e.g. 5.1.1.
    public var status: String
    /// Diagnostic-Code (§2.3.6), without its type prefix.
    public var diagnostic: String

    init(finalRecipient: String, action: String, status: String, diagnostic: String) {
        self.finalRecipient = finalRecipient
        self.action = action
        self.status = status
        self.diagnostic = diagnostic
    }
}

/// Parses the per-recipient groups of a delivery-status body.
enum DeliveryStatusParser {
    /// The recipient groups, at most `limits.maxStatusGroups` of them (the
    /// per-message group does not count). A line that is no field is
    /// skipped, so it cannot hide the groups after it; every step moves on
    /// by a line at least, so reading is linear in the body.
    static func recipients(_ body: ArraySlice<UInt8>, limits: Limits = .standard) -> [RecipientStatus] {
        var out: [RecipientStatus] = []
        var pos = body.startIndex
        while pos < body.endIndex, out.count < limits.maxStatusGroups {
            // Skip blank lines between groups.
            while let line = body.line(at: pos), body.trimmed(line.content).isEmpty { pos = line.next }
            guard pos < body.endIndex else { break }
            let group = HeaderParser.parse(body[pos...])
            let h = group.header
            if let rcpt = h["Final-Recipient"] ?? h["Original-Recipient"] {
                var r = RecipientStatus(
                    finalRecipient: afterType(rcpt), action: (h["Action"] ?? "").asciiLowercased,
                    status: h["Status"] ?? "", diagnostic: afterType(h["Diagnostic-Code"] ?? ""))
                r.originalRecipient = afterType(h["Original-Recipient"] ?? "")
                out.append(r)
            }
            if group.bodyStart > pos {
                pos = group.bodyStart
            } else if let line = body.line(at: pos) {
                pos = line.next  // not a field: step over it
            } else {
                break
            }
        }
        return out
    }

    /// "rfc822; user@example.org" → "user@example.org".
    private static func afterType(_ value: String) -> String {
        guard let semi = value.firstIndex(of: ";") else { return value }
        return String(value[value.index(after: semi)...]).trimmingWhitespace
    }
}
