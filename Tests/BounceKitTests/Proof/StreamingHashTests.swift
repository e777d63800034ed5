// The streaming hashers (v1 CanonicalHasher, v2 LeafCollector) and the
// signer against independent references: whole-body decoding over the same
// reading (ReferenceCanonicalBody.swift), every real message in the corpus,
// and every way of cutting a message into chunks.
import Foundation
import Testing

@testable import BounceKit

@Suite("Streaming hash and signer")
struct StreamingHashTests {
    /// Every corpus file and malformed fixture, and every message/rfc822,
    /// message/global or returned-header part one of them holds (decoded).
    static func corpusMessages() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: MalformedTests.dir.path).sorted()
        let files =
            try Corpus.expectations().map { Corpus.root.appendingPathComponent($0.path) }
            + fixtures.map { MalformedTests.dir.appendingPathComponent($0) }
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let name = file.pathComponents.suffix(2).joined(separator: "/")
            out.append((name, bytes))
            for n in ReferenceTree.all(ReferenceTree.read(bytes))
            where ["message/rfc822", "message/global"].contains(n.entity.contentType.mediaType)
                || returnedHeaderTypes.contains(n.entity.contentType.mediaType)
            {
                out.append(
                    (name + " (returned original \(n.entity.ordinal))", ReferenceTree.decoded(n.content, n.entity.encoding)))
            }
        }
        return out
    }

    static func scan<V: MIMEScanVisitor>(chunks bytes: [UInt8], size: Int, _ visitor: V) -> V {
        scanInChunks(bytes, visitor, size: size).visitor
    }

    @Test("the streaming v1 hash equals the whole-body reference on every corpus message and original (fuzz-005)")
    func streamingEqualsReference() throws {
        let messages = try Self.corpusMessages()
        #expect(messages.count > 1_300)
        var differing: [String] = []
        for (name, bytes) in messages where CanonicalBody.hash(bytes[...]) != ReferenceCanonicalBody.hash(bytes) {
            differing.append(name)
        }
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(10))")
    }

    @Test("the streaming v2 leaf digests equal the whole-body reference on every corpus message and original")
    func streamingLeavesEqualReference() throws {
        var differing: [String] = []
        for (name, bytes) in try Self.corpusMessages() {
            let got = MIMEScanner.scan(bytes[...], visitor: LeafCollector()).visitor.contentLeaves.map { ($0.ordinal, $0.digest) }
            let want = ReferenceCanonicalContent.leaves(bytes)
            if !got.elementsEqual(want, by: { $0.0 == $1.0 && $0.1 == $1.1 }) {
                differing.append("\(name): got leaves \(got.map(\.0)), want \(want.map(\.0))")
            }
        }
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(10))")
    }

    @Test("the v1 hash and the v2 leaves do not depend on how the input is cut into chunks")
    func chunkingDoesNotMatter() throws {
        let messages = try Self.corpusMessages()
        var differing: [String] = []
        for (n, (name, bytes)) in messages.enumerated() where n % 7 == 0 {
            let whole = CanonicalBody.hash(bytes[...])
            let leaves = MIMEScanner.scan(bytes[...], visitor: LeafCollector()).visitor
            for size in [1, 2, 3, 7, 64, 1000] {
                if Self.scan(chunks: bytes, size: size, CanonicalHasher()).digest() != whole {
                    differing.append("\(name) in \(size)-byte chunks: v1 hash")
                }
                let c = Self.scan(chunks: bytes, size: size, LeafCollector())
                if LeafCollector.records(c.contentLeaves) != LeafCollector.records(leaves.contentLeaves)
                    || c.shapeDigest != leaves.shapeDigest
                {
                    differing.append("\(name) in \(size)-byte chunks: v2 leaves")
                }
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10))")
    }

    @Test("signing keeps the content: every corpus message, signed, reads back to its statement, with 7-bit LF bodies")
    func signingKeepsTheContent() throws {
        let signer = MessageSigner(signer: StubSigner(), hostname: "test.example.org")
        var broken: [String] = []
        var signedCount = 0
        for (name, bytes) in try Self.corpusMessages() {
            guard let signed = try? signer.sign(bytes, now: TestKey.now) else { continue }  // unusable Message-ID
            signedCount += 1
            let out = signed.bytes
            let back = ReturnedMessage.read(out[...], limits: .standard)
            if LeafCollector.records(back.leaves) != signed.statement.leaves { broken.append(name + ": leaves") }
            if back.shape != signed.statement.shape { broken.append(name + ": shape") }
            if back.statementPart == nil || back.clearsignPart == nil { broken.append(name + ": proof parts") }
            if out.contains(ASCII.cr) { broken.append(name + ": CR in the output") }
            if let leaf = MIMEScanner.scan(out[...], visitor: EightBitFinder()).visitor.found {
                broken.append(name + ": 8-bit body in a \(leaf) part")
            }
        }
        #expect(signedCount > 1_300)
        #expect(broken.isEmpty, "\(broken.count): \(broken.prefix(10))")
    }

    @Test("signing from memory and from a spooled pipe give the same message")
    func pipeAndMemoryAgree() throws {
        let bytes = Array(CanonicalBodyTests.base.utf8)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        try FileIO.writeAll(fds[1], bytes)
        close(fds[1])
        let source = try MessageSource(fd: fds[0], spoolDirectory: "/tmp")
        defer { close(fds[0]) }
        let signer = MessageSigner(signer: StubSigner(), hostname: "test.example.org")
        let prepared = try signer.prepare(source, now: TestKey.now)
        let out = MailOutput()
        try prepared.write(to: out)
        let fromMemory = try signer.sign(bytes, now: TestKey.now)
        #expect(prepared.statement.leaves == fromMemory.statement.leaves)
        #expect(prepared.statement.shape == fromMemory.statement.shape)
        #expect(prepared.statement.headers == fromMemory.statement.headers)
        #expect(
            LeafCollector.records(ReturnedMessage.read(out.bytes[...], limits: .standard).leaves) == fromMemory.statement.leaves)
        #expect(out.bytes.count == fromMemory.bytes.count)
    }

    @Test("lines longer than a piece come out in pieces of the same size whatever the chunks")
    func longLinesArePieces() {
        let line = [UInt8](repeating: 0x61, count: LineSplitter.maxLine * 2 + 5) + [ASCII.lf] + Array("end".utf8)
        for size in [LineSplitter.maxLine - 1, LineSplitter.maxLine, 100_000, line.count] {
            var pieces: [(Int, Bool, Bool)] = []
            var splitter = LineSplitter()
            var i = 0
            while i < line.count {
                let end = min(i + size, line.count)
                line[i..<end].withUnsafeBufferPointer {
                    splitter.feed($0) { pieces.append(($0.count, $0.continues, $0.terminated)) }
                }
                i = end
            }
            splitter.finish { pieces.append(($0.count, $0.continues, $0.terminated)) }
            #expect(pieces.map(\.0) == [LineSplitter.maxLine, LineSplitter.maxLine, 5, 3], "chunks of \(size)")
            #expect(pieces.map(\.1) == [true, true, false, false])
            #expect(pieces.map(\.2) == [false, false, true, false])
        }
    }

    @Test("quoted-printable and base64 stream the same in any chunks")
    func codecsStream() {
        var text: [UInt8] = []
        for i in 0..<3_000 { text += Array("line \(i) = café\t \r\n.From x\r".utf8) + [UInt8(truncatingIfNeeded: i)] }
        let qp = QuotedPrintable.encode(text[...])
        let b64 = Base64.encodeLines(text)
        for size in [1, 5, 76, 4096] {
            var qpEncoder = QPEncoder(), b64Encoder = Base64LineEncoder()
            var qpOut: [UInt8] = [], b64Out: [UInt8] = []
            var i = 0
            while i < text.count {
                let end = min(i + size, text.count)
                text[i..<end].withUnsafeBufferPointer {
                    qpEncoder.encode($0) { qpOut += $0 }
                    b64Encoder.encode($0) { b64Out += $0 }
                }
                i = end
            }
            qpEncoder.finish { qpOut += $0 }
            b64Encoder.finish { b64Out += $0 }
            #expect(qpOut == qp, "qp in \(size)-byte chunks")
            #expect(b64Out == b64, "base64 in \(size)-byte chunks")
        }
        #expect(Base64.decode(b64) == text)
        // QP decodes line breaks to LF: compare with the text's breaks made LF.
        var lf: [UInt8] = []
        LineSplitter.lines(of: text[...]) { line in
            lf += line.content
            if line.terminated { lf.append(ASCII.lf) }
        }
        #expect(QuotedPrintable.decode(qp[...]) == lf)
    }
}

/// Finds a leaf outside message/* and multipart/signed|encrypted whose
/// body has 8-bit bytes (header fields are copied as they came, 8-bit or not).
struct EightBitFinder: MIMEScanVisitor {
    private(set) var found: String? = nil
    /// Per open entity: whether its body is copied untouched.
    private var exempt: [Bool] = []
    private var type = ""

    mutating func begin(_ entity: ScannedEntity) {
        let t = entity.contentType
        exempt.append(
            (exempt.last ?? false) || t.type == "message" || t.mediaType == "multipart/signed"
                || t.mediaType == "multipart/encrypted")
        type = t.mediaType
    }
    mutating func bodyLine(_ line: LinePiece) {
        if found == nil, exempt.last == false, line.content.contains(where: { $0 >= 0x80 }) { found = type }
    }
    mutating func structureLine(_ line: LinePiece, _ role: StructureLine, of multipart: Int) {}
    mutating func end(_ entity: ScannedEntity, cutByDelimiter: Bool) { exempt.removeLast() }
}
