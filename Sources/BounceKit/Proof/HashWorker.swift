// SHA-256 on a second thread, so that hashing a large body overlaps with
// reading it: the reader finds lines and normalises them while this thread
// hashes the previous 64 KiB block (make bench, figure 4: the hash is about
// a third of bouncecheck's time on a large bounce). Blocks are hashed in the
// order they were handed in; at most `depth` wait, so memory stays bounded
// and a fast reader waits for the hash instead of queueing the message.
//
// One thread serves the whole process, started on first use. If it cannot
// be started, every block is hashed on the caller's thread, as before: the
// result is the same, only slower.
//
// A block is copied into memory of the worker's own, which it keeps for the
// next block once hashed. A new allocation for each block cost a page fault
// every 4 KiB: malloc gave the freed blocks back to the kernel, and took
// them again zeroed (100 MB signed: 9,300 page faults, 1,000 with reuse).
import Glibc

/// The process's hashing thread: runs jobs in order, one after another.
final class HashWorker: @unchecked Sendable {
    /// The one worker, started on first use (nil if no thread could be made).
    static let shared: HashWorker? = HashWorker()

    /// Blocks waiting, at most.
    static let depth = 8
    /// Bytes in a block: larger pieces are cut into several.
    static let blockSize = 1 << 16
    /// Blocks waiting before an idle worker is woken (or someone waits for
    /// one): the hash is faster than the reading, so the worker would
    /// otherwise sleep and wake at every block, two system calls each.
    static let wakeAt = 4

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when a job comes in (the worker waits on it)...
    private let arrived = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// ...and when one is taken or done (callers wait on it).
    private let progressed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Jobs handed in and not started (guarded by `mutex`, as all below).
    private var queue: [Job] = []
    /// Blocks hashed, kept for the next ones (at most `depth + 2`: as many
    /// as can be in use at once).
    private var spare: [UnsafeMutableRawBufferPointer] = []
    /// Tickets: jobs handed in, and jobs done.
    private var submitted = 0
    private var completed = 0
    /// Who is waiting: waking a thread that is not costs a system call a block.
    private var workerIdle = false
    private var callersWaiting = 0

    private init?() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(arrived, nil)
        pthread_cond_init(progressed, nil)
        queue.reserveCapacity(Self.depth)
        // The thread keeps the worker: it lives as long as the process.
        guard PosixThread.detached({ [self] in run() }) else { return nil }
    }

    /// One block and what to do with it.
    private struct Job {
        let block: UnsafeMutableRawBufferPointer
        let count: Int
        let work: (UnsafeRawBufferPointer) -> Void

        /// `piece` copied into `block` (at most `blockSize` bytes).
        init(
            copying piece: UnsafeRawBufferPointer, into block: UnsafeMutableRawBufferPointer,
            work: @escaping (UnsafeRawBufferPointer) -> Void
        ) {
            if let source = piece.baseAddress, let target = block.baseAddress {
                target.copyMemory(from: source, byteCount: piece.count)
            }
            self.block = block
            count = piece.count
            self.work = work
        }

        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: block[..<count]) }
    }

    /// Copies `bytes` and hands in `work` on the copy, to run on the worker's
    /// thread, in pieces of at most `blockSize` bytes; returns the ticket of
    /// the last, for `wait(for:)`. Waits while `depth` jobs are already waiting.
    func submit(copying bytes: UnsafeRawBufferPointer, _ work: @escaping (UnsafeRawBufferPointer) -> Void) -> Int {
        var rest = bytes, ticket = 0
        repeat {
            let piece = UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockSize))
            ticket = submit(Job(copying: piece, into: takeBlock(), work: work))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(piece.count))
        } while !rest.isEmpty
        return ticket
    }

    private func submit(_ job: Job) -> Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queue.count >= Self.depth { waitForProgress() }
        queue.append(job)
        submitted += 1
        if queue.count >= Self.wakeAt { wakeWorker() }
        return submitted
    }

    /// A spare block, or a new one.
    private func takeBlock() -> UnsafeMutableRawBufferPointer {
        pthread_mutex_lock(mutex)
        let kept = spare.popLast()
        pthread_mutex_unlock(mutex)
        return kept ?? .allocate(byteCount: Self.blockSize, alignment: 64)
    }

    /// Keeps a hashed block for the next one (called holding `mutex`).
    private func giveBack(_ block: UnsafeMutableRawBufferPointer) {
        if spare.count < Self.depth + 2 { spare.append(block) } else { block.deallocate() }
    }

    /// Wakes the worker if it sleeps with jobs waiting (called holding `mutex`).
    private func wakeWorker() {
        if workerIdle, !queue.isEmpty { pthread_cond_signal(arrived) }
    }

    /// Whether the job with `ticket` has run.
    func isDone(_ ticket: Int) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return completed >= ticket
    }

    /// Waits until the job with `ticket` (and all before it) has run.
    func wait(for ticket: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while completed < ticket { waitForProgress() }
    }

    /// Waits, holding `mutex`, until the worker takes or finishes a job.
    private func waitForProgress() {
        wakeWorker()
        callersWaiting += 1
        pthread_cond_wait(progressed, mutex)
        callersWaiting -= 1
    }

    private func run() {
        while true {
            pthread_mutex_lock(mutex)
            while queue.isEmpty {
                workerIdle = true
                pthread_cond_wait(arrived, mutex)
                workerIdle = false
            }
            let job = queue.removeFirst()
            if callersWaiting > 0 { pthread_cond_broadcast(progressed) }
            pthread_mutex_unlock(mutex)
            job.work(job.bytes)
            pthread_mutex_lock(mutex)
            giveBack(job.block)
            completed += 1
            if callersWaiting > 0 { pthread_cond_broadcast(progressed) }
            pthread_mutex_unlock(mutex)
        }
    }
}
