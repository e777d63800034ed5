// Whom a re-injected message goes to (Envelope, from the sendmail command
// line) and the addresses in To/Cc (AddressList): what the statement's `r`
// counts and what a bounce's recipients are checked against.
import Testing

@testable import BounceKit

@Suite("Envelope and address lists")
struct EnvelopeTests {
    static let commands: [(String, [String], Envelope?)] = [
        ("-i -f SENDER -- RCPT...", ["sendmail", "-i", "-f", "a@b", "--", "c@d", "e@f"], .recipients(["c@d", "e@f"])),
        ("trailing recipients", ["sendmail", "-i", "-f", "a@b", "c@d", "e@f"], .recipients(["c@d", "e@f"])),
        ("-f attached", ["sendmail", "-fa@b", "c@d"], .recipients(["c@d"])),
        ("-oi", ["sendmail", "-oi", "c@d"], .recipients(["c@d"])),
        ("-F name: the name is no recipient", ["sendmail", "-F", "Alice Smith", "-f", "a@b", "c@d"], .recipients(["c@d"])),
        ("-F attached", ["sendmail", "-FAlice", "c@d"], .recipients(["c@d"])),
        ("-t", ["sendmail", "-t", "-i"], .fromHeader(extra: [])),
        ("-t with recipients", ["sendmail", "-t", "x@y"], .fromHeader(extra: ["x@y"])),
        ("-bs: an SMTP session", ["sendmail", "-bs"], nil),
        ("-bv: verify only", ["sendmail", "-bv", "c@d"], nil),
        ("-bm: an ordinary submission", ["sendmail", "-bm", "c@d"], .recipients(["c@d"])),
        ("no recipients", ["sendmail", "-i", "-f", "a@b"], nil),
        ("an option after --  is a recipient", ["sendmail", "--", "-t"], .recipients(["-t"])),
        ("an address with a name, upper case", ["sendmail", "--", "Bob <Bob@Example.NET>"], .recipients(["bob@example.net"])),
        ("two addresses in one argument", ["sendmail", "c@d, e@f"], .recipients(["c@d", "e@f"])),
    ]

    @Test("the envelope recipients of a sendmail-like command line")
    func sendmailArguments() {
        for (name, argv, want) in Self.commands {
            let got = Envelope.parse(sendmailArguments: argv)
            #expect(got == want, "\(name): got \(String(describing: got)), want \(String(describing: want))")
        }
    }

    static let lists: [(String, String, [String])] = [
        ("one bare address", "a@b.org", ["a@b.org"]),
        ("name and angle brackets, lower-cased", "Alice <A@B.org>", ["a@b.org"]),
        ("two, comma-separated", "Alice <a@b.org>, bob@c.org", ["a@b.org", "bob@c.org"]),
        ("a comma inside quotes", "\"Smith, John\" <j@s.org>, k@s.org", ["j@s.org", "k@s.org"]),
        ("an empty group", "undisclosed-recipients:;", []),
        ("a group with members", "Team: a@b.org, c@d.org;", ["a@b.org", "c@d.org"]),
        ("a comment after the address", "a@b.org (Alice, at work)", ["a@b.org"]),
        ("a comment before the address", "(Alice) a@b.org", ["a@b.org"]),
        ("a name without brackets", "Alice a@b.org", ["a@b.org"]),
        ("no address", "Alice", []),
        ("empty", "", []),
    ]

    @Test("the addresses of an address-list field (RFC 5322 §3.4)")
    func addresses() {
        for (name, value, want) in Self.lists {
            let got = AddressList.addresses(value)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    @Test("hidden recipients: envelope recipients not in To or Cc")
    func hiddenCount() {
        let header = Header(fields: [
            HeaderField(name: "To", value: "Bob <bob@example.net>"), HeaderField(name: "Cc", value: "carol@example.net"),
            HeaderField(name: "Bcc", value: "dave@example.net"),
        ])
        let cases: [(String, Envelope, Int)] = [
            ("all visible", .recipients(["bob@example.net", "CAROL@example.net"]), 0),
            ("one Bcc on the command line", .recipients(["bob@example.net", "eve@example.net"]), 1),
            ("-t: the Bcc field counts", .fromHeader(extra: []), 1),
            ("-t with one more", .fromHeader(extra: ["eve@example.net"]), 2),
        ]
        for (name, envelope, want) in cases {
            let got = envelope.hiddenCount(header)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }
}
