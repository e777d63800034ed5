// The proof a returned original carries: the Bounce-Signature header, and
// the statement and clearsign parts bouncesign appends at the end of the
// message (ProofNames.trailingProof). Each carrier is read into one
// statement and one signature packet; all carriers present must spell the
// same, and each must hold nothing else: a clearsign part with text after
// its armor or an armor Comment:, or a statement part that differs, fails.

/// The statement and signature a returned original carries.
struct CarriedProof {
    var signed: SignedStatement
    /// Where it was read, for --explain.
    var source: String
    /// Version 1 proofs (read for max-age after an upgrade).
    var isLegacy: Bool

    /// The proof in `m`, or why it has none that can be checked.
    static func extract(from m: ReturnedMessage) -> Result<CarriedProof, FailReason> {
        let headers = m.header.all(ProofNames.header)
        guard headers.count <= 1 else { return .failure(.duplicateProof) }
        var fromHeader: SignedStatement? = nil
        var legacyHeader = false
        if let h = headers.first {
            do {
                switch try ProofHeader.parse(h) {
                case .v2(let s): fromHeader = s
                case .v1(let clearsigned):
                    fromHeader = try SignedStatement(clearsigned: clearsigned)
                    legacyHeader = true
                }
            } catch let e as ProofHeader.ParseError {
                return .failure(.malformedProof(e.description))
            } catch let e as SignedStatement.ParseError {
                return .failure(.malformedProof("\(ProofNames.header) header: \(e.description)"))
            } catch {
                return .failure(.malformedProof("\(error)"))
            }
        }
        let fromPart: SignedStatement?
        switch parts(of: m) {
        case .failure(let r): return .failure(r)
        case .success(let s): fromPart = s
        }
        if let a = fromHeader, let b = fromPart, a != b { return .failure(.proofMismatch) }
        guard let signed = fromPart ?? fromHeader else { return .failure(.noProof) }
        let legacy = fromPart.map { $0.text.starts(with: Array("bouncesign-statement: 1".utf8)) } ?? legacyHeader
        if let st = legacy
            ? m.legacyProofParts.first(where: { $0.mediaType == ProofNames.statementType })?.bytes : m.statementPart,
            Lines.normalized(st) != Lines.normalized(signed.text)
        {
            return .failure(.statementMismatch)
        }
        // Proof parts cut short: only the start of the proof may be there.
        for (type, bytes) in m.cutProofParts {
            let whole = type == ProofNames.statementType ? signed.text : signed.clearsigned
            guard Lines.isPrefix(Lines.normalized(bytes), of: Lines.normalized(whole)) else {
                return .failure(.malformedProof("a proof part cut short holds what the proof does not"))
            }
        }
        let source = fromPart != nil ? "proof parts" : "\(ProofNames.header) header"
        return .success(CarriedProof(signed: signed, source: source, isLegacy: legacy))
    }

    /// The clearsign part: the last part of the message.
    private static func parts(of m: ReturnedMessage) -> Result<SignedStatement?, FailReason> {
        // bouncesign (version 1 too) appends its parts last: a clearsign part
        // anywhere else, or cut short, is no carrier.
        let bytes = m.clearsignPart
        guard let bytes else { return .success(nil) }
        let s: SignedStatement
        do { s = try SignedStatement(clearsigned: bytes) } catch {
            return .failure(.malformedProof("clearsign part: \(error.description)"))
        }
        if s.text.starts(with: Array("bouncesign-statement: 1".utf8)) {
            let types = m.legacyProofParts.map(\.mediaType)
            guard m.legacyProofCount <= 2, Set(types).count == types.count else { return .failure(.duplicateProof) }
        } else if Lines.normalized(bytes) != Lines.normalized(s.clearsigned) {
            return .failure(.malformedProof("clearsign part holds more than the statement and its signature"))
        }
        return .success(s)
    }
}
