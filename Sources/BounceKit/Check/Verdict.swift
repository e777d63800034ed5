// Verdicts and the one table that maps outcomes to exit statuses
// (DESIGN.md; bouncecheck(1) EXIT STATUS; a test keeps the two equal).

/// How much of the returned message a pass verified.
public enum Coverage: String, Sendable {
    case body = "body verified"
    case headersOnly = "headers only"
}

/// Why a bounce's returned message carries no valid proof.
public enum FailReason: Sendable, Equatable, CustomStringConvertible {
    case noOriginal
    case noProof
    case duplicateProof
    case proofMismatch
    case malformedSignature(String)
    case badSignature
    case multipleSignatures(Int)
    case untrustedKey(String)
    case unusableKey(String)
    case invalidStatement(String)
    case statementMismatch
    case unsupportedCanonicalization(String)
    case noMessageID
    case wrongMessageID(String)
    case stale(ageSeconds: Int)
    case future(seconds: Int)
    case bodyAltered
    case bodyRequired

    public var description: String {
        switch self {
        case .noOriginal: return "no returned message"
        case .noProof: return "returned message carries no proof"
        case .duplicateProof: return "more than one proof in the returned message"
        case .proofMismatch: return "proof header differs from proof part"
        case .malformedSignature(let why): return "malformed signature: \(why)"
        case .badSignature: return "bad signature"
        case .multipleSignatures(let n): return "\(n) signatures where one is allowed"
        case .untrustedKey(let fpr): return "signed by untrusted key \(fpr)"
        case .unusableKey(let why): return "signing key \(why)"
        case .invalidStatement(let why): return "invalid statement: \(why)"
        case .statementMismatch: return "statement part differs from the signed statement"
        case .unsupportedCanonicalization(let c): return "unknown canonicalization \(c)"
        case .noMessageID: return "returned message has no Message-ID"
        case .wrongMessageID(let id): return "statement is for another message (\(id))"
        case .stale(let age): return "statement is \(DurationParser.format(age)) old"
        case .future(let s): return "statement is dated \(DurationParser.format(s)) in the future"
        case .bodyAltered: return "returned body does not match its hash"
        case .bodyRequired: return "body required but only headers came back"
        }
    }
}

/// The decision about one message.
public enum Verdict: Sendable, Equatable {
    /// A bounce of a message we signed.
    case pass(Coverage)
    /// A bounce without valid proof: backscatter.
    case fail(FailReason)
    /// Not a bounce.
    case none
    /// An automatic message (auto-reply, challenge, virus notice) that
    /// returns nothing to verify: its own kind, for the recipe to decide.
    case unverifiable(MessageKind)
    /// Could not decide now; never discard.
    case temperror(String)

    /// The verdict's keyword in annotations and logs.
    public var keyword: String {
        switch self {
        case .pass: return "pass"
        case .fail: return "fail"
        case .none: return "none"
        case .unverifiable: return "unverifiable"
        case .temperror: return "temperror"
        }
    }

    /// The reason in parentheses after the keyword.
    public var reason: String {
        switch self {
        case .pass(let c): return c.rawValue
        case .fail(let r): return r.description
        case .none: return "not a bounce"
        case .unverifiable(let k): return "\(k.rawValue) without returned message"
        case .temperror(let why): return why
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .pass: return .pass
        case .fail: return .fail
        case .none: return .none
        case .unverifiable: return .unverifiable
        case .temperror: return .tempFail
        }
    }
}

/// Exit statuses (sysexits(3) where one applies).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case pass = 0
    case fail = 1
    case none = 2
    case unverifiable = 3
    case usage = 64
    case dataError = 65
    case software = 70
    case tempFail = 75
    case config = 78

    /// What the status means, as the man pages say it.
    public var meaning: String {
        switch self {
        case .pass: return "pass: a bounce of a message we signed"
        case .fail: return "fail: a bounce without valid proof (backscatter)"
        case .none: return "none: not a bounce"
        case .unverifiable: return "unverifiable: an auto-reply, challenge or virus notice that returns nothing to verify"
        case .usage: return "usage error"
        case .dataError: return "input is not a message"
        case .software: return "internal error"
        case .tempFail: return "temporary failure: could not decide or sign now; retry"
        case .config: return "configuration error"
        }
    }
}
