// Verdicts and the one table that maps outcomes to exit statuses
// (DESIGN.md; bouncecheck(1) EXIT STATUS; a test keeps the two equal).

/// How much of the returned message a pass verified.
public enum Coverage: Sendable, Equatable {
    /// Every part came back whole and matches.
    case body
    /// The return was cut short: `verified` of the `of` parts the statement
    /// lists came back whole and match, and the first `prefix` bytes of the
    /// cut one match (its last checkpoint); nothing after is verified.
    case partial(verified: Int, of: Int, prefix: Int = 0)
    /// No body came back.
    case headersOnly
    /// No bouncesign proof, but a DKIM signature of our `domain` verified
    /// (Check/DKIMProof.swift), with the body hash when a body came back.
    case dkim(domain: String, bodyVerified: Bool)

    /// The words after "pass" in the verdict, e.g. "body verified".
    public var description: String {
        switch self {
        case .body: return "body verified"
        case .partial(let n, let m, 0): return "\(n) of \(m) parts verified, rest cut"
        case .partial(let n, let m, let p):
            return "\(n) of \(m) parts and the first \(p >> 10) KiB of part \(n + 1) verified, rest cut"
        case .headersOnly: return "headers only"
        case .dkim(let d, let body): return "DKIM \(d), " + (body ? "body verified" : "headers only")
        }
    }
}

/// Why a bounce's returned message carries no valid proof.
public enum FailReason: Error, Sendable, Equatable, CustomStringConvertible {
    /// A delivery report that returns no part of the message it reports on.
    case noOriginal
    /// The returned message carries no bouncesign proof.
    case noProof
    /// More than one Bounce-Signature header, or more than one statement or clearsign part.
    case duplicateProof
    /// The Bounce-Signature header and the proof parts carry different signed statements.
    case proofMismatch
    /// The proof header or parts cannot be read; the words say which and why.
    case malformedProof(String)
    /// GnuPG cannot read the signature, finds none in it, or reports another problem with it; its words.
    case malformedSignature(String)
    /// The signature does not verify over the statement.
    case badSignature
    /// The clearsigned statement has this many signatures; a proof has exactly one.
    case multipleSignatures(Int)
    /// Signed by a key that is not trusted (its fingerprint, or key ID when GnuPG does not know it).
    case untrustedKey(String)
    /// The signing key has expired or is revoked, or the signature has expired; the words say which.
    case unusableKey(String)
    /// The text GnuPG verified is no statement bouncecheck can use (Statement.ParseError's words).
    case invalidStatement(String)
    /// A statement part or the header differs from the text GnuPG verified, or carries it in the other version's form.
    case statementMismatch
    /// A version 1 statement names a canonicalization this version does not know.
    case unsupportedCanonicalization(String)
    case noMessageID
    case duplicateMessageID
    case malformedMessageID
    /// The returned message's Message-ID is not the statement's (which is given).
    case wrongMessageID(String)
    /// The statement is older than max-age.
    case stale(ageSeconds: Int)
    /// The statement is dated further ahead than clock-skew allows.
    case future(seconds: Int)
    /// A bound field (From, To, Cc, Subject or Date) came back changed.
    case headersAltered
    /// The bounce names a recipient outside To and Cc, and the statement says the message had no Bcc recipients.
    case wrongRecipient(String)
    /// A part that came back differs from the one signed (1-based; nil: v1).
    case bodyAltered(part: Int?)
    /// Parts were added or removed, or a preamble or epilogue changed.
    case bodyShape(String)
    /// Body bytes came back, and none of them could be verified.
    case bodyUnverifiable(String)
    /// require-body is set, and the whole body did not come back.
    case bodyRequired
    /// The DKIM signature of ours that stood in for the proof is no proof.
    case dkim(DKIMFailure)

    /// The words after "fail" in the verdict, e.g. "bad signature".
    public var description: String {
        switch self {
        case .noOriginal: return "no returned message"
        case .noProof: return "returned message carries no proof"
        case .duplicateProof: return "more than one proof in the returned message"
        case .proofMismatch: return "proof header differs from proof part"
        case .malformedProof(let why): return "malformed proof: \(why)"
        case .malformedSignature(let why): return "malformed signature: \(why)"
        case .badSignature: return "bad signature"
        case .multipleSignatures(let n): return "\(n) signatures where one is allowed"
        case .untrustedKey(let fpr): return "signed by untrusted key \(fpr)"
        case .unusableKey(let why): return "signing key \(why)"
        case .invalidStatement(let why): return "invalid statement: \(why)"
        case .statementMismatch: return "statement part differs from the signed statement"
        case .unsupportedCanonicalization(let c): return "unknown canonicalization \(c)"
        case .noMessageID: return "returned message has no Message-ID"
        case .duplicateMessageID: return "returned message has more than one Message-ID"
        case .malformedMessageID: return "returned message has a malformed Message-ID"
        case .wrongMessageID(let id): return "statement is for another message (\(id))"
        case .stale(let age): return "statement is \(DurationParser.format(age)) old"
        case .future(let s): return "statement is dated \(DurationParser.format(s)) in the future"
        case .headersAltered: return "returned From, To, Cc, Subject or Date differ from those signed"
        case .wrongRecipient(let r): return "bounce names a recipient the message was not sent to (\(r))"
        case .bodyAltered(let n):
            return "returned body does not match its hash" + (n.map { " (part \($0))" } ?? "")
        case .bodyShape(let why): return "returned body does not match its hash (\(why))"
        case .bodyUnverifiable(let why): return "returned body cannot be verified (\(why))"
        case .bodyRequired: return "body required but it did not come back whole"
        case .dkim(let f): return f.description
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
        case .pass(let c): return c.description
        case .fail(let r): return r.description
        case .none: return "not a bounce"
        case .unverifiable(let k): return "\(k.rawValue) without returned message"
        case .temperror(let why): return why
        }
    }

    /// bouncecheck's exit status for this verdict: the one table bouncecheck(1) EXIT STATUS follows.
    var exitStatus: ExitStatus {
        switch self {
        case .pass: return .pass
        case .fail: return .fail
        case .none: return .none
        case .unverifiable: return .unverifiable
        case .temperror: return .tempFail
        }
    }
}

/// Exit statuses (sysexits(3) where one applies): the one table both man
/// pages' EXIT STATUS sections follow (a test holds them to it).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// pass: a bounce of a message we signed (and any success).
    case pass = 0
    /// fail: a bounce without valid proof (backscatter).
    case fail = 1
    /// none: not a bounce.
    case none = 2
    /// unverifiable: an auto-reply or similar that returns nothing to verify.
    case unverifiable = 3
    /// A malformed command line (bouncecheck).
    case usage = 64
    /// Could not decide or sign now; retry.
    case tempFail = 75
    /// A configuration problem (bouncecheck; bouncesign's --check and --generate-key).
    case config = 78

    /// The statuses bouncesign ends with (besides a re-injection command's own 64-78).
    public static let bouncesign: Set<ExitStatus> = [.pass, .tempFail, .config]
}
