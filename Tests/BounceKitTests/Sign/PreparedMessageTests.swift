// How a prepared message is written out. A message of one leaf that nothing
// changes is written without reading its lines again: its body is copied as
// it came, between the part header it becomes and the proof parts, by the
// kernel where the output is a descriptor (sendfile). That must give exactly
// what BodyRewriter writes, line by line, for the same plan.
import Foundation
import Testing

@testable import BounceKit

@Suite("Writing a prepared message")
struct PreparedMessageTests {
    static var signer: MessageSigner { MessageSigner(signer: StubSigner(), hostname: "test.example.org") }

    /// The same message written by BodyRewriter's second reading.
    static func rewritten(_ p: PreparedMessage) -> PreparedMessage {
        var plan = p.plan
        plan.bodyOffset = nil
        plan.lead = []
        return PreparedMessage(
            statement: p.statement, addedMessageID: p.addedMessageID, headerEdits: p.headerEdits, source: p.source,
            head: p.head, plan: plan, limits: p.limits)
    }

    /// The message as written to memory, and as a milter's CRLF body replacement.
    static func outputs(_ p: PreparedMessage) throws -> (whole: [UInt8], milterBody: [UInt8]) {
        let out = MailOutput()
        try p.write(to: out)
        var body: [UInt8] = []
        let milter = MailOutput(crlf: true) { chunk in
            body.append(contentsOf: chunk)
            return nil
        }
        try p.writeBody(to: milter)
        return (out.bytes, body)
    }

    /// Messages of one leaf at the edges of the rule, besides the corpus.
    static let edges: [(String, String)] = [
        ("empty body", "Subject: a\n\n"),
        ("no blank line", "Subject: a\n"),
        ("no final line end", "Subject: a\n\nlast line without LF"),
        ("empty lines at the end", "Subject: a\n\ntext\n\n\n"),
        ("no Content-Type", "Subject: a\n\nplain\n"),
        ("CRLF lines (rewritten: not copied as they came)", "Subject: a\r\n\r\ntext\r\nmore\r\n"),
        ("a bare CR", "Subject: a\n\ntext\rmore\n"),
        ("a typed leaf", "Subject: a\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\nbody\n"),
        (
            "a base64 leaf",
            "Subject: a\nMIME-Version: 1.0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\n"
        ),
    ]

    @Test("a message of one leaf without CR comes out as BodyRewriter writes it: corpus, fixtures and edge cases")
    func copiedBodyEqualsRewrittenBody() throws {
        var messages = try StreamingHashTests.corpusMessages()
        messages += Self.edges.map { ($0.0, Array($0.1.utf8)) }
        var copied = 0
        var differing: [String] = []
        for (name, bytes) in messages {
            guard let prepared = try? Self.signer.prepare(MessageSource(bytes: bytes), now: TestKey.now) else { continue }
            guard prepared.plan.bodyOffset != nil, prepared.replacesBody else { continue }
            copied += 1
            let fast = try Self.outputs(prepared), slow = try Self.outputs(Self.rewritten(prepared))
            if fast.whole != slow.whole { differing.append(name) }
            if fast.milterBody != slow.milterBody { differing.append(name + " (milter)") }
        }
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(10))")
        // The rule is taken often enough for the comparison to mean something.
        #expect(copied > 100, "\(copied) messages copied as they came")
    }

    @Test("the rule is taken for one leaf of LF lines, and not for CRLF, a bare CR, parts or a rewritten leaf")
    func whenTheBodyIsCopied() throws {
        func copies(_ text: String) throws -> Bool {
            try Self.signer.prepare(MessageSource(bytes: Array(text.utf8)), now: TestKey.now).plan.bodyOffset != nil
        }
        for (name, text) in Self.edges {
            let want = !name.contains("CR")
            #expect(try copies(text) == want, "\(name)")
        }
        #expect(try !copies("Subject: a\n\n" + String(repeating: "x", count: 999) + "\n"), "a line over 998 bytes")
        #expect(try !copies("Subject: a\n\n\u{e9}t\u{e9}\n"), "8-bit text")
        let mixed = "Subject: a\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b--\n"
        #expect(try !copies(mixed), "a multipart/mixed message")
        let alternative = "Subject: a\nContent-Type: multipart/alternative; boundary=b\n\n--b\n\none\n--b--\n"
        #expect(try !copies(alternative), "a multipart/alternative message")
        // The scanner does not open a message/rfc822 message: one leaf, copied.
        let rfc822 = "Subject: a\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner text\n"
        #expect(try copies(rfc822), "a message/rfc822 message")
    }

    @Test(
        "from a file to a descriptor (sendfile, or a write where sendfile refuses) the signed message arrives whole",
        arguments: [O_RDWR, O_RDWR | O_APPEND])
    func fileToDescriptor(outputFlags: Int32) throws {
        // 3 MiB and a bit of LF lines, past the 1 GiB sendfile step only in count of calls.
        let line = Array("a line of text that is copied as it came, by the kernel\n".utf8)
        var bytes = Array("Subject: big\n\n".utf8)
        while bytes.count < 3 << 20 { bytes += line }
        let input = try temporaryFile(holding: bytes)
        defer { close(input) }
        let prepared = try Self.signer.prepare(MessageSource(fd: input, spoolDirectory: "/tmp"), now: TestKey.now)
        #expect(prepared.plan.bodyOffset != nil)
        let output = try temporaryFile(holding: [])
        defer { close(output) }
        _ = fcntl(output, F_SETFL, outputFlags & O_APPEND)
        try prepared.write(to: MailOutput(fd: output))
        let want = try Self.outputs(Self.rewritten(prepared)).whole
        let got = contents(ofFile: output)
        #expect(got.count == want.count && got == want, "\(got.count) bytes written, \(want.count) expected")
    }

    @Test("a file that shrinks between the two readings is never written out cut: the write fails and says why")
    func shrunkFileFails() throws {
        var bytes = Array("Subject: a\n\n".utf8)
        while bytes.count < 1 << 20 { bytes += Array("text\n".utf8) }
        let input = try temporaryFile(holding: bytes)
        defer { close(input) }
        let prepared = try Self.signer.prepare(MessageSource(fd: input, spoolDirectory: "/tmp"), now: TestKey.now)
        #expect(ftruncate(input, off_t(bytes.count / 2)) == 0)
        let output = try temporaryFile(holding: [])
        defer { close(output) }
        #expect {
            try prepared.write(to: MailOutput(fd: output))
        } throws: { error in
            "\(error)".contains("its file shrank while it was read")
        }
    }
}
