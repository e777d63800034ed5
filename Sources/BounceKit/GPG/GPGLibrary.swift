// libgpgme, loaded when the first GnuPG operation needs it rather than at
// start-up: most messages bouncecheck sees are no bounces and need no GnuPG,
// and loading libgpgme with libassuan and libgpg-error costs ~0.3 ms of its
// ~2.4 ms. The function table and its loader are in Sources/CGPGME/shim.h.
import CGPGME
import Glibc

/// GPGME's functions, loaded once.
enum GPGLibrary {
    /// A static `let` is initialised on first use, once, thread-safely.
    private static let loaded: Result<bouncesign_gpgme, GPGError> = load()

    /// The function table (`gpgme_op_sign` is `.op_sign`); the first call loads the library.
    static func functions() throws(GPGError) -> bouncesign_gpgme { try loaded.get() }

    private static func load() -> Result<bouncesign_gpgme, GPGError> {
        let table = UnsafeMutablePointer<bouncesign_gpgme>.allocate(capacity: 1)
        defer { table.deallocate() }
        guard bouncesign_gpgme_load(table) == 0 else {
            let reason = dlerror().map { String(cString: $0) } ?? "a function is missing"
            return .failure(.libraryUnavailable(reason: reason))
        }
        return .success(table.pointee)
    }
}

extension bouncesign_gpgme {
    /// GPGME's text for an error, lower-case first as our messages are.
    func message(_ err: gpgme_error_t) -> String {
        (strerror(err).map { String(cString: $0) } ?? "error \(err)").lowercasingFirst
    }
}
