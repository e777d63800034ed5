// Feeding a returned original to a DKIM verification as it streams past
// (RFC 6376 §3.4, §5.3): its header fields as they appeared, then every body
// line exactly as read — leaf lines, multipart structure lines and the
// parts' own header blocks alike — each with CRLF, because the body hash
// covers the body as it came back, not our reading of it. Started only when
// the header carries a DKIM-Signature whose d= is one of ours, so other mail
// pays nothing; the key lookup and the verdict wait until the decision asks
// (DKIMEvidence), so a message already decided by its bouncesign proof never
// causes a DNS query.

/// Feeds one returned original to one DKIM verification.
final class DKIMTap {
    private let verification: any DKIMVerification
    private var pending: [UInt8] = []
    /// The d= domains of ours the header names.
    let domains: [String]

    private init(_ v: any DKIMVerification, domains: [String]) {
        verification = v
        self.domains = domains
    }

    /// A tap fed `header`, or nil when no DKIM-Signature there is of one of
    /// `verifier`'s domains. A verification that cannot start is evidence
    /// that says so (the decision makes it a temporary error).
    static func start(_ header: Header, _ verifier: (any DKIMVerifying)?) -> Either? {
        guard let verifier else { return nil }
        let ours = ourDomains(header, verifier.domains)
        guard !ours.isEmpty else { return nil }
        switch verifier.start() {
        case .failure(let e): return .failed(DKIMEvidence(domains: ours, outcome: .unavailable(e.description)))
        case .success(let v):
            for field in header.fields { v.header(crlf(field.raw)) }
            v.endOfHeader()
            return .tap(DKIMTap(v, domains: ours))
        }
    }

    /// A started tap, or evidence already final.
    enum Either {
        case tap(DKIMTap)
        case failed(DKIMEvidence)
    }

    /// The distinct d= of `header`'s DKIM-Signature fields that are in `domains`.
    static func ourDomains(_ header: Header, _ domains: [String]) -> [String] {
        var out: [String] = []
        for field in header.all("DKIM-Signature") {
            for tag in String(mailBytes: field.unfoldedValue).split(separator: ";") {
                let t = tag.filter { !$0.isWhitespace }
                guard t.hasPrefix("d=") else { continue }
                let d = String(t.dropFirst(2)).asciiLowercased
                if domains.contains(d), !out.contains(d) { out.append(d) }
            }
        }
        return out
    }

    /// A part's header block (line ends as LF, blank line included).
    func rawHeader(_ bytes: [UInt8]) {
        append(Self.crlf(bytes[...]))
    }

    /// One body or structure line as read.
    func line(_ piece: LinePiece) {
        pending += piece.content
        if piece.terminated { pending += [ASCII.cr, ASCII.lf] }
        if pending.count >= 1 << 16 { flush() }
    }

    /// The evidence, once the original has been read.
    func finish() -> DKIMEvidence {
        flush()
        return DKIMEvidence(domains: domains, verification: verification)
    }

    private func append(_ bytes: [UInt8]) {
        pending += bytes
        if pending.count >= 1 << 16 { flush() }
    }

    private func flush() {
        pending.withUnsafeBufferPointer { verification.body($0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Line ends as CRLF (the reader keeps them as LF).
    static func crlf(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for b in bytes where b != ASCII.cr {
            if b == ASCII.lf { out.append(ASCII.cr) }
            out.append(b)
        }
        return out
    }
}

/// The DKIM signatures of ours in one returned original, verified when the
/// decision first asks (the key lookup happens then).
public final class DKIMEvidence: @unchecked Sendable {
    /// The d= domains of ours its header names.
    public let domains: [String]
    private var verification: (any DKIMVerification)?
    private var outcome: DKIMOutcome?

    init(domains: [String], verification: any DKIMVerification) {
        self.domains = domains
        self.verification = verification
    }

    init(domains: [String], outcome: DKIMOutcome) {
        self.domains = domains
        self.outcome = outcome
    }

    /// The library's findings (computed once).
    public func result() -> DKIMOutcome {
        if let outcome { return outcome }
        let o = verification?.finish() ?? .unavailable("no verification")
        outcome = o
        verification = nil
        return o
    }
}
