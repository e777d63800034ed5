// The kinds that have no sample in the corpus, and the rule that keeps
// ordinary mail from being taken for a bounce.
import Testing

@testable import BounceKit

@Suite("Bounce classifier")
struct BounceClassifierTests {
    static let cases: [(String, String, MessageKind)] = [
        (
            "a person's reply with a bounce-like subject", "From: Bob <bob@example.net>\nSubject: Re: your offer was rejected\n",
            .notBounce
        ),
        (
            "cron mail marked auto-generated", "From: root@example.org\nAuto-Submitted: auto-generated\nSubject: Cron\n",
            .notBounce
        ),
        ("RFC 3834 auto-reply", "From: bob@example.net\nAuto-Submitted: auto-replied\nSubject: Re: hi\n", .autoreply),
        ("vacation subject with X-Autoreply", "From: bob@example.net\nX-Autoreply: yes\nSubject: Out of office\n", .autoreply),
        (
            "challenge-response request",
            "From: bob@example.net\nAuto-Submitted: auto-generated\nSubject: Please confirm your message\n", .challenge
        ),
        (
            "virus notice from the MTA",
            "From: MAILER-DAEMON@mx.example.net\nReturn-Path: <>\nSubject: Virus found in your message\n", .virus
        ),
        (
            "Exim-style failure",
            "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nX-Failed-Recipients: bob@example.net\nSubject: Mail delivery failed\n",
            .failure
        ),
        (
            "delay warning", "From: MAILER-DAEMON@mx.example.net\nReturn-Path: <>\nSubject: Delayed Mail (still being retried)\n",
            .delay
        ),
    ]

    @Test("each kind is told apart, and a subject alone never makes a bounce, as LF and CRLF")
    func kinds() {
        for (name, header, want) in Self.cases {
            for (ends, bytes) in lfAndCRLF(Array((header + "\nbody\n").utf8)) {
                let got = BounceClassifier.classify(BounceOutline.read(bytes[...])).kind
                #expect(got == want, "\(name) (\(ends)): got \(got), want \(want)")
            }
        }
    }
}

extension BounceClassifierTests {
    /// One returned message, pasted into a single-part text body.
    static let pasted =
        "The original message follows.\n\nFrom: alice@example.org\nTo: bob@example.net\nSubject: Our talk\nMessage-ID: <talk.1@example.org>\n\nSee you at ten.\n"

    /// Headers for which each of `textMayMatter`'s questions, alone, says yes.
    static let textHeaders: [(String, String)] = [
        ("report-type parameter", "From: bob@example.net\nContent-Type: text/plain; report-type=feedback-report\n"),
        ("complaint subject", "From: abuse@example.net\nSubject: Complaint about message from example.org\n"),
        ("mailer daemon as sender", "From: MAILER-DAEMON@mx.example.net\nSubject: Hello\n"),
        ("null Return-Path", "From: someone@example.net\nReturn-Path: <>\nSubject: Hello\n"),
        ("X-Failed-Recipients", "From: someone@example.net\nX-Failed-Recipients: bob@example.net\nSubject: Hello\n"),
        ("virus subject", "From: scanner@example.net\nAuto-Submitted: auto-generated\nSubject: Virus found in your message\n"),
        ("challenge", "From: bob@example.net\nX-Challenge: yes\nSubject: Hello\n"),
        ("auto-reply", "From: bob@example.net\nAuto-Submitted: auto-replied\nSubject: Re: Our talk\n"),
    ]

    @Test("a text message's body is read when its header may make it a report, and not kept when it is ordinary")
    func textKeptOnlyWhenItMayMatter() {
        for (name, header) in Self.textHeaders {
            for (ends, bytes) in lfAndCRLF(Array((header + "\n" + Self.pasted).utf8)) {
                let outline = BounceOutline.read(bytes[...])
                let report = BounceClassifier.classify(outline)
                #expect(report.kind != .notBounce, "\(name) (\(ends)): taken for an ordinary message")
                #expect(
                    report.original?.message.header["Message-ID"] == "<talk.1@example.org>",
                    "\(name) (\(ends)): the message pasted into the body was not found")
            }
        }
        let ordinary = "From: carol@example.net\nSubject: Forwarded as text\n\n" + Self.pasted
        for (ends, bytes) in lfAndCRLF(Array(ordinary.utf8)) {
            let outline = BounceOutline.read(bytes[...])
            #expect(BounceClassifier.classify(outline).kind == .notBounce, "ordinary (\(ends))")
            #expect(outline.root.text.isEmpty, "ordinary (\(ends)): its text was kept")
        }
    }
}

@Suite("Bounce reader")
struct BounceReaderTests {
    @Test("a returned message/rfc822 original is read from its decoded body, whatever its transfer encoding")
    func encodedOriginals() {
        let inner = "Message-ID: <x@y>\n\nbody\n"
        let cases: [(String, String)] = [
            ("7bit", inner), ("base64", String(decoding: Base64.encodeLines(Array(inner.utf8)), as: UTF8.self)),
            ("quoted-printable", String(decoding: QuotedPrintable.encode(Array(inner.utf8)[...]), as: UTF8.self)),
        ]
        for (cte, body) in cases {
            let s =
                "Content-Type: multipart/report; boundary=r\n\n--r\nContent-Type: message/rfc822\nContent-Transfer-Encoding: \(cte)\n\n\(body)\n--r--\n"
            for (ends, bytes) in lfAndCRLF(Array(s.utf8)) {
                let original = BounceOutline.read(bytes[...]).entities.last?.original
                let got = original?.header["Message-ID"]
                #expect(got == "<x@y>", "\(cte) (\(ends)): got \(got ?? "nil"), want <x@y>")
                #expect(original?.bodyCameBack == true, "\(cte) (\(ends)): the body did not come back")
            }
        }
    }
}

extension BounceClassifierTests {
    @Test("signal fields: names match in any case, the first of a name counts, values are lower-cased")
    func signalFieldsFirstCounts() {
        let header = HeaderParser.parse(
            Array(
                """
                SUBJECT: Out Of Office
                subject: Undelivered Mail
                from: MAILER-DAEMON@mx.example.net
                Return-path: < >
                AUTO-SUBMITTED: Auto-Replied
                precedence: Auto_Reply
                x-failed-recipients: bob@example.net
                X-AUTORESPOND: yes
                x-challenge: 1

                """.utf8)[...]
        ).header
        let f = SignalFields(header)
        #expect(f.subject == "out of office")
        #expect(f.from == "mailer-daemon@mx.example.net")
        #expect(f.returnPath == "< >")
        #expect(f.autoSubmitted == "auto-replied" && f.hasAutoSubmitted)
        #expect(f.precedence == "auto_reply")
        #expect(f.hasFailedRecipients && f.hasAutoreplyMarker && f.hasChallenge)
        #expect(BounceSignals.mayBeFromMTA(f) && BounceSignals.isAutoReply(f))
    }

    @Test("signal fields: a field that is absent reads as empty, and a name that only starts the same does not match")
    func signalFieldsAbsent() {
        let header = HeaderParser.parse(
            Array("Subject-Extra: bounce\nFrom: bob@example.net\nX-Challenge-Response: 1\n\n".utf8)[...]
        ).header
        let f = SignalFields(header)
        #expect(f.subject.isEmpty && f.returnPath.isEmpty && f.autoSubmitted.isEmpty)
        #expect(!f.hasAutoSubmitted && !f.hasFailedRecipients && !f.hasAutoreplyMarker && !f.hasChallenge)
        #expect(!BounceSignals.mayBeFromMTA(f))
    }
}
