// GPGME contexts and data buffers. GPGME's functions are called through the
// table GPGLibrary loads on first use: gpgme_op_sign is gpgme.op_sign.
// GPGME traps (FACTS.md): compare error codes through gpgme_err_code; a
// verify "succeeds" on bad, unknown-key and untrusted signatures, so callers
// must look at each signature; in a read-only home without trustdb it even
// returns zero signatures unless the trust model is "always".
import CGPGME
import Glibc

/// GnuPG set-up, done once per process before the first operation.
public struct GPGSetup: Sendable, Equatable {
    /// The GnuPG home (gpg's --homedir).
    public var homedir: String
    /// The gpg program.
    public var gpgPath: String

    /// The GnuPG home `homedir`, used with the gpg program at `gpgPath`.
    public init(homedir: String, gpgPath: String = "/usr/bin/gpg") {
        self.homedir = homedir
        self.gpgPath = gpgPath
    }
}

/// One GPGME context, configured for unattended use.
final class GPGContext {
    let handle: OpaquePointer
    /// GPGME's functions.
    let gpgme: bouncesign_gpgme

    init(_ setup: GPGSetup) throws(GPGError) {
        let gpgme = try GPGLibrary.functions()
        try GPGContext.initialiseEngine(setup, gpgme)
        var ctx: gpgme_ctx_t?
        let err = gpgme.new(&ctx)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let ctx else {
            throw .operationFailed(operation: "start", reason: gpgme.message(err))
        }
        handle = ctx
        self.gpgme = gpgme
        _ = gpgme.set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)
        gpgme.set_armor(ctx, 1)
        gpgme.set_offline(ctx, 1)  // never fetch keys from the network
        _ = gpgme.set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK)  // never wait for a passphrase
        _ = gpgme.set_ctx_flag(ctx, "trust-model", "always")
    }

    deinit { gpgme.release(handle) }

    nonisolated(unsafe) private static var initialised: GPGSetup? = nil
    /// The milter starts contexts on several threads at once.
    private static let engineLock = Lock()

    /// Global flags must be set before gpgme_check_version; they spare the
    /// gpgconf and version runs that cost ~10 ms per process (FACTS.md).
    /// A long-lived process (the milter) pays the version check once per
    /// GnuPG set-up, not per message.
    private static func initialiseEngine(_ setup: GPGSetup, _ gpgme: bouncesign_gpgme) throws(GPGError) {
        try engineLock.withLock { () throws(GPGError) in try initialiseEngineLocked(setup, gpgme) }
    }

    private static func initialiseEngineLocked(_ setup: GPGSetup, _ gpgme: bouncesign_gpgme) throws(GPGError) {
        if initialised == setup { return }
        guard access(setup.gpgPath, X_OK) == 0 else {
            throw .engineUnavailable(path: setup.gpgPath, reason: FileIO.errorText(errno))
        }
        // Only when it changes: setenv beside another thread's getenv is unsafe,
        // and setHomeBeforeThreads has set it before a thread of ours starts.
        if getenv("GNUPGHOME").map({ String(cString: $0) }) != setup.homedir { setenv("GNUPGHOME", setup.homedir, 1) }
        if initialised == nil {
            _ = gpgme.set_global_flag("disable-gpgconf", "1")
            _ = gpgme.set_global_flag("gpg-name", setup.gpgPath)
            _ = gpgme.check_version_internal(nil, bouncesign_gpgme_signature_layout())
        }
        let err = gpgme.engine_check_version(GPGME_PROTOCOL_OpenPGP)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR else {
            throw .engineUnavailable(path: setup.gpgPath, reason: gpgme.message(err))
        }
        initialised = setup
    }

    static func code(_ err: gpgme_error_t) -> gpgme_err_code_t { gpgme_err_code(err) }

    /// Sets GNUPGHOME for `setup` on the calling thread, before it starts
    /// one that makes a context; false if the engine is already set up for
    /// it (then GNUPGHOME is left alone: another thread may be reading it).
    @discardableResult
    static func setHomeBeforeThreads(_ setup: GPGSetup) -> Bool {
        guard !isInitialised(setup) else { return false }
        setenv("GNUPGHOME", setup.homedir, 1)
        return true
    }

    /// The engine is already set up for `setup` (a milter's later messages).
    private static func isInitialised(_ setup: GPGSetup) -> Bool {
        engineLock.withLock { () -> Bool in initialised == setup }
    }
}

/// A GPGME data buffer.
final class GPGData {
    private(set) var handle: OpaquePointer?
    private let gpgme: bouncesign_gpgme

    /// An empty buffer for output.
    init() throws(GPGError) {
        gpgme = try GPGLibrary.functions()
        var dh: gpgme_data_t?
        let err = gpgme.data_new(&dh)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let dh else {
            throw .operationFailed(operation: "allocate a buffer", reason: gpgme.message(err))
        }
        handle = dh
    }

    /// A buffer holding a copy of `bytes`.
    init(_ bytes: [UInt8]) throws(GPGError) {
        let gpgme = try GPGLibrary.functions()
        var dh: gpgme_data_t?
        let err = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { gpgme.data_new_from_mem(&dh, $0.baseAddress, buf.count, 1) }
        }
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let dh else {
            throw .operationFailed(operation: "allocate a buffer", reason: gpgme.message(err))
        }
        handle = dh
        self.gpgme = gpgme
    }

    /// A buffer whose bytes come from `callbacks`, called with `source`,
    /// as gpg asks for them (EarlyClearsign: a text not known yet).
    init(callbacks: UnsafeMutablePointer<gpgme_data_cbs>, source: UnsafeMutableRawPointer) throws(GPGError) {
        let gpgme = try GPGLibrary.functions()
        var dh: gpgme_data_t?
        let err = gpgme.data_new_from_cbs(&dh, callbacks, source)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let dh else {
            throw .operationFailed(operation: "allocate a buffer", reason: gpgme.message(err))
        }
        handle = dh
        self.gpgme = gpgme
    }

    deinit { if let handle { gpgme.data_release(handle) } }

    /// The buffer's contents; the buffer is released.
    func take() -> [UInt8] {
        guard let h = handle else { return [] }
        handle = nil
        var length = 0
        guard let mem = gpgme.data_release_and_get_mem(h, &length) else { return [] }
        defer { gpgme.free(mem) }
        return mem.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}
