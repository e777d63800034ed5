// bouncecheck's engine: classify, find the original, verify its proof.

/// The full account of one check.
public struct CheckResult: Sendable {
    public var verdict: Verdict
    public var report: BounceReport
    public var findings: ProofFindings
    /// Whether the input was longer than the parser reads (`Limits.maxParsedBytes`).
    public var inputCut: Bool

    /// Limits the message ran into (bouncecheck(1) "Limits").
    public var limitNotes: [String] = []

    /// The one-line summary used in the annotation header and in syslog.
    public var summary: String {
        var s = "\(verdict.keyword) (\(verdict.reason))"
        if report.kind != .notBounce { s += "; kind=\(report.kind.rawValue)" }
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
                value.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != ";" }
                    .prefix(200)))
    }

    /// The human account for --explain.
    public var explanation: [String] {
        var lines = ["message: \(report.format), kind \(report.kind.rawValue)"]
        if inputCut { lines.append("note: only the first \(Limits.standard.maxParsedBytes >> 20) MiB of the message were read") }
        for note in limitNotes { lines.append("note: \(note)") }
        for r in report.recipients {
            lines.append(
                "recipient: \(r.finalRecipient) action=\(r.action) status=\(r.status)"
                    + (r.diagnostic.isEmpty ? "" : " diagnostic=\(r.diagnostic)"))
        }
        if let o = report.original {
            lines.append("original: found in \(o.location), returned \(o.form.rawValue)")
        } else if report.kind != .notBounce {
            lines.append("original: not found")
        }
        lines += findings.steps
        lines.append("verdict: \(verdict.keyword) (\(verdict.reason))")
        return lines
    }
}

/// Decides about one incoming message.
public struct BounceChecker {
    public let verifier: any ClearsignVerifying
    public let policy: CheckPolicy
    public let limits: Limits

    public init(verifier: any ClearsignVerifying, policy: CheckPolicy, limits: Limits = .standard) {
        self.verifier = verifier
        self.policy = policy
        self.limits = limits
    }

    /// Checks a message. `complete` is false when `input` is only the first
    /// `Limits.maxParsedBytes` of a longer message (the caller streams the
    /// rest through): a returned original cut there counts as truncated.
    /// With `rest` (the message after `input`), an original in a
    /// message/rfc822 part cut there is read on to its end by streaming, if
    /// its proof gets as far as the body hash.
    public func check(_ input: [UInt8], complete: Bool = true, rest: MessageSource? = nil) -> CheckResult {
        let cut = !complete || input.count > limits.maxParsedBytes
        let message = MIMEEntity.parse(input.prefix(limits.maxParsedBytes), limits: limits)
        var report = BounceClassifier.classify(message)
        var streamedBody: (() -> StreamedBody)? = nil
        if cut, var original = report.original, original.form == .whole || original.form == .truncated {
            original.form = .truncated
            report.original = original
            if let part = original.part, let rest {
                streamedBody = { [limits] in
                    StreamedReturn.hash(part: part, in: message, input: input, rest: rest, limits: limits)
                }
            }
        }
        var findings = ProofFindings()
        let verdict: Verdict
        switch (report.kind, report.original) {
        case (.notBounce, _):
            verdict = .none
        case (_, .some(let original)):
            verdict = ProofVerifier(verifier: verifier, policy: policy)
                .verify(original, findings: &findings, streamedBody: streamedBody)
        case (.failure, nil), (.delay, nil), (.delivered, nil):
            verdict = .fail(.noOriginal)
        case (let kind, nil):
            verdict = .unverifiable(kind)
        }
        var result = CheckResult(verdict: verdict, report: report, findings: findings, inputCut: cut)
        if message.contains(.tooComplex) {
            result.limitNotes.append("nesting or part count beyond the limit; deeper parts not read")
        }
        if message.contains(.header(.tooLarge)) {
            result.limitNotes.append("a header block beyond the limit; the rest read as body")
        }
        return result
    }
}
