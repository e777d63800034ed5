// libmilter's callbacks: C in, BounceKit's MilterSession out. Each turns
// its C arguments into Swift values, calls the session, and turns the
// session's MilterDecision into smfi_* calls. Nothing here decides.
//
// libmilter runs each connection on its own thread; a session is reached
// through smfi_getpriv and is only ever used by that connection's thread.
import BounceKit
import CMilter
import Glibc

/// The session object of one connection (smfi_setpriv).
final class SessionBox {
    let session: MilterSession
    init(_ s: MilterSession) { session = s }
}

/// The holder the callbacks read (set once, before smfi_main).
nonisolated(unsafe) var services: ServiceHolder! = nil

enum Callbacks {
    static func session(_ ctx: OpaquePointer?) -> MilterSession? {
        guard let p = smfi_getpriv(ctx) else { return nil }
        return Unmanaged<SessionBox>.fromOpaque(p).takeUnretainedValue().session
    }

    /// Steps answered with nothing: every header field, the end of the
    /// headers and every body chunk would otherwise cost a round trip, which
    /// was most of the milter's CPU time on an ordinary message (the kernel
    /// passing those answers). libmilter offers these to xxfi_negotiate even
    /// when the MTA lacks them, and then answers "continue" itself.
    static let noReplySteps = UInt(SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)
    /// Steps we have no callback for: the MTA need not send them at all.
    static let skippedSteps = UInt(SMFIP_NOHELO | SMFIP_NODATA | SMFIP_NOUNKNOWN)
    static let actions = UInt(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE)

    typealias Flags = UnsafeMutablePointer<UInt>
    typealias Negotiate = @convention(c) (OpaquePointer?, UInt, UInt, UInt, UInt, Flags?, Flags?, Flags?, Flags?) -> sfsistat

    static let negotiate: Negotiate = { _, actionsOffered, stepsOffered, _, _, actionsWanted, stepsWanted, f2, f3 in
        actionsWanted?.pointee = actions & actionsOffered
        stepsWanted?.pointee = (skippedSteps & stepsOffered) | (noReplySteps & stepsOffered)
        f2?.pointee = 0
        f3?.pointee = 0
        return SMFIS_CONTINUE
    }

    /// The answer to a header field, the end of headers or a body chunk
    /// (noReplySteps). A missing session fails at the end of the message.
    static let noReply = sfsistat(SMFIS_NOREPLY)

    static func macro(_ ctx: OpaquePointer?, _ name: String) -> String? {
        var n = Array(name.utf8CString)
        guard let v = n.withUnsafeMutableBufferPointer({ smfi_getsymval(ctx, $0.baseAddress) }) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    static func bytes(_ p: UnsafeMutablePointer<CChar>?) -> UnsafeBufferPointer<UInt8> {
        guard let p else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
    }

    static let connect:
        @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<sockaddr>?) -> sfsistat = {
            ctx, _, address in
            guard services.enter() else {
                SystemLog.log(.warning, "max-sessions (\(services.current.config.maxSessions)) open: connection refused for now")
                return SMFIS_TEMPFAIL
            }
            let session = MilterSession(service: { services.current })
            var text = [CChar](repeating: 0, count: 64)
            let ip =
                bouncesign_milter_address(address, &text, 64) != 0
                ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
            session.connect(address: ip, daemonName: macro(ctx, "{daemon_name}"))
            smfi_setpriv(ctx, Unmanaged.passRetained(SessionBox(session)).toOpaque())
            return SMFIS_CONTINUE
        }

    static let envfrom: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> sfsistat = {
        ctx, argv in
        guard let s = session(ctx) else { return SMFIS_TEMPFAIL }
        let sender = argv?.pointee.map { String(cString: $0) } ?? ""
        s.mailFrom(sender, authenticated: macro(ctx, "{auth_authen}"), daemonName: macro(ctx, "{daemon_name}"))
        return SMFIS_CONTINUE
    }

    static let envrcpt: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> sfsistat = {
        ctx, argv in
        guard let s = session(ctx) else { return SMFIS_TEMPFAIL }
        if let r = argv?.pointee { s.recipient(String(cString: r)) }
        return SMFIS_CONTINUE
    }

    static let header: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?) -> sfsistat = {
        ctx, name, value in
        session(ctx)?.header(name: bytes(name), value: bytes(value))
        return noReply
    }

    static let eoh: @convention(c) (OpaquePointer?) -> sfsistat = { ctx in
        session(ctx)?.endOfHeaders()
        return noReply
    }

    static let body: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, Int) -> sfsistat = { ctx, chunk, length in
        if let chunk { session(ctx)?.body(UnsafeBufferPointer(start: chunk, count: length)) }
        return noReply
    }

    static let eom: @convention(c) (OpaquePointer?) -> sfsistat = { ctx in
        guard let s = session(ctx) else { return SMFIS_TEMPFAIL }
        let decision = s.endOfMessage(queueID: macro(ctx, "i"))
        return Reply.apply(decision, to: ctx)
    }

    static let abort: @convention(c) (OpaquePointer?) -> sfsistat = { ctx in
        session(ctx)?.abortMessage()
        return SMFIS_CONTINUE
    }

    static let close: @convention(c) (OpaquePointer?) -> sfsistat = { ctx in
        guard let p = smfi_getpriv(ctx) else { return SMFIS_CONTINUE }
        smfi_setpriv(ctx, nil)
        Unmanaged<SessionBox>.fromOpaque(p).release()
        services.leave()
        return SMFIS_CONTINUE
    }

    /// The filter description smfi_register takes.
    static func description() -> smfiDesc {
        var d = smfiDesc()
        d.xxfi_name = strdup("bouncesign-milter")
        d.xxfi_version = Int32(SMFI_VERSION)
        d.xxfi_flags = actions
        d.xxfi_negotiate = negotiate
        d.xxfi_connect = connect
        d.xxfi_envfrom = envfrom
        d.xxfi_envrcpt = envrcpt
        d.xxfi_header = header
        d.xxfi_eoh = eoh
        d.xxfi_body = body
        d.xxfi_eom = eom
        d.xxfi_abort = abort
        d.xxfi_close = close
        return d
    }
}

/// A MilterDecision as smfi_* calls at the end of the message.
enum Reply {
    static func apply(_ d: MilterDecision, to ctx: OpaquePointer?) -> sfsistat {
        switch d.action {
        case .tempfail(let r):
            SystemLog.log(d.logLevel, d.log)
            return reply(ctx, r, SMFIS_TEMPFAIL)
        case .reject(let r):
            SystemLog.log(d.logLevel, d.log)
            return reply(ctx, r, SMFIS_REJECT)
        case .accept, .quarantine:
            break
        }
        for edit in d.headerEdits where !apply(edit, ctx) {
            return failed(ctx, d, "cannot change the header (\(edit.name))")
        }
        if let signed = d.newBody {
            var failure = false
            let out = MailOutput(crlf: true) { chunk in
                let ok =
                    smfi_replacebody(ctx, UnsafeMutablePointer(mutating: chunk.baseAddress), Int32(chunk.count)) == MI_SUCCESS
                failure = failure || !ok
                return ok ? nil : .failed("the MTA refused the new body")
            }
            do { try signed.writeBody(to: out) } catch { return failed(ctx, d, error.description) }
            if failure { return failed(ctx, d, "the MTA refused the new body") }
        }
        if case .quarantine(let reason) = d.action {
            var r = Array(reason.utf8CString)
            if r.withUnsafeMutableBufferPointer({ smfi_quarantine(ctx, $0.baseAddress) }) != MI_SUCCESS {
                return failed(ctx, d, "cannot quarantine the message")
            }
        }
        SystemLog.log(d.logLevel, d.log)
        return SMFIS_CONTINUE
    }

    /// A change the MTA refused: the message is not accepted half-changed.
    private static func failed(_ ctx: OpaquePointer?, _ d: MilterDecision, _ why: String) -> sfsistat {
        SystemLog.log(.error, d.log + "; deferred (451): \(why)")
        return reply(ctx, .tempfail("cannot process the message now, try again later"), SMFIS_TEMPFAIL)
    }

    private static func reply(_ ctx: OpaquePointer?, _ r: SMTPReply, _ status: sfsistat) -> sfsistat {
        var code = Array(r.code.utf8CString), ext = Array(r.status.utf8CString)
        // libmilter treats % as a format character in the text.
        var text = Array(r.text.replacingPercent.utf8CString)
        _ = code.withUnsafeMutableBufferPointer { c in
            ext.withUnsafeMutableBufferPointer { e in
                text.withUnsafeMutableBufferPointer { t in smfi_setreply(ctx, c.baseAddress, e.baseAddress, t.baseAddress) }
            }
        }
        return status
    }

    private static func apply(_ e: HeaderEdit, _ ctx: OpaquePointer?) -> Bool {
        var name = Array(e.name.utf8CString)
        var value = e.value.filter { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
        let r = name.withUnsafeMutableBufferPointer { n in
            value.withUnsafeMutableBufferPointer { v in
                switch e.kind {
                case .insertFirst: return smfi_insheader(ctx, 0, n.baseAddress, v.baseAddress)
                case .append: return smfi_addheader(ctx, n.baseAddress, v.baseAddress)
                case .delete(let i): return smfi_chgheader(ctx, n.baseAddress, Int32(i), nil)
                }
            }
        }
        return r == MI_SUCCESS
    }
}

extension String {
    fileprivate var replacingPercent: String { split(separator: "%", omittingEmptySubsequences: false).joined(separator: "%%") }
}
