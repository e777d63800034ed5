// Checking the proof in a returned original. Every field that matters is read
// from the text GnuPG verified, never from the unverified parts around it.

/// The facts established about a proof, for --explain and the log.
public struct ProofFindings: Sendable {
    public var steps: [String] = []
    public var keyFingerprint: String? = nil
    public var statement: Statement? = nil
}

/// Verifies the proof carried by one returned message.
public struct ProofVerifier {
    public let verifier: any ClearsignVerifying
    public let policy: CheckPolicy

    public init(verifier: any ClearsignVerifying, policy: CheckPolicy) {
        self.verifier = verifier
        self.policy = policy
    }

    /// `streamedBody` reads the rest of a bounce cut by bouncecheck's own
    /// limit (see BounceChecker.check); it runs only if the proof gets as far
    /// as the body hash.
    public func verify(
        _ original: ReturnedOriginal, findings: inout ProofFindings, streamedBody: (() -> StreamedBody)? = nil
    ) -> Verdict {
        let message = original.message
        // bouncesign appends its parts to the top-level multipart: proof
        // further down belongs to some other message (a bounce of a bounce,
        // a forwarded copy) and does not count.
        let entities = message.parts
        let clearsignParts = entities.filter { $0.contentType.mediaType == ProofNames.clearsignType }
        let statementParts = entities.filter { $0.contentType.mediaType == ProofNames.statementType }
        let headers = message.header.all(ProofNames.header)
        guard clearsignParts.count <= 1, statementParts.count <= 1, headers.count <= 1 else {
            return .fail(.duplicateProof)
        }
        let fromHeader: [UInt8]?
        do { fromHeader = try headers.first.map(ProofHeader.clearsigned) } catch {
            return .fail(.malformedSignature("unreadable \(ProofNames.header) header"))
        }
        let fromPart = clearsignParts.first.map { Array($0.decodedBody) }
        if let a = fromPart, let b = fromHeader, normalizedLines(a) != normalizedLines(b) { return .fail(.proofMismatch) }
        guard let clearsigned = fromPart ?? fromHeader else { return .fail(.noProof) }
        findings.steps.append(
            "proof: clearsigned statement from the \(fromPart != nil ? "proof part" : "\(ProofNames.header) header")")

        let statementText: [UInt8]
        switch checkSignature(clearsigned, findings: &findings) {
        case .success(let text): statementText = text
        case .failure(let verdict): return verdict
        }
        let statement: Statement
        do { statement = try Statement(parsing: statementText) } catch { return .fail(.invalidStatement(error.description)) }
        findings.statement = statement
        if let part = statementParts.first, normalizedLines(Array(part.decodedBody)) != normalizedLines(statementText) {
            return .fail(.statementMismatch)
        }
        guard statement.canonicalization == CanonicalBody.name else {
            return .fail(.unsupportedCanonicalization(statement.canonicalization))
        }
        guard let id = message.header["Message-ID"].flatMap(MessageID.normalize) else { return .fail(.noMessageID) }
        guard id == statement.messageID else { return .fail(.wrongMessageID(statement.messageID)) }
        findings.steps.append("message-id: \(id) matches the statement")
        let age = policy.now - statement.timestamp
        if age > policy.maxAge { return .fail(.stale(ageSeconds: age)) }
        if -age > policy.clockSkew { return .fail(.future(seconds: -age)) }
        findings.steps.append("age: \(DurationParser.format(max(age, 0))) (limit \(DurationParser.format(policy.maxAge)))")
        return checkBody(original, statement, findings: &findings, streamedBody: streamedBody)
    }

    private enum SignatureOutcome { case success([UInt8]), failure(Verdict) }

    private func checkSignature(_ clearsigned: [UInt8], findings: inout ProofFindings) -> SignatureOutcome {
        if let why = ClearsignShape.problem(clearsigned) { return .failure(.fail(.malformedSignature(why))) }
        let result: Verification
        do { result = try verifier.verify(clearsigned: clearsigned) } catch {
            return .failure(error.isAboutInput ? .fail(.malformedSignature(error.description)) : .temperror(error.description))
        }
        guard let sig = result.signatures.first else {
            return .failure(.temperror("GnuPG reported no signature at all; is the GnuPG home usable?"))
        }
        guard result.signatures.count == 1 else { return .failure(.fail(.multipleSignatures(result.signatures.count))) }
        findings.keyFingerprint = sig.fingerprint
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

    private func checkBody(
        _ original: ReturnedOriginal, _ statement: Statement,
        findings: inout ProofFindings, streamedBody: (() -> StreamedBody)?
    ) -> Verdict {
        if original.form == .truncated, let streamedBody {
            switch streamedBody() {
            case .digest(let digest):
                findings.steps.append(
                    "body: read to its end by streaming: sha256 \(digest.hex), statement says \(statement.bodyHash.hex)")
                return digest == statement.bodyHash ? .pass(.body) : .fail(.bodyAltered)
            case .unreadable(let why):
                return .temperror("cannot read the rest of the message: \(why)")
            case .truncated:
                findings.steps.append("body: the part ends before the returned message does")
            }
        }
        // A whole return is hashed even when its proof parts are gone (a
        // gateway may strip attachments; the hash leaves them out anyway):
        // otherwise a copied Bounce-Signature header would vouch for any body.
        guard original.form == .whole else {
            findings.steps.append("body: not checked (\(original.form.rawValue) return)")
            return policy.requireBody ? .fail(.bodyRequired) : .pass(.headersOnly)
        }
        let digest = CanonicalBody.hash(original.message.raw)
        findings.steps.append("body: sha256 \(digest.hex), statement says \(statement.bodyHash.hex)")
        return digest == statement.bodyHash ? .pass(.body) : .fail(.bodyAltered)
    }

    /// Lines with line ends unified and trailing white space and blank lines removed.
    private func normalizedLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var pos = 0
        while let line = bytes.line(at: pos) {
            var end = line.content.upperBound
            while end > line.content.lowerBound, ASCII.isWhitespace(bytes[end - 1]) { end -= 1 }
            out.append(bytes[line.content.lowerBound..<end])
            pos = line.next
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out
    }
}

/// The shape a clearsigned statement must have before GnuPG sees it: one
/// signed block, one signature, nothing before. Stops wrapping tricks where
/// GnuPG would verify one block while another is shown.
enum ClearsignShape {
    static func problem(_ text: [UInt8]) -> String? {
        let begin = Array("-----BEGIN PGP SIGNED MESSAGE-----".utf8)
        let signature = Array("-----BEGIN PGP SIGNATURE-----".utf8)
        guard text.starts(with: begin) else { return "does not start with a signed-message line" }
        guard count(begin, in: text) == 1 else { return "more than one signed block" }
        guard count(signature, in: text) == 1 else { return "not exactly one signature block" }
        return nil
    }

    private static func count(_ needle: [UInt8], in text: [UInt8]) -> Int {
        var n = 0, from = 0
        while let i = text.firstIndex(of: needle, from: from) { n += 1; from = i + needle.count }
        return n
    }
}
