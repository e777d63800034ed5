// The header fields BounceSignals reads, found in one pass over a header and
// lower-cased once: the classifier asks up to a dozen questions of the same
// few fields, and an ordinary message should not pay a lookup and a copy for
// each.

/// The values (lower case) and presence of the fields that tell automatic
/// mail apart; of a field given twice, the first counts, as `Header[_:]`.
struct SignalFields {
    var subject = "", from = "", returnPath = "", autoSubmitted = "", precedence = ""
    /// Exim's list of failed recipients (its value is read where needed).
    var hasFailedRecipients = false
    var hasAutoSubmitted = false
    /// X-Autoreply or X-Autorespond: pre-standard vacation markers.
    var hasAutoreplyMarker = false
    var hasChallenge = false

    init(_ header: Header) {
        var seen: UInt16 = 0
        for field in header.fields {
            guard let which = Self.names.firstIndex(where: field.is), seen & 1 << which == 0 else { continue }
            seen |= 1 << which
            switch which {
            case 0: subject = field.value.asciiLowercased
            case 1: from = field.value.asciiLowercased
            case 2: returnPath = field.value.asciiLowercased
            case 3: autoSubmitted = field.value.asciiLowercased; hasAutoSubmitted = true
            case 4: precedence = field.value.asciiLowercased
            case 5: hasFailedRecipients = true
            case 6, 7: hasAutoreplyMarker = true
            default: hasChallenge = true
            }
        }
    }

    /// In the order `init` switches on.
    private static let names = [
        "Subject", "From", "Return-Path", "Auto-Submitted", "Precedence", "X-Failed-Recipients",
        "X-Autoreply", "X-Autorespond", "X-Challenge",
    ]
}
