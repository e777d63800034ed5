// The fuzz build's stand-ins for GnuPG (not part of the SwiftPM package;
// scripts/fuzz.sh compiles every fuzz/*.swift with Sources/BounceKit in one
// module). The stub signer's signature is one fixed, well-formed OpenPGP v4
// signature packet; what makes it "valid" is the stub verifier, which says
// "good, trusted" for exactly the clearsigned texts its own signer produced
// in this process and "bad" (or no signature) for anything else. Forging a
// signature is therefore impossible for the fuzzer, as for a real attacker:
// the only way to a pass is through a genuine statement.

/// The one trusted key.
let fuzzFingerprint = "7AECA5AC0EC5BE4CCF59958E35A8106D9BB8FF9D"
/// The checker's clock; genuine mail is signed an hour before.
let fuzzNow = 1_764_387_660
let fuzzSignedAt = fuzzNow - 3_600

/// A version 4 EdDSA signature packet over canonical text, SHA512 (the
/// shape SignaturePacket.check accepts; its contents mean nothing).
let stubPacket: [UInt8] = [
    0x88, 16,  // old format, tag 2, 16 bytes
    4, 0x01, 22, 10,  // v4, canonical text, EdDSA, SHA512
    0, 0, 0, 0,  // no hashed or unhashed subpackets
    0xAB, 0xCD,  // left 16 bits of the hash
    0x00, 0x08, 0xFF, 0x00, 0x08, 0xEE,  // two one-byte MPIs
]

/// The clearsigned texts a `StubSigner` produced: the only ones that verify.
final class GenuineSignatures {
    /// Canonical clearsigned text -> the statement it signs.
    private(set) var texts: [[UInt8]: [UInt8]] = [:]

    func add(statement text: [UInt8]) {
        texts[SignedStatement(text: text, signature: stubPacket).clearsigned] = text
    }
}

/// Signs with the fixed packet and remembers what it signed.
struct StubSigner: StatementSigning {
    let genuine: GenuineSignatures

    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        genuine.add(statement: text)
        return SignedStatement(text: text, signature: stubPacket).clearsigned
    }
}

/// Good and trusted for a genuine text; otherwise what GnuPG would say of a
/// signature that does not match (bad), or of a packet it cannot use.
struct StubVerifier: ClearsignVerifying {
    let genuine: GenuineSignatures

    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        if let text = genuine.texts[clearsigned] {
            return Verification(plaintext: text, signatures: [SignatureReport(fingerprint: fuzzFingerprint, status: .good)])
        }
        // The checker hands over canonical text it put together itself; a
        // packet other than ours is one GnuPG would reject or not find.
        let packet = (try? SignedStatement(clearsigned: clearsigned))?.signature
        if packet == stubPacket {
            return Verification(plaintext: [], signatures: [SignatureReport(fingerprint: fuzzFingerprint, status: .bad)])
        }
        if (packet?.count ?? 0) % 2 == 1 { throw .invalidSignatureData("fuzz stub: not a usable signature") }
        return Verification(plaintext: [], signatures: [])
    }
}
