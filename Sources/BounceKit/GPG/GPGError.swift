// Errors from GnuPG, worded for a mail administrator.

/// What went wrong talking to GnuPG.
public enum GPGError: Error, Equatable, CustomStringConvertible {
    /// The gpg program could not be run (not installed, wrong path).
    case engineUnavailable(path: String, reason: String)
    /// GPGME, the library GnuPG is run through, could not be loaded.
    case libraryUnavailable(reason: String)
    /// The GnuPG home is missing or unreadable.
    case homeUnusable(path: String, reason: String)
    /// The signing key is not in the keyring (or has no secret part).
    case keyNotFound(String)
    /// The data handed to gpg is no OpenPGP signature at all.
    case invalidSignatureData(String)
    /// Anything else gpg reported.
    case operationFailed(operation: String, reason: String)

    /// The failure in an administrator's words, naming the fix where there is one.
    public var description: String {
        switch self {
        case let .engineUnavailable(path, reason):
            return "cannot run GnuPG (\(path)): \(reason); install gnupg or set gpg in the config file"
        case let .libraryUnavailable(reason):
            return "cannot load GPGME: \(reason); install libgpgme11"
        case let .homeUnusable(path, reason):
            return "cannot use GnuPG home \(path): \(reason); check homedir in the config file"
        case let .keyNotFound(fpr):
            return "signing key \(fpr) is not in the keyring; run bouncesign --generate-key or fix key in the config file"
        case let .invalidSignatureData(reason):
            return "not an OpenPGP signature: \(reason)"
        case let .operationFailed(op, reason):
            return "GnuPG could not \(op): \(reason)"
        }
    }

    /// Whether the failure says something about the input (a forged or broken
    /// signature) rather than about this machine.
    public var isAboutInput: Bool {
        if case .invalidSignatureData = self { return true }
        return false
    }
}
