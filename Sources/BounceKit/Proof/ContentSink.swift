// Where a leaf's canonical text is hashed for mime-leaves/2: SHA-256 with
// its checkpoints (CanonicalContent.swift, step 4), large blocks on the
// hashing thread (HashWorker).

/// Counts canonical bytes into SHA-256 and keeps the digest of the first
/// `CanonicalContent.checkpoint(k)` bytes as they pass. Large blocks are
/// hashed on the process's hashing thread (HashWorker), in order; reading
/// the digests waits for them.
final class ContentSink: HashSink {
    private var state = HashState()
    /// Bytes taken (some may still be on their way through the worker).
    private(set) var count = 0
    /// The last block handed to the worker (0: none outstanding).
    private var ticket = 0

    /// Smaller blocks are hashed here: handing them over costs more.
    private static let handOver = 1 << 15

    init() {}

    func update(_ buffer: UnsafeRawBufferPointer) {
        count += buffer.count
        // Asks for the worker only when it may be used: the first call starts
        // its thread, which a small message (most bounces) never needs.
        let large = buffer.count >= Self.handOver
        if large || ticket > 0, let worker = HashWorker.shared, large || !worker.isDone(ticket) {
            let state = self.state
            ticket = worker.submit(copying: buffer) { state.update($0) }
        } else {
            state.update(buffer)
        }
    }

    /// SHA-256 of the content up to each checkpoint passed so far.
    var checkpoints: [[UInt8]] {
        settle()
        return state.checkpoints
    }

    func copy() -> ContentSink {
        settle()
        let c = ContentSink()
        c.state = state.copy()
        c.count = count
        return c
    }

    func finish() -> [UInt8] {
        settle()
        return state.sha.finish()
    }

    /// Waits for the blocks on their way.
    private func settle() {
        guard ticket > 0 else { return }
        HashWorker.shared?.wait(for: ticket)
        ticket = 0
    }

    /// The hash and its checkpoints: used by one thread at a time (the
    /// worker while blocks are on their way, then the sink's owner).
    private final class HashState {
        var sha = SHA256()
        var count = 0
        var checkpoints: [[UInt8]] = []

        func update(_ buffer: UnsafeRawBufferPointer) {
            var rest = buffer
            while !rest.isEmpty {
                let k = checkpoints.count
                let next = k < CanonicalContent.maxCheckpoints ? CanonicalContent.checkpoint(k) : Int.max
                let take = Swift.min(rest.count, next - count)
                sha.update(UnsafeRawBufferPointer(rebasing: rest[..<take]))
                count += take
                rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                if count == next { checkpoints.append(sha.copy().finish()) }
            }
        }

        func copy() -> HashState {
            let c = HashState()
            c.sha = sha.copy()
            c.count = count
            c.checkpoints = checkpoints
            return c
        }
    }
}
