// Verifying the header's proof while the body is still being read. The
// Bounce-Signature field is at the top of a returned original, and its
// signature covers nothing after it: GnuPG can check it on a second thread
// while the reader hashes the body, instead of after (make bench, figure 4:
// GnuPG's verification is most of the time on a bounce of a few MB). The
// early result answers only a verification of exactly the bytes it was
// started with; anything else is verified then and there, as before. The
// verdict is still made in one place (ProofVerifier), from the same answer
// GnuPG would have given.
import Glibc

/// A verifier that can start on the first returned original's header proof.
final class EarlyVerifier: ClearsignVerifying, @unchecked Sendable {
    private let inner: any ClearsignVerifying
    /// The verification started, if one was (at most one a check).
    private var early: Early? = nil

    init(_ inner: any ClearsignVerifying) { self.inner = inner }

    deinit { early?.detach() }

    /// Starts verifying the proof of `header`, if it has exactly one
    /// Bounce-Signature field that parses and nothing was started yet. If no
    /// thread can be made, nothing is started.
    func start(_ header: Header) {
        guard early == nil else { return }
        let fields = header.all(ProofNames.header)
        guard fields.count == 1, let content = try? ProofHeader.parse(fields[0]) else { return }
        let bytes: [UInt8]
        switch content {
        case .v2(let signed): bytes = signed.clearsigned
        case .v1(let clearsigned): bytes = clearsigned
        }
        early = Early.start(bytes, inner)
    }

    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        if let e = early, e.bytes == clearsigned { return try e.result().get() }
        return try inner.verify(clearsigned: clearsigned)
    }

    func keyringProblem(trusted: [String]) -> String? { inner.keyringProblem(trusted: trusted) }
    func missingKeys(_ trusted: [String]) -> [String] { inner.missingKeys(trusted) }

    /// One verification on its own thread.
    private final class Early: @unchecked Sendable {
        let bytes: [UInt8]
        let verifier: any ClearsignVerifying
        /// Written by the thread, read after it is joined.
        var answer: Result<Verification, GPGError> = .failure(.operationFailed(operation: "verify", reason: "not run"))
        var thread = pthread_t()
        var joined = false

        private init(_ bytes: [UInt8], _ verifier: any ClearsignVerifying) {
            self.bytes = bytes
            self.verifier = verifier
        }

        static func start(_ bytes: [UInt8], _ verifier: any ClearsignVerifying) -> Early? {
            let e = Early(bytes, verifier)
            guard let thread = PosixThread.start({ e.run() }) else { return nil }
            e.thread = thread
            return e
        }

        /// On the thread: ask GnuPG.
        private func run() {
            do throws(GPGError) { answer = .success(try verifier.verify(clearsigned: bytes)) } catch {
                answer = .failure(error)
            }
        }

        /// The answer, once the thread is done.
        func result() -> Result<Verification, GPGError> {
            if !joined {
                pthread_join(thread, nil)
                joined = true
            }
            return answer
        }

        /// Lets the thread finish on its own (its answer was not needed).
        func detach() {
            if !joined { pthread_detach(thread) }
            joined = true
        }
    }
}
