// libopendkim, loaded when the first DKIM verification needs it rather than
// at start-up: bouncecheck reaches it only for a returned original that
// carries a DKIM-Signature of one of the configured domains and no
// bouncesign proof. The function table and its loader are in
// Sources/CDKIM/shim.h.
import CDKIM
import Glibc

/// libopendkim's functions, loaded once.
enum DKIMLibrary {
    /// A static `let` is initialised on first use, once, thread-safely.
    private static let loaded: Result<bouncesign_dkim, DKIMError> = load()

    /// The function table (`dkim_eom` is `.eom`); the first call loads the library.
    static func functions() throws(DKIMError) -> bouncesign_dkim { try loaded.get() }

    private static func load() -> Result<bouncesign_dkim, DKIMError> {
        let table = UnsafeMutablePointer<bouncesign_dkim>.allocate(capacity: 1)
        defer { table.deallocate() }
        guard bouncesign_dkim_load(table) == 0 else {
            let reason = dlerror().map { String(cString: $0) } ?? "a function is missing"
            return .failure(.libraryUnavailable(reason: reason))
        }
        return .success(table.pointee)
    }
}

/// Why a DKIM verification could not be made (never about the message).
public enum DKIMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libopendkim is not installed (Debian: libopendkim11).
    case libraryUnavailable(reason: String)
    /// libopendkim refused to start a verification.
    case setupFailed(String)

    /// The reason in an administrator's words, naming the package to install where that is the fix.
    public var description: String {
        switch self {
        case .libraryUnavailable(let why): return "cannot load libopendkim (install libopendkim11): \(why)"
        case .setupFailed(let why): return "libopendkim: \(why)"
        }
    }
}
