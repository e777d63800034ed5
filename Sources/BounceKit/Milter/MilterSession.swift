// One SMTP connection as the milter sees it, message after message: the
// client (connect, MAIL FROM macros), the envelope, then the header fields
// one by one and the body in chunks, put back together as the message's
// bytes (each field "Name: value", a blank line, the body) in a
// MessageSpool: memory up to spool-threshold, a private unlinked file
// beyond. At the end of DATA the message goes to MessageSigner or
// BounceChecker, exactly as bouncesign and bouncecheck would read it.
//
// The MTA hands header values without the space after the colon and folded
// with LF or CRLF; the proof does not depend on either (bouncesign(1),
// canonical form). The body comes with CRLF line ends, which the MIME
// reader takes as it takes LF.

/// The state of one milter connection.
public final class MilterSession {
    private let currentService: () -> MilterService
    /// The service the current message is handled with.
    public private(set) var service: MilterService
    private(set) var client = MilterClient()
    private var sender: String? = nil
    private var recipients: [String] = []
    private var spool: MessageSpool? = nil
    /// Bounce-Check fields that came with the message (renamed when checked).
    private var arrivedChecks: [[UInt8]] = []

    /// `service` is asked for the current settings at each new message.
    public init(service: @escaping () -> MilterService) {
        currentService = service
        self.service = service()
    }

    /// The connection: client address (nil when not IP) and daemon name.
    public func connect(address: String?, daemonName: String?) {
        client.address = address
        client.daemonName = daemonName
    }

    /// A new message (MAIL FROM): what the last one left is dropped.
    public func mailFrom(_ sender: String, authenticated: String?, daemonName: String? = nil) {
        abortMessage()
        service = currentService()
        self.sender = sender
        client.authenticated = authenticated
        if let daemonName { client.daemonName = daemonName }
    }

    /// An envelope recipient (RCPT TO): for the statement's count of Bcc recipients, and the domain a rejection names.
    public func recipient(_ address: String) {
        recipients.append(address)
    }

    /// Which way the current message goes.
    public var direction: MilterDirection { service.direction(of: client) }

    /// One header field as the MTA hands it (xxfi_header): its name, and its value without the colon.
    public func header(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let spool = messageSpool()
        spool.append(name)
        spool.append(": ")
        spool.append(value)
        spool.append("\n")
        if Array(name).equalsIgnoringASCIICase(Annotation.fieldName) { arrivedChecks.append(Array(value)) }
    }

    func header(name: String, value: String) {
        Array(name.utf8).withUnsafeBufferPointer { n in Array(value.utf8).withUnsafeBufferPointer { header(name: n, value: $0) } }
    }

    /// The end of the header fields (xxfi_eoh): the blank line before the body.
    public func endOfHeaders() {
        messageSpool().append("\n")
    }

    /// A chunk of the body as the MTA hands it (xxfi_body), line ends CRLF.
    public func body(_ chunk: UnsafeBufferPointer<UInt8>) {
        messageSpool().append(chunk)
    }

    /// Bytes of the current message held so far, and whether spooled to a file.
    public var messageSize: (bytes: Int, spooled: Bool) { (spool?.count ?? 0, spool?.spooled ?? false) }

    /// Forgets the current message (an aborted transaction, or the next MAIL FROM).
    public func abortMessage() {
        spool = nil
        sender = nil
        recipients = []
        arrivedChecks = []
    }

    private func messageSpool() -> MessageSpool {
        if let spool { return spool }
        let s = MessageSpool(threshold: service.config.spoolThreshold, directory: Host.temporaryDirectory)
        spool = s
        return s
    }

    /// The end of DATA: sign or check the message gathered. `queueID` names
    /// it in the log line.
    public func endOfMessage(queueID: String?) -> MilterDecision {
        defer { abortMessage() }
        let size = messageSize
        let tag = "\(queueID ?? "NOQUEUE"): " + (size.spooled ? "(\(size.bytes) bytes, spooled) " : "")
        let direction = self.direction
        if direction == .pass {
            return MilterDecision(.accept, log: tag + "not checked (check-bounces off)")
        }
        let source: MessageSource
        do { source = try messageSpool().finish() } catch {
            return MilterDecision(
                .tempfail(.tempfail("cannot hold the message now", status: "4.3.0")), log: tag + error.description, level: .error)
        }
        if case .sign(let because) = direction {
            return MilterSigning(service: service, envelope: envelope, tag: tag, because: because).sign(source)
        }
        return MilterChecking(service: service, recipients: recipients, tag: tag, arrivedChecks: arrivedChecks).check(source)
    }

    /// The envelope recipients, for the statement's count of hidden ones.
    var envelope: Envelope? {
        let addresses = recipients.flatMap { r in
            let parsed = AddressList.addresses(r)
            return parsed.isEmpty ? [r.asciiLowercased] : parsed
        }
        return addresses.isEmpty ? nil : .recipients(addresses)
    }
}

extension Array where Element == UInt8 {
    func equalsIgnoringASCIICase(_ s: String) -> Bool {
        count == s.utf8.count && zip(self, s.utf8).allSatisfy { a, b in ASCII.lower(a) == ASCII.lower(b) }
    }
}
