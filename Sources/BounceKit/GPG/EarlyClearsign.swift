// A clearsign begun before its text is known. gpg spends a third of a sign
// starting, reading its keyring and finding the key (measured here: "gpg
// --version" alone 3.1 ms, "gpg --clearsign" of a line 8.9 ms), and it does
// all of that before it reads the text. So GPGSigner starts it on a second thread
// while the message is still being read and hashed; GPGME's read callback
// waits for the statement, which `finish` hands over. The signature that
// comes back is judged as GPGSigner judges its own (one signature, by the
// configured key), and anything else falls back to GPGSigner.clearsign's
// ordinary path, whose errors are the ones reported.
import CGPGME
import Glibc

/// A clearsign, started early, waiting for its text.
public protocol ClearsignInProgress: AnyObject {
    /// Signs `text`: the clearsigned text, armored.
    func finish(_ text: [UInt8]) throws(GPGError) -> [UInt8]
    /// The text will not come (the message could not be signed): gpg is
    /// told so, and the call returns once it is gone. Nothing after `finish`.
    func abandon()
}

/// GPGSigner's clearsign begun on a thread of its own.
final class EarlyClearsign: ClearsignInProgress, @unchecked Sendable {
    private let signer: GPGSigner
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let handedOver = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Under `mutex`: the text once given, how much of it gpg has read, or
    /// that it will never come.
    private var text: [UInt8]? = nil
    private var offset = 0
    private var abandoned = false
    /// Written by the thread, read after it is joined.
    private var outcome: Result<GPGSigner.Signature, GPGError> = .failure(.operationFailed(operation: "sign", reason: "not run"))
    private var thread = pthread_t()
    private var joined = false

    private init(_ signer: GPGSigner) {
        self.signer = signer
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(handedOver, nil)
    }

    deinit {
        pthread_cond_destroy(handedOver)
        pthread_mutex_destroy(mutex)
        handedOver.deallocate()
        mutex.deallocate()
    }

    /// A clearsign by `signer` started on a new thread; nil if no thread
    /// could be made (the caller then signs the ordinary way).
    static func start(_ signer: GPGSigner) -> EarlyClearsign? {
        GPGContext.setHomeBeforeThreads(signer.setup)
        let early = EarlyClearsign(signer)
        guard let thread = PosixThread.start({ early.run() }) else { return nil }
        early.thread = thread
        return early
    }

    func finish(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        hand(over: text)
        join()
        return try signer.clearsign(text, early: outcome)
    }

    func abandon() {
        guard !joined else { return }
        hand(over: nil)
        join()
    }

    /// On the thread: one clearsign without naming a signer, as GPGSigner's first try.
    private func run() {
        do throws(GPGError) {
            let ctx = try GPGContext(signer.setup)
            let plain = try GPGData(callbacks: Self.callbacks, source: Unmanaged.passUnretained(self).toOpaque())
            outcome = .success(try signer.sign(plain, on: ctx))
        } catch {
            outcome = .failure(error)
        }
    }

    /// Gives gpg its text, or (nil) tells it none will come.
    private func hand(over given: [UInt8]?) {
        pthread_mutex_lock(mutex)
        if let given { text = given } else { abandoned = true }
        pthread_cond_signal(handedOver)
        pthread_mutex_unlock(mutex)
    }

    private func join() {
        guard !joined else { return }
        pthread_join(thread, nil)
        joined = true
    }

    /// GPGME's read callback, on the thread: waits for the text, then
    /// gives it in pieces of at most `size` bytes, then 0 (its end).
    fileprivate func read(into buffer: UnsafeMutableRawPointer, size: Int) -> Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while text == nil && !abandoned { pthread_cond_wait(handedOver, mutex) }
        guard let text, !abandoned else {
            errno = ECANCELED
            return -1
        }
        let n = min(size, text.count - offset)
        guard n > 0 else { return 0 }
        // n > 0: the text is not empty, so it has a base address.
        text.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }

    /// The callbacks every EarlyClearsign's data uses (GPGME keeps the pointer).
    nonisolated(unsafe) private static let callbacks: UnsafeMutablePointer<gpgme_data_cbs> = {
        let table = UnsafeMutablePointer<gpgme_data_cbs>.allocate(capacity: 1)
        table.initialize(
            to: gpgme_data_cbs(
                read: { source, buffer, size in
                    // GPGME passes back the source and a buffer it owns.
                    guard let source, let buffer else { return -1 }
                    return Unmanaged<EarlyClearsign>.fromOpaque(source).takeUnretainedValue().read(into: buffer, size: size)
                }, write: nil, seek: nil, release: nil))
        return table
    }()
}
