// libgcrypt, loaded once on first use; random bytes from the kernel; hex.
import CGcrypt
import Glibc

/// libgcrypt, loaded and set up once on first use, and random bytes.
public enum Crypto {
    /// libgcrypt cannot be loaded, so nothing can be hashed: a temporary
    /// failure of this host (exit 75), never a verdict on the mail.
    public struct Unavailable: Error, Equatable, CustomStringConvertible {
        /// dlerror()'s account of what is missing.
        public let reason: String
        /// The reason in an administrator's words.
        public var description: String { "cannot load libgcrypt: \(reason); install libgcrypt20" }
    }

    /// libgcrypt's functions (`gcry_md_open` is `.md_open`), or why they
    /// cannot be loaded; loaded at the first hash, out of bouncecheck's
    /// start-up. Without them a hash takes nothing in (SHA256), so what acts
    /// on a digest asks first: MessageSigner before it reads a message,
    /// BounceChecker before it verifies a returned original.
    static let library: Result<bouncesign_gcrypt, Unavailable> = {
        let table = UnsafeMutablePointer<bouncesign_gcrypt>.allocate(capacity: 1)
        defer { table.deallocate() }
        guard bouncesign_gcrypt_load(table) == 0 else {
            return .failure(Unavailable(reason: dlerror().map { String(cString: $0) } ?? "a function is missing"))
        }
        return .success(table.pointee)
    }()

    /// Loads libgcrypt, unless it is loaded already.
    public static func load() throws(Unavailable) {
        if case .failure(let why) = library { throw why }
    }

    /// `count` unpredictable bytes for nonces and boundaries: the kernel's
    /// (getrandom(2), through the standard library's generator).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            withUnsafeBytes(of: generator.next()) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
