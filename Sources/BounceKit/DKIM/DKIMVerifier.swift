// What bouncecheck needs of a DKIM implementation (RFC 6376), so that the
// decision (Check/DKIMProof.swift) and the reading of a returned original
// (Check/ReturnedMessage.swift) can be tested without libopendkim: a
// verification is fed the returned original's header fields and body as
// they stream past, and at the end reports each signature as plain values.
// OpenDKIMVerifier is the real one.

/// Starts DKIM verifications of returned originals. Class-bound: every
/// check holds one, and an optional class reference is copied without the
/// runtime building existential metadata at start-up.
public protocol DKIMVerifying: AnyObject, Sendable {
    /// The domains whose signatures count (dkim-domain), lower case.
    var domains: [String] { get }
    /// A new verification of one message, or why none can be made.
    func start() -> Result<any DKIMVerification, DKIMError>
}

/// One message's verification, fed in order: header fields, the end of the
/// header, body bytes; then `finish` once.
public protocol DKIMVerification: AnyObject {
    /// One header field as it appeared, folds as CRLF, without its final line end.
    func header(_ field: [UInt8])
    func endOfHeader()
    /// Body bytes, line ends as CRLF.
    func body(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Looks up the keys (DNS or the dkim-keys file) and checks every
    /// signature of one of `domains`.
    func finish() -> DKIMOutcome
}

/// What a verification found.
public enum DKIMOutcome: Sendable, Equatable {
    /// One entry per signature of one of the configured domains (others are
    /// not looked at), in header order.
    case checked([DKIMSignatureCheck])
    /// The verification could not be made (library missing, out of memory):
    /// our side, never the message.
    case unavailable(String)
}

/// One DKIM-Signature of ours, as the library judged it.
public struct DKIMSignatureCheck: Sendable, Equatable {
    /// How the header signature (`b=`) fared.
    public enum Status: Sendable, Equatable {
        /// The signature over the header fields verifies with the key.
        case good
        /// It does not verify with the key published for its selector.
        case bad
        /// No key is published for its selector (an answer: the record is absent).
        case noKey
        /// The key could not be fetched now (DNS timeout or failure): temporary.
        case keyUnavailable(String)
        /// The library's own verdict on an expired `x=` or a future `t=`.
        case expired
        /// A malformed signature or key record (the library's words).
        case malformed(String)
    }

    /// Whether the body hash (`bh=`) matched the body fed.
    public enum BodyHash: Sendable, Equatable { case match, mismatch, untested }

    /// `d=`, the signing domain (RFC 6376 §3.5), lower case.
    public var domain: String
    /// `s=`, the selector (RFC 6376 §3.5): the key record is at SELECTOR._domainkey.DOMAIN.
    public var selector: String
    /// How the header signature fared.
    public var status: Status
    /// Whether `bh=` matched the body that came back.
    public var bodyHash: BodyHash
    /// `h=`, lower case, in order.
    public var signedHeaders: [String]
    /// `t=`, the signing time, Unix time, when present.
    public var signedAt: Int?
    /// `x=`, the signature's expiry, Unix time, when present.
    public var expiresAt: Int?
    /// `l=`, when present: bytes of canonical body the signature covers.
    public var signedLength: Int?
    /// Canonical body bytes of what came back.
    public var bodyLength: Int
    /// `a=`, the signing algorithm, for --explain.
    public var algorithm: String
    /// `c=`, the header and body canonicalization, for --explain.
    public var canonicalization: String

    init(
        domain: String, selector: String, status: Status, bodyHash: BodyHash, signedHeaders: [String],
        signedAt: Int? = nil, expiresAt: Int? = nil, signedLength: Int? = nil, bodyLength: Int = 0,
        algorithm: String = "rsa-sha256", canonicalization: String = "relaxed/relaxed"
    ) {
        self.domain = domain
        self.selector = selector
        self.status = status
        self.bodyHash = bodyHash
        self.signedHeaders = signedHeaders
        self.signedAt = signedAt
        self.expiresAt = expiresAt
        self.signedLength = signedLength
        self.bodyLength = bodyLength
        self.algorithm = algorithm
        self.canonicalization = canonicalization
    }
}
