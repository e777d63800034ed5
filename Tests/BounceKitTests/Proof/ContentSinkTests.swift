// ContentSink hands large blocks to the hashing thread (HashWorker), which
// copies each into memory of its own, cut into pieces of its block size, and
// reuses that memory once a block is hashed. Whatever the sizes handed in, and
// however many sinks use the one thread at once, the digest and checkpoints
// must be those of the bytes in order.
import Glibc
import Testing

@testable import BounceKit

@Suite("Hashing on the worker thread")
struct ContentSinkTests {
    /// Piece sizes around the hand-over (32 KiB) and block (64 KiB) sizes,
    /// empty and one-byte pieces among them, repeated past every checkpoint.
    static let sizes = [0, 1, 32_767, 32_768, 65_535, 65_536, 65_537, 200_000, 3 * 65_536 + 5, 7, 1 << 20]

    static func feed(_ bytes: [UInt8], into sink: ContentSink) {
        var at = 0, k = 0
        bytes.withUnsafeBytes { all in
            while at < all.count {
                let n = Swift.min(sizes[k % sizes.count], all.count - at)
                sink.update(UnsafeRawBufferPointer(rebasing: all[at..<(at + n)]))
                at += n
                k += 1
            }
        }
    }

    static func expectDigests(of sink: ContentSink, equal bytes: [UInt8]) {
        #expect(sink.count == bytes.count)
        let checkpoints = (0..<CanonicalContent.maxCheckpoints).map(CanonicalContent.checkpoint)
            .filter { $0 <= bytes.count }
            .map { SHA256.digest(bytes[..<$0]).hex }
        #expect(sink.checkpoints.map(\.hex) == checkpoints)
        #expect(sink.finish().hex == SHA256.digest(bytes).hex)
    }

    @Test("pieces of every size, past every checkpoint, hash to SHA-256 of the bytes in order")
    func piecesOfEverySize() {
        let bytes = varyingBytes(CanonicalContent.checkpoint(CanonicalContent.maxCheckpoints - 1) + 123_457, seed: 1)
        let sink = ContentSink()
        Self.feed(bytes, into: sink)
        Self.expectDigests(of: sink, equal: bytes)
    }

    @Test("two sinks taking turns on the one thread each get their own digest")
    func sinksTakingTurns() {
        let a = varyingBytes(3 << 20, seed: 2), b = varyingBytes(3 << 20, seed: 3)
        let sinkA = ContentSink(), sinkB = ContentSink()
        for start in stride(from: 0, to: a.count, by: 100_000) {
            let end = Swift.min(start + 100_000, a.count)
            a[start..<end].withUnsafeBytes { sinkA.update($0) }
            b[start..<end].withUnsafeBytes { sinkB.update($0) }
        }
        Self.expectDigests(of: sinkA, equal: a)
        Self.expectDigests(of: sinkB, equal: b)
    }

    @Test("four threads hashing at once (milter sessions) each get their own digest")
    func threadsAtOnce() {
        let inputs = (0..<4).map { varyingBytes(2 << 20, seed: UInt32(10 + $0)) }
        let sinks = inputs.map { _ in ContentSink() }
        let threads = (0..<4).compactMap { i in PosixThread.start { Self.feed(inputs[i], into: sinks[i]) } }
        #expect(threads.count == 4)
        for thread in threads { pthread_join(thread, nil) }
        for i in 0..<4 { Self.expectDigests(of: sinks[i], equal: inputs[i]) }
    }
}
