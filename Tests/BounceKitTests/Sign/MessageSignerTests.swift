// MessageSigner with the stub signer (no GnuPG): what it writes (the
// statement and clearsign parts after the content, the Bounce-Signature
// field first, the statement they all spell), and each SignError it throws
// instead, one row per case and per ContentRisk. bouncesign(1) exits 75 on
// every one of them but an unusable Message-ID (sent unsigned) and on-error
// pass (Commands/SignCommand.swift).
import Foundation
import Testing

@testable import BounceKit

#if canImport(Glibc)
    import Glibc
#endif

/// A signer whose GnuPG fails, or writes what is no clearsigned text.
struct FailingSigner: StatementSigning {
    var error: GPGError? = nil
    var output: [UInt8] = Array("gpg: signing failed\n".utf8)

    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        if let error { throw error }
        return output
    }
}

@Suite("Message signer")
struct MessageSignerTests {
    static let now = TestKey.now

    static func signer(_ s: any StatementSigning = StubSigner(), placement: Configuration.ProofPlacement = .parts)
        -> MessageSigner
    {
        MessageSigner(signer: s, hostname: "test.example.org", placement: placement)
    }

    static let head =
        "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: lunch\nDate: Fri, 15 Jan 2027 07:00:00 +0000\n"
    static let plain = head + "Message-ID: <sign-test@example.org>\n\nHi Bob,\nnoon?\n"

    /// The decoded bytes of the top-level part of `type` in `view`.
    static func part(_ view: ReaderView, _ type: String) -> [UInt8]? {
        guard let o = view.topLevel.first(where: { $0.mediaType == type })?.ordinal else { return nil }
        return view.leaves.first { $0.ordinal == o }?.bytes
    }

    // MARK: what it writes

    @Test("a single-part message becomes multipart/mixed: its content, the statement part, the clearsign part; as LF and CRLF")
    func proofParts() throws {
        for (ends, input) in lfAndCRLF(Array(Self.plain.utf8)) {
            let signed = try Self.signer().sign(input, now: Self.now)
            let view = ReaderView.read(signed.bytes)
            let types = view.topLevel.map(\.mediaType)
            let want = ["text/plain", ProofNames.statementType, ProofNames.clearsignType]
            #expect(view.isMixed && types == want, "\(ends): parts \(types), want \(want)")
            let text = Array(signed.statement.text.utf8)
            let statementPart = try #require(Self.part(view, ProofNames.statementType), "\(ends): no statement part")
            #expect(Lines.normalized(statementPart) == Lines.normalized(text), "\(ends): the statement part differs")
            let clearsignPart = try #require(Self.part(view, ProofNames.clearsignType), "\(ends): no clearsign part")
            let fromPart = try SignedStatement(clearsigned: clearsignPart)
            #expect(fromPart == SignedStatement(text: text, signature: TestKey.packet), "\(ends): the clearsign part differs")
            #expect(view.contentLeaves.first?.bytes == Array("Hi Bob,\nnoon?\n".utf8), "\(ends): the content changed")
        }
    }

    @Test("the Bounce-Signature field comes first, once, within 78 columns, and spells the signed statement")
    func proofHeader() throws {
        let signed = try Self.signer().sign(Array(Self.plain.utf8), now: Self.now)
        let view = ReaderView.read(signed.bytes)
        let fields = view.header.all(ProofNames.header)
        #expect(fields.count == 1, "\(fields.count) Bounce-Signature fields")
        #expect(view.header.fields.first?.is(ProofNames.header) == true, "the field is not first")
        let field = try #require(fields.first)
        let long = field.raw.split(separator: ASCII.lf).filter { $0.count > 78 }
        #expect(long.isEmpty, "\(long.count) lines over 78 columns")
        let got = try ProofHeader.parse(field)
        let want = ProofHeader.Content.v2(SignedStatement(text: Array(signed.statement.text.utf8), signature: TestKey.packet))
        #expect(got == want, "got \(got), want \(want)")
    }

    @Test("the statement: signed now, for the Message-ID, binding From, To, Subject and Date, one leaf; and it verifies")
    func statement() throws {
        let signed = try Self.signer().sign(Array(Self.plain.utf8), now: Self.now)
        let s = signed.statement
        #expect(s.version == 2 && s.timestamp == Self.now && s.messageID == "<sign-test@example.org>", "got \(s)")
        #expect(s.headers?.names == ["from", "to", "subject", "date"], "bound \(s.headers?.names ?? [])")
        #expect(s.hiddenRecipients == nil, "no envelope, yet r: \(s.hiddenRecipients ?? -1)")
        #expect(s.leaves.count == 1 && s.leaves[0].length > 0, "leaves \(s.leaves)")
        #expect(s.nonce.count == 16 && s.nonce.allSatisfy(\.isHexDigit), "nonce \(s.nonce)")
        #expect(!signed.addedMessageID)
        let again = try Self.signer().sign(Array(Self.plain.utf8), now: Self.now)
        #expect(again.statement.nonce != s.nonce, "two signings gave the same nonce")
        let verdict = TestMail.verdict(TestMail.bounce(returning: signed.bytes))
        #expect(verdict == .pass(.body), "bounced back whole: got \(verdict)")
    }

    @Test("a multipart/mixed message gets the proof appended under its boundary; other multiparts are wrapped whole")
    func structure() throws {
        let mixed =
            Self.head + "Message-ID: <m@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"own\"\n\n"
            + "--own\nContent-Type: text/plain\n\none\n--own\nContent-Type: text/plain\n\ntwo\n--own--\n"
        let alternative =
            Self.head + "Message-ID: <a@example.org>\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
            + "--alt\nContent-Type: text/plain\n\nnoon?\n--alt\nContent-Type: text/html\n\n<p>noon?</p>\n--alt--\n"
        let cases: [(String, String, [String], String)] = [
            (
                "mixed", mixed, ["text/plain", "text/plain", ProofNames.statementType, ProofNames.clearsignType],
                "boundary=\"own\""
            ),
            (
                "alternative", alternative, ["multipart/alternative", ProofNames.statementType, ProofNames.clearsignType],
                "boundary=\"=_bs_"
            ),
        ]
        for (name, message, want, boundary) in cases {
            let signed = try Self.signer().sign(Array(message.utf8), now: Self.now)
            let view = ReaderView.read(signed.bytes)
            let got = view.topLevel.map(\.mediaType)
            #expect(got == want, "\(name): parts \(got), want \(want)")
            let type = view.header["Content-Type"] ?? ""
            #expect(type.hasPrefix("multipart/mixed;") && type.contains(boundary), "\(name): Content-Type \(type)")
            #expect(
                view.header.all("Content-Type").count == 1,
                "\(name): \(view.header.all("Content-Type").count) Content-Type fields")
            #expect(TestMail.verdict(TestMail.bounce(returning: signed.bytes)) == .pass(.body), "\(name): does not verify")
        }
    }

    @Test("a message without Message-ID gets one on this host, the one the statement binds")
    func addedMessageID() throws {
        let signed = try Self.signer().sign(Array((Self.head + "\nHi\n").utf8), now: Self.now)
        let view = ReaderView.read(signed.bytes)
        let id = view.header["Message-ID"] ?? ""
        #expect(signed.addedMessageID)
        #expect(id == signed.statement.messageID, "header \(id), statement \(signed.statement.messageID)")
        #expect(id.hasPrefix("<\(Self.now).") && id.hasSuffix("@test.example.org>"), "got \(id)")
    }

    @Test("with the envelope known, the statement counts the recipients not in To or Cc")
    func hiddenRecipients() throws {
        let cases: [(String, Envelope, Int)] = [
            ("only the To recipient", .recipients(["bob@example.net"]), 0),
            ("two Bcc recipients", .recipients(["bob@example.net", "carol@example.net", "dave@example.net"]), 2),
        ]
        for (name, envelope, want) in cases {
            let signed = try Self.signer().sign(Array(Self.plain.utf8), now: Self.now, envelope: envelope)
            #expect(signed.statement.hiddenRecipients == want, "\(name): got \(signed.statement.hiddenRecipients ?? -1)")
        }
    }

    @Test("proof header: the Bounce-Signature field first, then the header's fields, then the body byte for byte")
    func headerOnly() throws {
        for (ends, input) in lfAndCRLF(Array(Self.plain.utf8)) {
            let signed = try Self.signer(placement: .header).sign(input, now: Self.now)
            let field = ProofHeader.field(SignedStatement(text: Array(signed.statement.text.utf8), signature: TestKey.packet))
            // The header's fields are written with LF line ends; the body
            // is copied as it came, its line ends too.
            let blank = ends == "LF" ? "\n\n" : "\r\n\r\n"
            let bodyStart = try #require(input.firstIndex(of: Array(blank.utf8), from: 0)) + blank.utf8.count
            let header = Self.plain[..<Self.plain.range(of: "\n\n")!.upperBound]
            let want = Array(field.raw) + [ASCII.lf] + Array(header.utf8) + Array(input[bodyStart...])
            #expect(signed.bytes == want, "\(ends): got \(String(decoding: signed.bytes, as: UTF8.self))")
        }
    }

    @Test("signing signed mail replaces its Bounce-Signature field and its trailing proof")
    func resigning() throws {
        let once = try Self.signer().sign(Array(Self.plain.utf8), now: Self.now - 60)
        let twice = try Self.signer().sign(once.bytes, now: Self.now)
        let view = ReaderView.read(twice.bytes)
        #expect(view.header.all(ProofNames.header).count == 1)
        let types = view.topLevel.map(\.mediaType)
        #expect(types == ["text/plain", ProofNames.statementType, ProofNames.clearsignType], "parts \(types)")
        #expect(twice.statement.timestamp == Self.now)
    }

    // MARK: what it refuses

    /// The case's name. No default: a new case does not compile until named.
    static func caseName(_ e: SignError) -> String {
        switch e {
        case .unusableMessageID: return "unusableMessageID"
        case .gpg: return "gpg"
        case .hashing: return "hashing"
        case .input: return "input"
        case .wouldChangeContent(let risk): return "wouldChangeContent." + caseName(risk)
        }
    }

    static func caseName(_ r: ContentRisk) -> String {
        switch r {
        case .headerLineTooLong: return "headerLineTooLong"
        case .headerTooLarge: return "headerTooLarge"
        case .protectedLineEnds: return "protectedLineEnds"
        case .opaqueMultipart: return "opaqueMultipart"
        case .unknownEncoding: return "unknownEncoding"
        case .quotedPrintableLineEnd: return "quotedPrintableLineEnd"
        }
    }

    /// All but hashing: libgcrypt is loaded in this process, so that one is
    /// reached end to end, with the library hidden (GPGSpeedTests).
    static let everyCase: Set = [
        "unusableMessageID", "gpg", "input", "wouldChangeContent.headerLineTooLong", "wouldChangeContent.headerTooLarge",
        "wouldChangeContent.protectedLineEnds", "wouldChangeContent.opaqueMultipart", "wouldChangeContent.unknownEncoding",
        "wouldChangeContent.quotedPrintableLineEnd",
    ]

    /// SignError is not Equatable; its payloads are.
    static func same(_ a: SignError, _ b: SignError) -> Bool {
        switch (a, b) {
        case (.unusableMessageID(let x), .unusableMessageID(let y)): return x == y
        case (.gpg(let x), .gpg(let y)): return x == y
        case (.input(let x), .input(let y)): return x == y
        case (.wouldChangeContent(let x), .wouldChangeContent(let y)): return x == y
        default: return false
        }
    }

    static let mime = Self.head + "Message-ID: <r@example.org>\nMIME-Version: 1.0\n"

    static func mixed(_ parts: [String]) -> String {
        mime + "Content-Type: multipart/mixed; boundary=\"b\"\n\n" + parts.map { "--b\n\($0)\n" }.joined() + "--b--\n"
    }

    struct Refusal {
        var name: String
        var source: () -> MessageSource
        var signer: any StatementSigning = StubSigner()
        var want: SignError
    }

    /// A regular file holding `bytes`, open for reading (the caller closes it).
    static func file(_ bytes: [UInt8]) -> Int32 {
        let path = NSTemporaryDirectory() + "bouncesign-signer-test-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let fd = open(path, O_RDONLY)
        unlink(path)
        return fd
    }

    /// The plain message in a file, said to be 100,000 bytes long (opened once, for the process).
    static let shortFile = file(Array(plain.utf8))

    static var refusals: [Refusal] {
        let bytes = { (s: String) in { MessageSource(bytes: Array(s.utf8)) } }
        let gpgDown = GPGError.engineUnavailable(path: "/usr/bin/gpg", reason: "no such file or directory")
        return [
            Refusal(
                name: "a Message-ID with white space inside",
                source: bytes(Self.head + "Message-ID: <two words@example.org>\n\nHi\n"),
                want: .unusableMessageID("<two words@example.org>")),
            Refusal(
                name: "a Message-ID without angle brackets", source: bytes(Self.head + "Message-ID: r@example.org\n\nHi\n"),
                want: .unusableMessageID("r@example.org")),
            Refusal(
                name: "gpg cannot be run", source: bytes(Self.plain), signer: FailingSigner(error: gpgDown), want: .gpg(gpgDown)),
            Refusal(
                name: "the signing key is not in the keyring", source: bytes(Self.plain),
                signer: FailingSigner(error: .keyNotFound(TestKey.fingerprint)), want: .gpg(.keyNotFound(TestKey.fingerprint))),
            Refusal(
                name: "GnuPG writes what is no clearsigned text", source: bytes(Self.plain), signer: FailingSigner(),
                want: .gpg(
                    .operationFailed(
                        operation: "sign",
                        reason: "GnuPG wrote no usable clearsigned text: "
                            + "\(SignedStatement.ParseError.armor("does not start with -----BEGIN PGP SIGNED MESSAGE-----"))"))),
            Refusal(
                name: "the message file shrinks while it is read",
                source: { MessageSource(fd: Self.shortFile, start: 0, length: 100_000) },
                want: .input(.failed("cannot read the message: its file shrank while it was read"))),
            Refusal(
                name: "a header line over 1 MiB",
                source: bytes(Self.head + "X-Long: " + String(repeating: "x", count: (1 << 20) + 2048) + "\n\nHi\n"),
                want: .wouldChangeContent(.headerLineTooLong)),
            Refusal(
                name: "more header fields than the limit",
                source: bytes(Self.head + String(repeating: "X-Filler: y\n", count: Limits.standard.maxHeaderFields) + "\nHi\n"),
                want: .wouldChangeContent(.headerTooLarge)),
            Refusal(
                name: "a bare CR inside an attached message",
                source: bytes(
                    Self.mixed(["Content-Type: text/plain\n\ntext", "Content-Type: message/rfc822\n\nSubject: in\n\na\rb"])),
                want: .wouldChangeContent(.protectedLineEnds)),
            Refusal(
                name: "a multipart without boundary holding 8-bit text",
                source: bytes(Self.mime + "Content-Type: multipart/mixed\n\ncaf\u{E9}\n"),
                want: .wouldChangeContent(.opaqueMultipart)),
            Refusal(
                name: "an x-uuencode part with 8-bit text",
                source: bytes(Self.mixed(["Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\ncaf\u{E9}"])),
                want: .wouldChangeContent(.unknownEncoding("x-uuencode"))),
            Refusal(
                name: "a quoted-printable part with =0D that needs re-encoding",
                source: bytes(
                    Self.mixed(["Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\na=0Db\n.dot"])),
                want: .wouldChangeContent(.quotedPrintableLineEnd)),
        ]
    }

    @Test("each refusal is its own SignError, with nothing written")
    func refused() {
        for row in Self.refusals {
            do {
                let got = try Self.signer(row.signer).prepare(row.source(), now: Self.now)
                Issue.record("\(row.name): got a prepared message for \(got.statement.messageID), want \(row.want)")
            } catch {
                #expect(Self.same(error, row.want), "\(row.name): got \(error), want \(row.want)")
                let text = error.description
                #expect(!text.isEmpty && !text.contains("ParseError") && !text.contains("Optional("), "\(row.name): \(text)")
            }
        }
    }

    @Test("the refusals reach every SignError case and every ContentRisk")
    func everyCaseReached() {
        let reached = Set(Self.refusals.map { Self.caseName($0.want) })
        #expect(reached == Self.everyCase, "missing \(Self.everyCase.subtracting(reached).sorted())")
    }

    @Test("with the proof in the header alone, only the header's limits refuse: a body that cannot be re-encoded signs")
    func headerOnlyIgnoresBodyRisks() throws {
        for row in Self.refusals {
            guard case .wouldChangeContent(let risk) = row.want else { continue }
            let header = risk == .headerLineTooLong || risk == .headerTooLarge
            do {
                _ = try Self.signer(placement: .header).prepare(row.source(), now: Self.now)
                #expect(!header, "\(row.name): signed, want \(row.want)")
            } catch {
                #expect(header && Self.same(error, row.want), "\(row.name): got \(error)")
            }
        }
    }

    @Test("a signer that fails is a gpg error, which bouncesign answers with exit 75: the MTA keeps the message")
    func failingSignerIsTemporary() {
        let thrown = GPGError.homeUnusable(path: "/etc/bouncesign/gnupg", reason: "permission denied")
        do {
            _ = try Self.signer(FailingSigner(error: thrown)).sign(Array(Self.plain.utf8), now: Self.now)
            Issue.record("signed with a failing signer")
        } catch {
            guard case .gpg(let got) = error else {
                Issue.record("got \(error), want .gpg(\(thrown))")
                return
            }
            #expect(got == thrown, "got \(got), want \(thrown)")
            #expect(error.description == thrown.description, "the log line reads \(error.description)")
            #expect(!got.isAboutInput, "a failing GnuPG must not be blamed on the message")
        }
        #expect(ExitStatus.tempFail.rawValue == 75 && ExitStatus.bouncesign.contains(.tempFail))
    }
}
