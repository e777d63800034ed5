// BounceChecker, verdict by verdict and fail reason by fail reason, without
// GnuPG: genuine mail is signed with the stub signer, bounced, then altered
// as a forger would alter it; a scriptable verifier stands in for each
// answer GnuPG can give. Rows are (name, input, want verdict with its
// reason). The table is held to FailReason: `caseName` has no default, so a
// new case stops this file compiling, and once it is named the suite fails
// until a row reaches it.
import Foundation
import Testing

@testable import BounceKit

/// Stands in for GnuPG: answers as a test scripts it.
struct ScriptedVerifier: ClearsignVerifying {
    /// What GnuPG reports: these signatures, or this error.
    var signatures = [SignatureReport(fingerprint: TestKey.fingerprint, status: .good)]
    var error: GPGError? = nil
    /// What becomes of the statement on its way back as GnuPG's plaintext.
    var plaintext: ([UInt8]) -> [UInt8] = { $0 }
    /// What `keyringProblem` reports.
    var problem: String? = nil

    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        if let error { throw error }
        guard let s = try? SignedStatement(clearsigned: clearsigned) else { throw .invalidSignatureData("stub: not clearsigned") }
        return Verification(plaintext: plaintext(s.text), signatures: signatures)
    }

    func keyringProblem(trusted: [String]) -> String? { problem }

    /// One signature by `fingerprint` with `status`.
    static func one(_ status: SignatureReport.Status, by fingerprint: String = TestKey.fingerprint) -> ScriptedVerifier {
        ScriptedVerifier(signatures: [SignatureReport(fingerprint: fingerprint, status: status)])
    }

    static func throwing(_ error: GPGError) -> ScriptedVerifier { ScriptedVerifier(error: error) }

    /// Good, but the plaintext GnuPG returns has `a` replaced by `b`.
    static func returning(_ a: String, as b: String) -> ScriptedVerifier {
        ScriptedVerifier(plaintext: { $0.replacingFirst(a, with: b) ?? $0 })
    }
}

@Suite("Bounce checker: every verdict, every fail reason")
struct BounceCheckerTests {
    // MARK: the mail

    /// 160 lines of 64 bytes: 10 KiB, past the first checkpoint (4 KiB).
    static let bigText = (0..<160).map { "line \(1000 + $0) " + String(repeating: "x", count: 53) + "\n" }.joined()

    static func message(to: String = "bob@example.net", id: String = "<check-test@example.org>") -> String {
        """
        From: Alice <alice@example.org>
        To: \(to)
        Subject: quarterly report
        Date: Fri, 15 Jan 2027 07:00:00 +0000
        Message-ID: \(id)
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain

        short first part
        --b1
        Content-Type: text/plain

        \(bigText)--b1--

        """
    }

    /// `message` signed by bouncesign (stub signer) at `now`.
    static func signed(
        _ message: String = message(), at now: Int = TestKey.now, envelope: Envelope? = nil
    ) -> (bytes: [UInt8], statement: Statement)? {
        guard
            let s = try? MessageSigner(signer: StubSigner(), hostname: "test.example.org")
                .sign(Array(message.utf8), now: now, envelope: envelope)
        else { return nil }
        return (s.bytes, s.statement)
    }

    /// The genuine message, signed once for every row.
    static let genuine = signed()

    /// The header block alone, blank line included.
    static func headers(_ bytes: [UInt8]) -> [UInt8] {
        guard let end = bytes.firstIndex(of: [ASCII.lf, ASCII.lf], from: 0) else { return bytes }
        return Array(bytes[...(end + 1)])
    }

    /// The bytes before the first `marker`, and `extra` more.
    static func cut(_ bytes: [UInt8], at marker: String, plus extra: Int = 0) -> [UInt8] {
        guard let i = bytes.firstIndex(of: Array(marker.utf8), from: 0) else { return [] }
        return Array(bytes[..<min(i + extra, bytes.count)])
    }

    /// `bytes` without what runs from the first `start` up to the next `end`.
    static func removing(_ bytes: [UInt8], from start: String, upTo end: String) -> [UInt8] {
        guard let i = bytes.firstIndex(of: Array(start.utf8), from: 0),
            let j = bytes.firstIndex(of: Array(end.utf8), from: i + 1)
        else { return [] }
        return Array(bytes[..<i] + bytes[j...])
    }

    /// `n` more message/rfc822 parts after the returned original (which
    /// `TestMail.bounce` puts in the report's last part, left open here).
    static func decoys(_ n: Int) -> [UInt8] {
        let part = "\n--bounce-9f3a\nContent-Type: message/rfc822\n\nFrom: x@example.net\nSubject: decoy\n\ntext\n"
        return Array(String(repeating: part, count: n).utf8)
    }

    /// Parts opening `levels` multiparts, one inside the next, after the
    /// returned original (left unclosed: the report's delimiter ends them).
    static func nested(_ levels: Int) -> String {
        (0..<levels).map {
            "\n--bounce-9f3a\(String(repeating: "x", count: $0))\nContent-Type: multipart/mixed; boundary=\"bounce-9f3a\(String(repeating: "x", count: $0 + 1))\"\n"
        }.joined()
    }

    /// About `bytes` of text, in lines of 64.
    static func filler(_ bytes: Int) -> String {
        String(repeating: String(repeating: "f", count: 63) + "\n", count: bytes / 64)
    }

    /// A DSN that reports a failure and returns nothing.
    static let bounceWithoutOriginal = Array((TestMail.report + "--bounce-9f3a--\n").utf8)

    /// A message as bouncesign version 1 signed it (Tests/EndToEndTests/
    /// LegacyProofTests.swift), with the stub's signature packet.
    static func version1(canonicalization: String = CanonicalBody.name, alter: Bool = false) -> [UInt8] {
        let boundary = "=_bouncesign_v1test"
        let head =
            "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: old mail\nMessage-ID: <v1.1@example.org>\n"
            + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\(boundary)\"\n\n"
        let content = "--\(boundary)\nContent-Type: text/plain\n\nSigned before the upgrade.\n"
        let hash = CanonicalBody.hash(Array((head + content + "--\(boundary)--\n").utf8)[...])
        let statement = """
            bouncesign-statement: 1
            timestamp: \(TestKey.now - 3600)
            nonce: 00112233445566778899aabbccddeeff
            message-id: <v1.1@example.org>
            canonicalization: \(canonicalization)
            body-hash: sha256:\(hash.map { String(format: "%02x", $0) }.joined())

            """
        let clearsigned = SignedStatement(text: Array(statement.utf8), signature: TestKey.packet).clearsigned
        let field =
            "Bounce-Signature: v=1; a=openpgp-clearsign;\n b=\(String(decoding: Base64.encode(clearsigned), as: UTF8.self))\n"
        let parts =
            "\n--\(boundary)\nContent-Type: \(ProofNames.statementType)\n\n\(statement)"
            + "\n--\(boundary)\nContent-Type: \(ProofNames.clearsignType)\n\n\(String(decoding: clearsigned, as: UTF8.self))\n--\(boundary)--\n"
        let sent = field + head + (alter ? content.replacingOccurrences("the upgrade", "buy cheap pills") : content) + parts
        return Array(sent.utf8)
    }

    // MARK: the table

    struct Row {
        var name: String
        /// The bounce as it arrives.
        var input: [UInt8]
        var verifier: any ClearsignVerifying = ScriptedVerifier()
        var policy = TestKey.policy()
        var dkim: (any DKIMVerifying)? = nil
        /// The verdict, with its reason (FailReason for fail).
        var want: Verdict
        /// A bug in Sources this row shows (it records a known issue until fixed).
        var knownIssue: String? = nil
    }

    static var rows: [Row] {
        guard let genuine else { return [] }
        let m = genuine.bytes, nonce = genuine.statement.nonce
        let bounce = { (bytes: [UInt8]) in TestMail.bounce(returning: bytes) }
        let other = String(repeating: "B", count: 40)
        let gpgErrors: [(String, GPGError)] = [
            ("gpg cannot be run", .engineUnavailable(path: "/usr/bin/gpg", reason: "no such file or directory")),
            ("GPGME cannot be loaded", .libraryUnavailable(reason: "libgpgme.so.11: cannot open shared object file")),
            ("the GnuPG home is unreadable", .homeUnusable(path: "/etc/bouncesign/gnupg", reason: "permission denied")),
            ("gpg fails on our side", .operationFailed(operation: "verify", reason: "out of core")),
        ]
        var rows: [Row] = [
            // pass, none, unverifiable
            Row(name: "the whole message came back", input: bounce(m), want: .pass(.body)),
            Row(
                name: "cut in the second part after its 4 KiB checkpoint",
                input: bounce(cut(m, at: "line 1000", plus: 6_000)), want: .pass(.partial(verified: 1, of: 2, prefix: 4_096))),
            Row(
                name: "the header alone came back (text/rfc822-headers)",
                input: TestMail.bounce(returning: headers(m), as: "text/rfc822-headers"), want: .pass(.headersOnly)),
            Row(name: "a version 1 proof, whole", input: bounce(version1()), want: .pass(.body)),
            Row(name: "the signed message itself: not a bounce", input: m, want: .none),
            Row(
                name: "an auto-reply that returns nothing",
                input: Array("From: bob@example.net\nAuto-Submitted: auto-replied\nSubject: Re: hi\n\nI am away.\n".utf8),
                want: .unverifiable(.autoreply)),
            // temperror: our side's trouble, never the input's
            Row(
                name: "GnuPG knows no key for the trusted fingerprint", input: bounce(m),
                verifier: ScriptedVerifier.one(.noPublicKey),
                want: .temperror("trusted key \(TestKey.fingerprint) is missing from the keyring")),
            Row(
                name: "GnuPG found no signature and the keyring is broken", input: bounce(m),
                verifier: ScriptedVerifier(signatures: [], problem: "cannot read the GnuPG home: permission denied"),
                want: .temperror("cannot read the GnuPG home: permission denied")),
            // fail, reason by reason
            Row(name: "a DSN that returns nothing", input: bounceWithoutOriginal, want: .fail(.noOriginal)),
            Row(
                name: "the bounce of a message never signed", input: bounce(Array(message().utf8)), want: .fail(.noProof)),
            Row(
                name: "a second Bounce-Signature field", input: bounce(Array("Bounce-Signature: v=2; b=x\n".utf8) + m),
                want: .fail(.duplicateProof)),
            Row(
                name: "the header from another signing (nonce changed in the header only)",
                input: bounce(m.replacingFirst("n=\(nonce)", with: "n=00000000\(nonce.dropFirst(8))") ?? []),
                want: .fail(.proofMismatch)),
            Row(
                name: "a header proof of an unknown version",
                input: bounce(m.replacingFirst("Bounce-Signature: v=2;", with: "Bounce-Signature: v=3;") ?? []),
                want: .fail(.malformedProof(ProofHeader.ParseError.unsupportedVersion.description))),
            Row(
                name: "text after the clearsign part's signature block",
                input: bounce(
                    m.replacingFirst("-----END PGP SIGNATURE-----\n", with: "-----END PGP SIGNATURE-----\nP.S.\n") ?? []),
                want: .fail(.malformedProof("clearsign part: clearsigned text has text after its signature block"))),
            Row(
                name: "GnuPG: not an OpenPGP signature", input: bounce(m),
                verifier: ScriptedVerifier.throwing(.invalidSignatureData("invalid packet")),
                want: .fail(.malformedSignature(GPGError.invalidSignatureData("invalid packet").description))),
            Row(
                name: "GnuPG found no signature, the keyring is fine", input: bounce(m),
                verifier: ScriptedVerifier(signatures: []), want: .fail(.malformedSignature("GnuPG found no signature in it"))),
            Row(
                name: "GnuPG reports an error of its own about the signature", input: bounce(m),
                verifier: ScriptedVerifier.one(.other("unknown error")), want: .fail(.malformedSignature("unknown error"))),
            Row(name: "a bad signature", input: bounce(m), verifier: ScriptedVerifier.one(.bad), want: .fail(.badSignature)),
            Row(
                name: "two good signatures", input: bounce(m),
                verifier: ScriptedVerifier(
                    signatures: Array(repeating: .init(fingerprint: TestKey.fingerprint, status: .good), count: 2)),
                want: .fail(.multipleSignatures(2))),
            Row(
                name: "a good signature by a key not trusted", input: bounce(m), verifier: ScriptedVerifier.one(.good, by: other),
                want: .fail(.untrustedKey(other))),
            Row(
                name: "a signature by an unknown key not trusted", input: bounce(m),
                verifier: ScriptedVerifier.one(.noPublicKey, by: "CCCCCCCCCCCCCCCC"),
                want: .fail(.untrustedKey("CCCCCCCCCCCCCCCC"))),
            Row(
                name: "an expired key", input: bounce(m), verifier: ScriptedVerifier.one(.keyExpired),
                want: .fail(.unusableKey("has expired"))),
            Row(
                name: "a revoked key", input: bounce(m), verifier: ScriptedVerifier.one(.keyRevoked),
                want: .fail(.unusableKey("is revoked"))),
            Row(
                name: "an expired signature", input: bounce(m), verifier: ScriptedVerifier.one(.signatureExpired),
                want: .fail(.unusableKey("signature has expired"))),
            Row(
                name: "GnuPG's plaintext is no statement", input: bounce(m),
                verifier: ScriptedVerifier(plaintext: { _ in Array("garbage\n".utf8) }),
                want: .fail(.invalidStatement(Statement.ParseError.malformed("line").description))),
            Row(
                name: "GnuPG's plaintext is another statement than the one carried", input: bounce(m),
                verifier: ScriptedVerifier.returning("t: \(TestKey.now)", as: "t: \(TestKey.now - 60)"),
                want: .fail(.statementMismatch)),
            Row(
                name: "the statement part altered, the signed text not",
                input: bounce(m.replacingFirst("n: \(nonce)", with: "n: 00000000\(nonce.dropFirst(8))") ?? []),
                want: .fail(.statementMismatch)),
            Row(
                name: "a version 1 statement naming a canonicalization bouncecheck does not know",
                input: bounce(version1(canonicalization: "mime-leaves/9")),
                want: .fail(.unsupportedCanonicalization("mime-leaves/9"))),
            Row(
                name: "the Message-ID removed",
                input: bounce(m.replacingFirst("Message-ID: <check-test@example.org>\n", with: "") ?? []),
                want: .fail(.noMessageID)),
            Row(
                name: "a second Message-ID",
                input: bounce(m.replacingFirst("Message-ID:", with: "Message-ID: <other@example.org>\nMessage-ID:") ?? []),
                want: .fail(.duplicateMessageID)),
            Row(
                name: "a Message-ID without angle brackets",
                input: bounce(m.replacingFirst("<check-test@example.org>\nMIME", with: "check-test@example.org\nMIME") ?? []),
                want: .fail(.malformedMessageID)),
            Row(
                name: "another Message-ID",
                input: bounce(m.replacingFirst("<check-test@example.org>\nMIME", with: "<other@example.org>\nMIME") ?? []),
                want: .fail(.wrongMessageID("<check-test@example.org>"))),
            Row(
                name: "signed eight days ago (max-age 7d)", input: bounce(signed(at: TestKey.now - 8 * 86_400)?.bytes ?? []),
                want: .fail(.stale(ageSeconds: 8 * 86_400))),
            Row(
                name: "dated an hour ahead (clock skew 15m)", input: bounce(signed(at: TestKey.now + 3_600)?.bytes ?? []),
                want: .fail(.future(seconds: 3_600))),
            Row(
                name: "the Subject changed",
                input: bounce(m.replacingFirst("Subject: quarterly report", with: "Subject: cheap pills") ?? []),
                want: .fail(.headersAltered)),
            Row(
                name: "bounced from a recipient it was not sent to (envelope known, no Bcc)",
                input: bounce(
                    signed(message(to: "carol@example.net"), envelope: .recipients(["carol@example.net"]))?.bytes ?? []),
                want: .fail(.wrongRecipient("bob@example.net"))),
            Row(
                name: "the second part altered", input: bounce(m.replacingFirst("line 1100", with: "line 1l00") ?? []),
                want: .fail(.bodyAltered(part: 2))),
            Row(
                name: "a version 1 body altered", input: bounce(version1(alter: true)), want: .fail(.bodyAltered(part: nil))),
            Row(
                name: "the second part removed",
                input: bounce(
                    removing(
                        m, from: "--b1\nContent-Type: text/plain\n\nline 1000",
                        upTo: "--b1\nContent-Type: \(ProofNames.statementType)")),
                want: .fail(.bodyShape("parts are missing"))),
            Row(
                name: "a part added",
                input: bounce(
                    m.replacingFirst(
                        "--b1\nContent-Type: \(ProofNames.statementType)",
                        with: "--b1\nContent-Type: text/plain\n\nextra\n--b1\nContent-Type: \(ProofNames.statementType)") ?? []),
                want: .fail(.bodyShape("it has more parts than were signed"))),
            Row(
                name: "a preamble added",
                input: bounce(m.replacingFirst("\n\n--b1\n", with: "\n\nClick here.\n--b1\n") ?? []),
                want: .fail(.bodyShape("a preamble or epilogue differs"))),
            Row(
                name: "cut inside the first part", input: bounce(cut(m, at: "short first part", plus: 5)),
                want: .fail(.bodyUnverifiable("it is cut short before any of it"))),
            Row(
                name: "16 parts that may hold an original, the first the genuine message",
                input: bounce(m + decoys(15)), want: .pass(.body)),
            Row(
                name: "a 17th part that may hold an original is not read: a copy there would go unverified",
                input: bounce(m + decoys(16)),
                want: .fail(.bodyUnverifiable("the bounce returns more than 16 messages; 1 not read"))),
            Row(
                name: "the 17th is a part whose own header starts a message (Message-ID), not a message part",
                input: bounce(m + decoys(15) + Array("\n--bounce-9f3a\nMessage-ID: <decoy@example.net>\n\ntext\n".utf8)),
                want: .fail(.bodyUnverifiable("the bounce returns more than 16 messages; 1 not read"))),
            Row(
                name: "text parts each within what is kept, past what is kept of all together",
                input: bounce(m).replacingFirst(
                    "delivered.\n",
                    with: "delivered.\n"
                        + String(
                            repeating: "\n--bounce-9f3a\nContent-Type: text/plain\n\n"
                                + filler(Limits.standard.maxKeptText - 4096),
                            count: Limits.standard.maxKeptTextTotal / Limits.standard.maxKeptText + 1)) ?? [],
                want: .fail(.bodyUnverifiable("its text is longer than bouncecheck reads for pasted copies"))),
            Row(
                name: "parts past the 2000 read: a copy among them would go unverified",
                input: bounce(
                    m
                        + Array(
                            String(repeating: "\n--bounce-9f3a\nContent-Type: text/plain\n\nx\n", count: Limits.standard.maxParts)
                                .utf8)),
                want: .fail(.bodyUnverifiable("the bounce has parts nested deeper, or more parts, than bouncecheck reads"))),
            Row(
                name: "multiparts nested past the 24 levels read: a copy there would go unverified",
                input: bounce(m + Array(nested(Limits.standard.maxDepth + 1).utf8)),
                want: .fail(.bodyUnverifiable("the bounce has parts nested deeper, or more parts, than bouncecheck reads"))),
            Row(
                name: "a text part just within what is kept for pasted copies",
                input: bounce(m).replacingFirst("delivered.\n", with: "delivered.\n" + filler(Limits.standard.maxKeptText - 64))
                    ?? [],
                want: .pass(.body)),
            Row(
                name: "a text part longer than is kept: a copy pasted past that would go unverified",
                input: bounce(m).replacingFirst("delivered.\n", with: "delivered.\n" + filler(Limits.standard.maxKeptText + 64))
                    ?? [],
                want: .fail(.bodyUnverifiable("its text is longer than bouncecheck reads for pasted copies"))),
            Row(
                name: "a version 1 body cut short", input: bounce(cut(version1(), at: "Signed before", plus: 6)),
                want: .fail(.bodyUnverifiable("it is cut short, and a version 1 proof cannot verify part of a body"))),
            Row(
                name: "require-body, and the header alone came back",
                input: TestMail.bounce(returning: headers(m), as: "text/rfc822-headers"),
                policy: TestKey.policy(requireBody: true),
                want: .fail(.bodyRequired)),
            Row(
                name: "no proof, and our DKIM signature is bad",
                input: TestMail.bounce(returning: Array(DKIMProofDecisionTests.original.utf8)),
                policy: DKIMProofDecisionTests.policy(),
                dkim: RecordingDKIM(checks: [DKIMProofDecisionTests.good { $0.status = .bad }]),
                want: .fail(.dkim(.badSignature))),
        ]
        for (name, error) in gpgErrors {
            rows.append(
                Row(name: name, input: bounce(m), verifier: ScriptedVerifier.throwing(error), want: .temperror(error.description))
            )
        }
        return rows
    }

    /// Each row's verdict.
    static func run(_ rows: [Row]) -> [(Row, Verdict)] {
        rows.map { row in
            let checker = BounceChecker(verifier: row.verifier, policy: row.policy, dkim: row.dkim)
            return (row, checker.check(row.input).verdict)
        }
    }

    @Test("each row gets its verdict for its reason")
    func table() throws {
        try #require(Self.genuine != nil, "the test message did not sign")
        for (row, got) in Self.run(Self.rows) {
            #expect(!row.input.isEmpty, "\(row.name): the alteration found nothing to alter")
            if let bug = row.knownIssue {
                withKnownIssue(Comment(rawValue: bug)) {
                    #expect(got == row.want, "\(row.name): got \(got), want \(row.want)")
                }
            } else {
                #expect(got == row.want, "\(row.name): got \(got), want \(row.want)")
            }
        }
    }

    // MARK: the table is complete

    /// Every case of FailReason (Sources/BounceKit/Check/Verdict.swift), in
    /// declaration order. Add a new case here and to `caseName`.
    static let everyCase = [
        "noOriginal", "noProof", "duplicateProof", "proofMismatch", "malformedProof", "malformedSignature", "badSignature",
        "multipleSignatures", "untrustedKey", "unusableKey", "invalidStatement", "statementMismatch",
        "unsupportedCanonicalization", "noMessageID", "duplicateMessageID", "malformedMessageID", "wrongMessageID", "stale",
        "future", "headersAltered", "wrongRecipient", "bodyAltered", "bodyShape", "bodyUnverifiable", "bodyRequired", "dkim",
    ]

    /// The case's name. No default: a new case does not compile until named.
    static func caseName(_ r: FailReason) -> String {
        switch r {
        case .noOriginal: return "noOriginal"
        case .noProof: return "noProof"
        case .duplicateProof: return "duplicateProof"
        case .proofMismatch: return "proofMismatch"
        case .malformedProof: return "malformedProof"
        case .malformedSignature: return "malformedSignature"
        case .badSignature: return "badSignature"
        case .multipleSignatures: return "multipleSignatures"
        case .untrustedKey: return "untrustedKey"
        case .unusableKey: return "unusableKey"
        case .invalidStatement: return "invalidStatement"
        case .statementMismatch: return "statementMismatch"
        case .unsupportedCanonicalization: return "unsupportedCanonicalization"
        case .noMessageID: return "noMessageID"
        case .duplicateMessageID: return "duplicateMessageID"
        case .malformedMessageID: return "malformedMessageID"
        case .wrongMessageID: return "wrongMessageID"
        case .stale: return "stale"
        case .future: return "future"
        case .headersAltered: return "headersAltered"
        case .wrongRecipient: return "wrongRecipient"
        case .bodyAltered: return "bodyAltered"
        case .bodyShape: return "bodyShape"
        case .bodyUnverifiable: return "bodyUnverifiable"
        case .bodyRequired: return "bodyRequired"
        case .dkim: return "dkim"
        }
    }

    @Test("an original pasted into text longer than is kept is read as cut there, and passes for what came back")
    func longPastedOriginalPasses() throws {
        let big = Self.message().replacingOccurrences(of: Self.bigText, with: Self.filler(Limits.standard.maxKeptText + 4096))
        let signed = try #require(Self.signed(big)).bytes
        let bounce =
            Array(
                """
                From: Mail Delivery System <Mailer-Daemon@mx.example.net>
                Subject: Mail delivery failed: returning message to sender

                A message that you sent could not be delivered: bob@example.net, mailbox is full.

                ------ This is a copy of the message, including all the headers. ------


                """.utf8) + signed
        let result = BounceChecker(verifier: ScriptedVerifier(), policy: TestKey.policy()).check(bounce)
        guard case .pass(.partial) = result.verdict else {
            Issue.record("got \(result.verdict.keyword) (\(result.verdict.reason)), want a partial pass")
            return
        }
        #expect(!result.explanation.contains { $0.hasPrefix("copies:") }, "\(result.explanation)")
    }

    @Test("the rows reach every FailReason case; a case only a known bug hides is named by its row")
    func everyReasonReached() {
        var reached: [String: String] = [:]
        var knownUnreached: Set<String> = []
        for (row, got) in Self.run(Self.rows) {
            guard case .fail(let want) = row.want else { continue }
            if got == row.want {
                reached[Self.caseName(want)] = row.name
            } else if row.knownIssue != nil {
                knownUnreached.insert(Self.caseName(want))
            }
        }
        let missing = Self.everyCase.filter { reached[$0] == nil && !knownUnreached.contains($0) }
        #expect(missing.isEmpty, "no row reaches \(missing)")
        let unknown = Set(reached.keys).subtracting(Self.everyCase)
        #expect(unknown.isEmpty, "reached \(unknown.sorted()), which everyCase does not list")
        #expect(Set(Self.everyCase).count == Self.everyCase.count, "everyCase names a case twice")
    }

    @Test("everyCase lists the cases Verdict.swift declares, in order")
    func everyCaseMatchesTheSource() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "Sources/BounceKit/Check/Verdict.swift")
        let source = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(source.range(of: "public enum FailReason"), "Verdict.swift declares no FailReason")
        let end = try #require(source.range(of: "public var description", range: start.upperBound..<source.endIndex))
        var declared: [String] = []
        for line in source[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("case ") else { continue }
            // "case a(x: Int), b" → a, b: drop what is in parentheses, split at commas.
            var depth = 0, flat = ""
            for c in t.dropFirst(5) {
                if c == "(" { depth += 1 }
                if depth == 0 { flat.append(c) }
                if c == ")" { depth -= 1 }
            }
            declared += flat.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(declared == Self.everyCase, "Verdict.swift declares \(declared), everyCase lists \(Self.everyCase)")
    }

    @Test("every fail reason reached reads as words for an administrator: lower-case, no Swift type names")
    func reasonsAreWords() {
        for (row, got) in Self.run(Self.rows) {
            guard case .fail(let r) = got else { continue }
            let text = r.description
            let words =
                !text.isEmpty && text.first?.isUppercase == false && !text.contains("FailReason")
                && !text.contains("ParseError") && !text.contains("Optional(")
            #expect(words, "\(row.name): reason reads \"\(text)\"")
        }
    }
}
