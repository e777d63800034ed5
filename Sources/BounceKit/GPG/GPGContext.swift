// The only file that touches GPGME's C API directly, with GPGData below.
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

    public init(homedir: String, gpgPath: String = "/usr/bin/gpg") {
        self.homedir = homedir
        self.gpgPath = gpgPath
    }
}

/// One GPGME context, configured for unattended use.
final class GPGContext {
    let handle: OpaquePointer

    init(_ setup: GPGSetup) throws(GPGError) {
        try GPGContext.initialiseEngine(setup)
        var ctx: gpgme_ctx_t?
        let err = gpgme_new(&ctx)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let ctx else {
            throw .operationFailed(operation: "start", reason: GPGContext.message(err))
        }
        handle = ctx
        gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)
        gpgme_set_armor(ctx, 1)
        gpgme_set_offline(ctx, 1)  // never fetch keys from the network
        gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK)  // never wait for a passphrase
        gpgme_set_ctx_flag(ctx, "trust-model", "always")
    }

    deinit { gpgme_release(handle) }

    nonisolated(unsafe) private static var initialised: GPGSetup? = nil

    /// Global flags must be set before gpgme_check_version; they spare the
    /// gpgconf and version runs that cost ~10 ms per process (FACTS.md).
    private static func initialiseEngine(_ setup: GPGSetup) throws(GPGError) {
        if initialised == setup { return }
        guard access(setup.gpgPath, X_OK) == 0 else {
            throw .engineUnavailable(path: setup.gpgPath, reason: String(cString: strerror(errno)))
        }
        setenv("GNUPGHOME", setup.homedir, 1)
        if initialised == nil {
            gpgme_set_global_flag("disable-gpgconf", "1")
            gpgme_set_global_flag("gpg-name", setup.gpgPath)
            _ = bouncesign_gpgme_check_version(nil)
        }
        let err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR else {
            throw .engineUnavailable(path: setup.gpgPath, reason: message(err))
        }
        initialised = setup
    }

    static func message(_ err: gpgme_error_t) -> String {
        String(cString: gpgme_strerror(err)).asciiLowercasedFirst
    }

    static func code(_ err: gpgme_error_t) -> gpgme_err_code_t { gpgme_err_code(err) }
}

/// A GPGME data buffer.
final class GPGData {
    private(set) var handle: OpaquePointer?

    /// An empty buffer for output.
    init() throws(GPGError) {
        var dh: gpgme_data_t?
        let err = gpgme_data_new(&dh)
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let dh else {
            throw .operationFailed(operation: "allocate a buffer", reason: GPGContext.message(err))
        }
        handle = dh
    }

    /// A buffer holding a copy of `bytes`.
    init(_ bytes: [UInt8]) throws(GPGError) {
        var dh: gpgme_data_t?
        let err = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { gpgme_data_new_from_mem(&dh, $0.baseAddress, buf.count, 1) }
        }
        guard gpgme_err_code(err) == GPG_ERR_NO_ERROR, let dh else {
            throw .operationFailed(operation: "allocate a buffer", reason: GPGContext.message(err))
        }
        handle = dh
    }

    deinit { if let handle { gpgme_data_release(handle) } }

    /// The buffer's contents; the buffer is released.
    func take() -> [UInt8] {
        guard let h = handle else { return [] }
        handle = nil
        var length = 0
        guard let mem = gpgme_data_release_and_get_mem(h, &length) else { return [] }
        defer { gpgme_free(mem) }
        return mem.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}

extension String {
    fileprivate var asciiLowercasedFirst: String {
        guard let f = first else { return self }
        return String(f).lowercased() + dropFirst()
    }
}
