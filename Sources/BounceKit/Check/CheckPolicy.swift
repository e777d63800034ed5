// What bouncecheck accepts, taken from the configuration.

/// The rules a proof must satisfy.
public struct CheckPolicy: Sendable {
    /// Trusted signing-key fingerprints, normalized (upper-case hex).
    public var trusted: [String]
    public var maxAge: Int
    public var clockSkew: Int
    public var requireBody: Bool
    /// Unix time to judge freshness against.
    public var now: Int
    /// Our own DKIM signature as proof when there is no bouncesign proof
    /// (nil: no dkim-domain, off).
    public var dkim: DKIMPolicy? = nil

    public init(trusted: [String], maxAge: Int, clockSkew: Int, requireBody: Bool, now: Int) {
        self.trusted = trusted
        self.maxAge = maxAge
        self.clockSkew = clockSkew
        self.requireBody = requireBody
        self.now = now
    }

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
