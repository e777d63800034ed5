// Our own DKIM signature as proof (issue 13): a returned original that
// carries no bouncesign proof but a valid DKIM signature (RFC 6376) of one of
// the configured domains (dkim-domain) was sent by us — mail sent before
// bouncesign was switched on, or through a service that DKIM-signs for us.
//
// What counts: a signature whose d= is ours, whose h= includes From (RFC 6376
// §5.4), whose every From address is in that domain or a subdomain, whose
// header signature verifies with the key published for its selector (DNS or
// the dkim-keys file), not expired (x=), not older than dkim-max-age (t=, or
// the copy's Date when t= is absent). Whatever body came back must match the
// body hash — the sender of the bounce never chooses how much is verified —
// and an l= signature counts only when l= covers all of it; a return without
// a body passes on the header signature alone, unless dkim-headers-only no.
// What it proves is less than the bouncesign proof: nothing binds it to the
// bounce's recipients, and a signature of ours on a message whose whole body
// did not come back proves only that we signed those header fields.

/// What the DKIM proof accepts (dkim-* settings).
public struct DKIMPolicy: Sendable, Equatable {
    /// Our domains, lower case; DKIM counts only when there is one.
    public var domains: [String]
    /// Oldest signature accepted, in seconds.
    public var maxAge: Int
    /// Whether a return without a body passes on the header signature alone.
    public var headersOnly: Bool

    /// The policy for our `domains` (lower-cased here), with `maxAge` in seconds.
    public init(domains: [String], maxAge: Int, headersOnly: Bool = true) {
        self.domains = domains.map(\.asciiLowercased)
        self.maxAge = maxAge
        self.headersOnly = headersOnly
    }
}

/// Why a DKIM signature of ours is no proof.
public enum DKIMFailure: Sendable, Equatable, CustomStringConvertible {
    /// The header signature (`b=`) does not verify with the published key.
    case badSignature
    /// The body that came back does not match `bh=`.
    case bodyAltered
    /// `l=` covers fewer canonical body bytes than came back: the rest is nobody's word.
    case lengthShort(signed: Int, returned: Int)
    /// No key record is published at this name (SELECTOR._domainkey.DOMAIN).
    case noKey(String)
    /// The signature or its key record cannot be read; libopendkim's words.
    case malformed(String)
    /// `h=` does not include From (RFC 6376 §5.4).
    case fromNotSigned
    /// A From address is outside this signing domain and its subdomains.
    case fromOutside(String)
    /// `x=` has passed.
    case expired
    /// Older than dkim-max-age (by `t=`, or by the Date when there is no `t=`).
    case stale(ageSeconds: Int)
    /// Dated further ahead than clock-skew allows.
    case future(seconds: Int)
    /// Neither `t=` nor a Date to tell its age by.
    case undated
    /// Only the header came back, and dkim-headers-only is no.
    case headersOnlyRefused
    /// A further returned copy of the message carries no DKIM signature of ours.
    case copyUnsigned

    /// The reason in the verdict, e.g. "fail (DKIM signature has expired)".
    public var description: String {
        switch self {
        case .badSignature: return "bad DKIM signature"
        case .bodyAltered: return "bad DKIM signature: returned body does not match its body hash"
        case .lengthShort(let l, let n): return "bad DKIM signature: l=\(l) covers less than the \(n) body bytes that came back"
        case .noKey(let name): return "bad DKIM signature: no key published at \(name)"
        case .malformed(let why): return "bad DKIM signature: \(why)"
        case .fromNotSigned: return "DKIM signature does not cover From"
        case .fromOutside(let d): return "From is not in the DKIM signing domain \(d)"
        case .expired: return "DKIM signature has expired"
        case .stale(let age): return "DKIM signature is \(DurationParser.format(age)) old"
        case .future(let s): return "DKIM signature is dated \(DurationParser.format(s)) in the future"
        case .undated: return "DKIM signature has no t= and the returned message no Date"
        case .headersOnlyRefused: return "DKIM signature verified on headers only, and dkim-headers-only is no"
        case .copyUnsigned: return "a further returned copy carries no DKIM signature of ours"
        }
    }
}

/// Judges the DKIM signatures of ours in a returned original.
struct DKIMProof {
    let dkim: DKIMPolicy
    let policy: CheckPolicy

    init(_ dkim: DKIMPolicy, policy: CheckPolicy) {
        self.dkim = dkim
        self.policy = policy
    }

    /// Whether `original` carries a DKIM signature of ours to judge.
    static func applies(to original: ReturnedOriginal) -> Bool { original.message.dkim != nil }

    /// The verdict on `original` (which has no bouncesign proof): every
    /// returned copy must pass; the weakest decides how much was verified.
    func verify(_ original: ReturnedOriginal, findings: inout ProofFindings) -> Verdict {
        var bodyEverywhere = true
        var domain = ""
        for (k, copy) in ([original.message] + original.copies).enumerated() {
            let which = k == 0 ? "dkim" : "dkim (copy \(k + 1))"
            guard let evidence = copy.dkim else { return .fail(k == 0 ? .noProof : .dkim(.copyUnsigned)) }
            switch judge(copy, evidence, which, &findings) {
            case .temporary(let why): return .temperror(why)
            case .failed(let r): return .fail(.dkim(r))
            case .passed(let d, let body):
                domain = k == 0 ? d : domain
                bodyEverywhere = bodyEverywhere && body
            }
        }
        if policy.requireBody && !bodyEverywhere { return .fail(.bodyRequired) }
        return .pass(.dkim(domain: domain, bodyVerified: bodyEverywhere))
    }

    enum Outcome: Equatable {
        case passed(domain: String, body: Bool)
        case failed(DKIMFailure)
        case temporary(String)
    }

    /// One copy: passes if one signature of ours passes; else a temporary
    /// error if a key could not be fetched; else the first failure.
    func judge(_ copy: ReturnedMessage, _ evidence: DKIMEvidence, _ which: String, _ findings: inout ProofFindings) -> Outcome {
        let sigs: [DKIMSignatureCheck]
        switch evidence.result() {
        case .unavailable(let why):
            findings.steps.append("\(which): cannot verify: \(why)")
            return .temporary("cannot verify the DKIM signature: \(why)")
        case .checked(let s): sigs = s
        }
        guard !sigs.isEmpty else {
            findings.steps.append(
                "\(which): libopendkim found no usable signature of \(evidence.domains.joined(separator: ", "))")
            return .failed(.malformed("not a DKIM signature libopendkim can read"))
        }
        var outcomes: [Outcome] = []
        for sig in sigs {
            let o = judge(sig, copy)
            findings.steps.append(
                "\(which): d=\(sig.domain) s=\(sig.selector) a=\(sig.algorithm) c=\(sig.canonicalization): \(Self.words(o, sig, copy))"
            )
            outcomes.append(o)
        }
        if let o = outcomes.first(where: { if case .passed(_, true) = $0 { return true } else { return false } }) { return o }
        if let o = outcomes.first(where: { $0.domain != nil }) { return o }
        if let o = outcomes.first(where: { if case .temporary = $0 { return true } else { return false } }) { return o }
        return outcomes[0]
    }

    /// One signature against the copy it came in.
    func judge(_ sig: DKIMSignatureCheck, _ copy: ReturnedMessage) -> Outcome {
        let keyName = "\(sig.selector)._domainkey.\(sig.domain)"
        switch sig.status {
        case .good: break
        case .bad: return .failed(.badSignature)
        case .noKey: return .failed(.noKey(keyName))
        case .keyUnavailable(let why): return .temporary("cannot fetch the DKIM key \(keyName): \(why)")
        case .expired: return .failed(.expired)
        case .malformed(let why): return .failed(.malformed(why))
        }
        guard sig.signedHeaders.contains("from") else { return .failed(.fromNotSigned) }
        let from = copy.header.all("From").flatMap { AddressList.addresses($0.value) }
        guard copy.header.all("From").count == 1, !from.isEmpty,
            from.allSatisfy({ Self.isWithin($0, sig.domain) })
        else { return .failed(.fromOutside(sig.domain)) }
        if let x = sig.expiresAt, x < policy.now { return .failed(.expired) }
        guard let t = sig.signedAt ?? copy.header["Date"].flatMap(MailDate.unixTime) else { return .failed(.undated) }
        let age = policy.now - t
        if age > dkim.maxAge { return .failed(.stale(ageSeconds: age)) }
        if -age > policy.clockSkew { return .failed(.future(seconds: -age)) }
        guard copy.bodyCameBack else {
            return dkim.headersOnly ? .passed(domain: sig.domain, body: false) : .failed(.headersOnlyRefused)
        }
        guard sig.bodyHash == .match else { return .failed(.bodyAltered) }
        if let l = sig.signedLength, sig.bodyLength > l { return .failed(.lengthShort(signed: l, returned: sig.bodyLength)) }
        return .passed(domain: sig.domain, body: true)
    }

    /// Whether an address's domain is `domain` or a subdomain of it.
    static func isWithin(_ address: String, _ domain: String) -> Bool {
        guard let at = address.lastIndex(of: "@") else { return false }
        let d = String(address[address.index(after: at)...]).asciiLowercased
        return d == domain || d.hasSuffix("." + domain)
    }

    private static func words(_ o: Outcome, _ sig: DKIMSignatureCheck, _ copy: ReturnedMessage) -> String {
        let when = sig.signedAt.map { "t=\($0)" } ?? "no t=, Date used"
        switch o {
        case .passed(_, true): return "header signature good, body hash matches (\(sig.bodyLength) bytes), \(when)"
        case .passed(_, false): return "header signature good, no body came back, \(when)"
        case .failed(let r): return r.description
        case .temporary(let why): return why
        }
    }
}

extension DKIMProof.Outcome {
    /// The domain of a pass.
    var domain: String? {
        if case .passed(let d, _) = self { return d }
        return nil
    }
}
