// Clearsigning statements with the site's key through GPGME.
import CGPGME

/// Makes an OpenPGP clearsign of a text.
public protocol StatementSigning {
    /// The clearsigned text, armored.
    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8]
}

/// Clearsigns with one secret key from a GnuPG home.
public struct GPGSigner: StatementSigning {
    public let setup: GPGSetup
    /// Fingerprint of the signing key.
    public let fingerprint: String

    public init(setup: GPGSetup, fingerprint: String) {
        self.setup = setup
        self.fingerprint = fingerprint
    }

    public func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        let ctx = try GPGContext(setup)
        // A key listing on this context, not gpgme_get_key: that makes a
        // context of its own, and with it one more "gpg --version" run.
        var key: gpgme_key_t?
        let started = gpgme_op_keylist_start(ctx.handle, fingerprint, 1)
        let found = GPGContext.code(started) == GPG_ERR_NO_ERROR ? gpgme_op_keylist_next(ctx.handle, &key) : started
        gpgme_op_keylist_end(ctx.handle)
        guard GPGContext.code(found) == GPG_ERR_NO_ERROR, let key else { throw .keyNotFound(fingerprint) }
        defer { gpgme_key_unref(key) }
        gpgme_signers_add(ctx.handle, key)
        let plain = try GPGData(text)
        let out = try GPGData()
        let err = gpgme_op_sign(ctx.handle, plain.handle, out.handle, GPGME_SIG_MODE_CLEAR)
        guard GPGContext.code(err) == GPG_ERR_NO_ERROR else {
            throw .operationFailed(operation: "sign with key \(fingerprint)", reason: GPGContext.message(err))
        }
        guard let result = gpgme_op_sign_result(ctx.handle), result.pointee.invalid_signers == nil,
            result.pointee.signatures != nil
        else { throw .operationFailed(operation: "sign with key \(fingerprint)", reason: "no signature was made") }
        return out.take()
    }
}

/// Creates the dedicated signing key.
public enum KeyGenerator {
    /// Creates an ed25519 signing key without passphrase or expiry in
    /// `setup.homedir` and returns its fingerprint.
    public static func generate(setup: GPGSetup, uid: String) throws(GPGError) -> String {
        let ctx = try GPGContext(setup)
        let flags =
            UInt32(GPGME_CREATE_SIGN) | UInt32(GPGME_CREATE_NOPASSWD) | UInt32(GPGME_CREATE_NOEXPIRE)
            | UInt32(GPGME_CREATE_FORCE)
        let err = gpgme_op_createkey(ctx.handle, uid, "ed25519", 0, 0, nil, flags)
        guard GPGContext.code(err) == GPG_ERR_NO_ERROR else {
            throw .operationFailed(operation: "create a key", reason: GPGContext.message(err))
        }
        guard let result = gpgme_op_genkey_result(ctx.handle), let fpr = result.pointee.fpr else {
            throw .operationFailed(operation: "create a key", reason: "no fingerprint returned")
        }
        return String(cString: fpr)
    }
}
