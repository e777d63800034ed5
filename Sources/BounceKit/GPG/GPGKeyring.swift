// What a GnuPG home holds, for set-up checks (--check, --generate-key) and
// for telling a broken set-up from a forged signature: whether the home is
// usable, and the state of one key.
import CGPGME
import Glibc

/// The state of one key in a keyring.
public enum KeyState: Sendable, Equatable {
    case usable
    case missing
    case expired
    case revoked
    /// Disabled, invalid, or not able to sign.
    case unusable(String)

    /// For messages: "is expired", "is not in the keyring", ...
    public var phrase: String {
        switch self {
        case .usable: return "is usable"
        case .missing: return "is not in the keyring"
        case .expired: return "has expired"
        case .revoked: return "is revoked"
        case .unusable(let why): return why
        }
    }
}

/// The keys of one GnuPG home.
struct GPGKeyring {
    let setup: GPGSetup

    init(setup: GPGSetup) { self.setup = setup }

    /// Refuses a home that is missing, not a directory or has no readable
    /// keyring; with `forSigning`, also one without a private-keys directory.
    func checkHome(forSigning: Bool = false) throws(GPGError) {
        var st = stat()
        guard stat(setup.homedir, &st) == 0 else {
            throw .homeUnusable(path: setup.homedir, reason: FileIO.errorText(errno))
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .homeUnusable(path: setup.homedir, reason: "not a directory") }
        let rings = ["pubring.kbx", "pubring.gpg"].map { setup.homedir + "/" + $0 }
        guard rings.contains(where: { access($0, R_OK) == 0 }) else {
            throw .homeUnusable(path: setup.homedir, reason: "no readable pubring.kbx or pubring.gpg")
        }
        if forSigning, access(setup.homedir + "/private-keys-v1.d", R_OK | X_OK) != 0 {
            throw .homeUnusable(
                path: setup.homedir,
                reason: "no readable private-keys-v1.d (\(FileIO.errorText(errno))): run as the user that owns the key")
        }
    }

    /// The state of key `fingerprint` (its secret part too, with `secret`).
    func state(of fingerprint: String, secret: Bool = false) throws(GPGError) -> KeyState {
        let ctx = try GPGContext(setup)
        var key: gpgme_key_t?
        let started = ctx.gpgme.op_keylist_start(ctx.handle, fingerprint, secret ? 1 : 0)
        let found = GPGContext.code(started) == GPG_ERR_NO_ERROR ? ctx.gpgme.op_keylist_next(ctx.handle, &key) : started
        _ = ctx.gpgme.op_keylist_end(ctx.handle)
        guard GPGContext.code(found) == GPG_ERR_NO_ERROR, let key else { return .missing }
        defer { ctx.gpgme.key_unref(key) }
        let k = key.pointee
        if k.revoked != 0 { return .revoked }
        if k.expired != 0 { return .expired }
        if k.disabled != 0 || k.invalid != 0 { return .unusable("is disabled or invalid") }
        if k.can_sign == 0 { return .unusable("cannot sign") }
        return .usable
    }

    /// Fingerprints of the secret keys in the home.
    func secretKeys() throws(GPGError) -> [String] {
        let ctx = try GPGContext(setup)
        var out: [String] = []
        guard GPGContext.code(ctx.gpgme.op_keylist_start(ctx.handle, nil, 1)) == GPG_ERR_NO_ERROR else { return [] }
        var key: gpgme_key_t?
        while GPGContext.code(ctx.gpgme.op_keylist_next(ctx.handle, &key)) == GPG_ERR_NO_ERROR, let k = key {
            if let fpr = k.pointee.fpr { out.append(String(cString: fpr)) }
            ctx.gpgme.key_unref(k)
            key = nil
        }
        _ = ctx.gpgme.op_keylist_end(ctx.handle)
        return out
    }
}
