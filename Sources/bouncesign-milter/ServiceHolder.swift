// The settings every session reads, swapped whole on SIGHUP, and the count
// of open sessions (max-sessions; SIGTERM waits for it to reach zero).
import BounceKit

/// Shared by libmilter's session threads and the signal loop.
final class ServiceHolder: @unchecked Sendable {
    private let lock = Lock()
    private var service: MilterService
    private var open = 0

    init(_ service: MilterService) { self.service = service }

    var current: MilterService { lock.withLock { service } }

    func replace(_ new: MilterService) { lock.withLock { service = new } }

    /// Counts a new session in, or refuses it when max-sessions are open.
    func enter() -> Bool {
        lock.withLock {
            guard open < service.config.maxSessions else { return false }
            open += 1
            return true
        }
    }

    func leave() { lock.withLock { open -= 1 } }

    var openSessions: Int { lock.withLock { open } }
}
