// Genuinely signed messages and their bounces, made at start-up with the
// stub signer: the seeds every oracle starts from. Signing is made
// deterministic (the random nonce and wrapping boundary are replaced by
// fixed ones after signing, before the statement is registered as genuine),
// so that a seed, a corpus entry or a finding file reads the same in every
// run of the fuzzer.

/// One message bouncesign signed, as the oracles know it.
struct GenuineMessage {
    let name: String
    let signed: [UInt8]
    let statement: Statement
    /// What a reader sees of it (proof parts left out).
    let view: ReaderView
    /// Addresses in To and Cc, lower case.
    let visible: Set<String>
    /// Every envelope recipient, when it was signed with an envelope.
    let envelope: Set<String>?
    /// A recipient a bounce of it may name.
    let bounceRecipient: String
}

/// The messages, signed once per process.
enum Genuine {
    static let signatures = GenuineSignatures()
    static let verifier = StubVerifier(genuine: signatures)

    private struct Source {
        let name: String
        let text: String
        let visible: [String]
        let envelope: [String]?
        let bounceRecipient: String
    }

    private static let date = "Date: Sat, 29 Nov 2025 02:41:00 +0000\n"

    private static let sources: [Source] = [
        Source(
            name: "plain",
            text: "From: Alice Example <alice@example.org>\nTo: Bob <bob@example.net>\nCc: carol@example.com\nSubject: Lunch on Friday\n"
                + date + "Message-ID: <g1.fuzz@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"
                + "Hi Bob,\n\nShall we meet at noon?\n\nAlice\n",
            visible: ["bob@example.net", "carol@example.com"], envelope: nil, bounceRecipient: "bob@example.net"),
        Source(
            name: "alternative",
            text: "From: alice@example.org\nTo: dave@example.net\nSubject: =?utf-8?q?Caf=C3=A9?=\n" + date
                + "Message-ID: <g2.fuzz@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"alt-b\"\n\n"
                + "--alt-b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 at 10?\n"
                + "--alt-b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<p>Caf=C3=A9 at 10?</p>\n"
                + "--alt-b--\n",
            visible: ["dave@example.net"], envelope: nil, bounceRecipient: "dave@example.net"),
        Source(
            name: "mixed",
            text: "From: alice@example.org\nTo: erin@example.net\nSubject: the figures\n" + date
                + "Message-ID: <g3.fuzz@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix-b\"\n\n"
                + "This is a multi-part message in MIME format.\n"
                + "--mix-b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nVoil=E0 the figures.\n"
                + "--mix-b\nContent-Type: application/octet-stream; name=\"data.bin\"\nContent-Disposition: attachment; filename=\"data.bin\"\n"
                + "Content-Transfer-Encoding: base64\n\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
                + "--mix-b--\nepilogue\n",
            visible: ["erin@example.net"], envelope: nil, bounceRecipient: "erin@example.net"),
        Source(
            name: "untyped",
            text: "From: alice@example.org\nTo: frank@example.net\nSubject: untyped 8-bit\n" + date
                + "Message-ID: <g4.fuzz@example.org>\n\nBonjour Frank, ça va?\nFrom here on it is fine.\n.\n",
            visible: ["frank@example.net"], envelope: nil, bounceRecipient: "frank@example.net"),
        Source(
            name: "bcc",
            text: "From: alice@example.org\nTo: gina@example.net\nSubject: with a blind copy\n" + date
                + "Message-ID: <g5.fuzz@example.org>\nContent-Type: text/plain\n\nGina, see you.\n",
            visible: ["gina@example.net"], envelope: ["gina@example.net", "hugo@example.com"], bounceRecipient: "hugo@example.com"),
        Source(
            name: "long",
            text: "From: alice@example.org\nTo: ivan@example.net\nSubject: minutes\n" + date
                + "Message-ID: <g6.fuzz@example.org>\nContent-Type: text/plain; charset=us-ascii\n\n"
                + (0..<90).map { "Line \($0) of the minutes, with enough words to fill a line.\n" }.joined(),
            visible: ["ivan@example.net"], envelope: nil, bounceRecipient: "ivan@example.net"),
    ]

    /// The signed messages, by Message-ID.
    static let messages: [GenuineMessage] = sources.map(sign)
    static let byMessageID: [String: GenuineMessage] = Dictionary(uniqueKeysWithValues: messages.map { ($0.statement.messageID, $0) })

    private static func sign(_ s: Source) -> GenuineMessage {
        let signer = MessageSigner(signer: StubSigner(genuine: GenuineSignatures()), hostname: "fuzz.example.org")
        let envelope = s.envelope.map { Envelope.recipients($0) }
        guard let out = try? signer.sign(Array(s.text.utf8), now: fuzzSignedAt, envelope: envelope) else {
            fuzzFail("genuine message \(s.name) could not be signed")
        }
        // Fixed nonce and boundary, then register the statement as genuine.
        let nonce = String(repeating: "0", count: 15) + String(s.name.count % 10)
        var bytes = replace(out.bytes, Array(out.statement.nonce.utf8), with: Array(nonce.utf8))
        if let b = firstRange(of: Array("=_bs_".utf8), in: bytes) {
            let random = Array(bytes[b.upperBound..<b.upperBound + 24])
            bytes = replace(bytes, random, with: Array("fuzz\(s.name)".utf8) + Array(repeating: 0x30, count: 20 - s.name.count))
        }
        var statement = out.statement
        statement.nonce = nonce
        signatures.add(statement: Array(statement.text.utf8))
        return GenuineMessage(
            name: s.name, signed: bytes, statement: statement, view: ReaderView.read(bytes[...]), visible: Set(s.visible),
            envelope: s.envelope.map(Set.init), bounceRecipient: s.bounceRecipient)
    }

    // MARK: bounces

    enum Shape: String, CaseIterable {
        case whole, headers, inline, cut
        /// Cut inside the clearsign part, as OpenSMTPD's 64 KiB chunks can.
        case cutInProof
    }

    /// Where a truncating server could cut `g` with something verified:
    /// inside the long text past its first checkpoint, or inside the last
    /// content part of a multipart; nil for a short single part.
    static func cutPoint(_ g: GenuineMessage) -> Int? {
        if g.name == "long", let body = firstRange(of: [ASCII.lf, ASCII.lf], in: g.signed) { return body.upperBound + 4_600 }
        for b in ["\n--alt-b\n", "\n--mix-b\n"] {
            // The delimiter of the second content part: cut in its header.
            let needle = Array(b.utf8)
            guard let first = firstRange(of: needle, in: g.signed),
                let second = firstRange(of: needle, in: Array(g.signed[first.upperBound...]))
            else { continue }
            return first.upperBound + second.upperBound + 10
        }
        return nil
    }

    /// A bounce of `g` in one of the shapes real servers send.
    static func bounce(_ g: GenuineMessage, _ shape: Shape) -> [UInt8] {
        let status = "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; \(g.bounceRecipient)\nAction: failed\nStatus: 5.1.1\n"
        func report(_ type: String, _ returned: [UInt8], closed: Bool) -> [UInt8] {
            var b = Array(
                ("Return-Path: <>\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: alice@example.org\n"
                    + "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
                    + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"bnc-9f3a\"\n\n"
                    + "--bnc-9f3a\nContent-Type: text/plain\n\nI could not deliver your message.\n"
                    + "--bnc-9f3a\nContent-Type: message/delivery-status\n\n\(status)\n"
                    + "--bnc-9f3a\nContent-Type: \(type)\n\n").utf8)
            b += returned
            if closed { b += Array("\n--bnc-9f3a--\n".utf8) }
            return b
        }
        switch shape {
        case .whole:
            return report("message/rfc822", g.signed, closed: true)
        case .headers:
            let end = firstRange(of: [ASCII.lf, ASCII.lf], in: g.signed)?.lowerBound ?? g.signed.count
            return report("text/rfc822-headers", Array(g.signed[..<(end + 1)]), closed: true)
        case .cut:
            return report("message/rfc822", Array(g.signed[..<cutPoint(g)!]), closed: false)
        case .cutInProof:
            let at = firstRange(of: Array("-----BEGIN PGP SIGNED MESSAGE-----".utf8), in: g.signed)!.upperBound
            return report("message/rfc822", Array(g.signed[..<at]), closed: false)
        case .inline:
            var b = Array(
                ("Return-Path: <>\nFrom: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: alice@example.org\n"
                    + "Subject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: \(g.bounceRecipient)\n"
                    + "Auto-Submitted: auto-replied\n\nThis message was created automatically by mail delivery software.\n\n"
                    + "A message that you sent could not be delivered to one or more of its\nrecipients.\n\n  \(g.bounceRecipient)\n"
                    + "    Unrouteable address\n\n------ This is a copy of the message, including all the headers. ------\n\n").utf8)
            b += g.signed
            return b
        }
    }

    /// A whole bounce of the first message with one word of its text
    /// changed: what the smoke run's broken checker must be caught passing.
    static var alteredBounce: [UInt8] {
        replace(bounce(messages[0], .whole), Array("noon".utf8), with: Array("nine".utf8))
    }

    /// Every seed: each message in each shape, and the altered bounce.
    static var seeds: [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for g in messages {
            out.append(("signed-\(g.name).eml", g.signed))
            for s in Shape.allCases where s != .cut || cutPoint(g) != nil {
                out.append(("bounce-\(g.name)-\(s.rawValue).eml", bounce(g, s)))
            }
        }
        return out
    }
}

func firstRange(of needle: [UInt8], in hay: [UInt8]) -> Range<Int>? {
    guard !needle.isEmpty, hay.count >= needle.count else { return nil }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && hay[i..<i + needle.count].elementsEqual(needle) {
        return i..<i + needle.count
    }
    return nil
}

func replace(_ hay: [UInt8], _ needle: [UInt8], with new: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < hay.count {
        if i + needle.count <= hay.count, hay[i] == needle[0], hay[i..<i + needle.count].elementsEqual(needle) {
            out += new
            i += needle.count
        } else {
            out.append(hay[i])
            i += 1
        }
    }
    return out
}
