// The random bytes of nonces, boundaries and Message-IDs (the kernel's,
// since libgcrypt is loaded only to hash).
import Testing

@testable import BounceKit

@Suite("Random bytes")
struct CryptoTests {
    @Test("as many bytes as asked, whether or not a multiple of the generator's eight")
    func count() {
        for n in [0, 1, 7, 8, 9, 12, 32] { #expect(Crypto.randomBytes(n).count == n) }
    }

    @Test("no two nonces alike in a thousand, and every byte position varies")
    func unpredictable() {
        let draws = (0..<1000).map { _ in Crypto.randomBytes(12) }
        #expect(Set(draws.map(\.hex)).count == draws.count)
        // A tail left unfilled (or one value repeated) shows as a position that never changes.
        for i in 0..<12 { #expect(Set(draws.map { $0[i] }).count > 100, "byte \(i)") }
    }
}
