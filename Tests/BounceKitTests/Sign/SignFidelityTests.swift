// bouncesign never changes content (DESIGN.md, security properties; issue
// "One reading, one verdict", item 7): after signing, every leaf decodes to
// the same bytes and every header field a reader sees is the same, or the
// signer refused with the error that becomes exit 75. The reader's view is
// built with the project's own MIMEScanner, not a second parser.
import Foundation
import Testing

@testable import BounceKit

/// What a MIME reader sees of a message: the header fields, and each leaf's
/// type, Content-* fields and decoded bytes, in document order.
struct ReaderView: MIMEScanVisitor {
    struct Leaf {
        var ordinal: Int
        var parent: Int?
        var type: ContentType
        var encoding: TransferEncoding
        var contentFields: [String]
        var bytes: [UInt8]
    }
    var header = Header()
    var leaves: [Leaf] = []
    /// The message's parts, when it is a multipart.
    var topLevel: [(ordinal: Int, mediaType: String)] = []
    var isMixed = false

    private var open: [(entity: ScannedEntity, raw: [UInt8], pending: LineTerminator, parts: Int)] = []

    mutating func begin(_ e: ScannedEntity) {
        if e.ordinal == 0 {
            header = e.header
            isMixed = e.isMultipart && e.contentType.mediaType == "multipart/mixed"
        }
        if e.parent == 0 { topLevel.append((e.ordinal, e.contentType.mediaType)) }
        open.append((e, [], .none, 0))
    }

    mutating func bodyLine(_ line: LinePiece) { append(line) }

    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        // A multipart without parts is read as a leaf: its body is its content.
        guard let k = open.lastIndex(where: { $0.entity.ordinal == multipart }) else { return }
        if role == .delimiter || role == .closeDelimiter { open[k].parts += 1 }
        if role == .preamble && open[k].parts == 0 && k == open.count - 1 { append(line) }
    }

    private mutating func append(_ line: LinePiece) {
        let k = open.count - 1
        open[k].raw += Self.bytes(open[k].pending)
        open[k].raw += line.content
        open[k].pending = line.terminator
    }

    mutating func end(_ e: ScannedEntity, cutByDelimiter: Bool) {
        var o = open.removeLast()
        if e.isMultipart && o.parts > 0 { return }
        if !cutByDelimiter { o.raw += Self.bytes(o.pending) }
        let bytes: [UInt8]
        switch e.encoding {
        case .base64: bytes = Base64.decode(o.raw)
        case .quotedPrintable: bytes = QuotedPrintable.decode(o.raw[...])
        default: bytes = o.raw
        }
        let fields = e.header.fields.filter {
            $0.name.asciiLowercased.hasPrefix("content-") && !$0.is("Content-Transfer-Encoding")
        }
        leaves.append(
            Leaf(
                ordinal: e.ordinal, parent: e.parent, type: e.contentType, encoding: e.encoding,
                contentFields: fields.map { "\($0.name.asciiLowercased): \(String(decoding: $0.unfoldedValue, as: UTF8.self))" },
                bytes: bytes))
    }

    static func bytes(_ t: LineTerminator) -> [UInt8] {
        switch t {
        case .none: return []
        case .lf: return [0x0A]
        case .cr: return [0x0D]
        case .crlf: return [0x0D, 0x0A]
        }
    }

    static func read(_ message: [UInt8]) -> ReaderView {
        MIMEScanner.scan(message[...], visitor: ReaderView()).visitor
    }

    /// The leaves a reader sees as content: without the proof that the
    /// message ends with (`ProofNames.trailingProof`), if it is a mixed one.
    var contentLeaves: [Leaf] {
        let proof = isMixed ? Set(ProofNames.trailingProof(topLevel)) : []
        return leaves.filter { !proof.contains($0.ordinal) }
    }
}

@Suite("Signing keeps content")
struct SignFidelityTests {
    static var signer: MessageSigner { MessageSigner(signer: StubSigner(), hostname: "test.example.org") }
    static let readerFields = ["From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To"]

    enum Outcome: Equatable {
        case unchanged, refused, unsigned
        case changed(String)
    }

    /// Signs `input` and compares what a reader sees before and after.
    static func check(_ input: [UInt8]) -> Outcome {
        let signed: SignedMessage
        do { signed = try signer.sign(input, now: 1_800_000_000) } catch {
            if case .wouldChangeContent = error { return .refused }
            if case .unusableMessageID = error { return .unsigned }  // sent as it is
            return .changed("unexpected error \(error)")
        }
        let before = ReaderView.read(input), after = ReaderView.read(signed.bytes)
        for name in readerFields {
            let was = before.header.all(name).map(\.unfoldedValue)
            let now = after.header.all(name).map(\.unfoldedValue)
            if was != now && !(name == "Message-ID" && was.isEmpty && signed.addedMessageID) {
                return .changed("\(name): \(was.map { String(mailBytes: $0) }) became \(now.map { String(mailBytes: $0) })")
            }
        }
        let a = before.contentLeaves, b = after.contentLeaves
        guard a.count == b.count else { return .changed("\(a.count) leaves became \(b.count)") }
        let crLineEnds = firstLineEndIsCR(input)
        for (x, y) in zip(a, b) {
            var fieldsNow = y.contentFields
            // A message without Content-Type that had to be re-encoded is labelled text/plain.
            if x.ordinal == 0 && before.header.first("Content-Type") == nil {
                fieldsNow.removeAll { $0.hasPrefix("content-type: text/plain; charset=") }
            }
            if x.contentFields != fieldsNow {
                return .changed("leaf \(x.ordinal) fields \(x.contentFields) became \(y.contentFields)")
            }
            if x.type.mediaType != y.type.mediaType {
                return .changed("leaf \(x.ordinal) type \(x.type.mediaType) became \(y.type.mediaType)")
            }
            let same: Bool
            if isExactData(x) {
                same = x.bytes == y.bytes
            } else {
                same =
                    crlf(x.bytes, crIsLineEnd: crLineEnds && x.encoding.isIdentity)
                    == crlf(y.bytes, crIsLineEnd: false)
            }
            if !same {
                return .changed(
                    "leaf \(x.ordinal) (\(x.type.mediaType), \(x.encoding.name)): \(x.bytes.prefix(40)) became \(y.bytes.prefix(40))"
                )
            }
        }
        return .unchanged
    }

    /// Data whose bytes a reader gets exactly: base64, 8bit or binary of a
    /// type that is not made of lines (text, message, multipart).
    static func isExactData(_ l: ReaderView.Leaf) -> Bool {
        let lines = l.type.type == "text" || l.type.type == "message" || l.type.isMultipart
        return !lines && (l.encoding == .base64 || l.encoding == .eightBit || l.encoding == .binary)
    }

    /// Text as a MIME reader sees it: every line end CRLF; a CR alone stays
    /// data unless it is the message's line end.
    static func crlf(_ b: [UInt8], crIsLineEnd: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 16)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A {
                out += [0x0D, 0x0A]
                i += 2
                continue
            }
            if c == 0x0A || (c == 0x0D && crIsLineEnd) { out += [0x0D, 0x0A] } else { out.append(c) }
            i += 1
        }
        return out
    }

    /// Whether the message's first line ends in a CR alone (old Mac files).
    static func firstLineEndIsCR(_ b: [UInt8]) -> Bool {
        guard let i = b.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return false }
        return b[i] == 0x0D && (i + 1 == b.count || b[i + 1] != 0x0A)
    }

    static func asCRLF(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in b.enumerated() {
            if c == 0x0A && (i == 0 || b[i - 1] != 0x0D) { out.append(0x0D) }
            out.append(c)
        }
        return out
    }

    static func asLF(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in b.enumerated() where !(c == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A) { out.append(c) }
        return out
    }

    /// Every fixture under Tests/BounceKitTests/Fixtures.
    static func fixtures() -> [(String, [UInt8])] {
        let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        var out: [(String, [UInt8])] = []
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        for case let url as URL in walk where url.pathExtension == "eml" {
            if let d = try? Data(contentsOf: url) {
                out.append((url.path.replacingOccurrences(of: root.path + "/", with: ""), [UInt8](d)))
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    @Test("every fixture, as it is and with CRLF line ends, signs with its content unchanged or is refused")
    func everyFixtureKeepsItsContent() {
        let files = Self.fixtures()
        #expect(files.count > 800)
        var unchanged = 0, refused = 0, unsigned = 0
        var changed: [String] = [], refusedNames: [String] = []
        for (name, bytes) in files {
            for (variant, input) in [("", bytes), (" (CRLF)", Self.asCRLF(bytes))] {
                switch Self.check(input) {
                case .unchanged: unchanged += 1
                case .refused:
                    refused += 1
                    refusedNames.append(name + variant)
                case .unsigned: unsigned += 1
                case .changed(let why): changed.append("\(name)\(variant): \(why)")
                }
            }
        }
        print("fidelity: \(unchanged) signed unchanged, \(refused) refused, \(changed.count) changed")
        if !refusedNames.isEmpty { print("fidelity: refused \(refusedNames.joined(separator: ", "))") }
        if unsigned > 0 { print("fidelity: \(unsigned) sent unsigned (unusable Message-ID)") }
        #expect(changed.isEmpty, "\(changed.count) changed: \(changed.prefix(10).joined(separator: "\n"))")
    }

    static let header = "From: a@example.org\nTo: b@example.net\nSubject: s\nMessage-ID: <f@example.org>\nMIME-Version: 1.0\n"

    static func mixed(_ parts: [String], epilogue: String = "") -> String {
        header + "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
            + parts.map { "--b\n" + $0 + "\n" }.joined() + "--b--\n" + epilogue
    }

    static func part(_ type: String, _ cte: String, _ body: String) -> String {
        "Content-Type: \(type)\nContent-Transfer-Encoding: \(cte)\n\n\(body)"
    }

    /// (name, message with LF line ends, what must happen).
    static let cases: [(String, String, Outcome)] = [
        (
            "binary attachment with CR (RFC 2045 §2.9)", mixed(["text", part("application/octet-stream", "binary", "a\rb\rc")]),
            .unchanged
        ),
        ("binary attachment with CRLF", mixed(["text", part("application/octet-stream", "binary", "a\r\nb\r\n")]), .unchanged),
        (
            "binary attachment with LF and NUL",
            mixed(["text", part("application/octet-stream", "binary", "a\nb\u{0}c\n\u{0}")]), .unchanged
        ),
        (
            "8bit attachment with CR, CRLF, LF and 8-bit bytes",
            mixed([part("application/x-data", "8bit", "\u{FF}\r\u{0}\r\n\u{80}\n")]), .unchanged
        ),
        (
            "single-part binary message ending in CR",
            header + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\nab\r\u{0}\r", .unchanged
        ),
        ("8bit text with a bare CR", mixed([part("text/plain; charset=utf-8", "8bit", "caf\u{E9} \rover\nline\n")]), .unchanged),
        ("7bit text with a bare CR", header + "\nhello\rworld\n", .unchanged),
        (
            "8bit text (quoted-printable)", mixed([part("text/plain; charset=utf-8", "8bit", "caf\u{E9}\n.dot\nFrom here\n")]),
            .unchanged
        ),
        (
            "base64 text with a bare CR and over-long lines",
            mixed([part("text/plain", "base64", String(repeating: "YQ1i", count: 300))]), .unchanged
        ),
        (
            "quoted-printable text with =0D needing re-encoding (refused)",
            mixed([part("text/plain", "quoted-printable", "a=0Db\n.dot\n")]), .refused
        ),
        (
            "user's statement-typed part in the middle (kept)",
            mixed(["one", part(ProofNames.statementType, "7bit", "mine"), "three"]), .unchanged
        ),
        ("user's clearsign-typed part first (kept)", mixed([part(ProofNames.clearsignType, "7bit", "mine"), "two"]), .unchanged),
        (
            "earlier trailing proof pair (replaced)",
            mixed(["body", part(ProofNames.statementType, "7bit", "old"), part(ProofNames.clearsignType, "7bit", "old sig")]),
            .unchanged
        ),
        (
            "header line over 1 MiB (refused)",
            "From: a@example.org\nX-Long: " + String(repeating: "x", count: (1 << 20) + 2048)
                + "\nTo: b@example.net\nSubject: s\n\nbody\n", .refused
        ),
        (
            "header block over 1 MiB (refused)",
            "From: a@example.org\n" + String(repeating: "X-Filler: " + String(repeating: "y", count: 1000) + "\n", count: 1100)
                + "To: b@example.net\n\nbody\n", .refused
        ),
        (
            "malformed header line starts the body (as Postfix reads it)",
            "From: a@example.org\nnot a field\nTo: b@example.net\n\nbody\n", .unchanged
        ),
        ("multipart without boundary, 8-bit (refused)", header + "Content-Type: multipart/mixed\n\ncaf\u{E9}\n", .refused),
        (
            "bare CR inside an attached message (refused)",
            mixed(["text", "Content-Type: message/rfc822\n\nSubject: in\n\na\rb\n"]), .refused
        ),
        (
            "unknown transfer encoding needing re-encoding (refused)", mixed([part("text/plain", "x-uuencode", "caf\u{E9}\n")]),
            .refused
        ),
    ]

    @Test("targeted cases keep their content or are refused, as LF and as CRLF")
    func targetedCases() {
        for (name, message, want) in Self.cases {
            let lf = Array(message.utf8)
            for (variant, input) in [("LF", lf), ("CRLF", Self.asCRLF(lf))] {
                let got = Self.check(input)
                #expect(got == want, "\(name) (\(variant)): got \(got), want \(want)")
            }
        }
    }

    @Test("a user's proof-typed part is kept, an earlier trailing proof is replaced")
    func proofPartsKeptOrReplaced() throws {
        let message = Self.mixed([
            "one", Self.part(ProofNames.statementType, "7bit", "mine"), "three",
            Self.part(ProofNames.statementType, "7bit", "old"), Self.part(ProofNames.clearsignType, "7bit", "old sig"),
        ])
        let signed = try Self.signer.sign(Array(message.utf8), now: 1_800_000_000)
        let out = String(decoding: signed.bytes, as: UTF8.self)
        #expect(out.contains("\nmine\n"))
        #expect(!out.contains("old"))
        let view = ReaderView.read(signed.bytes)
        #expect(
            view.topLevel.map(\.mediaType) == [
                "text/plain", ProofNames.statementType, "text/plain", ProofNames.statementType, ProofNames.clearsignType,
            ])
    }

    @Test("a header over the limits is the typed error an administrator can read")
    func headerOverLimitsMessage() {
        let long = "From: a@example.org\nX-Long: " + String(repeating: "x", count: (1 << 20) + 2048) + "\n\nbody\n"
        #expect(throws: SignError.self) { try Self.signer.sign(Array(long.utf8), now: 1_800_000_000) }
        do { _ = try Self.signer.sign(Array(long.utf8), now: 1_800_000_000) } catch {
            #expect(error.description == "the message header has a line over 1 MiB; cannot sign it without changing it")
        }
    }
}
