// MessageSource: a message on a pipe, spooled to TMPDIR (with its disk space
// reserved ahead past 1 MiB), reads back the same every time; a reading
// stopped part way hands the rest on whole, by the kernel or through memory.
import Foundation
import Testing

@testable import BounceKit

@Suite("Message source")
struct MessageSourceTests {
    /// The readings of `bytes` written to a pipe by another thread.
    static func readings(of bytes: [UInt8], times: Int) throws -> [[UInt8]] {
        let readEnd = pipeFed(with: bytes)
        defer { close(readEnd) }
        let source = try MessageSource(fd: readEnd, spoolDirectory: NSTemporaryDirectory())
        return try (0..<times).map { _ in
            var got: [UInt8] = []
            got.reserveCapacity(bytes.count)
            try source.read { got.append(contentsOf: $0) }
            return got
        }
    }

    @Test(
        "a piped message reads back the same, twice, below, at and past the points where spool space is reserved",
        arguments: [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (17 << 20) + 12_345])
    func spooledPipeReadsBack(size: Int) throws {
        let bytes = varyingBytes(size)
        let got = try Self.readings(of: bytes, times: 2)
        #expect(got[0].count == size && got[0] == bytes, "first reading of \(size) bytes: \(got[0].count)")
        #expect(got[1] == bytes, "second reading (the spool) of \(size) bytes: \(got[1].count)")
    }

    @Test(
        "a reading stopped after the first chunk hands the rest on whole: from memory, a file or a spool, to memory or a file",
        arguments: [false, true])
    func restHandedOn(toFile: Bool) throws {
        let bytes = varyingBytes((3 << 20) + 777)
        let readEnd = pipeFed(with: bytes)
        defer { close(readEnd) }
        let spooled = try MessageSource(fd: readEnd, spoolDirectory: NSTemporaryDirectory())
        try spooled.read { _ in }
        let file = try temporaryFile(holding: bytes)
        defer { close(file) }
        let inPlace = try MessageSource(fd: file, spoolDirectory: NSTemporaryDirectory())
        try inPlace.read { _ in }
        for (name, source) in [("memory", MessageSource(bytes: bytes)), ("spool", spooled), ("file", inPlace)] {
            var handed: [UInt8] = []
            let output = try temporaryFile(holding: [])
            defer { close(output) }
            let out = toFile ? MailOutput(fd: output) : MailOutput()
            try source.read(handingRestTo: out) { chunk in
                handed += chunk
                return false
            }
            try out.flush()
            let rest = toFile ? contents(ofFile: output) : out.bytes
            // Memory is one chunk; a file is read a chunk at a time.
            let chunk = name == "memory" ? bytes.count : MessageSource.chunkSize
            #expect(handed.count == chunk, "\(name): \(handed.count) bytes handed")
            #expect(handed + rest == bytes, "\(name): \(handed.count) + \(rest.count) bytes for \(bytes.count)")
        }
    }
}
