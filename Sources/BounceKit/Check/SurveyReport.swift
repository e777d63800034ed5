// What bouncecheck --survey found: how many messages of each verdict and
// each kind, which would be filed as backscatter (fail) and why, which could
// not be decided now (temperror) and what could not be read; rendered as
// text for a person (SurveyReport+Text) or as one JSON object
// (SurveyReport+JSON).

/// The counts and lists of a survey.
public struct SurveyReport: Sendable {
    /// One message listed, or one path that could not be read.
    public struct Item: Sendable, Equatable {
        /// The message, or the path that could not be read.
        public var location: MailLocation
        /// The message's kind (nil: not read).
        public var kind: MessageKind?
        /// The verdict's reason, or why it could not be read.
        public var reason: String
    }

    /// The verdict keywords, in the order they are reported.
    public static let verdictKeywords = ["pass", "fail", "none", "unverifiable", "temperror"]

    /// Maildir folders and mbox files surveyed.
    public private(set) var mailboxes = 0
    /// Messages that got a verdict.
    public private(set) var total = 0
    /// Messages per verdict keyword (every keyword present).
    public private(set) var verdicts: [String: Int] = Dictionary(uniqueKeysWithValues: verdictKeywords.map { ($0, 0) })
    /// Messages per kind (every kind present).
    public private(set) var kinds: [MessageKind: Int] = Dictionary(uniqueKeysWithValues: MessageKind.allCases.map { ($0, 0) })
    /// The fail messages, at most `kept` of them.
    public private(set) var backscatter: [Item] = []
    /// The temperror messages, at most `kept` of them.
    public private(set) var undecided: [Item] = []
    /// Paths and messages that could not be read, at most `kept` of them.
    public private(set) var unreadable: [Item] = []
    /// How many could not be read (listed or not).
    public private(set) var unreadableCount = 0
    /// How many of each list are kept (the rest are only counted).
    public let kept: Int

    /// A report that keeps the first `kept` items of each list.
    public init(kept: Int = .max) { self.kept = kept }

    /// Counts one message's result.
    public mutating func add(_ location: MailLocation, _ result: CheckResult) {
        total += 1
        verdicts[result.verdict.keyword, default: 0] += 1
        kinds[result.report.kind, default: 0] += 1
        let item = Item(location: location, kind: result.report.kind, reason: result.verdict.reason)
        switch result.verdict {
        case .fail: if backscatter.count < kept { backscatter.append(item) }
        case .temperror: if undecided.count < kept { undecided.append(item) }
        default: break
        }
    }

    /// Counts a mailbox begun.
    public mutating func addMailbox() { mailboxes += 1 }

    /// Counts something that could not be read.
    public mutating func addUnreadable(_ location: MailLocation, _ reason: String) {
        unreadableCount += 1
        if unreadable.count < kept { unreadable.append(Item(location: location, kind: nil, reason: reason)) }
    }

    /// Messages with this verdict keyword.
    public func count(_ keyword: String) -> Int { verdicts[keyword] ?? 0 }

    /// Messages of this kind.
    public func count(_ kind: MessageKind) -> Int { kinds[kind] ?? 0 }
}
