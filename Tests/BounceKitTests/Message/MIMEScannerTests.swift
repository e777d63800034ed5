// The streaming MIME scanner over the line-ending and structure cases real
// mail has: what it reports (entities, body lines, preamble, delimiters,
// epilogue) and the defects it records instead of giving up.
import Testing

@testable import BounceKit

/// Records what a `MIMEScanner` reports, one line per event.
struct EventRecorder: MIMEScanVisitor {
    var events: [String] = []
    var entities: [ScannedEntity] = []

    mutating func begin(_ entity: ScannedEntity) {
        entities.append(entity)
        events.append("begin \(entity.ordinal) \(entity.contentType.mediaType) parent \(entity.parent.map(String.init) ?? "-")")
    }
    mutating func bodyLine(_ line: LinePiece) {
        events.append("body \(String(decoding: line.content, as: UTF8.self))")
    }
    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {
        switch role {
        case .preamble: events.append("preamble \(String(decoding: line.content, as: UTF8.self))")
        case .delimiter: events.append("delimiter of \(multipart)")
        case .closeDelimiter: events.append("close of \(multipart)")
        case .epilogue: events.append("epilogue \(String(decoding: line.content, as: UTF8.self))")
        }
    }
    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) {
        events.append("end \(entity.ordinal)\(cutByDelimiter ? " at delimiter" : "")")
    }

    static func scan(_ bytes: [UInt8], limits: Limits = .standard) -> MIMEScanner<EventRecorder> {
        MIMEScanner.scan(bytes[...], visitor: EventRecorder(), limits: limits)
    }
}

@Suite("MIME scanner")
struct MIMEScannerTests {
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

    static let multipartEvents = [
        "begin 0 multipart/mixed parent -", "preamble preamble", "delimiter of 0", "begin 1 text/plain parent 0",
        "body part one", "end 1 at delimiter", "delimiter of 0", "begin 2 text/html parent 0", "body <p>two</p>", "body ",
        "end 2 at delimiter", "close of 0", "epilogue epilogue", "end 0",
    ]

    @Test("splits parts at delimiter lines, with preamble and epilogue, in every line-ending style (RFC 2046 §5.1.1)")
    func splitsParts() {
        for (name, bytes) in lineEndings(Self.multipart) {
            let s = EventRecorder.scan(bytes)
            let got = s.visitor.events
            #expect(got == Self.multipartEvents, "\(name): got \(got), want \(Self.multipartEvents)")
            let subject = s.visitor.entities.first?.header["Subject"]
            #expect(subject == "folded subject line", "\(name): got \(subject ?? "nil"), want folded subject line")
            #expect(s.defects.isEmpty, "\(name): got \(s.defects), want no defect")
            #expect(!s.messageIsUnclosed, "\(name): read as unclosed")
        }
    }

    @Test("the scanner reports the same in every read-chunk size")
    func chunkSizesDoNotMatter() {
        for (name, bytes) in lineEndings(Self.multipart) {
            for size in [1, 2, 3, 7, 64] {
                let got = scanInChunks(bytes, EventRecorder(), size: size).visitor.events
                #expect(got == Self.multipartEvents, "\(name) in \(size)-byte chunks: got \(got), want \(Self.multipartEvents)")
            }
        }
    }

    @Test("a multipart without its closing delimiter is marked unclosed, its parts still reported")
    func truncatedMultipart() {
        let cut = String(Self.multipart.prefix(upTo: Self.multipart.range(of: "--b1--")!.lowerBound))
        let s = EventRecorder.scan(Array(cut.utf8))
        let parts = s.visitor.entities.filter { $0.parent == 0 }.count
        #expect(parts == 2, "got \(parts) parts, want 2")
        #expect(s.defects.contains(.missingClosingDelimiter), "got \(s.defects)")
        #expect(s.messageIsUnclosed)
        #expect(s.visitor.events.suffix(2) == ["end 2", "end 0"], "the last part is not ended by a delimiter")
    }

    @Test("a boundary that is only a prefix of a line is no delimiter")
    func boundaryPrefixIsNotDelimiter() {
        let s = EventRecorder.scan(Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b--\n".utf8))
        let want = [
            "begin 0 multipart/mixed parent -", "delimiter of 0", "begin 1 text/plain parent 0", "body --bx",
            "end 1 at delimiter", "close of 0", "end 0",
        ]
        #expect(s.visitor.events == want, "got \(s.visitor.events), want \(want)")
    }

    @Test("a header block ended by a delimiter line starts the multipart's first part (fuzz-005)")
    func headerEndedByDelimiter() {
        let s = EventRecorder.scan(Array("Content-Type: multipart/mixed; boundary=b\n--b\n\none\n--b--\n".utf8))
        let want = [
            "begin 0 multipart/mixed parent -", "delimiter of 0", "begin 1 text/plain parent 0", "body one",
            "end 1 at delimiter", "close of 0", "end 0",
        ]
        #expect(s.visitor.events == want, "got \(s.visitor.events), want \(want)")
    }

    @Test("a multipart without a boundary parameter is one leaf, with a defect")
    func missingBoundary() {
        let s = EventRecorder.scan(Array("Content-Type: multipart/mixed\n\n--b\n\none\n".utf8))
        #expect(s.visitor.entities.count == 1 && !s.visitor.entities[0].isMultipart)
        #expect(s.defects == [.missingBoundary], "got \(s.defects)")
    }

    @Test("deep nesting stops at the limit with a defect instead of recursing forever")
    func deepNestingIsBounded() {
        var s = ""
        for i in 0..<5_000 { s += "Content-Type: multipart/mixed; boundary=\"b\(i)\"\n\n--b\(i)\n" }
        let scan = EventRecorder.scan(Array(s.utf8))
        #expect(scan.defects.contains(.tooComplex))
        let n = scan.visitor.entities.count
        #expect(n <= Limits.standard.maxDepth + 2, "got \(n) entities")
    }

    @Test("more parts than the limit record tooComplex")
    func partCountIsBounded() {
        var limits = Limits()
        limits.maxParts = 10
        var s = "Content-Type: multipart/mixed; boundary=b\n\n"
        for _ in 0..<20 { s += "--b\n\nx\n" }
        let scan = EventRecorder.scan(Array((s + "--b--\n").utf8), limits: limits)
        #expect(scan.defects.contains(.tooComplex), "got \(scan.defects)")
    }

    @Test("a header block beyond the byte limit ends there; the rest is body")
    func headerBytesAreBounded() {
        var limits = Limits()
        limits.maxHeaderBytes = 1_000
        let s =
            "Subject: x\n" + String(repeating: "X-Filler: 0123456789012345678901234567890123456789\n", count: 100) + "\nbody\n"
        let scan = EventRecorder.scan(Array(s.utf8), limits: limits)
        #expect(scan.defects.contains(.header(.tooLarge)), "got \(scan.defects)")
        #expect(scan.defects.contains { $0.isLimit })
        let fields = scan.visitor.entities[0].header.fields.count
        #expect(fields < 100, "got \(fields) fields")
    }

    @Test("a line longer than the line limit is read in pieces and is never a delimiter")
    func longLineIsNoDelimiter() {
        let long = "--b" + String(repeating: " ", count: LineSplitter.maxLine + 10)
        let s = EventRecorder.scan(Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n\(long)\ntwo\n--b--\n".utf8))
        #expect(s.defects.contains(.lineTooLong), "got \(s.defects)")
        let parts = s.visitor.entities.filter { $0.parent == 0 }.count
        #expect(parts == 1, "got \(parts) parts, want 1")
    }

    @Test("a header line that is no field ends the header and starts the body")
    func malformedHeaderLine() {
        let s = EventRecorder.scan(Array("Subject: x\nthis is not a header\nbody\n".utf8))
        #expect(s.visitor.entities[0].header.fields.count == 1)
        #expect(s.visitor.events == ["begin 0 text/plain parent -", "body this is not a header", "body body", "end 0"])
        #expect(s.defects.contains(.header(.malformedLine)))
    }

    @Test("message/rfc822 parts are leaves: the scanner does not look inside them")
    func encapsulatedMessagesAreLeaves() {
        let s = EventRecorder.scan(
            Array(
                "Content-Type: multipart/report; boundary=r\n\n--r\nContent-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=r2\n\n--r2\n\nx\n--r2--\n--r--\n"
                    .utf8))
        let types = s.visitor.entities.map(\.contentType.mediaType)
        #expect(types == ["multipart/report", "message/rfc822"], "got \(types)")
    }

    @Test("the parts of a multipart/digest default to message/rfc822 (RFC 2046 §5.1.5)")
    func digestDefault() {
        let s = EventRecorder.scan(Array("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: x\n\nbody\n--d--\n".utf8))
        #expect(s.visitor.entities.last?.contentType.mediaType == "message/rfc822")
    }

    @Test("NUL bytes and binary garbage scan without trapping")
    func binaryInput() {
        var bytes = [UInt8](repeating: 0, count: 1000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 7919) }
        let s = EventRecorder.scan(Array("Content-Type: multipart/mixed; boundary=x\n\n--x\n".utf8) + bytes)
        #expect(s.visitor.entities.filter { $0.parent == 0 }.count == 1)
        #expect(s.messageIsUnclosed)
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
