// The streaming hasher and signer against independent references: the
// tree-walking hash bouncesign used before, every real message in the
// corpus, and every way of cutting a message into chunks.
import Foundation
import Testing

@testable import BounceKit

/// A signer that only wraps the text: the body rewriting is under test here, not GnuPG.
struct WrappingSigner: StatementSigning {
    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        Array("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n".utf8) + text
            + Array("-----BEGIN PGP SIGNATURE-----\n\nAAAA\n=AAAA\n-----END PGP SIGNATURE-----\n".utf8)
    }
}

@Suite("Streaming hash and signer")
struct StreamingHashTests {
    /// Every corpus file and malformed fixture, and the original each one returns.
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
            if let original = BounceClassifier.classify(MIMEEntity.parse(bytes)).original {
                out.append((name + " (returned original)", Array(original.message.raw)))
            }
        }
        return out
    }

    static func hash(chunks bytes: [UInt8], size: Int) -> [UInt8] {
        var scanner = MIMEScanner(visitor: CanonicalHasher())
        var i = 0
        while i < bytes.count {
            let end = min(i + size, bytes.count)
            bytes[i..<end].withUnsafeBufferPointer { scanner.feed($0) }
            i = end
        }
        scanner.finish()
        return scanner.visitor.digest()
    }

    @Test("the streaming hash equals the tree-walking reference on every corpus message and original (fuzz-005)")
    func streamingEqualsReference() throws {
        let messages = try Self.corpusMessages()
        #expect(messages.count > 1_500)
        var differing: [String] = []
        for (name, bytes) in messages
        where CanonicalBody.hash(bytes[...]) != ReferenceCanonicalBody.hash(of: MIMEEntity.parse(bytes)) {
            differing.append(name)
        }
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(10))")
    }

    @Test("the hash does not depend on how the input is cut into chunks")
    func chunkingDoesNotMatter() throws {
        let messages = try Self.corpusMessages()
        var differing: [String] = []
        for (n, (name, bytes)) in messages.enumerated() where n % 7 == 0 {
            let whole = CanonicalBody.hash(bytes[...])
            for size in [1, 2, 3, 7, 64, 1000] where Self.hash(chunks: bytes, size: size) != whole {
                differing.append("\(name) in \(size)-byte chunks")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10))")
    }

    @Test("signing keeps the hash: every corpus message, signed, hashes to its statement, 7-bit LF bodies")
    func signingKeepsTheHash() throws {
        let signer = MessageSigner(signer: WrappingSigner(), hostname: "test.example.org")
        var broken: [String] = []
        var signedCount = 0
        for (name, bytes) in try Self.corpusMessages() {
            guard let signed = try? signer.sign(bytes, now: 1_800_000_000) else { continue }  // unusable Message-ID
            signedCount += 1
            let out = signed.bytes
            if CanonicalBody.hash(out[...]) != signed.statement.bodyHash { broken.append(name + ": hash") }
            let parsed = MIMEEntity.parse(out)
            if ProofParts.count(in: parsed) != 2 { broken.append(name + ": proof parts") }
            if out.contains(ASCII.cr) { broken.append(name + ": CR in the output") }
            if let leaf = Self.eightBitLeaf(parsed) { broken.append(name + ": 8-bit body in a \(leaf) part") }
        }
        #expect(signedCount > 1_500)
        #expect(broken.isEmpty, "\(broken.count): \(broken.prefix(10))")
    }

    /// A leaf outside message/* and multipart/signed|encrypted whose body
    /// has 8-bit bytes (header fields are copied as they came, 8-bit or not).
    static func eightBitLeaf(_ e: MIMEEntity) -> String? {
        let t = e.contentType
        if t.type == "message" || t.mediaType == "multipart/signed" || t.mediaType == "multipart/encrypted" { return nil }
        if t.isMultipart && !e.parts.isEmpty { return e.parts.lazy.compactMap(eightBitLeaf).first }
        return e.body.contains(where: { $0 >= 0x80 }) ? t.mediaType : nil
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
        let signer = MessageSigner(signer: WrappingSigner(), hostname: "test.example.org")
        let prepared = try signer.prepare(source, now: 1_800_000_000)
        let out = MailOutput()
        try prepared.write(to: out)
        let fromMemory = try signer.sign(bytes, now: 1_800_000_000)
        #expect(CanonicalBody.hash(out.bytes[...]) == fromMemory.statement.bodyHash)
        #expect(prepared.statement.bodyHash == fromMemory.statement.bodyHash)
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

enum ProofParts {
    static func count(in message: MIMEEntity) -> Int {
        message.parts.filter(ProofNames.isProofPart).count
    }
}
