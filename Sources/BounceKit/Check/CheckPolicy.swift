// What bouncecheck accepts, taken from the configuration.

/// The rules a proof must satisfy.
public struct CheckPolicy: Sendable {
    /// Trusted signing-key fingerprints, normalized (upper-case hex).
    public var trusted: [String]
    /// Oldest statement accepted, in seconds (max-age).
    public var maxAge: Int
    /// How far in the future a statement may be dated, in seconds (clock-skew).
    public var clockSkew: Int
    /// Whether a return without the whole body fails (require-body).
    public var requireBody: Bool
    /// Unix time to judge freshness against.
    public var now: Int
    /// Our own DKIM signature as proof when there is no bouncesign proof
    /// (nil: no dkim-domain, off).
    public var dkim: DKIMPolicy? = nil

    /// The rules given one by one (tests, and --check's round trip).
    public init(trusted: [String], maxAge: Int, clockSkew: Int, requireBody: Bool, now: Int) {
        self.trusted = trusted
        self.maxAge = maxAge
        self.clockSkew = clockSkew
        self.requireBody = requireBody
        self.now = now
    }

    /// The rules the configuration sets, judged at Unix time `now`.
    public init(_ config: Configuration, now: Int) {
        self.init(
            trusted: config.trust, maxAge: config.maxAge, clockSkew: config.clockSkew,
            requireBody: config.requireBody, now: now)
        if !config.dkimDomains.isEmpty {
            dkim = DKIMPolicy(
                domains: config.dkimDomains, maxAge: config.dkimMaxAge ?? config.maxAge, headersOnly: config.dkimHeadersOnly)
        }
    }

    /// Whether a signature's fingerprint (or key ID, for an unknown key) names a trusted key.
    func trusts(_ fingerprint: String) -> Bool {
        let f = fingerprint.uppercased()
        guard f.count >= 16 else { return false }
        return trusted.contains { $0 == f || (f.count < $0.count && $0.hasSuffix(f)) }
    }
}
