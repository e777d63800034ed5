// The answer to one message at the end of DATA, as BounceKit types: the
// milter glue turns it into smfi_* calls (header edits, body replacement,
// reply code, quarantine) and one syslog line.

/// An SMTP reply the MTA passes to the client.
public struct SMTPReply: Sendable, Equatable {
    /// "550", "451".
    public var code: String
    /// The enhanced status code, RFC 3463: "5.7.1", "4.7.0".
    public var status: String
    /// One line of text.
    public var text: String

    /// A 451 reply (enhanced status 4.7.0 unless `status` says otherwise): the client retries.
    public static func tempfail(_ text: String, status: String = "4.7.0") -> SMTPReply {
        SMTPReply(code: "451", status: status, text: text)
    }
}

/// What to do with a message.
public struct MilterDecision {
    /// What the MTA does with the message at the end of DATA.
    public enum Action: Sendable, Equatable {
        /// Let the message through, with `headerEdits` and `newBody` applied.
        case accept
        /// Refuse the message (5xx).
        case reject(SMTPReply)
        /// Ask the client to retry (4xx).
        case tempfail(SMTPReply)
        /// Accept into the MTA's hold queue.
        case quarantine(reason: String)
    }

    /// What the MTA is told to do with the message.
    public var action: Action
    /// Header changes, in order.
    public var headerEdits: [HeaderEdit] = []
    /// The signed message whose body replaces the one that came
    /// (`writeBody`), when signing with proof parts.
    public var newBody: PreparedMessage? = nil
    /// The syslog line.
    public var log: String
    /// The level `log` is logged at.
    public var logLevel: SystemLog.Level = .info
    /// What was decided, for tests and the log: the statement signed, or the check's result.
    var statement: Statement? = nil
    var check: CheckResult? = nil

    init(_ action: Action, log: String, level: SystemLog.Level = .info) {
        self.action = action
        self.log = log
        self.logLevel = level
    }
}
