// DKIM verification by OpenDKIM's libopendkim (RFC 6376, RFC 8463 ed25519).
// Keys come from DNS (libopendkim's own resolver, `timeout` seconds; a query
// that fails or times out is DKIM_SIGERROR_KEYFAIL, a temporary error) or,
// when `keyFile` is set, from that file (DKIM_QUERY_FILE: a line per key,
// "selector._domainkey.domain", white space, the TXT record's text; lines
// whose name matches nothing, such as "#" comments, are skipped).
// Signatures of other domains are ignored before any key is fetched (the
// prescreen callback), so a third party's signature costs no DNS query.
// Expiry (x=) and future t= are judged at the checker's `now`
// (DKIM_OPTS_FIXEDTIME). No C pointer leaves this file.
import CDKIM
import Glibc

/// Verifies with libopendkim.
final class OpenDKIMVerifier: DKIMVerifying {
    let domains: [String]
    /// The dkim-keys file; nil: DNS.
    let keyFile: String?
    /// Seconds a DNS query may take.
    let timeout: Int
    /// Unix time the signatures are judged at.
    let now: Int

    /// The DNS timeout bouncecheck uses (bouncecheck(1)): short, because
    /// bouncecheck runs in the delivery path; no answer in time is 75.
    static let defaultTimeout = 5

    init(domains: [String], keyFile: String?, timeout: Int = OpenDKIMVerifier.defaultTimeout, now: Int) {
        self.domains = domains.map(\.asciiLowercased)
        self.keyFile = keyFile
        self.timeout = timeout
        self.now = now
    }

    func start() -> Result<any DKIMVerification, DKIMError> {
        do throws(DKIMError) {
            return .success(try OpenDKIMVerification(self))
        } catch {
            return .failure(error)
        }
    }
}

/// Our domains, handed to the prescreen callback as the handle's user context.
private final class DomainSet {
    let domains: Set<String>
    init(_ d: [String]) { domains = Set(d) }
}

/// One message being verified: a library handle and a verifying handle.
final class OpenDKIMVerification: DKIMVerification {
    private let api: bouncesign_dkim
    private let lib: OpaquePointer
    private let dkim: OpaquePointer
    private let context: Unmanaged<DomainSet>
    private var result: DKIMOutcome? = nil
    /// A call failed with a status that is about our side.
    private var broken: String? = nil

    init(_ v: OpenDKIMVerifier) throws(DKIMError) {
        let api = try DKIMLibrary.functions()
        self.api = api
        let timeout = UInt32(max(v.timeout, 1)), now = UInt64(max(v.now, 0))
        let opened: OpaquePointer? =
            v.keyFile.map { path in path.withCString { bouncesign_dkim_open([api], $0, timeout, now) } }
            ?? bouncesign_dkim_open([api], nil, timeout, now)
        guard let opened else { throw .setupFailed("cannot set the verification options") }
        lib = opened
        _ = api.set_prescreen(lib, prescreen)
        var stat: DKIM_STAT = 0
        guard let handle = api.verify(lib, "bouncecheck", nil, &stat) else {
            api.close(lib)
            throw .setupFailed(api.getresultstr(stat).map { String(cString: $0) } ?? "cannot start")
        }
        dkim = handle
        context = Unmanaged.passRetained(DomainSet(v.domains))
        _ = api.set_user_context(dkim, context.toOpaque())
    }

    deinit {
        _ = api.free(dkim)
        api.close(lib)
        context.release()
    }

    func header(_ field: [UInt8]) {
        var f = field
        let stat = f.withUnsafeMutableBufferPointer { api.header(dkim, $0.baseAddress, $0.count) }
        note(stat)
    }

    func endOfHeader() {
        // DKIM_STAT_NOSIG: no signature the library can use; finish says so.
        note(api.eoh(dkim))
    }

    func body(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        note(api.body(dkim, UnsafeMutablePointer(mutating: base), bytes.count))
    }

    func finish() -> DKIMOutcome {
        if let result { return result }
        var outcome: DKIMOutcome
        if let broken {
            outcome = .unavailable(broken)
        } else {
            var testKey = false
            let stat = api.eom(dkim, &testKey)
            outcome =
                stat == DKIM_STAT_NORESOURCE || stat == DKIM_STAT_INTERNAL
                ? .unavailable(words(api.getresultstr(stat))) : .checked(signatures())
        }
        result = outcome
        return outcome
    }

    /// Statuses about our side (memory, internal errors) make the result
    /// unavailable; every other status is about the message and shows in
    /// the signatures.
    private func note(_ stat: DKIM_STAT) {
        if broken == nil, stat == DKIM_STAT_NORESOURCE || stat == DKIM_STAT_INTERNAL {
            broken = words(api.getresultstr(stat))
        }
    }

    private func signatures() -> [DKIMSignatureCheck] {
        var list: UnsafeMutablePointer<OpaquePointer?>? = nil
        var n: Int32 = 0
        guard api.getsiglist(dkim, &list, &n) == DKIM_STAT_OK, let list else { return [] }
        let ours = context.takeUnretainedValue().domains
        var out: [DKIMSignatureCheck] = []
        for i in 0..<Int(n) {
            guard let sig = list[i], let d = api.sig_getdomain(sig) else { continue }
            let domain = String(cString: d).asciiLowercased
            guard ours.contains(domain) else { continue }
            out.append(check(sig, domain: domain))
        }
        return out
    }

    private func check(_ sig: OpaquePointer, domain: String) -> DKIMSignatureCheck {
        var msglen = 0, canonlen = 0, signlen = 0
        _ = api.sig_getcanonlen(dkim, sig, &msglen, &canonlen, &signlen)
        let bh: DKIMSignatureCheck.BodyHash
        switch api.sig_getbh(sig) {
        case DKIM_SIGBH_MATCH: bh = .match
        case DKIM_SIGBH_MISMATCH: bh = .mismatch
        default: bh = .untested
        }
        return DKIMSignatureCheck(
            domain: domain, selector: api.sig_getselector(sig).map { String(cString: $0) } ?? "",
            status: status(sig), bodyHash: bh,
            signedHeaders: (tag(sig, "h") ?? "").split(separator: ":").map {
                String($0.filter { !$0.isWhitespace }).asciiLowercased
            },
            signedAt: tag(sig, "t").flatMap { Int($0) }, expiresAt: tag(sig, "x").flatMap { Int($0) },
            signedLength: signlen >= 0 ? signlen : nil, bodyLength: msglen,
            algorithm: tag(sig, "a") ?? "?", canonicalization: tag(sig, "c") ?? "simple/simple")
    }

    private func status(_ sig: OpaquePointer) -> DKIMSignatureCheck.Status {
        let flags = api.sig_getflags(sig)
        if flags & UInt32(DKIM_SIGFLAG_PASSED) != 0 { return .good }
        let err = api.sig_geterror(sig)
        let words = words(api.sig_geterrorstr(err))
        switch err {
        case DKIM_SIGERROR_BADSIG: return .bad
        case DKIM_SIGERROR_NOKEY: return .noKey
        case DKIM_SIGERROR_KEYFAIL: return .keyUnavailable(words)
        case DKIM_SIGERROR_EXPIRED, DKIM_SIGERROR_FUTURE: return .expired
        case DKIM_SIGERROR_OK where flags & UInt32(DKIM_SIGFLAG_PROCESSED) == 0:
            return .keyUnavailable("signature not processed")
        default: return .malformed(words)
        }
    }

    private func words(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0) } ?? "unknown libopendkim status"
    }

    /// A tag's value as the signature has it, white space removed.
    private func tag(_ sig: OpaquePointer, _ name: String) -> String? {
        var n = Array(name.utf8) + [0]
        let v = n.withUnsafeMutableBufferPointer { api.sig_gettagvalue(sig, false, $0.baseAddress) }
        return v.map { String(String(cString: $0).filter { !$0.isWhitespace }) }
    }
}

/// Marks every signature of a domain not ours as ignored, before keys are fetched.
private let prescreen: @convention(c) (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?, Int32) -> DKIM_CBSTAT = {
    dkim, sigs, n in
    guard let dkim, let sigs, let api = try? DKIMLibrary.functions(),
        let ctx = api.get_user_context(dkim)
    else { return DKIM_CBSTAT_CONTINUE }
    let ours = Unmanaged<DomainSet>.fromOpaque(ctx).takeUnretainedValue().domains
    for i in 0..<Int(n) {
        guard let sig = sigs[i] else { continue }
        let d = api.sig_getdomain(sig).map { String(cString: $0).asciiLowercased } ?? ""
        if !ours.contains(d) { api.sig_ignore(sig) }
    }
    return DKIM_CBSTAT_CONTINUE
}
