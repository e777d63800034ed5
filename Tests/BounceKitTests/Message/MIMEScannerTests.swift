// The MIME parser over the line-ending and structure cases real mail has.
import Testing

@testable import BounceKit

/// The same message with LF, CRLF and bare-CR line ends.
func lineEndings(_ s: String) -> [(String, [UInt8])] {
    [
        ("LF", Array(s.utf8)), ("CRLF", Array(s.replacingOccurrences("\n", "\r\n").utf8)),
        ("CR", Array(s.replacingOccurrences("\n", "\r").utf8)),
    ]
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

@Suite("MIME parser")
struct MIMEParserTests {
    static let multipart = """
        From: a@example.org
        Subject: folded
         subject line
        Content-Type: multipart/mixed;
         boundary="b1"

        preamble
        --b1
        Content-Type: text/plain

        part one
        --b1  
        Content-Type: text/html

        <p>two</p>

        --b1--
        epilogue

        """

    @Test("splits parts at delimiter lines in every line-ending style (RFC 2046 §5.1.1)")
    func splitsParts() {
        for (name, bytes) in lineEndings(Self.multipart) {
            let m = MIMEEntity.parse(bytes)
            #expect(m.contentType.mediaType == "multipart/mixed", "\(name)")
            #expect(m.header["Subject"] == "folded subject line", "\(name): got \(m.header["Subject"] ?? "nil")")
            #expect(m.parts.count == 2, "\(name): got \(m.parts.count) parts, want 2")
            #expect(m.parts.first.map { String(decoding: $0.body, as: UTF8.self) } == "part one", "\(name)")
            #expect(m.parts.last?.contentType.mediaType == "text/html", "\(name)")
            #expect(!m.contains(.missingClosingDelimiter), "\(name)")
        }
    }

    @Test("a multipart without its closing delimiter is marked, not lost")
    func truncatedMultipart() {
        let cut = String(Self.multipart.prefix(upTo: Self.multipart.range(of: "--b1--")!.lowerBound))
        let m = MIMEEntity.parse(Array(cut.utf8))
        #expect(m.parts.count == 2)
        #expect(m.defects.contains(.missingClosingDelimiter))
    }

    @Test("a boundary that is only a prefix of a line is no delimiter")
    func boundaryPrefixIsNotDelimiter() {
        let m = MIMEEntity.parse(Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b--\n".utf8))
        #expect(m.parts.count == 1)
        #expect(m.parts.first.map { String(decoding: $0.body, as: UTF8.self) } == "--bx")
    }

    @Test("deep nesting stops at the limit with a defect instead of recursing forever")
    func deepNestingIsBounded() {
        var s = ""
        for i in 0..<5_000 { s += "Content-Type: multipart/mixed; boundary=\"b\(i)\"\n\n--b\(i)\n" }
        let m = MIMEEntity.parse(Array(s.utf8))
        #expect(m.contains(.tooComplex))
        #expect(m.allEntities.count <= Limits.standard.maxDepth + 2)
    }

    @Test("a header line that is no field ends the header and starts the body")
    func malformedHeaderLine() {
        let m = MIMEEntity.parse(Array("Subject: x\nthis is not a header\nbody\n".utf8))
        #expect(m.header.fields.count == 1)
        #expect(String(decoding: m.body, as: UTF8.self).hasPrefix("this is not a header"))
        #expect(m.defects.contains(.header(.malformedLine)))
    }

    @Test("message/rfc822 parts are parsed as messages, even base64-encoded")
    func encapsulatedMessages() {
        let inner = "Message-ID: <x@y>\n\nbody\n"
        for (cte, body) in [("7bit", inner), ("base64", String(decoding: Base64.encodeLines(Array(inner.utf8)), as: UTF8.self))] {
            let s =
                "Content-Type: multipart/report; boundary=r\n\n--r\nContent-Type: message/rfc822\nContent-Transfer-Encoding: \(cte)\n\n\(body)\n--r--\n"
            let m = MIMEEntity.parse(Array(s.utf8))
            #expect(m.parts.first?.encapsulated?.header["Message-ID"] == "<x@y>", "\(cte)")
        }
    }

    @Test("NUL bytes and binary garbage parse without trapping")
    func binaryInput() {
        var bytes = [UInt8](repeating: 0, count: 1000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 7919) }
        let m = MIMEEntity.parse(Array("Content-Type: multipart/mixed; boundary=x\n\n--x\n".utf8) + bytes)
        #expect(m.parts.count == 1)
    }
}

@Suite("Codecs")
struct CodecTests {
    @Test("quoted-printable round-trips text and keeps risky line starts encoded (RFC 2045 §6.7, RFC 3156 §3)")
    func quotedPrintableRoundTrip() {
        let cases = [
            "plain", "Grüße =equals= and trailing space ", ".leading dot", "From the start",
            String(repeating: "x", count: 300), String(repeating: "é", count: 100),
        ]
        for text in cases {
            let encoded = QuotedPrintable.encode(Array((text + "\n").utf8)[...])
            let lines = encoded.split(separator: ASCII.lf)
            #expect(lines.allSatisfy { $0.count <= 76 }, "\(text.prefix(20)): line too long")
            #expect(lines.allSatisfy { $0.first != ASCII.dot && !$0.starts(with: Array("From ".utf8)) })
            #expect(encoded.allSatisfy { $0 < 0x80 })
            #expect(QuotedPrintable.decode(encoded[...]) == Array((text + "\n").utf8), "\(text.prefix(20))")
        }
    }

    @Test("base64 decoding ignores line breaks and garbage (RFC 2045 §6.8)")
    func base64Lenient() {
        let data = (0..<200).map { UInt8($0) }
        let encoded = Base64.encodeLines(data)
        #expect(Base64.decode(encoded) == data)
        let mangled = encoded.map { $0 == ASCII.lf ? UInt8(ascii: "\r") : $0 } + Array("\n!!".utf8)
        #expect(Base64.decode(mangled) == data)
    }
}
