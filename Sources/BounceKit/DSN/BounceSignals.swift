// Recognising bounces that are not RFC 3464 reports: the sender, subject and
// header conventions of real MTAs (qmail, Exim, Exchange, Lotus, Gmail...),
// plus RFC 3834 auto-replies, challenge-response requests and virus notices.
//
// These are heuristics over the bounce's own header and text, used only to
// decide *whether* to look for a returned original. Nothing here can make a
// message pass: only a verified proof can.

/// Header and text signals of the kinds of automatic mail.
enum BounceSignals {
    /// Local parts of the addresses MTAs send bounces from.
    static let bounceSenders = ["mailer-daemon", "postmaster", "mail delivery", "mailerdaemon", "mail-daemon", "mdaemon"]

    /// Subject fragments of delivery failures (lower case).
    static let failureSubjects = [
        "undeliver", "undelivered", "delivery status notification", "delivery failure", "delivery failed",
        "failure notice", "returned mail", "mail delivery failed", "delivery notification", "could not be delivered",
        "non remis", "mail system error", "nondeliverable", "non-deliverable", "message not delivered",
        "delivery has failed", "rejected", "returned to sender", "delivery problem", "unzustellbar",
        "mail could not be delivered", "message you sent blocked", "notice: mail delivery", "failed delivery",
        "permanent error", "delivery incomplete", "mail failure", "error sending", "bounce",
    ]

    /// Text that says delivery is still being tried (lower case).
    static let delayPhrases = [
        "delayed", "delay", "will retry", "will continue to try", "still being retried", "not yet been delivered",
        "could not send message for past", "warning: message", "temporarily deferred", "transient",
    ]

    static let autoReplySubjects = [
        "out of office", "out of the office", "automatic reply", "auto reply", "autoreply",
        "auto-reply", "vacation", "abwesenheit", "auto:", "away from",
    ]
    static let challengeSubjects = [
        "please confirm", "confirm your", "verify you", "challenge", "spam protection",
        "authorization required", "verification required",
    ]
    static let virusSubjects = ["virus", "infected", "malware", "worm found", "quarantine"]

    /// Whether the header says an MTA sent this as a delivery report: sent
    /// by a mailer daemon or with a null sender, and either saying so in its
    /// subject or returning a message (`returnsMessage`). Neither a subject
    /// nor a sender alone suffices: "Re: your offer was rejected" from a
    /// person, or a postmaster's note, must stay ordinary messages, or they
    /// could be filed away.
    static func looksLikeBounce(_ h: SignalFields, returnsMessage: () -> Bool) -> Bool {
        if h.hasFailedRecipients { return true }
        guard mayBeFromMTA(h) else { return false }
        let subjectSays = [failureSubjects, delayPhrases, virusSubjects].contains { $0.contains(where: h.subject.containsText) }
        return subjectSays || returnsMessage()
    }

    /// The first test of `looksLikeBounce`: the header lists failed
    /// recipients, or names a mailer daemon or a null sender.
    static func mayBeFromMTA(_ h: SignalFields) -> Bool {
        if h.hasFailedRecipients { return true }
        return bounceSenders.contains(where: h.from.containsText) || h.returnPath.filter { $0 != " " } == "<>"
    }

    /// Complaint notices that are not in ARF format.
    static func isComplaint(_ h: SignalFields) -> Bool {
        h.subject.containsText("complaint about message") || h.subject.hasPrefix("abuse report")
    }

    /// Whether the subject or text talks of a delay rather than a failure.
    /// `text` is searched as bytes, ASCII lower-cased once: the phrases are
    /// ASCII, and an ASCII byte means the same character in UTF-8 and in
    /// the Latin-1 reading `String(mailBytes:)` falls back to.
    static func saysDelay(_ h: SignalFields, text: ArraySlice<UInt8>) -> Bool {
        let subject = h.subject
        if subject.containsText("delay") || subject.containsText("warning") || subject.containsText("still being retried") {
            return true
        }
        let lowered = text.map(ASCII.lower)
        func has(_ phrase: [UInt8]) -> Bool { lowered.firstIndex(of: phrase, from: 0) != nil }
        return (delayTextPhrases.contains(where: has)) && !finalTextPhrases.contains(where: has)
    }

    /// Text that says a delivery is still being tried, and text that says it
    /// is not (lower case).
    private static let delayTextPhrases = [
        "will retry", "will continue to try", "no action is required on your part", "is delayed",
    ].map { Array($0.utf8) }
    private static let finalTextPhrases = ["permanent", "giving up", "gave up"].map { Array($0.utf8) }

    /// RFC 3834 §5 and the pre-standard vacation markers.
    static func isAutoReply(_ h: SignalFields) -> Bool {
        if h.autoSubmitted.hasPrefix("auto-replied") || h.hasAutoreplyMarker { return true }
        if h.precedence == "auto_reply" { return true }
        return autoReplySubjects.contains(where: h.subject.hasPrefix) || h.subject.containsText("out of office")
    }

    static func isChallenge(_ h: SignalFields) -> Bool {
        h.hasChallenge || challengeSubjects.contains(where: h.subject.containsText)
    }

    static func isVirusNotice(_ h: SignalFields) -> Bool {
        virusSubjects.contains(where: h.subject.containsText)
    }
}
