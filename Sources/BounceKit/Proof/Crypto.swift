// libgcrypt, loaded once on first use, its random numbers, and hex.
import CGcrypt
import Glibc

/// libgcrypt, loaded and set up once, and its random numbers.
public enum Crypto {
    /// libgcrypt's functions (`gcry_md_open` is `.md_open`), loaded on first
    /// use. Without libgcrypt nothing can be hashed, and SHA256's callers
    /// cannot be told (it does not throw): exit EX_TEMPFAIL, as on any
    /// run-time failure, so the mail is kept and retried.
    static let gcrypt: bouncesign_gcrypt = {
        let table = UnsafeMutablePointer<bouncesign_gcrypt>.allocate(capacity: 1)
        defer { table.deallocate() }
        guard bouncesign_gcrypt_load(table) == 0 else {
            let program = CommandLine.arguments.first?.split(separator: "/").last.map(String.init) ?? "bouncesign"
            let reason = dlerror().map { String(cString: $0) } ?? "a function is missing"
            let line = Array("\(program): cannot load libgcrypt: \(reason); install libgcrypt20\n".utf8)
            _ = write(2, line, line.count)
            exit(ExitStatus.tempFail.rawValue)
        }
        return table.pointee
    }()

    /// `count` unpredictable bytes for nonces and boundaries (libgcrypt's
    /// nonce generator: fast, and never drains the strong pool).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { gcrypt.create_nonce($0.baseAddress, count) }
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
