// message/delivery-status bodies (RFC 3464 §2; DSN/DeliveryStatus.swift):
// the per-message group, then one group per recipient, separated by blank
// lines; fields folded over continuation lines; address and diagnostic
// types before a ';'. Every case runs as LF and as CRLF.
import Testing

@testable import BounceKit

@Suite("Delivery status")
struct DeliveryStatusTests {
    static func rcpt(
        _ final: String, original: String = "", action: String = "failed", status: String = "5.1.1", diagnostic: String = ""
    ) -> RecipientStatus {
        var r = RecipientStatus(finalRecipient: final, action: action, status: status, diagnostic: diagnostic)
        r.originalRecipient = original
        return r
    }

    static let perMessage =
        "Reporting-MTA: dns; mx.example.net\nX-Postfix-Queue-ID: 4Q1x2y3z\nArrival-Date: Fri, 15 Jan 2027 07:00:00 +0000\n"

    /// (name, body, the recipients read, in order).
    static let cases: [(String, String, [RecipientStatus])] = [
        ("empty", "", []),
        ("blank lines only", "\n\n   \n\t\n", []),
        ("the per-message group alone names no recipient (§2.2)", perMessage, []),
        (
            "one recipient (§2.3)",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n",
            [rcpt("bob@example.net", diagnostic: "550 5.1.1 user unknown")]
        ),
        (
            "two recipients, each with its own fields",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n"
                + "\nFinal-Recipient: rfc822; carol@example.net\nAction: delayed\nStatus: 4.4.7\n",
            [rcpt("bob@example.net"), rcpt("carol@example.net", action: "delayed", status: "4.4.7")]
        ),
        (
            "several blank and white-space lines between groups",
            perMessage + "\n\n  \n\t\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.0.0\n\n\n",
            [rcpt("bob@example.net", status: "5.0.0")]
        ),
        (
            "no blank line after the body's last group, nor a final line end",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1",
            [rcpt("bob@example.net")]
        ),
        (
            "a folded Diagnostic-Code is unfolded: line ends removed, white space kept (RFC 5322 §2.2.3)",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>:\n    Recipient address rejected:\n\tUser unknown\n",
            [rcpt("bob@example.net", diagnostic: "550 5.1.1 <bob@example.net>:    Recipient address rejected:\tUser unknown")]
        ),
        (
            "a folded Final-Recipient",
            perMessage + "\nFinal-Recipient: rfc822;\n bob@example.net\nAction: failed\nStatus: 5.1.1\n",
            [rcpt("bob@example.net")]
        ),
        (
            "address types: rfc822 in any case, with or without a space; a bare address; another type (§2.3.2)",
            perMessage + "\nFinal-Recipient: RFC822;bob@example.net\nAction: failed\nStatus: 5.1.1\n"
                + "\nFinal-Recipient: carol@example.net\nAction: failed\nStatus: 5.1.1\n"
                + "\nFinal-Recipient: x400; /C=US/O=Example/S=Dave\nAction: failed\nStatus: 5.1.1\n",
            [rcpt("bob@example.net"), rcpt("carol@example.net"), rcpt("/C=US/O=Example/S=Dave")]
        ),
        (
            "Original-Recipient is kept beside Final-Recipient (§2.3.1)",
            perMessage + "\nOriginal-Recipient: rfc822; info@example.net\nFinal-Recipient: rfc822; bob@example.net\n"
                + "Action: failed\nStatus: 5.1.1\n",
            [rcpt("bob@example.net", original: "info@example.net")]
        ),
        (
            "Original-Recipient alone stands for the recipient",
            perMessage + "\nOriginal-Recipient: rfc822; info@example.net\nAction: failed\nStatus: 5.1.1\n",
            [rcpt("info@example.net", original: "info@example.net")]
        ),
        (
            "Action values in any case are read lower case; Status is kept as written (§2.3.3, §2.3.4)",
            perMessage + "\nFinal-Recipient: rfc822; a@example.net\nAction: FAILED\nStatus: 5.1.1\n"
                + "\nFinal-Recipient: rfc822; b@example.net\nAction: Delayed\nStatus: 4.4.7 (retrying)\n"
                + "\nFinal-Recipient: rfc822; c@example.net\nAction: delivered\nStatus: 2.0.0\n"
                + "\nFinal-Recipient: rfc822; d@example.net\nAction: relayed\nStatus: 2.0.0\n"
                + "\nFinal-Recipient: rfc822; e@example.net\nAction: expanded\nStatus: 2.0.0\n",
            [
                rcpt("a@example.net"), rcpt("b@example.net", action: "delayed", status: "4.4.7 (retrying)"),
                rcpt("c@example.net", action: "delivered", status: "2.0.0"),
                rcpt("d@example.net", action: "relayed", status: "2.0.0"),
                rcpt("e@example.net", action: "expanded", status: "2.0.0"),
            ]
        ),
        (
            "field names in any case, and white space before the colon (RFC 5322 §4.5)",
            perMessage + "\nfinal-recipient: rfc822; bob@example.net\nACTION : failed\nstatus: 5.1.1\n",
            [rcpt("bob@example.net")]
        ),
        (
            "a recipient group without Action, Status or Diagnostic-Code: empty values",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\n",
            [rcpt("bob@example.net", action: "", status: "")]
        ),
        (
            "a Diagnostic-Code without a type is kept whole; only the first ';' ends the type",
            perMessage
                + "\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: user unknown\n"
                + "\nFinal-Recipient: rfc822; b@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 no; such user\n",
            [rcpt("a@example.net", diagnostic: "user unknown"), rcpt("b@example.net", diagnostic: "550 no; such user")]
        ),
        (
            "a group without any recipient field is skipped, the next one read",
            perMessage
                + "\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.2\n",
            [rcpt("bob@example.net", status: "5.1.2")]
        ),
        (
            "no per-message group: the recipient groups are still read",
            "Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n",
            [rcpt("bob@example.net")]
        ),
        (
            "a line that is no field at the end of the last group: the group's fields count",
            perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\nthis line is no field\n",
            [rcpt("bob@example.net")]
        ),
    ]

    @Test("each body reads to its recipients, as LF and as CRLF")
    func groups() {
        for (name, body, want) in Self.cases {
            for (ends, bytes) in lfAndCRLF(Array(body.utf8)) {
                let got = DeliveryStatusParser.recipients(bytes[...])
                #expect(got == want, "\(name) (\(ends)): got \(got), want \(want)")
            }
        }
    }

    @Test("a slice of a larger buffer is read at its own indices")
    func slice() {
        let body = Array(
            ("garbage before\n" + Self.perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n")
                .utf8)
        let start = "garbage before\n".utf8.count
        let got = DeliveryStatusParser.recipients(body[start...])
        #expect(got == [Self.rcpt("bob@example.net")], "got \(got)")
    }

    static func recipients(_ n: Int) -> String {
        Self.perMessage
            + (1...n).map { "\nFinal-Recipient: rfc822; r\($0)@example.net\nAction: failed\nStatus: 5.1.1\n" }.joined()
    }

    @Test("the group limit stops the reading: at most the limit, the first ones in order")
    func groupLimitBounds() {
        for limit in [1, 2, 3, 10] {
            var limits = Limits()
            limits.maxStatusGroups = limit
            for (ends, bytes) in lfAndCRLF(Array(Self.recipients(limit + 5).utf8)) {
                let got = DeliveryStatusParser.recipients(bytes[...], limits: limits).map(\.finalRecipient)
                #expect(got.count == limit, "limit \(limit) (\(ends)): read \(got.count) recipients")
                let first = (0..<got.count).map { "r\($0 + 1)@example.net" }
                #expect(got == first, "limit \(limit) (\(ends)): got \(got), want the first \(got.count) in order")
            }
        }
        let standard = DeliveryStatusParser.recipients(Array(Self.recipients(1_200).utf8)[...])
        #expect(standard.count == Limits.standard.maxStatusGroups, "got \(standard.count) of 1,200 groups")
    }

    @Test(
        "the group limit counts recipient groups, as Limits and bouncecheck(1) say: a DSN of 3 recipients under a limit of 3 yields 3"
    )
    func groupLimitCountsRecipientGroups() {
        var limits = Limits()
        limits.maxStatusGroups = 3
        let got = DeliveryStatusParser.recipients(Array(Self.recipients(3).utf8)[...], limits: limits)
        #expect(got.count == 3, "got \(got.map(\.finalRecipient)), want r1, r2, r3")
        let over = DeliveryStatusParser.recipients(Array(Self.recipients(4).utf8)[...], limits: limits)
        #expect(over.count == 3, "got \(over.count) groups under a limit of 3, want 3")
    }

    @Test("a line that is no field between groups does not hide the recipient groups after it")
    func malformedLineBetweenGroups() {
        let body =
            Self.perMessage + "\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n"
            + "\n--- a line an MTA added ---\n"
            + "\nFinal-Recipient: rfc822; carol@example.net\nAction: failed\nStatus: 5.1.1\n"
        for (ends, bytes) in lfAndCRLF(Array(body.utf8)) {
            let got = DeliveryStatusParser.recipients(bytes[...]).map(\.finalRecipient)
            #expect(got.first == "bob@example.net", "\(ends): got \(got)")
            #expect(got == ["bob@example.net", "carol@example.net"], "\(ends): got \(got)")
        }
    }
}
