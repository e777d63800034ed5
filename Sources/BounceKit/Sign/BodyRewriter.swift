// bouncesign's second reading of a message: writes the body out, copying
// every entity as it is except those the survey marked for re-encoding,
// leaving out the earlier proof the survey found (ProofNames.trailingProof),
// and closes the message with the proof parts (see MessageSigner's rules).
//
// Re-encoding keeps the decoded bytes: a leaf already base64 stays base64
// and one quoted-printable stays quoted-printable (only re-wrapped); a leaf
// the survey marked `exact` becomes base64 of its bytes as they are; other
// text becomes quoted-printable, other data base64.

/// What the second reading needs to know.
struct RewritePlan {
    /// The message is a multipart/mixed with parts: the proof parts join them.
    var mixed: Bool
    /// The delimiter the proof parts go behind.
    var boundary: String
    var rewrite: Set<Int>
    /// Leaves re-encoded as base64 of their exact bytes, line ends included.
    var exact: Set<Int>
    /// Top-level parts of a multipart/mixed message that are the earlier
    /// proof, replaced by the new one; every other part is kept.
    var replacedProof: Set<Int>
    var textIsUTF8: Bool
    /// The body is the input's from this offset, as it came, between `lead`
    /// and `tail` (nothing else here applies): a header-only proof (no lead,
    /// no tail), or a message of one leaf that nothing changes (the lead is
    /// the part it becomes, `wrappedLeafLead`), written with no second
    /// reading of its lines.
    var bodyOffset: Int? = nil
    var lead: [UInt8] = []
    /// The proof parts and the closing delimiter.
    var tail: [UInt8]

    /// The body goes out as it came, with nothing around it.
    var keepsBody: Bool { bodyOffset != nil && lead.isEmpty && tail.isEmpty }
}

/// Writes the body of the signed message as a `MIMEScanner` reads the original.
struct BodyRewriter: MIMEScanVisitor {
    let plan: RewritePlan
    let out: MailOutput

    private enum Mode {
        /// A proof part left out (with everything in it).
        case skip
        /// Copied as it is. `root`: the entity whose header was written anew.
        case copy(root: Bool)
        case reencode(LeafDecoder, BodyEncoder)
        /// A multipart whose delimiters are written anew (`top`: the message).
        case multipart(boundary: String, partsWritten: Int, closed: Bool, top: Bool)
    }
    private var modes: [Mode] = []
    /// Copying holds back each line end until the next line: a delimiter
    /// written anew brings its own.
    private var pendingLF = false

    init(plan: RewritePlan, out: MailOutput) {
        self.plan = plan
        self.out = out
    }

    /// What `begin` and `start` write before the body of a message that is
    /// one leaf, not re-encoded: the delimiter and the content fields.
    static func wrappedLeafLead(_ message: Header, boundary: String) -> [UInt8] {
        let out = MailOutput()
        out.write("--\(boundary)\n")
        for f in message.fields where MessageSigner.isContentField(f) { MessageSigner.write(f, to: out) }
        out.newline()
        return out.bytes
    }

    mutating func begin(_ e: ScannedEntity) {
        switch modes.last {
        case .skip:
            modes.append(.skip)
        case .copy:
            copyPendingLF()
            out.write(e.rawHeader)
            modes.append(.copy(root: false))
        case .multipart(let boundary, let written, let closed, let top):
            if top && plan.replacedProof.contains(e.ordinal) {
                modes.append(.skip)
                return
            }
            modes[modes.count - 1] = .multipart(boundary: boundary, partsWritten: written + 1, closed: closed, top: top)
            out.write(written == 0 ? "--\(boundary)\n" : "\n--\(boundary)\n")
            start(e, fields: e.header.fields, isTop: false)
        case .reencode:
            break  // not reached: a leaf has no parts
        case nil:
            if plan.mixed {
                modes.append(.multipart(boundary: plan.boundary, partsWritten: 0, closed: false, top: true))
            } else {
                out.write("--\(plan.boundary)\n")
                start(e, fields: e.header.fields.filter(MessageSigner.isContentField), isTop: true)
            }
        }
    }

    private mutating func start(_ e: ScannedEntity, fields: [HeaderField], isTop: Bool) {
        guard plan.rewrite.contains(e.ordinal) else {
            writeFields(fields)
            out.newline()
            pendingLF = false
            modes.append(.copy(root: true))
            return
        }
        if e.isMultipart {
            writeFields(fields)
            out.newline()
            let boundary = String(decoding: e.boundary, as: UTF8.self)
            modes.append(.multipart(boundary: boundary, partsWritten: 0, closed: false, top: false))
            return
        }
        let exact = plan.exact.contains(e.ordinal)
        let asText =
            !exact && e.encoding != .base64 && (e.encoding == .quotedPrintable || e.contentType.type == "text")
        writeFields(fields.filter { !$0.is("Content-Transfer-Encoding") })
        if isTop && e.header.first("Content-Type") == nil {
            out.write("Content-Type: text/plain; charset=\(plan.textIsUTF8 ? "utf-8" : "unknown-8bit")\n")
        }
        out.write("Content-Transfer-Encoding: \(asText ? "quoted-printable" : "base64")\n\n")
        let decoder: LeafDecoder = exact ? .exact(ExactBytes()) : .decoded(BodyDecoder(e.encoding))
        modes.append(.reencode(decoder, asText ? .quotedPrintable(QPEncoder()) : .base64(Base64LineEncoder())))
    }

    mutating func bodyLine(_ line: LinePiece) {
        switch modes[modes.count - 1] {
        case .copy: copy(line)
        case .reencode(var decoder, var encoder):
            modes[modes.count - 1] = .skip
            decoder.line(line) { encoder.encode($0, into: out) }
            modes[modes.count - 1] = .reencode(decoder, encoder)
        case .skip, .multipart: break
        }
    }

    static var takesRuns: Bool { true }

    /// Lines copied as they are go out as a block when they all end in LF
    /// (what `copy` would write line by line); the rest line by line.
    mutating func bodyRun(_ run: UnsafeBufferPointer<UInt8>) {
        switch modes[modes.count - 1] {
        case .copy where !LineRun.hasCR(run):
            copyPendingLF()
            out.write(UnsafeBufferPointer(rebasing: run[..<(run.count - 1)]))
            pendingLF = true
        case .skip: break
        default: LineSplitter.lines(of: run) { bodyLine($0) }
        }
    }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        switch modes[modes.count - 1] {
        case .copy: copy(line)
        case .multipart(let boundary, let written, _, let top):
            switch role {
            case .preamble:
                out.write(line.content)
                if line.terminated { out.newline() }
            case .delimiter: break  // written anew before each part
            case .closeDelimiter:
                if top { out.write(plan.tail) } else { out.write("\n--\(boundary)--\n") }
                modes[modes.count - 1] = .multipart(boundary: boundary, partsWritten: written, closed: true, top: top)
                pendingLF = false
            case .epilogue: copy(line)
            }
        case .skip, .reencode: break
        }
    }

    mutating func end(_ e: ScannedEntity, cutByDelimiter: Bool) {
        switch modes.removeLast() {
        case .skip: break
        case .copy(let root):
            if root {
                if !cutByDelimiter { copyPendingLF() }
                pendingLF = false
            }
        case .reencode(var decoder, var encoder):
            decoder.finish(cutByDelimiter: cutByDelimiter) { encoder.encode($0, into: out) }
            encoder.finish(into: out)
        case .multipart(let boundary, _, let closed, let top):
            if !closed { if top { out.write(plan.tail) } else { out.write("\n--\(boundary)--\n") } }
            if !cutByDelimiter { copyPendingLF() }
            pendingLF = false
        }
        if e.ordinal == 0 && !plan.mixed { out.write(plan.tail) }
    }

    private mutating func copy(_ line: LinePiece) {
        copyPendingLF()
        out.write(line.content)
        pendingLF = line.terminated
    }

    private mutating func copyPendingLF() {
        if pendingLF { out.newline() }
        pendingLF = false
    }

    private func writeFields(_ fields: [HeaderField]) {
        for f in fields { MessageSigner.write(f, to: out) }
    }
}

/// Quoted-printable for text, base64 for the rest.
enum BodyEncoder {
    case quotedPrintable(QPEncoder)
    case base64(Base64LineEncoder)

    mutating func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: MailOutput) {
        switch self {
        case .quotedPrintable(var e):
            self = .base64(Base64LineEncoder())
            e.encode(bytes) { out.write($0) }
            self = .quotedPrintable(e)
        case .base64(var e):
            self = .quotedPrintable(QPEncoder())
            e.encode(bytes) { out.write($0) }
            self = .base64(e)
        }
    }

    mutating func finish(into out: MailOutput) {
        switch self {
        case .quotedPrintable(var e): e.finish { out.write($0) }
        case .base64(var e): e.finish { out.write($0) }
        }
    }
}
