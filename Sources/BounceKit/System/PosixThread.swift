// A POSIX thread for the little work that overlaps (the hashing thread, an
// early GnuPG verification, GPGME's set-up). No Foundation, no Dispatch:
// bouncecheck starts on every incoming message, and these cost nothing until
// they are used.
import Glibc

/// Starts POSIX threads.
enum PosixThread {
    /// A thread running `body`, to be joined or detached by the caller; nil
    /// if none could be made (the caller then does the work itself).
    static func start(_ body: @escaping () -> Void) -> pthread_t? {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                // The context is the box retained above, released here.
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard created == 0 else {
            box.release()
            return nil
        }
        return thread
    }

    /// A thread running `body` on its own; false if none could be made.
    @discardableResult
    static func detached(_ body: @escaping () -> Void) -> Bool {
        guard let thread = start(body) else { return false }
        pthread_detach(thread)
        return true
    }

    /// The closure handed to the new thread.
    private final class Body: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
