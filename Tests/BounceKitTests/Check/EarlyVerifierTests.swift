// The header proof verified while the body is read (EarlyVerifier): its
// answer is used only for exactly the bytes it was started on, so a proof
// whose carriers differ, or a bounce with two proofs, is judged as before;
// and a genuine bounce asks GnuPG once, not twice.
import Testing

@testable import BounceKit

/// Answers as AcceptingVerifier does, and records what it was asked.
final class CountingVerifier: ClearsignVerifying, @unchecked Sendable {
    private let lock = Lock()
    private var asked: [[UInt8]] = []
    var calls: [[UInt8]] { lock.withLock { asked } }

    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        lock.withLock { asked.append(clearsigned) }
        return try AcceptingVerifier().verify(clearsigned: clearsigned)
    }
}

@Suite("Early verification")
struct EarlyVerifierTests {
    static let message = """
        From: Alice <alice@example.org>
        To: bob@example.net
        Subject: early
        Date: Sun, 29 Nov 2026 10:00:00 +0000
        Message-ID: <early@example.org>

        a body long enough to be read after the header
        """

    static func check(_ bounce: [UInt8], _ verifier: CountingVerifier) -> Verdict {
        let checker = BounceChecker(verifier: verifier, policy: TestKey.policy(requireBody: false))
        return (try? checker.check(MessageSource(bytes: bounce)).verdict) ?? .temperror("read failed")
    }

    @Test("a genuine bounce is verified once, from the header proof started early, and passes")
    func genuineBounceVerifiedOnce() throws {
        let bounce = TestMail.bounce(returning: try TestMail.sign(Self.message))
        let verifier = CountingVerifier()
        let got = Self.check(bounce, verifier)
        #expect(got == .pass(.body), "got \(got), want pass (body verified)")
        #expect(verifier.calls.count == 1, "GnuPG asked \(verifier.calls.count) times, want 1")
    }

    /// The Bounce-Signature field bouncesign puts first, folded lines and all.
    static func proofField(_ signed: [UInt8]) -> [UInt8] {
        var end = 0
        repeat {
            end = (signed[end...].firstIndex(of: ASCII.lf) ?? signed.count - 1) + 1
        } while end < signed.count && ASCII.isWhitespace(signed[end])
        return Array(signed[..<end])
    }

    @Test("a header proof that differs from the proof parts fails as a mismatch, the early answer unused")
    func differentCarriersStillMismatch() throws {
        let signed = try TestMail.sign(Self.message)
        let other = try TestMail.sign(Self.message + "\nanother line\n")
        let field = Self.proofField(signed)
        let swapped = Self.proofField(other) + Array(signed[field.count...])
        let verifier = CountingVerifier()
        let got = Self.check(TestMail.bounce(returning: swapped), verifier)
        #expect(got == .fail(.proofMismatch), "got \(got), want fail (proof header differs from proof part)")
    }

    @Test("asked about other bytes than it started on, it asks GnuPG about those and answers for them")
    func otherBytesAreVerifiedAnew() throws {
        let a = BounceOutline.read(try TestMail.sign(Self.message)[...]).root.header
        let b = BounceOutline.read(try TestMail.sign(Self.message + "\nmore\n")[...]).root.header
        guard let fieldB = b.first(ProofNames.header), case .v2(let signedB) = try ProofHeader.parse(fieldB) else {
            Issue.record("no version 2 header proof")
            return
        }
        let counting = CountingVerifier()
        let early = EarlyVerifier(counting)
        early.start(a)
        let got = try early.verify(clearsigned: signedB.clearsigned)
        let answeredForB = got.plaintext == signedB.text, askedAboutB = counting.calls.contains(signedB.clearsigned)
        #expect(answeredForB, "answered for other bytes than those asked about")
        #expect(askedAboutB, "GnuPG was not asked about the bytes in question")
    }

    @Test("two header proofs start nothing early and fail as duplicates")
    func duplicateHeaderProofsStartNothing() throws {
        let signed = try TestMail.sign(Self.message)
        guard let field = signed.split(separator: ASCII.lf, omittingEmptySubsequences: false).first else { return }
        let doubled = Array(field) + [ASCII.lf] + signed
        let verifier = CountingVerifier()
        let got = Self.check(TestMail.bounce(returning: doubled), verifier)
        #expect(got == .fail(.duplicateProof), "got \(got), want fail (more than one proof)")
        #expect(verifier.calls.isEmpty, "GnuPG asked \(verifier.calls.count) times for a bounce with two proofs, want 0")
    }
}
