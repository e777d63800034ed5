// A message bouncesign has read and signed: what it writes out (the new
// header, then the body read again, rewritten or as it came), and the
// in-memory form tests and the fuzzer use.

/// A message read and signed, ready to be written out.
public struct PreparedMessage {
    /// The statement the proof carries, signed.
    public let statement: Statement
    /// Whether bouncesign had to add a Message-ID.
    public let addedMessageID: Bool
    /// The same change as `write(to:)` makes to the header, as edits of
    /// the header as it came (what a milter asks the MTA to do).
    public let headerEdits: [HeaderEdit]
    let source: MessageSource
    let head: [UInt8]
    let plan: RewritePlan
    let limits: Limits

    /// Whether the body changes (proof parts); with the header-only proof
    /// it stays byte for byte as it came.
    public var replacesBody: Bool { !plan.keepsBody }

    /// Writes the signed message: the new header, then the body read again.
    public func write(to out: MailOutput) throws(FileIO.Failure) {
        out.write(head)
        try writeBody(to: out)
    }

    /// Writes the signed message's body alone (after the header's blank
    /// line): what replaces the body when `replacesBody`.
    public func writeBody(to out: MailOutput) throws(FileIO.Failure) {
        if let offset = plan.bodyOffset {
            // The body exactly as it came, between the lead and the tail.
            out.write(plan.lead)
            try source.write(from: offset, to: out)
            out.write(plan.tail)
            try out.flush()
            return
        }
        var scanner = MIMEScanner(visitor: BodyRewriter(plan: plan, out: out), limits: limits)
        try source.read { scanner.feed($0) }
        scanner.finish()
        try out.flush()
    }
}

/// A signed message in memory (tests, the fuzzer).
public struct SignedMessage {
    /// The whole signed message, header and body.
    public var bytes: [UInt8]
    /// The statement the proof carries, signed.
    public var statement: Statement
    /// Whether bouncesign had to add a Message-ID.
    public var addedMessageID: Bool
}
