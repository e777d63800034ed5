// What several suites share: line-ending variants of a fixture, a signer
// and a verifier that stand in for GnuPG, a real signature packet to
// build proofs (and broken packets) from, and bytes, files and pipes for
// the readers and writers.
import Foundation
import Testing

@testable import BounceKit

// MARK: line ends

/// The same message with LF, CRLF and bare-CR line ends.
func lineEndings(_ s: String) -> [(String, [UInt8])] {
    [
        ("LF", Array(s.utf8)), ("CRLF", Array(s.replacingOccurrences("\n", "\r\n").utf8)),
        ("CR", Array(s.replacingOccurrences("\n", "\r").utf8)),
    ]
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// A fixture as LF and as CRLF (item 9: every fixture runs both ways). CRLF
/// becomes LF in the first, every LF gets its CR in the second; a bare CR
/// (old Mac mail) stays what it is in both.
func lfAndCRLF(_ bytes: [UInt8]) -> [(String, [UInt8])] {
    var lf: [UInt8] = [], crlf: [UInt8] = []
    lf.reserveCapacity(bytes.count)
    crlf.reserveCapacity(bytes.count + bytes.count / 16)
    for (i, b) in bytes.enumerated() {
        let afterCR = i > 0 && bytes[i - 1] == ASCII.cr
        if b == ASCII.lf {
            if afterCR { lf.removeLast() } else { crlf.append(ASCII.cr) }
        }
        lf.append(b)
        crlf.append(b)
    }
    return [("LF", lf), ("CRLF", crlf)]
}

// MARK: bytes, files and pipes

/// Bytes that differ from one position to the next (xorshift), so that a
/// chunk or block read twice, dropped, out of place or overwritten changes
/// what is read or hashed.
func varyingBytes(_ count: Int, seed: UInt32 = 2_463_534_242) -> [UInt8] {
    var x = seed | 1
    return (0..<count).map { _ in
        x ^= x << 13
        x ^= x >> 17
        x ^= x << 5
        return UInt8(truncatingIfNeeded: x)
    }
}

/// An unnamed temporary file holding `bytes`, open for reading and
/// writing at offset 0; the caller closes it.
func temporaryFile(holding bytes: [UInt8]) throws -> Int32 {
    let path = NSTemporaryDirectory() + "/bouncekit-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
    #expect(fd >= 0)
    unlink(path)
    try FileIO.writeAll(fd, bytes)
    lseek(fd, 0, SEEK_SET)
    return fd
}

/// What the file `fd` holds, from its start.
func contents(ofFile fd: Int32) -> [UInt8] {
    let size = Int(lseek(fd, 0, SEEK_END))
    var bytes = [UInt8](repeating: 0, count: size)
    _ = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
    return bytes
}

/// The read end of a pipe another thread writes `bytes` into, then closes;
/// the caller closes the read end.
func pipeFed(with bytes: [UInt8]) -> Int32 {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let writeEnd = fds[1]
    Thread {
        try? FileIO.writeAll(writeEnd, bytes)
        close(writeEnd)
    }.start()
    return fds[0]
}

// MARK: a proof without GnuPG

enum TestKey {
    /// The fingerprint the stub verifier reports, trusted by `TestKey.policy`.
    static let fingerprint = String(repeating: "A", count: 40)
    /// The time the test messages are signed and checked at.
    static let now = 1_800_000_000

    static func policy(requireBody: Bool = false) -> CheckPolicy {
        CheckPolicy(trusted: [fingerprint], maxAge: 7 * 86_400, clockSkew: 900, requireBody: requireBody, now: now)
    }

    /// A real signature packet: `gpg --quick-gen-key x ed25519 sign never`,
    /// then `--clearsign` of a statement (GnuPG 2.2.40). Version 4, text
    /// signature (0x01), EdDSA (22), SHA256 (8).
    static let packetBase64 =
        "iHUEARYIAB0WIQTiVwxWVqpMk3ch16p5SJqt8zM+xgUCaxCEfwAKCRB5SJqt8zM+"
        + "xnSZAPkBqBCuzq2rVHKbQ0W64kZA8Zq90tO4liHi+nJ8s71nAwEA3z6cODCRywxu" + "3gorhxcbMgCzVVDd4uOJ3bXq4BbERQA="
    static let packet = Base64.decode(Array(packetBase64.utf8))
    /// Its armor checksum as GnuPG wrote it.
    static let packetCRC = "7mjZ"
}

/// Signs like GnuPG in shape (the real packet above, over any text): what
/// bouncesign writes is under test, not the signature.
struct StubSigner: StatementSigning {
    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        SignedStatement(text: text, signature: TestKey.packet).clearsigned
    }
}

/// Reports one good signature by the trusted test key over the statement
/// the clearsigned text spells, as GnuPG would if the signature were good.
struct AcceptingVerifier: ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        guard let s = try? SignedStatement(clearsigned: clearsigned) else { throw .invalidSignatureData("stub: not clearsigned") }
        return Verification(plaintext: s.text, signatures: [SignatureReport(fingerprint: TestKey.fingerprint, status: .good)])
    }
}

/// A verifier that must never be reached: what it is given carries no proof.
struct RefusingVerifier: ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        throw .invalidSignatureData("this message carries no proof")
    }
}

// MARK: messages and bounces

enum TestMail {
    /// Signs `message` as bouncesign would, with the stub signer.
    static func sign(_ message: String) throws -> [UInt8] {
        try MessageSigner(signer: StubSigner(), hostname: "test.example.org").sign(Array(message.utf8), now: TestKey.now).bytes
    }

    /// A Postfix-like DSN's explanation and delivery-status parts, its
    /// delimiter "--bounce-9f3a" open for the next part.
    static let report = """
        Return-Path: <>
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: alice@example.org
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="bounce-9f3a"

        --bounce-9f3a
        Content-Type: text/plain

        Your message could not be delivered.

        --bounce-9f3a
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; bob@example.net
        Action: failed
        Status: 5.1.1


        """

    /// A multipart/report bounce returning `original` in a part of `type`.
    static func bounce(returning original: [UInt8], as type: String = "message/rfc822") -> [UInt8] {
        Array((report + "--bounce-9f3a\nContent-Type: \(type)\n\n\n").utf8) + original + Array("\n--bounce-9f3a--\n".utf8)
    }

    /// The verdict bouncecheck gives `bounce` with the stub verifier.
    static func verdict(_ bounce: [UInt8], requireBody: Bool = false) -> Verdict {
        BounceChecker(verifier: AcceptingVerifier(), policy: TestKey.policy(requireBody: requireBody)).check(bounce).verdict
    }
}

extension Array where Element == UInt8 {
    /// The bytes with the first occurrence of `a` replaced by `b` (nil when there is none).
    func replacingFirst(_ a: String, with b: String) -> [UInt8]? {
        guard let i = firstIndex(of: Array(a.utf8), from: 0) else { return nil }
        return Array(self[..<i]) + Array(b.utf8) + Array(self[(i + a.utf8.count)...])
    }
}

/// Feeds `bytes` to a scanner in chunks of `size` bytes.
func scanInChunks<V: MIMEScanVisitor>(_ bytes: [UInt8], _ visitor: V, size: Int) -> MIMEScanner<V> {
    var scanner = MIMEScanner(visitor: visitor)
    var i = 0
    while i < bytes.count {
        let end = min(i + size, bytes.count)
        bytes[i..<end].withUnsafeBufferPointer { scanner.feed($0) }
        i = end
    }
    scanner.finish()
    return scanner
}
