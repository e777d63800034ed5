// The milter decides as bouncesign and bouncecheck do: a message fed to
// MilterSession field by field and in body chunks, as libmilter hands it
// (values without the space after the colon, CRLF body), gets the same
// statement as MessageSigner gives the whole message, and its header edits
// applied to the message as it came give bouncesign's output; every
// corpus sample and round-trip bounce gets bouncecheck's verdict.
import Foundation
import Testing

@testable import BounceKit

enum MilterFeed {
    static func service(_ config: Configuration = milterConfig()) -> MilterService {
        MilterService(
            config: config, hostname: "test.example.org", signing: StubSigner(), verifier: AcceptingVerifier(),
            now: { TestKey.now })
    }

    static func milterConfig(proof: Configuration.ProofPlacement = .parts) -> Configuration {
        var c = Configuration()
        c.key = TestKey.fingerprint
        c.trust = [TestKey.fingerprint]
        c.proof = proof
        c.spoolThreshold = 4096
        return c
    }

    /// Feeds `message` as an MTA would; returns the decision.
    static func feed(_ message: [UInt8], to session: MilterSession, sign: Bool, rcpt: String = "<bob@example.net>")
        -> MilterDecision
    {
        session.connect(address: sign ? nil : "192.0.2.7", daemonName: nil)
        session.mailFrom(sign ? "<alice@example.org>" : "<>", authenticated: sign ? "alice" : nil)
        session.recipient(rcpt)
        let parsed = HeaderParser.parse(message[...])
        for f in parsed.header.fields {
            let value = HeaderEdit.value(of: f)
            Array(f.name.utf8).withUnsafeBufferPointer { n in value.withUnsafeBufferPointer { session.header(name: n, value: $0) }
            }
        }
        session.endOfHeaders()
        let body = crlf(Array(message[parsed.bodyStart...]))
        var i = 0
        while i < body.count {
            let end = min(body.count, i + 1000)
            body[i..<end].withUnsafeBufferPointer { session.body($0) }
            i = end
        }
        return session.endOfMessage(queueID: "TEST")
    }

    static func crlf(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in b.enumerated() {
            if c == ASCII.lf, i == 0 || b[i - 1] != ASCII.cr { out.append(ASCII.cr) }
            out.append(c)
        }
        return out
    }

    /// The statement without what differs by design (time, nonce).
    static func stable(_ s: Statement) -> String {
        s.text.split(separator: "\n").filter { !$0.hasPrefix("n: ") && !$0.hasPrefix("t: ") }.joined(separator: "\n")
    }
}

@Suite("Milter decides as bouncesign and bouncecheck")
struct MilterSessionTests {
    static let messages: [(String, String)] = [
        (
            "plain",
            "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: hi\nMessage-ID: <m1@example.org>\n\nhello\n.dot\nFrom here\n"
        ),
        ("no message-id", "From: alice@example.org\nTo: bob@example.net\nSubject: no id\n\nbody\n"),
        (
            "8-bit",
            "From: alice@example.org\nTo: bob@example.net\nSubject: 8bit\nMessage-ID: <m2@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße ✓\n"
        ),
        (
            "mixed",
            "From: alice@example.org\nTo: bob@example.net\nSubject: att\nMessage-ID: <m3@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\ntext\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\n--b--\n"
        ),
        (
            "large",
            "From: alice@example.org\nTo: bob@example.net\nSubject: big\nMessage-ID: <m4@example.org>\n\n"
                + String(repeating: "a line of a large message\n", count: 2000)
        ),
    ]

    @Test(
        "signing: same statement as bouncesign, and the edited message passes bouncecheck as bouncesign's does",
        arguments: [Configuration.ProofPlacement.parts, .header])
    func signingMatchesBounceSign(placement: Configuration.ProofPlacement) throws {
        for (name, text) in Self.messages {
            let message = Array(text.utf8)
            let session = MilterSession(service: { MilterFeed.service(MilterFeed.milterConfig(proof: placement)) })
            let d = MilterFeed.feed(message, to: session, sign: true)
            #expect(d.action == .accept, "\(name): \(d.action)")
            let direct = try MessageSigner(signer: StubSigner(), hostname: "test.example.org", placement: placement)
                .prepare(MessageSource(bytes: message), now: TestKey.now, envelope: .recipients(["bob@example.net"]))
            let milterStatement = try #require(d.statement, "\(name): nothing signed")
            if milterStatement.messageID == direct.statement.messageID || !direct.addedMessageID {
                #expect(MilterFeed.stable(milterStatement) == MilterFeed.stable(direct.statement), "\(name)")
            }
            #expect((d.newBody != nil) == (placement == .parts), "\(name): body replaced \(d.newBody != nil)")
            let inserted = d.headerEdits.first { $0.kind == .insertFirst }
            #expect(inserted?.name == ProofNames.header, "\(name)")
            // The milter's message, bounced, passes as bouncesign's does.
            let rebuilt = try Self.apply(d, to: message)
            let verdict = TestMail.verdict(TestMail.bounce(returning: rebuilt))
            #expect(verdict == .pass(.body), "\(name): \(verdict)")
        }
    }

    @Test("checking: every corpus sample and a genuine and forged bounce get bouncecheck's verdict")
    func checkingMatchesBounceCheck() throws {
        var inputs: [(String, [UInt8])] = []
        for row in try Corpus.expectations() {
            inputs.append((row.path, [UInt8](try Data(contentsOf: Corpus.root.appendingPathComponent(row.path)))))
        }
        let signed = try TestMail.sign(Self.messages[0].1)
        inputs.append(("genuine", TestMail.bounce(returning: signed)))
        inputs.append(("forged", TestMail.bounce(returning: Array(Self.messages[1].1.utf8))))
        var config = MilterFeed.milterConfig()
        config.signAuthenticated = false
        let checker = BounceChecker(verifier: AcceptingVerifier(), policy: CheckPolicy(config, now: TestKey.now))
        var mismatches: [String] = []
        for (name, bytes) in inputs {
            let want = checker.check(bytes)
            let d = MilterFeed.feed(bytes, to: MilterSession(service: { MilterFeed.service(config) }), sign: false)
            let got = try #require(d.check, "\(name): not checked")
            if got.verdict != want.verdict || got.summary != want.summary {
                mismatches.append("\(name): got \(got.summary), want \(want.summary)")
            }
            let tag = d.headerEdits.first { $0.kind == .insertFirst }
            if tag?.value != Array(want.summary.utf8) { mismatches.append("\(name): Bounce-Check differs") }
        }
        #expect(inputs.count > 800)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test("check-bounces reject: 550 5.7.1 naming the domain and the reason; temperror never rejects")
    func rejectAndTemperror() {
        var config = MilterFeed.milterConfig()
        config.checkBounces = .reject
        let forged = TestMail.bounce(returning: Array(Self.messages[1].1.utf8))
        let d = MilterFeed.feed(
            forged, to: MilterSession(service: { MilterFeed.service(config) }), sign: false, rcpt: "<alice@example.org>")
        #expect(
            d.action
                == .reject(
                    SMTPReply(
                        code: "550", status: "5.7.1",
                        text: "bounce of a message not sent by example.org: returned message carries no proof")))
        config.onTemperror = .accept
        let broken = MilterService(
            config: config, hostname: "h", signing: nil, verifier: UnavailableVerifier(), now: { TestKey.now })
        let signed = (try? TestMail.sign(Self.messages[0].1)) ?? []
        let t = MilterFeed.feed(TestMail.bounce(returning: signed), to: MilterSession(service: { broken }), sign: false)
        #expect(t.action == .accept)
        let tagged = t.headerEdits.first { $0.kind == .insertFirst }
        let text = String(decoding: tagged?.value ?? [], as: UTF8.self)
        #expect(text.hasPrefix("temperror"), "\(text)")
    }

    @Test("a forged Bounce-Check field is renamed, ours goes first")
    func arrivedBounceCheckRenamed() {
        let msg = Array("From: x@example.net\nBounce-Check: pass (trust me)\nSubject: hi\n\nbody\n".utf8)
        let d = MilterFeed.feed(msg, to: MilterSession(service: { MilterFeed.service() }), sign: false)
        #expect(d.headerEdits.contains(HeaderEdit(.delete(occurrence: 1), name: "Bounce-Check")))
        #expect(
            d.headerEdits.contains(HeaderEdit(.append, name: "X-Untrusted-Bounce-Check", value: Array("pass (trust me)".utf8))))
    }

    @Test("sign-networks match IPv4, IPv6 and IPv4-mapped clients; host bits are refused")
    func networks() throws {
        let v4 = try #require(NetworkRange("192.0.2.0/24"))
        #expect(v4.contains("192.0.2.77") && v4.contains("::ffff:192.0.2.1") && !v4.contains("192.0.3.1"))
        let v6 = try #require(NetworkRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::5") && !v6.contains("2001:db9::1") && !v6.contains("192.0.2.1"))
        #expect(NetworkRange("10.0.0.1/8") == nil && NetworkRange("10.0.0.0/33") == nil && NetworkRange("nonsense") == nil)
    }

    /// The message as it came with the decision's edits and new body applied, as an MTA does.
    static func apply(_ d: MilterDecision, to message: [UInt8]) throws -> [UInt8] {
        let parsed = HeaderParser.parse(message[...])
        var fields: [(String, [UInt8])?] = parsed.header.fields.map { ($0.name, HeaderEdit.value(of: $0)) }
        var top: [(String, [UInt8])] = [], bottom: [(String, [UInt8])] = []
        for e in d.headerEdits {
            switch e.kind {
            case .delete(let n):
                var seen = 0
                for i in fields.indices where fields[i].map({ $0.0.lowercased() == e.name.lowercased() }) ?? false {
                    seen += 1
                    if seen == n { fields[i] = nil; break }
                }
            case .insertFirst: top.insert((e.name, e.value), at: 0)
            case .append: bottom.append((e.name, e.value))
            }
        }
        var out: [UInt8] = []
        for (n, v) in top + fields.compactMap({ $0 }) + bottom { out += Array("\(n): ".utf8) + v + [ASCII.lf] }
        out.append(ASCII.lf)
        if let body = d.newBody {
            let o = MailOutput()
            try body.writeBody(to: o)
            out += o.bytes
        } else {
            out += message[parsed.bodyStart...]
        }
        return out
    }
}

/// A verifier whose GnuPG is gone.
struct UnavailableVerifier: ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        throw .engineUnavailable(path: "/usr/bin/gpg", reason: "no such file")
    }
    func keyringProblem(trusted: [String]) -> String? { "cannot use GnuPG home /nonexistent" }
}
