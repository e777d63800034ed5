// Checking the proof in a returned original. Every field that matters is read
// from the text GnuPG verified, never from the unverified parts around it;
// the clearsigned text GnuPG sees is put together here from the statement
// and one signature packet, so nothing else can be in it; every carrier of
// the proof (header, statement part, clearsign part) must spell exactly that.

/// The facts established about a proof, for --explain and the log.
public struct ProofFindings: Sendable {
    /// The steps of the check, one line each, in order (--explain).
    public var steps: [String] = []
    /// The key that made the signature, as GnuPG named it (fingerprint, or key ID for an unknown key).
    public var keyFingerprint: String? = nil
    /// The statement GnuPG verified, once parsed.
    public var statement: Statement? = nil
    /// How strongly the proof is bound to whom the message was sent.
    public var binding: Binding? = nil
    /// Set-up problems met on the way (logged as warnings).
    public var warnings: [String] = []
}

/// How strongly a passing proof is bound to whom the message was sent
/// (the annotation's `bound=`).
public enum Binding: String, Sendable {
    /// Envelope known: every recipient the bounce names is in To or Cc.
    case recipients
    /// Envelope known: a recipient the bounce names is not in To or Cc, and
    /// the message had Bcc recipients it may be one of.
    case bcc
    /// Envelope not known (filter mode): From, To, Cc, Subject and Date are
    /// bound; the recipients the bounce names are not.
    case headers
    /// A version 1 proof: the Message-ID only.
    case messageID = "message-id"

    /// What the binding vouches for, in words for --explain.
    public var description: String {
        switch self {
        case .recipients: return "every recipient the bounce names is one the message was sent to"
        case .bcc: return "a recipient the bounce names is not in To or Cc; the message had Bcc recipients it may be one of"
        case .headers: return "From, To, Cc, Subject and Date; signed without the envelope, so recipients are not bound"
        case .messageID: return "a version 1 proof binds the Message-ID only"
        }
    }
}

/// Verifies the proof carried by one returned message.
struct ProofVerifier {
    let verifier: any ClearsignVerifying
    let policy: CheckPolicy

    init(verifier: any ClearsignVerifying, policy: CheckPolicy) {
        self.verifier = verifier
        self.policy = policy
    }

    /// `recipients`: the recipients the bounce names.
    func verify(
        _ original: ReturnedOriginal, recipients: [RecipientStatus], findings: inout ProofFindings
    ) -> Verdict {
        let m = original.message
        let proof: CarriedProof
        switch CarriedProof.extract(from: m) {
        case .success(let p): proof = p
        case .failure(let reason): return .fail(reason)
        }
        findings.steps.append("proof: statement from the \(proof.source)")
        let verifiedText: [UInt8]
        switch checkSignature(proof.signed.clearsigned, findings: &findings) {
        case .success(let text): verifiedText = text
        case .failure(let verdict): return verdict
        }
        let statement: Statement
        do { statement = try Statement(parsing: verifiedText) } catch { return .fail(.invalidStatement(error.description)) }
        findings.statement = statement
        // The text GnuPG verified is the one put together here, and (version
        // 2) in its one canonical spelling.
        guard Lines.normalized(verifiedText) == Lines.normalized(proof.signed.text),
            proof.isLegacy || Array(statement.text.utf8) == proof.signed.text
        else { return .fail(.statementMismatch) }
        guard proof.isLegacy == (statement.version == 1) else { return .fail(.statementMismatch) }
        // A version 1 statement names its canonical form: one we do not know
        // cannot be checked, whatever came back.
        if let c = statement.legacyCanonicalization, c != CanonicalBody.name { return .fail(.unsupportedCanonicalization(c)) }
        if let r = checkMessageID(m, statement, findings: &findings) { return .fail(r) }
        let age = policy.now - statement.timestamp
        if age > policy.maxAge { return .fail(.stale(ageSeconds: age)) }
        if -age > policy.clockSkew { return .fail(.future(seconds: -age)) }
        findings.steps.append("age: \(DurationParser.format(max(age, 0))) (limit \(DurationParser.format(policy.maxAge)))")
        if statement.version >= 2 {
            if let h = statement.headers, !h.matches(m.header) { return .fail(.headersAltered) }
            findings.steps.append("headers: \(statement.headers?.names.joined(separator: ", ") ?? "none") as signed")
            if let r = checkRecipients(m, statement, recipients, findings: &findings) { return .fail(r) }
        } else {
            findings.binding = .messageID
        }
        return checkBody(original, statement, findings: &findings)
    }

    private enum SignatureOutcome { case success([UInt8]), failure(Verdict) }

    private func checkSignature(_ clearsigned: [UInt8], findings: inout ProofFindings) -> SignatureOutcome {
        let result: Verification
        do { result = try verifier.verify(clearsigned: clearsigned) } catch {
            return .failure(error.isAboutInput ? .fail(.malformedSignature(error.description)) : .temperror(error.description))
        }
        guard let sig = result.signatures.first else {
            // GnuPG saw no signature in a well-formed packet: our side is
            // broken, or the packet is garbage GnuPG skipped. Ask our side.
            if let problem = verifier.keyringProblem(trusted: policy.trusted) { return .failure(.temperror(problem)) }
            return .failure(.fail(.malformedSignature("GnuPG found no signature in it")))
        }
        guard result.signatures.count == 1 else { return .failure(.fail(.multipleSignatures(result.signatures.count))) }
        findings.keyFingerprint = sig.fingerprint
        if sig.status == .noPublicKey || (sig.status == .good && !policy.trusts(sig.fingerprint)) {
            // A wrong trust line or a key never imported turns every genuine
            // bounce into a failure: say so, where the administrator looks.
            for fpr in verifier.missingKeys(policy.trusted) {
                findings.warnings.append("trusted key \(fpr) is not in the keyring: import it, or fix the trust line")
            }
            findings.steps += findings.warnings.map { "warning: \($0)" }
        }
        switch sig.status {
        case .good:
            guard policy.trusts(sig.fingerprint) else { return .failure(.fail(.untrustedKey(sig.fingerprint))) }
        case .noPublicKey:
            if policy.trusts(sig.fingerprint) {
                return .failure(.temperror("trusted key \(sig.fingerprint) is missing from the keyring"))
            }
            return .failure(.fail(.untrustedKey(sig.fingerprint)))
        case .bad: return .failure(.fail(.badSignature))
        case .keyExpired: return .failure(.fail(.unusableKey("has expired")))
        case .keyRevoked: return .failure(.fail(.unusableKey("is revoked")))
        case .signatureExpired: return .failure(.fail(.unusableKey("signature has expired")))
        case .other(let why): return .failure(.fail(.malformedSignature(why)))
        }
        findings.steps.append("signature: good, by trusted key \(sig.fingerprint)")
        return .success(result.plaintext)
    }

    private func checkMessageID(_ m: ReturnedMessage, _ statement: Statement, findings: inout ProofFindings) -> FailReason? {
        let fields = m.header.all("Message-ID")
        guard fields.count <= 1 else { return .duplicateMessageID }
        guard let field = fields.first else { return .noMessageID }
        guard let id = MessageID.normalize(field.value) else { return .malformedMessageID }
        guard id == statement.messageID else { return .wrongMessageID(statement.messageID) }
        findings.steps.append("message-id: \(id) matches the statement")
        return nil
    }

    /// Every recipient the bounce names must be one the message went to: in
    /// To or Cc (bound by `h`), or, where bouncesign knew the envelope and
    /// counted Bcc recipients (`r`), possibly one of those. A To or Cc field
    /// that `h` does not bind (the message had none when it was signed) names
    /// no one: a forger could add it.
    private func checkRecipients(
        _ m: ReturnedMessage, _ statement: Statement, _ named: [RecipientStatus], findings: inout ProofFindings
    ) -> FailReason? {
        let bound = statement.headers?.names ?? []
        let visible = Set(
            ["to", "cc"].filter(bound.contains).flatMap { m.header.all($0) }.flatMap { AddressList.addresses($0.value) })
        let unseen = named.filter {
            !visible.contains($0.finalRecipient.asciiLowercased) && !visible.contains($0.originalRecipient.asciiLowercased)
        }
        switch (statement.hiddenRecipients, unseen.first) {
        case (nil, _): findings.binding = .headers
        case (0, let r?): return .wrongRecipient(r.finalRecipient)
        case (_, _?): findings.binding = .bcc
        case (_, nil): findings.binding = named.isEmpty ? .headers : .recipients
        }
        return nil
    }

    private func checkBody(_ original: ReturnedOriginal, _ statement: Statement, findings: inout ProofFindings) -> Verdict {
        var coverage = Coverage.body
        for (k, copy) in ([original.message] + original.copies).enumerated() {
            let which = k == 0 ? "body" : "copy \(k + 1)"
            // A further copy is shown to the reader like the first: its bound
            // fields must be the signed ones too, not only its body.
            if k > 0, let h = statement.headers, !h.matches(copy.header) {
                findings.steps.append("\(which): \(FailReason.headersAltered.description)")
                return .fail(.headersAltered)
            }
            let outcome = statement.version >= 2 ? LeafMatcher.judge(copy, statement) : LeafMatcher.judgeLegacy(copy, statement)
            switch outcome {
            case .failure(let r):
                findings.steps.append("\(which): \(r.description)")
                return .fail(r)
            case .success(let c):
                findings.steps.append("\(which): \(c.description)")
                coverage = Self.weaker(coverage, c)
            }
        }
        if policy.requireBody && coverage != .body { return .fail(.bodyRequired) }
        return .pass(coverage)
    }

    private static func weaker(_ a: Coverage, _ b: Coverage) -> Coverage {
        func rank(_ c: Coverage) -> Int {
            switch c {
            case .body, .dkim(_, true): return 2
            case .partial: return 1
            case .headersOnly, .dkim(_, false): return 0
            }
        }
        return rank(a) <= rank(b) ? a : b
    }
}

/// Lines with line ends unified and trailing white space and blank lines removed.
enum Lines {
    /// Whether `part` is the start of `whole`: equal lines, the last one
    /// of `part` possibly cut short.
    static func isPrefix(_ part: [ArraySlice<UInt8>], of whole: [ArraySlice<UInt8>]) -> Bool {
        guard part.count <= whole.count else { return false }
        for (i, line) in part.enumerated() {
            if i == part.count - 1 { return whole[i].starts(with: line) }
            guard line.elementsEqual(whole[i]) else { return false }
        }
        return true
    }

    static func normalized(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var pos = 0
        while let line = bytes.line(at: pos) {
            out.append(bytes[bytes.trimmedEnd(line.content)])
            pos = line.next
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}
