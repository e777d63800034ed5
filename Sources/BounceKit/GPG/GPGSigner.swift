// Clearsigning statements with the site's key through GPGME.
import CGPGME

/// Makes an OpenPGP clearsign of a text.
public protocol StatementSigning {
    /// The clearsigned text, armored.
    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8]
    /// Starts a clearsign whose text comes later, so that GnuPG starts
    /// while the message is still being read; nil when there is nothing
    /// to start early (then `clearsign` signs).
    func begin() -> (any ClearsignInProgress)?
}

extension StatementSigning {
    /// Nothing to start.
    public func begin() -> (any ClearsignInProgress)? { nil }
}

/// Clearsigns with one secret key from a GnuPG home.
public struct GPGSigner: StatementSigning, Sendable {
    let setup: GPGSetup
    /// Fingerprint of the signing key.
    public let fingerprint: String

    /// Signs with key `fingerprint` from the GnuPG home in `setup`.
    public init(setup: GPGSetup, fingerprint: String) {
        self.setup = setup
        self.fingerprint = fingerprint
    }

    /// The first try of `clearsign`, on its own thread from the start of
    /// the message (EarlyClearsign).
    public func begin() -> (any ClearsignInProgress)? { EarlyClearsign.start(self) }

    /// Signs first without naming a signer, so gpg takes its default key
    /// (gpg.conf's default-key, else the first usable secret key): in the
    /// usual home, holding only our key, that spares the key listing, one
    /// gpg process of three. Only when that signature is not exactly one by
    /// `fingerprint` (another default key, or a configured primary key that
    /// signs with a subkey) is the key listed, named, and the text signed again.
    public func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        try clearsign(text, early: nil)
    }

    /// `clearsign`, its first try already made (`early`) or not (nil).
    func clearsign(_ text: [UInt8], early: Result<Signature, GPGError>?) throws(GPGError) -> [UInt8] {
        if case .success(let quick) = early, isByKey(quick) { return quick.armor }
        // A missing home must not read as a missing key: the fix differs.
        try GPGKeyring(setup: setup).checkHome()
        let ctx = try GPGContext(setup)
        if early == nil, let quick = try? sign(GPGData(text), on: ctx), isByKey(quick) { return quick.armor }
        let key = try findKey(on: ctx)
        defer { ctx.gpgme.key_unref(key) }
        _ = ctx.gpgme.signers_add(ctx.handle, key)
        return try sign(GPGData(text), on: ctx).armor
    }

    /// A clearsign's armored text and the fingerprint of each signature made.
    struct Signature {
        var armor: [UInt8]
        var signers: [String]
    }

    /// Exactly one signature, by `fingerprint`.
    private func isByKey(_ s: Signature) -> Bool {
        s.signers.count == 1 && s.signers[0].uppercased() == fingerprint.uppercased()
    }

    /// One clearsign of `plain` with the context's signers (none: gpg's default key).
    func sign(_ plain: GPGData, on ctx: GPGContext) throws(GPGError) -> Signature {
        let out = try GPGData()
        let err = ctx.gpgme.op_sign(ctx.handle, plain.handle, out.handle, GPGME_SIG_MODE_CLEAR)
        guard GPGContext.code(err) == GPG_ERR_NO_ERROR else {
            throw .operationFailed(operation: "sign with key \(fingerprint)", reason: ctx.gpgme.message(err))
        }
        guard let result = ctx.gpgme.op_sign_result(ctx.handle), result.pointee.invalid_signers == nil,
            result.pointee.signatures != nil
        else { throw .operationFailed(operation: "sign with key \(fingerprint)", reason: "no signature was made") }
        var signers: [String] = []
        var s = result.pointee.signatures
        while let sig = s {
            signers.append(sig.pointee.fpr.map { String(cString: $0) } ?? "")
            s = sig.pointee.next
        }
        return Signature(armor: out.take(), signers: signers)
    }

    /// The secret key `fingerprint`, listed on this context, not with
    /// gpgme_get_key: that makes a context of its own, and with it one more
    /// "gpg --version" run. The caller unrefs it.
    private func findKey(on ctx: GPGContext) throws(GPGError) -> gpgme_key_t {
        var key: gpgme_key_t?
        let started = ctx.gpgme.op_keylist_start(ctx.handle, fingerprint, 1)
        let found = GPGContext.code(started) == GPG_ERR_NO_ERROR ? ctx.gpgme.op_keylist_next(ctx.handle, &key) : started
        _ = ctx.gpgme.op_keylist_end(ctx.handle)
        guard GPGContext.code(found) == GPG_ERR_NO_ERROR, let key else { throw .keyNotFound(fingerprint) }
        return key
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
        let err = ctx.gpgme.op_createkey(ctx.handle, uid, "ed25519", 0, 0, nil, flags)
        guard GPGContext.code(err) == GPG_ERR_NO_ERROR else {
            throw .operationFailed(operation: "create a key", reason: ctx.gpgme.message(err))
        }
        guard let result = ctx.gpgme.op_genkey_result(ctx.handle), let fpr = result.pointee.fpr else {
            throw .operationFailed(operation: "create a key", reason: "no fingerprint returned")
        }
        return String(cString: fpr)
    }
}
