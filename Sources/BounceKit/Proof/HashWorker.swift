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
import Glibc

/// The process's hashing thread: runs jobs in order, one after another.
final class HashWorker: @unchecked Sendable {
    /// The one worker, started on first use (nil if no thread could be made).
    static let shared: HashWorker? = HashWorker()

    /// Blocks waiting, at most.
    static let depth = 8

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when a job comes in (the worker waits on it)...
    private let arrived = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// ...and when one is taken or done (callers wait on it).
    private let progressed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Jobs handed in and not started (guarded by `mutex`, as all below).
    private var queue: [() -> Void] = []
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

    /// Hands in `job`; returns its ticket, for `wait(for:)`. Waits while
    /// `depth` jobs are already waiting.
    func submit(_ job: @escaping () -> Void) -> Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queue.count >= Self.depth { waitForProgress() }
        queue.append(job)
        submitted += 1
        if workerIdle { pthread_cond_signal(arrived) }
        return submitted
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
            job()
            pthread_mutex_lock(mutex)
            completed += 1
            if callersWaiting > 0 { pthread_cond_broadcast(progressed) }
            pthread_mutex_unlock(mutex)
        }
    }
}
