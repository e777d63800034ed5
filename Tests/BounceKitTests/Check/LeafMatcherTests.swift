// Whatever body comes back is judged against the statement's leaf records
// (LeafMatcher), whatever form the return takes. Genuine messages are signed
// by MessageSigner with a stub signer, bounced, and checked by BounceChecker
// with a stub verifier that reports a good signature by a trusted key: the
// body judgement is under test, not GnuPG.
import Testing

@testable import BounceKit

@Suite("Leaf matcher")
struct LeafMatcherTests {
    /// 160 lines of 64 canonical bytes: 10 KiB, past the first checkpoint (4 KiB).
    static let bigText = (0..<160).map { "line \(String(1000 + $0)) " + String(repeating: "x", count: 53) + "\n" }.joined()

    static func message(first: String, second: String) -> String {
        """
        From: Alice <alice@example.org>
        To: bob@example.net
        Subject: quarterly report
        Date: Sun, 29 Nov 2026 10:00:00 +0000
        Message-ID: <leaf-test@example.org>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain

        \(first)
        --b1
        Content-Type: text/plain

        \(second)--b1--

        """
    }

    /// Signed once: a short first leaf, then the big one. (Empty if signing
    /// failed: `statementOfTheTestMessage` then says so.)
    static let signed = (try? TestMail.sign(message(first: "short first part", second: bigText))) ?? []
    /// Signed once: the big leaf first.
    static let bigFirst = (try? TestMail.sign(message(first: bigText, second: "short second part\n"))) ?? []

    /// `bytes` cut `offset` bytes after the first "line 1000" (the big leaf's start).
    static func cut(_ bytes: [UInt8], intoBigLeaf offset: Int) -> [UInt8] {
        guard let start = bytes.firstIndex(of: Array("line 1000".utf8), from: 0) else { return bytes }
        return Array(bytes[..<min(start + offset, bytes.count)])
    }

    /// The header block alone.
    static func headers(_ bytes: [UInt8]) -> [UInt8] {
        guard let end = bytes.firstIndex(of: [ASCII.lf, ASCII.lf], from: 0) else { return bytes }
        return Array(bytes[...end])
    }

    static let altered = signed.replacingFirst("line 1100", with: "line 1l00") ?? []
    static let alteredEarly = signed.replacingFirst("line 1010", with: "line 1o10") ?? []
    static let extraPart =
        signed.replacingFirst(
            "--b1\nContent-Type: \(ProofNames.statementType)",
            with: "--b1\nContent-Type: text/plain\n\nextra\n--b1\nContent-Type: \(ProofNames.statementType)") ?? []

    static let cases: [(String, [UInt8], Verdict)] = [
        ("the whole message came back", TestMail.bounce(returning: signed), .pass(.body)),
        (
            "cut inside the second leaf after its 4 KiB checkpoint", TestMail.bounce(returning: cut(signed, intoBigLeaf: 6_000)),
            .pass(.partial(verified: 1, of: 2, prefix: 4_096))
        ),
        (
            "cut inside the second leaf before its checkpoint: the first still verifies",
            TestMail.bounce(returning: cut(signed, intoBigLeaf: 2_000)), .pass(.partial(verified: 1, of: 2))
        ),
        (
            "cut inside the first leaf after its checkpoint", TestMail.bounce(returning: cut(bigFirst, intoBigLeaf: 5_000)),
            .pass(.partial(verified: 0, of: 2, prefix: 4_096))
        ),
        (
            "cut before any checkpoint of the first leaf", TestMail.bounce(returning: cut(bigFirst, intoBigLeaf: 2_000)),
            .fail(.bodyUnverifiable("it is cut short before any of it"))
        ),
        ("the second leaf altered", TestMail.bounce(returning: altered), .fail(.bodyAltered(part: 2))),
        (
            "the second leaf altered before a cut past its checkpoint",
            TestMail.bounce(returning: cut(alteredEarly, intoBigLeaf: 6_000)), .fail(.bodyAltered(part: 2))
        ),
        ("an extra part", TestMail.bounce(returning: extraPart), .fail(.bodyShape("it has more parts than were signed"))),
        (
            "text/rfc822-headers with the header only",
            TestMail.bounce(returning: headers(signed), as: "text/rfc822-headers"), .pass(.headersOnly)
        ),
        (
            "text/rfc822-headers carrying the whole body, altered",
            TestMail.bounce(returning: altered, as: "text/rfc822-headers"), .fail(.bodyAltered(part: 2))
        ),
        (
            "text/rfc822-headers carrying the whole body", TestMail.bounce(returning: signed, as: "text/rfc822-headers"),
            .pass(.body)
        ),
        (
            "message/partial with the header only", TestMail.bounce(returning: headers(signed), as: "message/partial"),
            .pass(.headersOnly)
        ),
        (
            "message/partial carrying the whole body, altered", TestMail.bounce(returning: altered, as: "message/partial"),
            .fail(.bodyAltered(part: 2))
        ),
        ("message/rfc822 with the header only", TestMail.bounce(returning: headers(signed)), .pass(.headersOnly)),
    ]

    @Test("whatever body came back is verified leaf by leaf, whatever the return claims to be")
    func returns() {
        for (name, bounce, want) in Self.cases {
            let got = TestMail.verdict(bounce)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    static let requireBody: [(String, [UInt8], Verdict)] = [
        ("the whole message came back", TestMail.bounce(returning: signed), .pass(.body)),
        ("cut after a checkpoint", TestMail.bounce(returning: cut(signed, intoBigLeaf: 6_000)), .fail(.bodyRequired)),
        ("headers only", TestMail.bounce(returning: headers(signed), as: "text/rfc822-headers"), .fail(.bodyRequired)),
        ("altered", TestMail.bounce(returning: altered), .fail(.bodyAltered(part: 2))),
    ]

    @Test("--require-body turns anything short of the whole body into fail(bodyRequired)")
    func requireBodyPolicy() {
        for (name, bounce, want) in Self.requireBody {
            let got = TestMail.verdict(bounce, requireBody: true)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }

    @Test("the statement lists the proof-less content: two leaves, the 10 kB one with checkpoints at 4 and 8 KiB")
    func statementOfTheTestMessage() throws {
        let text = try #require(ReturnedMessage.read(Self.signed[...], limits: .standard).statementPart)
        let statement = try Statement(parsing: text)
        let got = statement.leaves.map(\.checkpoints.count)
        #expect(got == [0, 2], "got checkpoints per leaf \(got), want [0, 2]")
    }
}
