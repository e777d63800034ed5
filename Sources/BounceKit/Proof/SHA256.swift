// SHA-256 through libgcrypt, GnuPG's own crypto library: it uses the CPU's
// SHA extensions and, unlike swift-crypto, does not pull Foundation into
// every bouncecheck process (FACTS.md: about 5 ms a message). It is loaded
// on first use (Crypto.library), out of bouncecheck's start-up.
import CGcrypt
import Glibc

/// An incremental SHA-256.
public final class SHA256 {
    /// nil when libgcrypt cannot be loaded: the hash then takes nothing in and
    /// its digest is empty, never a real one (Crypto.library says who asks first).
    private let gcry = try? Crypto.library.get()
    private var handle: gcry_md_hd_t?

    /// A new hash, through libgcrypt.
    public init() {
        _ = gcry?.md_open(&handle, Int32(GCRY_MD_SHA256.rawValue), 0)
    }

    deinit { gcry?.md_close(handle) }

    /// Adds `bytes` to the hash.
    public func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            gcry?.md_write(handle, buf.baseAddress, buf.count)
        }
        if done == nil { Array(bytes).withUnsafeBufferPointer { gcry?.md_write(handle, $0.baseAddress, $0.count) } }
    }

    /// Hashes raw memory (the streaming paths: no copy into an array).
    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        gcry?.md_write(handle, base, buffer.count)
    }

    /// An independent copy of the state so far.
    public func copy() -> SHA256 { SHA256(copying: self) }

    private init(copying other: SHA256) {
        _ = gcry?.md_copy(&handle, other.handle)
    }

    /// The 32-byte digest; the hasher must not be used afterwards.
    public func finish() -> [UInt8] {
        guard let p = gcry?.md_read(handle, Int32(GCRY_MD_SHA256.rawValue)) else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: 32))
    }

    /// The digest of one buffer.
    public static func digest<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        let h = SHA256()
        h.update(bytes)
        return h.finish()
    }
}
