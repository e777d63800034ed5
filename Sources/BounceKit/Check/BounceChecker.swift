// bouncecheck's engine: classify, find the original, verify its proof.

/// The full account of one check.
public struct CheckResult: Sendable {
    /// The decision, with its reason.
    public var verdict: Verdict
    /// What kind of message it is, where its returned original is, and the recipients it names.
    public var report: BounceReport
    /// What was established about the proof on the way (--explain and the log).
    public var findings: ProofFindings
    /// Defects met in the bounce and in its returned original (--explain).
    public var defects: Set<MIMEDefect> = []

    /// The one-line summary used in the annotation header and in syslog.
    public var summary: String {
        var s = "\(verdict.keyword) (\(verdict.reason))"
        if report.kind != .notBounce { s += "; kind=\(report.kind.rawValue)" }
        if case .pass = verdict, let b = findings.binding { s += "; bound=\(b.rawValue)" }
        if let key = findings.keyFingerprint { s += "; key=\(key)" }
        if let id = findings.statement?.messageID { s += "; message-id=\(id)" }
        for r in report.recipients.prefix(5) {
            s += "; recipient=\(Self.token(r.finalRecipient))"
            if !r.status.isEmpty { s += "; status=\(Self.token(r.status))" }
        }
        return s
    }

    /// A value from the bounce, made safe for one header line: printable
    /// ASCII without ';' or spaces (so it cannot fake a field), at most 200 bytes.
    static func token(_ value: String) -> String {
        String(
            String.UnicodeScalarView(
                value.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != ";" && $0 != "," }
                    .prefix(200)))
    }

    /// The human account for --explain.
    public var explanation: [String] {
        var lines = ["message: \(report.format), kind \(report.kind.rawValue)"]
        for d in defects.map(\.explanation).sorted() { lines.append("note: \(d)") }
        for r in report.recipients {
            lines.append(
                "recipient: \(r.finalRecipient) action=\(r.action) status=\(r.status)"
                    + (r.diagnostic.isEmpty ? "" : " diagnostic=\(r.diagnostic)"))
        }
        if let o = report.original {
            lines.append("original: found in \(o.location), returned \(o.form.rawValue)")
            if !o.copies.isEmpty {
                lines.append("original: \(o.copies.count) more cop\(o.copies.count == 1 ? "y" : "ies") with a body, verified too")
            }
        } else if report.kind != .notBounce {
            lines.append("original: not found")
        }
        lines += findings.steps
        if let b = findings.binding { lines.append("bound: \(b.rawValue): \(b.description)") }
        lines.append("verdict: \(verdict.keyword) (\(verdict.reason))")
        return lines
    }
}

/// Decides about one incoming message.
public struct BounceChecker {
    let verifier: any ClearsignVerifying
    let policy: CheckPolicy
    let limits: Limits
    /// DKIM verification, when policy.dkim is set (Check/DKIMProof.swift).
    let dkim: (any DKIMVerifying)?

    /// A checker that verifies proofs with `verifier` under `policy`, reads within `limits`,
    /// and judges our DKIM signatures with `dkim` when the policy names DKIM domains.
    public init(
        verifier: any ClearsignVerifying, policy: CheckPolicy, limits: Limits = .standard, dkim: (any DKIMVerifying)? = nil
    ) {
        self.verifier = verifier
        self.policy = policy
        self.limits = limits
        self.dkim = policy.dkim == nil ? nil : dkim
    }

    /// The checker `settings` describe at `now`: proofs verified with
    /// `verifier` (GnuPG in the settings' home when nil), DKIM judged only
    /// when dkim-domain names some.
    public init(_ settings: Configuration, now: Int, verifier: (any ClearsignVerifying)? = nil) {
        self.init(
            verifier: verifier ?? GPGVerifier(setup: settings.gpgSetup), policy: CheckPolicy(settings, now: now),
            dkim: settings.dkimDomains.isEmpty
                ? nil : OpenDKIMVerifier(domains: settings.dkimDomains, keyFile: settings.dkimKeys, now: now))
    }

    /// Checks a message held in memory.
    public func check(_ input: [UInt8]) -> CheckResult {
        decide(BounceOutline.read(input[...], limits: limits, dkim: dkim))
    }

    /// Checks a message read once from `source`, in bounded memory.
    /// The header proof of the first returned original is verified on a
    /// second thread while the rest is read (Check/EarlyVerifier.swift).
    public func check(_ source: MessageSource) throws(FileIO.Failure) -> CheckResult {
        let early = EarlyVerifier(verifier)
        var scanner = MIMEScanner(visitor: BounceReader(limits: limits, dkim: dkim, early: early), limits: limits)
        try source.read { scanner.feed($0) }
        scanner.finish()
        return BounceChecker(verifier: early, policy: policy, limits: limits, dkim: dkim).decide(scanner.visitor.outline)
    }

    /// The verdict on a bounce read once.
    public func decide(_ outline: BounceOutline) -> CheckResult {
        let report = BounceClassifier.classify(outline)
        var findings = ProofFindings()
        if report.original != nil, case .failure(let why) = Crypto.library {
            // The original was read without a hash: its digests say nothing.
            return CheckResult(verdict: .temperror(why.description), report: report, findings: findings)
        }
        var verdict: Verdict
        switch (report.kind, report.original) {
        case (.notBounce, _):
            verdict = .none
        case (_, .some(let original)):
            verdict = ProofVerifier(verifier: verifier, policy: policy)
                .verify(original, recipients: report.recipients, findings: &findings)
            // The bouncesign proof decides whenever there is one; our DKIM
            // signature stands in only for a missing proof.
            if let dkim = policy.dkim, DKIMProof.applies(to: original) {
                if verdict == .fail(.noProof) {
                    findings.steps.append(
                        "proof: none; judging the DKIM signature of \(original.message.dkim?.domains.joined(separator: ", ") ?? "")"
                    )
                    verdict = DKIMProof(dkim, policy: policy).verify(original, findings: &findings)
                } else {
                    findings.steps.append("proof: decided by the bouncesign proof; the DKIM signature was not needed")
                }
            }
        case (.failure, nil), (.delay, nil), (.delivered, nil):
            verdict = .fail(.noOriginal)
        case (let kind, nil):
            verdict = .unverifiable(kind)
        }
        if let why = report.original?.unread, case .pass = verdict {
            // A copy not read may read otherwise: what passed is not all the
            // bounce returns (its sender does not choose the copy checked).
            findings.steps.append("copies: \(why)")
            verdict = .fail(.bodyUnverifiable(why))
        }
        var result = CheckResult(verdict: verdict, report: report, findings: findings)
        result.defects = outline.defects.union(report.original?.message.defects ?? [])
        return result
    }
}
