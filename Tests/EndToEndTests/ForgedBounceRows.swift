// The rows of ForgedBounceTests: one group per attack class of issue 9
// (a–e) and the forgeries kept from issue 5 (f), then the genuine bounces
// that must pass. A row's reason is a distinctive part of FailReason's or
// Coverage's text.
import BounceKit
import Foundation
import Testing

extension ForgedBounceTests {
    static let altered = "returned body does not match its hash (part 1)"
    static let unverifiable = "returned body cannot be verified"
    static let shape = "returned body does not match its hash (a preamble or epilogue differs)"
    static let headersAltered = "returned From, To, Cc, Subject or Date differ from those signed"
    static let wrongRecipient = "bounce names a recipient the message was not sent to (victim@other.example)"
    static let limitReached = "returned body cannot be verified (a parser limit was reached before any of it)"
    static let moreParts = "returned body does not match its hash (it has more parts than were signed)"
    static let spam = "Buy cheap watches!\n"

    /// The body's marker changed: what every body forgery carries.
    static func alter(_ m: [UInt8]) -> [UInt8] { m.replacingFirst("MARKER", with: "SPAMMY") }

    /// `n` small parts under `boundary`.
    static func manyParts(_ n: Int, boundary: String) -> String {
        String(repeating: "--\(boundary)\nContent-Type: text/plain\n\nx\n", count: n)
    }

    static func forgedRows() throws -> [BounceRow] {
        try attackerChoosesCoverage() + parserLimits() + replay() + outsideTheHash() + noVerdictOnPurpose()
            + earlierForgeries()
    }

    /// (a) The forger picks how much body is checked.
    static func attackerChoosesCoverage() throws -> [BounceRow] {
        let f = try Forge(), m = try Forge(Originals.multi)
        let b = f.boundary
        func withoutProofParts(_ x: [UInt8], _ boundary: String) -> [UInt8] {
            let at = x.firstRange(of: Array("\n--\(boundary)\nContent-Type: \(ProofNames.statementType)".utf8))!
            return Array(x[..<at.lowerBound]) + [0x0A]
        }
        let attachment = m.part("application/octet-stream").body
        var badAttachment = m.signed
        badAttachment[attachment.startIndex + 10] = badAttachment[attachment.startIndex + 10] == 0x41 ? 0x42 : 0x41
        let pasted = "----- Original message -----\n\n"
        var rows: [BounceRow] = [
            .init(
                name: "(a) closing delimiter removed, body altered",
                bounce: bounce(of: alter(f.signed).replacingFirst("--\(b)--", with: "")), verdict: "fail", reason: altered),
            .init(
                name: "(a) closing delimiter removed, two-part body altered",
                bounce: bounce(of: alter(m.signed).replacingFirst("--\(m.boundary)--", with: "")), verdict: "fail",
                reason: altered),
            .init(
                name: "(a) closing delimiter and proof parts removed, body altered",
                bounce: bounce(of: withoutProofParts(alter(f.signed), b)), verdict: "fail", reason: unverifiable),
            .init(
                name: "(a) closing delimiter and proof parts removed, two-part body altered",
                bounce: bounce(of: withoutProofParts(alter(m.signed), m.boundary)), verdict: "fail", reason: altered),
            .init(
                name: "(a) boundary parameter changed, body altered",
                bounce: bounce(of: alter(f.signed).replacingFirst("boundary=\"\(b)\"", with: "boundary=\"spam\"")),
                verdict: "fail", reason: altered),
            .init(
                name: "(a) boundary parameter changed to a forged part's",
                bounce: bounce(
                    of: f.head.replacingFirst("boundary=\"\(b)\"", with: "boundary=\"spam\"")
                        + Array("--spam\nContent-Type: text/plain\n\n\(spam)--spam--\n".utf8) + f.body), verdict: "fail",
                reason: unverifiable),
        ]
        for type in ["text/rfc822-headers", "text/rfc822-header", "message/global-headers", "message/partial"] {
            rows.append(
                .init(
                    name: "(a) part labelled \(type) carrying the altered body",
                    bounce: Bounces.report([(type, alter(f.signed))]), verdict: "fail", reason: altered))
        }
        rows += [
            .init(
                name: "(a) part labelled text/rfc822-headers carrying an altered two-part body",
                bounce: Bounces.report([("text/rfc822-headers", alter(m.signed))]), verdict: "fail", reason: altered),
            .init(
                name: "(a) message/rfc822 cut right after the altered text",
                bounce: Bounces.report([("message/rfc822", alter(f.signed).cut(after: "SPAMMY"))]), verdict: "fail",
                reason: unverifiable),
            .init(
                name: "(a) message/rfc822 cut 6 KB after the altered text (past a checkpoint)",
                bounce: Bounces.report([("message/rfc822", alter(m.signed).cut(after: "SPAMMY", plus: 6_000))]),
                verdict: "fail", reason: altered),
            .init(
                name: "(a) text/rfc822-headers cut inside an altered attachment",
                bounce: Bounces.report([("text/rfc822-headers", Array(badAttachment.prefix(attachment.startIndex + 30_000)))]),
                verdict: "fail", reason: "returned body does not match its hash (part 2)"),
            .init(
                name: "(a) altered copy pasted inline, qmail style", bounce: Bounces.qmail(alter(f.signed)), verdict: "fail",
                reason: altered),
            .init(
                name: "(a) altered two-part copy pasted inline, qmail style", bounce: Bounces.qmail(alter(m.signed)),
                verdict: "fail", reason: altered),
            .init(
                name: "(a) altered copy pasted inline and cut after the change, qmail style",
                bounce: Bounces.qmail(alter(f.signed).cut(after: "SPAMMY")), verdict: "fail", reason: unverifiable),
            .init(
                name: "(a) altered copy pasted inline, Exim style", bounce: Bounces.exim(alter(f.signed)), verdict: "fail",
                reason: altered),
            .init(
                name: "(a) altered copy in a DSN's text part, genuine headers-only part attached",
                bounce: Bounces.report(
                    text: pasted + String(decoding: alter(f.signed), as: UTF8.self),
                    [("text/rfc822-headers", headerBlock(f.signed))]), verdict: "fail", reason: altered),
            .init(
                name: "(a) altered copy in a DSN's text part, genuine whole copy attached",
                bounce: Bounces.report(
                    text: pasted + String(decoding: alter(f.signed), as: UTF8.self), [("message/rfc822", f.signed)]),
                verdict: "fail", reason: altered),
        ]
        return rows
    }

    /// (b) What once were disagreements between two parsers: now limits,
    /// which can only lower the verdict.
    static func parserLimits() throws -> [BounceRow] {
        let f = try Forge()
        let b = f.boundary
        let pad = String(repeating: " ", count: (1 << 20) + 4_096)  // past LineSplitter.maxLine
        let statementDelimiter = "--\(b)\nContent-Type: \(ProofNames.statementType)"
        let filler = Array(String(repeating: String(repeating: "filler ", count: 10) + "\n", count: (9 << 20) / 71).utf8)
        let other = try Forge(Array(Samples.plain().replacingOccurrences(of: "plain.1@", with: "other.2@").utf8))
        let otherProof =
            "--\(other.boundary)\nContent-Type: \(ProofNames.statementType)\n\n"
            + String(decoding: other.statement, as: UTF8.self) + "--\(b)\nContent-Type: \(ProofNames.clearsignType)\n\n"
            + String(decoding: other.clearsign, as: UTF8.self) + "\n"
        return [
            .init(
                name: "(b) delimiter line padded past the line limit, spam part behind it",
                bounce: bounce(
                    of: f.signed.inserting("--\(b)\(pad)\nContent-Type: text/plain\n\n\(spam)", before: statementDelimiter)),
                verdict: "fail", reason: limitReached),
            .init(
                name: "(b) closing delimiter padded past the line limit, spam behind it",
                bounce: bounce(of: f.signed.replacingFirst("--\(b)--", with: "--\(b)--\(pad)\n\(spam)")), verdict: "fail",
                reason: "malformed proof: a proof part cut short holds what the proof does not"),
            .init(
                name: "(b) the bounce's own delimiter padded past the line limit before an altered return",
                bounce: Bounces.report([("message/rfc822", alter(f.signed))]).replacingFirst(
                    "--test-bounce\nContent-Type: message/rfc822", with: "--test-bounce\(pad)\nContent-Type: message/rfc822"),
                verdict: "fail", reason: "no returned message"),
            .init(
                name: "(b) the bounce's own delimiter padded past the line limit before a genuine return",
                bounce: Bounces.report([("message/rfc822", f.signed)]).replacingFirst(
                    "--test-bounce\nContent-Type: message/rfc822", with: "--test-bounce\(pad)\nContent-Type: message/rfc822"),
                verdict: "fail", reason: "no returned message"),
            .init(
                name: "(b) 2,100 parts before the proof parts",
                bounce: bounce(of: f.signed.inserting(manyParts(2_100, boundary: b), before: statementDelimiter)),
                verdict: "fail", reason: moreParts),
            .init(
                name: "(b) body altered, then 2,100 parts before the proof parts",
                bounce: bounce(of: alter(f.signed).inserting(manyParts(2_100, boundary: b), before: statementDelimiter)),
                verdict: "fail", reason: altered),
            .init(
                name: "(b) 2,100 parts, then another message's proof parts before ours",
                bounce: bounce(of: f.signed.inserting(manyParts(2_100, boundary: b) + otherProof, before: statementDelimiter)),
                verdict: "fail", reason: moreParts),
            .init(
                name: "(b) 2,100 parts in the bounce before an altered return",
                bounce: Bounces.report([
                    ("multipart/mixed; boundary=\"inner\"", Array((manyParts(2_100, boundary: "inner") + "--inner--\n").utf8)),
                    ("message/rfc822", alter(f.signed)),
                ]),
                verdict: "fail", reason: limitReached),
            .init(
                name: "(b) over 8 MiB: genuine return, filler, altered return",
                bounce: Bounces.report([
                    ("message/rfc822", f.signed), ("text/plain", filler), ("message/rfc822", alter(f.signed)),
                ]),
                verdict: "fail", reason: altered),
            .init(
                name: "(b) over 8 MiB: altered return, filler, genuine return",
                bounce: Bounces.report([
                    ("message/rfc822", alter(f.signed)), ("text/plain", filler), ("message/rfc822", f.signed),
                ]),
                verdict: "fail", reason: altered),
            .init(
                name: "(b) over 8 MiB: genuine header block, filler, altered return",
                bounce: Bounces.report([
                    ("text/rfc822-headers", headerBlock(f.signed)), ("text/plain", filler), ("message/rfc822", alter(f.signed)),
                ]), verdict: "fail", reason: altered),
        ]
    }

    /// (c) Replay: the proof is bound to whom the message was sent.
    static func replay() throws -> [BounceRow] {
        let f = try Forge()
        let env = try Forge(envelope: ["bob@example.net"])
        let victim = "victim@other.example"
        let spamHeader = "From: Spammer <spam@spam.example>\nTo: \(victim)\nSubject: cheap watches\n"
        func headerSwap(_ m: [UInt8], _ old: String, _ new: String) -> [UInt8] { m.replacingFirst(old, with: new) }
        return [
            .init(
                name: "(c) re-sent verbatim to another victim, returned whole",
                bounce: bounce(of: env.signed, recipient: victim), verdict: "fail", reason: wrongRecipient),
            .init(
                name: "(c) re-sent verbatim to another victim, headers only",
                bounce: bounce(of: env.signed, type: "text/rfc822-headers", recipient: victim), verdict: "fail",
                reason: wrongRecipient),
            .init(
                name: "(c) re-sent verbatim to another victim, Exim X-Failed-Recipients",
                bounce: Bounces.exim(env.signed, recipient: victim), verdict: "fail", reason: wrongRecipient),
            .init(
                name: "(c) re-sent verbatim to another victim, named as Original-Recipient",
                bounce: Bounces.report([("message/rfc822", env.signed)], recipient: victim, original: victim),
                verdict: "fail", reason: wrongRecipient),
            .init(
                name: "(c) re-sent with the victim added as Cc",
                bounce: bounce(of: env.signed.inserting("Cc: \(victim)\n", before: "Subject: "), recipient: victim),
                verdict: "fail", reason: wrongRecipient),
            .init(
                name: "(c) re-sent with To rewritten to the victim",
                bounce: bounce(of: headerSwap(env.signed, "To: Bob <bob@example.net>", "To: \(victim)"), recipient: victim),
                verdict: "fail", reason: headersAltered),
            .init(
                // Display names are not bound (bouncesign(1)): the address is.
                name: "(c) From address rewritten",
                bounce: bounce(of: headerSwap(f.signed, "From: Alice <alice@", "From: Alice <mallory@")),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) To rewritten", bounce: bounce(of: headerSwap(f.signed, "To: Bob <bob@", "To: Eve <eve@")),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) Subject rewritten",
                bounce: bounce(of: headerSwap(f.signed, "Subject: test", "Subject: cheap watches")),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) Date rewritten", bounce: bounce(of: headerSwap(f.signed, "Sun, 29 Nov 2026", "Mon, 30 Nov 2026")),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) Subject rewritten, headers only",
                bounce: bounce(of: headerSwap(f.signed, "Subject: test", "Subject: cheap watches"), type: "text/rfc822-headers"),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) header proof and Message-ID copied into spam, headers only",
                bounce: bounce(
                    of: Array((f.proofHeader + "\nMessage-ID: <plain.1@example.org>\n" + spamHeader + "\n" + spam).utf8),
                    type: "text/rfc822-headers"), verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) header proof and Message-ID copied into spam, returned whole",
                bounce: bounce(
                    of: Array((f.proofHeader + "\nMessage-ID: <plain.1@example.org>\n" + spamHeader + "\n" + spam).utf8)),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(c) every signed header field copied onto spam, returned whole",
                bounce: bounce(
                    of: headerBlock(f.withoutHeader(f.signed).replacingFirst("MIME-Version: 1.0\n", with: "")).inserting(
                        f.proofHeader + "\n", before: "From: ") + Array(spam.utf8)),
                verdict: "fail", reason: unverifiable),
            .init(
                name: "(c) every signed header field copied onto spam to another victim, headers only",
                bounce: bounce(of: headerBlock(env.signed) + Array(spam.utf8), type: "text/rfc822-headers", recipient: victim),
                verdict: "fail", reason: wrongRecipient),
        ]
    }

    /// (d) Content outside the hash: covered now, or refused.
    static func outsideTheHash() throws -> [BounceRow] {
        let f = try Forge(), m = try Forge(Originals.multi), nested = try Forge(Array(Samples.nested.utf8))
        let b = f.boundary
        let statementDelimiter = "--\(b)\nContent-Type: \(ProofNames.statementType)"
        func moved(_ x: Forge, alternative: Bool) -> [UInt8] {
            let parts = x.parsed.parts.map { Array($0.raw) }
            let order = [parts[parts.count - 2], parts[parts.count - 1]] + parts.dropLast(2)
            var out = x.head
            if alternative { out = out.replacingFirst("multipart/mixed", with: "multipart/alternative") }
            for p in order { out += Array("--\(x.boundary)\n".utf8) + p + [0x0A] }
            return out + Array("--\(x.boundary)--\n".utf8)
        }
        let hidden = "Message-ID: <spam.1@example.org>\rMessage-ID: <plain.1@example.org>"
        return [
            .init(
                name: "(d) preamble added", bounce: bounce(of: f.head + Array(spam.utf8) + f.body), verdict: "fail", reason: shape
            ),
            .init(
                name: "(d) preamble added, two-part body", bounce: bounce(of: m.head + Array(spam.utf8) + m.body),
                verdict: "fail",
                reason: shape),
            .init(
                name: "(d) a nested preamble changed",
                bounce: bounce(of: nested.signed.replacingFirst("This is a preamble.", with: "Buy cheap watches!")),
                verdict: "fail", reason: shape),
            .init(name: "(d) epilogue added", bounce: bounce(of: f.signed + Array(spam.utf8)), verdict: "fail", reason: shape),
            .init(
                name: "(d) epilogue added, two-part body", bounce: bounce(of: m.signed + Array(spam.utf8)), verdict: "fail",
                reason: shape),
            .init(
                name: "(d) a nested epilogue changed",
                bounce: bounce(of: nested.signed.replacingFirst("Epilogue.", with: "Buy cheap watches!")), verdict: "fail",
                reason: shape),
            .init(
                name: "(d) charset parameter changed",
                bounce: bounce(of: f.signed.replacingFirst("charset=utf-8", with: "charset=iso-8859-1")), verdict: "fail",
                reason: altered),
            .init(
                name: "(d) charset changed to utf-16 and the text with it",
                bounce: bounce(of: alter(f.signed.replacingFirst("charset=utf-8", with: "charset=utf-16"))), verdict: "fail",
                reason: altered),
            .init(
                name: "(d) content parameter added",
                bounce: bounce(of: f.signed.replacingFirst("charset=utf-8", with: "charset=utf-8; format=flowed")),
                verdict: "fail", reason: altered),
            .init(
                name: "(d) text/plain relabelled text/html",
                bounce: bounce(of: f.signed.replacingFirst("Content-Type: text/plain", with: "Content-Type: text/html")),
                verdict: "fail", reason: altered),
            .init(
                name: "(d) text after the END PGP SIGNATURE line",
                bounce: bounce(
                    of: f.signed.replacingFirst("-----END PGP SIGNATURE-----", with: "-----END PGP SIGNATURE-----\n\(spam)")),
                verdict: "fail", reason: "malformed proof: clearsign part: clearsigned text has text after its signature block"),
            .init(
                name: "(d) text after the END PGP SIGNATURE line, header proof removed",
                bounce: bounce(
                    of: f.withoutHeader(
                        f.signed.replacingFirst("-----END PGP SIGNATURE-----", with: "-----END PGP SIGNATURE-----\n\(spam)"))),
                verdict: "fail", reason: "malformed proof: clearsign part: clearsigned text has text after its signature block"),
            .init(
                name: "(d) text after the statement in its part",
                bounce: bounce(of: f.signed.inserting(spam, before: "--\(b)\nContent-Type: \(ProofNames.clearsignType)")),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(
                name: "(d) armor Comment: line added",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "-----BEGIN PGP SIGNATURE-----\n", with: "-----BEGIN PGP SIGNATURE-----\nComment: \(spam)")),
                verdict: "fail", reason: "clearsign part holds more than the statement and its signature"),
            .init(
                name: "(d) armor Version: line added",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "-----BEGIN PGP SIGNATURE-----\n", with: "-----BEGIN PGP SIGNATURE-----\nVersion: Buy cheap watches\n")),
                verdict: "fail", reason: "clearsign part holds more than the statement and its signature"),
            .init(
                name: "(d) armor Comment: line added after Hash:",
                bounce: bounce(of: f.signed.replacingFirst("Hash: SHA256\n", with: "Hash: SHA256\nComment: \(spam)")),
                verdict: "fail", reason: "clearsign part holds more than the statement and its signature"),
            .init(
                name: "(d) proof parts moved up, container made multipart/alternative",
                bounce: bounce(of: alter(moved(f, alternative: true))), verdict: "fail", reason: altered),
            .init(
                name: "(d) proof parts moved up, container made multipart/alternative, text unchanged",
                bounce: bounce(of: moved(f, alternative: true)), verdict: "fail", reason: altered),
            .init(
                name: "(d) proof parts moved up", bounce: bounce(of: moved(f, alternative: false)), verdict: "fail",
                reason: altered),
            .init(
                name: "(d) container made multipart/alternative",
                bounce: bounce(of: f.signed.replacingFirst("multipart/mixed", with: "multipart/alternative")), verdict: "fail",
                reason: altered),
            .init(
                name: "(d) a second Message-ID field after ours",
                bounce: bounce(of: f.signed.inserting("Message-ID: <spam.1@example.org>\n", before: "MIME-Version:")),
                verdict: "fail", reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) a second Message-ID field before ours",
                bounce: bounce(of: f.signed.inserting("Message-ID: <spam.1@example.org>\n", before: "From: ")), verdict: "fail",
                reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) a second Message-ID field, headers only",
                bounce: bounce(
                    of: f.signed.inserting("Message-ID: <spam.1@example.org>\n", before: "MIME-Version:"),
                    type: "text/rfc822-headers"), verdict: "fail", reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) white space inside the Message-ID's brackets, at the end",
                bounce: bounce(of: f.signed.replacingFirst("<plain.1@example.org>\n", with: "<plain.1@example.org >\n")),
                verdict: "fail", reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(d) white space inside the Message-ID's brackets, at the start",
                bounce: bounce(of: f.signed.replacingFirst("Message-ID: <plain", with: "Message-ID: < plain")), verdict: "fail",
                reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(d) white space inside the Message-ID's brackets, before @",
                bounce: bounce(of: f.signed.replacingFirst("Message-ID: <plain.1@", with: "Message-ID: <plain.1 @")),
                verdict: "fail", reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(d) our Message-ID hidden behind a bare CR",
                bounce: bounce(of: f.signed.replacingFirst("Message-ID: <plain.1@example.org>", with: hidden)), verdict: "fail",
                reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) our Message-ID hidden behind a bare CR in another field",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "Message-ID: <plain.1@example.org>",
                        with: "X-Note: x\rMessage-ID: <plain.1@example.org>\nMessage-ID: <spam.1@example.org>")),
                verdict: "fail", reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) our Message-ID hidden behind a bare CR, headers only",
                bounce: bounce(
                    of: f.signed.replacingFirst("Message-ID: <plain.1@example.org>", with: hidden), type: "text/rfc822-headers"),
                verdict: "fail", reason: "returned message has more than one Message-ID"),
            .init(
                name: "(d) two boundary= parameters, the forger's first",
                bounce: bounce(
                    of: f.head.replacingFirst("boundary=\"\(b)\"", with: "boundary=\"spam\"; boundary=\"\(b)\"")
                        + Array("--spam\nContent-Type: text/plain\n\n\(spam)--spam--\n".utf8) + f.body), verdict: "fail",
                reason: unverifiable),
            .init(
                name: "(d) two boundary= parameters, the forger's second",
                bounce: bounce(
                    of: f.head.replacingFirst("boundary=\"\(b)\"", with: "boundary=\"\(b)\"; boundary=\"spam\"")
                        + Array("--spam\nContent-Type: text/plain\n\n\(spam)--spam--\n".utf8) + f.body), verdict: "fail",
                reason: shape),
            .init(
                name: "(d) two boundary= parameters, spam part under ours",
                bounce: bounce(
                    of: f.signed.replacingFirst("boundary=\"\(b)\"", with: "boundary=\"\(b)\"; boundary=\"spam\"").inserting(
                        "--\(b)\nContent-Type: text/plain\n\n\(spam)", before: statementDelimiter)), verdict: "fail",
                reason: moreParts),
        ]
    }

    /// (e) Proof data GnuPG reads without finding a signature: a verdict,
    /// never "try again later".
    static func noVerdictOnPurpose() throws -> [BounceRow] {
        let f = try Forge()
        var seed: UInt32 = 0x1234_5678
        let random = (0..<64).map { _ -> UInt8 in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: seed >> 24)
        }
        let packets: [(String, [UInt8])] = [
            ("a marker packet", [0xA8, 0x03, 0x50, 0x47, 0x50]),
            ("a user ID packet", [0xB4, 0x05] + Array("Alice".utf8)),
            ("a one-pass signature packet", [0x90, 0x0D, 0x03, 0x01, 0x08, 0x16] + Array(repeating: 0x5A, count: 8) + [0x01]),
            ("a trust packet", [0xB0, 0x02, 0x00, 0x00]),
            ("random bytes", random),
            ("an empty string", []),
        ]
        var rows: [BounceRow] = []
        for (what, packet) in packets {
            rows.append(
                .init(
                    name: "(e) Bounce-Signature b= holding \(what), headers only",
                    bounce: bounce(of: f.withHeader(f.header(signature: packet)), type: "text/rfc822-headers"), verdict: "fail",
                    reason: "malformed proof: Bounce-Signature header"))
            rows.append(
                .init(
                    name: "(e) clearsign part armor holding \(what)",
                    bounce: bounce(
                        of: f.withoutHeader(f.replacing(ProofNames.clearsignType, with: f.clearsigned(signature: packet)))),
                    verdict: "fail", reason: "malformed proof: clearsign part: signature packet"))
        }
        // The right shape, garbage inside: it reaches GnuPG.
        let shaped: [UInt8] = [0x88, 0x0E, 0x04, 0x01, 0x16, 0x08, 0x00, 0x00, 0x00, 0x00, 0xAB, 0xCD, 0x00, 0x08, 0xFF, 0x00]
        rows.append(
            .init(
                name: "(e) a signature packet of the right shape with garbage inside, headers only",
                bounce: bounce(of: f.withHeader(f.header(signature: shaped)), type: "text/rfc822-headers"), verdict: "fail",
                reason: "malformed signature"))
        return rows
    }

    /// (f) The forgeries of issue 5, in format 2.
    static func earlierForgeries() throws -> [BounceRow] {
        let f = try Forge()
        let other = try Forge(Array(Samples.plain().replacingOccurrences(of: "plain.1@", with: "other.2@").utf8))
        let k = f.keyring
        let spoiled = try SpoiledKeys(for: f)
        let now = Int(Date().timeIntervalSince1970)
        setenv("GNUPGHOME", k.home, 1)
        let signer = MessageSigner(signer: GPGSigner(setup: GPGSetup(homedir: k.home), fingerprint: k.trusted), hostname: "x")
        let plain = Array(Samples.plain().utf8)
        let headersOnly = { (m: [UInt8]) in bounce(of: m, type: "text/rfc822-headers") }
        let byOther = try signed(plain, config: try k.config(named: "forge-other.conf", key: k.other, trust: [k.trusted]))
        let b = f.boundary
        let old = try signer.sign(plain, now: now - 8 * 86_400).bytes
        let spamID = f.signed.replacingFirst("Message-ID: <plain.1@example.org>", with: "Message-ID: <spam.1@example.org>")
        func partsOnly(_ statement: [UInt8]) throws -> [UInt8] {
            f.withoutHeader(try f.carrying(statement: statement, keys: [k.trusted]))
        }
        let invalid = "invalid statement: "
        return [
            .init(
                name: "(f) no proof at all", bounce: bounce(of: plain), verdict: "fail",
                reason: "returned message carries no proof"),
            .init(
                name: "(f) no proof, headers only", bounce: headersOnly(plain), verdict: "fail",
                reason: "returned message carries no proof"),
            .init(
                name: "(f) body changed under a valid statement", bounce: bounce(of: alter(f.signed)), verdict: "fail",
                reason: altered),
            .init(
                name: "(f) signed by a key in the keyring that is not trusted", bounce: bounce(of: byOther), verdict: "fail",
                reason: "signed by untrusted key \(k.other)"),
            .init(
                name: "(f) signed by an untrusted key, headers only", bounce: headersOnly(byOther), verdict: "fail",
                reason: "signed by untrusted key \(k.other)"),
            .init(
                name: "(f) statement part differs: n",
                bounce: bounce(of: f.replacing(ProofNames.statementType, with: f.statement(replacing: "n", with: "00"))),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(
                name: "(f) statement part differs: id",
                bounce: bounce(of: f.replacing(ProofNames.statementType, with: f.statement(replacing: "id", with: "<spam@x>"))),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(
                name: "(f) statement part differs: l",
                bounce: bounce(
                    of: f.replacing(
                        ProofNames.statementType, with: f.statement(replacing: "l", with: "45 AAAAAAAAAAAAAAAAAAAAAA"))),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(name: "(f) statement older than max-age", bounce: bounce(of: old), verdict: "fail", reason: "s old)"),
            .init(
                name: "(f) statement older than max-age, headers only", bounce: headersOnly(old), verdict: "fail",
                reason: "s old)"),
            .init(
                name: "(f) timestamp in the future", bounce: bounce(of: try signer.sign(plain, now: now + 86_400).bytes),
                verdict: "fail", reason: "in the future"),
            .init(
                name: "(f) returned Message-ID changed", bounce: bounce(of: spamID), verdict: "fail",
                reason: "statement is for another message (<plain.1@example.org>)"),
            .init(
                name: "(f) returned Message-ID changed, headers only", bounce: headersOnly(spamID), verdict: "fail",
                reason: "statement is for another message (<plain.1@example.org>)"),
            .init(
                name: "(f) another message's proof parts",
                bounce: bounce(of: f.replacing(ProofNames.clearsignType, with: other.clearsign)), verdict: "fail",
                reason: "proof header differs from proof part"),
            .init(
                name: "(f) another message's header proof, headers only",
                bounce: headersOnly(f.withHeader(other.proofHeader)), verdict: "fail",
                reason: "statement is for another message (<other.2@example.org>)"),
            .init(
                name: "(f) header proof from another message than the parts", bounce: bounce(of: f.withHeader(other.proofHeader)),
                verdict: "fail", reason: "proof header differs from proof part"),
            .init(
                name: "(f) our header proof and Message-ID on another body, returned whole",
                bounce: bounce(of: Array((f.proofHeader + "\nMessage-ID: <plain.1@example.org>\n\n\(spam)").utf8)),
                verdict: "fail", reason: headersAltered),
            .init(
                name: "(f) two proof headers", bounce: bounce(of: Array((f.proofHeader + "\n").utf8) + f.signed), verdict: "fail",
                reason: "more than one proof in the returned message"),
            .init(
                name: "(f) two proof headers, headers only", bounce: headersOnly(Array((f.proofHeader + "\n").utf8) + f.signed),
                verdict: "fail", reason: "more than one proof in the returned message"),
            .init(
                name: "(f) two statement parts",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "Content-Type: \(ProofNames.clearsignType)",
                        with: "Content-Type: \(ProofNames.statementType)\n\nx\n--\(b)\nContent-Type: \(ProofNames.clearsignType)")
                ),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(
                name: "(f) two clearsign parts",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "Content-Type: \(ProofNames.statementType)",
                        with: "Content-Type: \(ProofNames.clearsignType)\n\n" + String(decoding: f.clearsign, as: UTF8.self)
                            + "\n--\(b)\nContent-Type: \(ProofNames.statementType)")), verdict: "fail", reason: moreParts),
            .init(
                name: "(f) two signatures on one statement",
                bounce: bounce(of: try f.carrying(statement: f.statement, keys: [k.trusted, k.other])), verdict: "fail",
                reason: "malformed proof: clearsign part: signature packet is not exactly one packet"),
            .init(
                name: "(f) signature wrapping: text before the signed block",
                bounce: bounce(of: f.replacing(ProofNames.clearsignType, with: Array("id: <spam@x>\n".utf8) + f.clearsign)),
                verdict: "fail", reason: "malformed proof: clearsign part: clearsigned text does not start with"),
            .init(
                name: "(f) signature wrapping: a second signed block",
                bounce: bounce(of: f.replacing(ProofNames.clearsignType, with: other.clearsign + [0x0A] + f.clearsign)),
                verdict: "fail", reason: "malformed proof: clearsign part"),
            .init(
                name: "(f) statement shown differs from statement signed",
                bounce: bounce(of: f.editingClearsign("\nt: ", to: "\nt: 9")),
                verdict: "fail", reason: "statement part differs from the signed statement"),
            .init(
                name: "(f) nonce changed in the statement and clearsign parts",
                bounce: bounce(of: f.editingClearsign("\nn: ", to: "\nn: 1", statementToo: true)),
                verdict: "fail", reason: "bad signature"),
            .init(
                name: "(f) hash armor header changed", bounce: bounce(of: f.editingClearsign("Hash: SHA256", to: "Hash: SHA1")),
                verdict: "fail", reason: "clearsign part holds more than the statement and its signature"),
            .init(
                name: "(f) a detached signature instead of a clearsign",
                bounce: bounce(
                    of: f.withoutHeader(
                        f.replacing(
                            ProofNames.clearsignType,
                            with: Array(
                                f.clearsign.split(separator: 0x0A).drop(while: {
                                    !$0.starts(with: Array("-----BEGIN PGP SIGNATURE".utf8))
                                }).joined(separator: [0x0A]))))),
                verdict: "fail", reason: "malformed proof: clearsign part: clearsigned text does not start with"),
            .init(
                name: "(f) signature by an expired key", bounce: bounce(of: spoiled.expiredSigned), verdict: "fail",
                reason: "signing key has expired", config: spoiled.config),
            .init(
                name: "(f) signature by a revoked key", bounce: bounce(of: spoiled.revokedSigned), verdict: "fail",
                reason: "signing key is revoked", config: spoiled.config),
            .init(
                name: "(f) statement version 3, validly signed",
                bounce: bounce(of: try partsOnly(f.statement(replacing: "bouncesign-statement", with: "3"))), verdict: "fail",
                reason: invalid + "statement version 3 is not supported"),
            .init(
                name: "(f) statement without leaves, validly signed",
                // No l line: the statement says there is no content.
                bounce: bounce(of: try partsOnly(f.statement(replacing: "l", with: ""))),
                verdict: "fail", reason: "it has more parts than were signed"),
            .init(
                name: "(f) statement with a malformed h, validly signed",
                bounce: bounce(of: try partsOnly(f.statement(replacing: "h", with: "from:to nonsense"))), verdict: "fail",
                reason: invalid + "statement field h is malformed"),
            .init(
                name: "(f) statement with a malformed timestamp, validly signed",
                bounce: bounce(of: try partsOnly(f.statement(replacing: "t", with: "soon"))), verdict: "fail",
                reason: invalid + "statement field t is malformed"),
            .init(
                name: "(f) statement naming two Message-IDs, validly signed",
                bounce: bounce(of: try partsOnly(f.statement + Array("id: <spam@x>\n".utf8))), verdict: "fail",
                reason: invalid + "statement names id twice"),
            .init(
                name: "(f) header proof with v=3, headers only",
                bounce: headersOnly(f.signed.replacingFirst("v=2;", with: "v=3;")),
                verdict: "fail", reason: "Bounce-Signature header has an unsupported version"),
            .init(
                name: "(f) header proof with bytes added to b=, headers only",
                bounce: headersOnly(f.signed.replacingFirst(" b=", with: " b=QUJD")), verdict: "fail",
                reason: "malformed proof: Bounce-Signature header"),
            .init(
                name: "(f) proof in the bounce, not in the returned message",
                bounce: Array((f.proofHeader + "\n").utf8) + bounce(of: plain), verdict: "fail",
                reason: "returned message carries no proof"),
            .init(
                name: "(f) bounce of a bounce of our message",
                bounce: bounce(of: Array("Message-ID: <plain.1@example.org>\n".utf8) + bounce(of: f.signed)), verdict: "fail",
                reason: "returned message carries no proof"),
            .init(
                name: "(f) deeply nested message/rfc822", bounce: (0..<40).reduce(f.signed) { m, _ in bounce(of: m) },
                verdict: "fail", reason: "returned message carries no proof"),
            .init(
                name: "(f) encoded-word Message-ID",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "Message-ID: <plain.1@example.org>", with: "Message-ID: =?utf-8?q?<plain.1@example.org>?=")),
                verdict: "fail", reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(f) Message-ID with a comment added",
                bounce: bounce(
                    of: f.signed.replacingFirst(
                        "Message-ID: <plain.1@example.org>", with: "Message-ID: <plain.1@example.org> (x)")),
                verdict: "fail", reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(f) NUL byte in the Message-ID",
                bounce: bounce(of: f.signed.replacingFirst("Message-ID: <plain.1", with: "Message-ID: <plain\u{0}.1")),
                verdict: "fail",
                reason: "returned message has a malformed Message-ID"),
            .init(
                name: "(f) NUL bytes in the statement part",
                bounce: bounce(of: f.replacing(ProofNames.statementType, with: f.statement + [0, 0])), verdict: "fail",
                reason: "statement part differs from the signed statement"),
        ]
    }

    /// Genuine bounces: each must pass, saying how much was verified.
    static func genuineRows() throws -> [BounceRow] {
        let f = try Forge(), m = try Forge(Originals.multi), nested = try Forge(Array(Samples.nested.utf8))
        let env = try Forge(envelope: ["bob@example.net"])
        let bcc = try Forge(envelope: ["bob@example.net", "carol.hidden@example.com"])
        let cr = bounce(of: f.signed).map { $0 == 0x0A ? 0x0D : $0 }
        let stripped: [UInt8] = {
            let at = f.signed.firstRange(of: Array("\n--\(f.boundary)\nContent-Type: \(ProofNames.statementType)".utf8))!
            return Array(f.signed[..<at.lowerBound]) + Array("\n--\(f.boundary)--\n".utf8)
        }()
        return [
            .init(
                name: "whole return", bounce: bounce(of: f.signed), verdict: "pass", reason: "body verified",
                annotation: "; bound=headers"),
            .init(
                name: "headers-only return", bounce: bounce(of: f.signed, type: "text/rfc822-headers"), verdict: "pass",
                reason: "headers only"),
            .init(name: "CR-only line ends", bounce: cr, verdict: "pass", reason: "body verified"),
            .init(
                name: "two-part message returned whole", bounce: bounce(of: m.signed), verdict: "pass", reason: "body verified"),
            .init(
                name: "nested multiparts returned whole", bounce: bounce(of: nested.signed), verdict: "pass",
                reason: "body verified"),
            .init(
                name: "OpenSMTPD: cut at 64 KiB inside the attachment, in text/rfc822-headers",
                bounce: Bounces.openSMTPD(m.signed),
                verdict: "pass", reason: "1 of 2 parts and the first "),
            .init(
                name: "proof parts stripped by a gateway, header proof kept", bounce: bounce(of: stripped), verdict: "pass",
                reason: "body verified"),
            .init(
                name: "copy pasted inline, qmail style", bounce: Bounces.qmail(f.signed), verdict: "pass", reason: "body verified"
            ),
            .init(
                name: "copy pasted inline, Exim style", bounce: Bounces.exim(f.signed), verdict: "pass", reason: "body verified"),
            .init(
                name: "signed with its envelope, bounced for a To recipient",
                bounce: bounce(of: env.signed, recipient: "bob@example.net"),
                verdict: "pass", reason: "body verified", annotation: "; bound=recipients"),
            .init(
                name: "signed with its envelope, headers only",
                bounce: bounce(of: env.signed, type: "text/rfc822-headers", recipient: "bob@example.net"), verdict: "pass",
                reason: "headers only", annotation: "; bound=recipients"),
            .init(
                name: "signed with its envelope, bounced for the Bcc recipient",
                bounce: bounce(of: bcc.signed, recipient: "carol.hidden@example.com"), verdict: "pass", reason: "body verified",
                annotation: "; bound=bcc"),
        ]
    }
}
