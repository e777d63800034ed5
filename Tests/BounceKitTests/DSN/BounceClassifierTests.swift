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
