// Verifying clearsigned statements through GPGME. This reports what GnuPG
// saw, signature by signature; deciding what counts (exactly one good
// signature by a trusted key) is the checker's job, in Check/ProofVerifier.
import CGPGME
import Glibc

/// GnuPG's opinion of one signature.
public struct SignatureReport: Sendable, Equatable {
    /// GnuPG's verdict on a signature (GPGME's signature status); `other` carries GnuPG's words.
    public enum Status: Sendable, Equatable {
        case good, bad, noPublicKey, keyExpired, keyRevoked, signatureExpired
        case other(String)
    }
    /// Fingerprint (or key ID, when the key is unknown) of the signing key.
    public var fingerprint: String
    /// GnuPG's verdict on this signature.
    public var status: Status

    init(fingerprint: String, status: Status) {
        self.fingerprint = fingerprint
        self.status = status
    }
}

/// The result of verifying a clearsigned text.
public struct Verification: Sendable {
    /// The signed text as GnuPG extracted it: the only text to trust.
    public var plaintext: [UInt8]
    /// Every signature GnuPG found, in order (a proof must have exactly one).
    public var signatures: [SignatureReport]
}

/// Verifies clearsigned text.
public protocol ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification
    /// What is wrong on our side (GnuPG home, trusted keys), or nil when
    /// nothing is: asked before input is blamed for a missing signature.
    func keyringProblem(trusted: [String]) -> String?
    /// The trusted fingerprints whose keys are not in the keyring.
    func missingKeys(_ trusted: [String]) -> [String]
}

extension ClearsignVerifying {
    func keyringProblem(trusted: [String]) -> String? { nil }
    func missingKeys(_ trusted: [String]) -> [String] { [] }
}

/// Verifies against the public keys in a GnuPG home.
struct GPGVerifier: ClearsignVerifying {
    let setup: GPGSetup

    init(setup: GPGSetup) { self.setup = setup }

    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        try checkHome()
        let ctx = try GPGContext(setup)
        let sig = try GPGData(clearsigned)
        let plain = try GPGData()
        let err = ctx.gpgme.op_verify(ctx.handle, sig.handle, nil, plain.handle)
        switch GPGContext.code(err) {
        case GPG_ERR_NO_ERROR: break
        case GPG_ERR_NO_DATA, GPG_ERR_BAD_DATA, GPG_ERR_INV_ARMOR:
            throw .invalidSignatureData(ctx.gpgme.message(err))
        default:
            throw .operationFailed(operation: "verify", reason: ctx.gpgme.message(err))
        }
        var reports: [SignatureReport] = []
        var s = ctx.gpgme.op_verify_result(ctx.handle)?.pointee.signatures
        while let sigp = s {
            let fpr = sigp.pointee.fpr.map { String(cString: $0) } ?? ""
            reports.append(SignatureReport(fingerprint: fpr, status: Self.status(sigp.pointee.status, ctx.gpgme)))
            s = sigp.pointee.next
        }
        return Verification(plaintext: plain.take(), signatures: reports)
    }

    private static func status(_ err: gpgme_error_t, _ gpgme: bouncesign_gpgme) -> SignatureReport.Status {
        switch GPGContext.code(err) {
        case GPG_ERR_NO_ERROR: return .good
        case GPG_ERR_BAD_SIGNATURE: return .bad
        case GPG_ERR_NO_PUBKEY: return .noPublicKey
        case GPG_ERR_KEY_EXPIRED: return .keyExpired
        case GPG_ERR_CERT_REVOKED: return .keyRevoked
        case GPG_ERR_SIG_EXPIRED: return .signatureExpired
        default: return .other(gpgme.message(err))
        }
    }

    /// Nil when the home is usable and at least one trusted key is in it.
    func keyringProblem(trusted: [String]) -> String? {
        let keyring = GPGKeyring(setup: setup)
        do throws(GPGError) {
            try keyring.checkHome()
            for fpr in trusted where try keyring.state(of: fpr) != .missing { return nil }
            return "none of the trusted keys is in the keyring \(setup.homedir)"
        } catch {
            return error.description
        }
    }

    func missingKeys(_ trusted: [String]) -> [String] {
        let keyring = GPGKeyring(setup: setup)
        return trusted.filter { (try? keyring.state(of: $0)) == .missing }
    }

    /// A missing or unreadable keyring makes every signature "no public key",
    /// which must never be mistaken for a forgery: refuse before verifying.
    private func checkHome() throws(GPGError) {
        try GPGKeyring(setup: setup).checkHome()
    }
}
