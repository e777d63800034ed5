// MailOutput into a pipe (sendmail's, procmail's): an output past 64 KiB
// asks for a pipe of 256 KiB, so that the writer does not wait for the
// reader at every 64 KiB; a small message leaves the pipe as it was.
import Foundation
import Testing

@testable import BounceKit

@Suite("Mail output")
struct MailOutputTests {
    /// F_GETPIPE_SZ.
    static func pipeSize(_ fd: Int32) -> Int32 { fcntl(fd, 1032) }

    /// Writes `count` bytes through a MailOutput into a pipe read by another
    /// thread; returns the pipe's size afterwards and the bytes read.
    static func written(_ count: Int, _ write: (MailOutput, [UInt8]) throws -> Void) throws -> (Int32, Int) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let readEnd = fds[0]
        nonisolated(unsafe) var got = 0
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                got += n
            }
        }
        reader.start()
        let out = MailOutput(fd: fds[1])
        try write(out, [UInt8](repeating: 0x61, count: count))
        try out.flush()
        let size = pipeSize(fds[1])
        close(fds[1])
        while !reader.isFinished { usleep(1000) }
        return (size, got)
    }

    @Test("written past 64 KiB, a pipe is asked to hold 256 KiB; a small message leaves it at 64 KiB")
    func widensAPipeForALargeMessage() throws {
        let small = try Self.written(20_000) { out, bytes in out.write(bytes) }
        #expect(small == (1 << 16, 20_000))
        let large = try Self.written(1 << 20) { out, bytes in out.write(bytes) }
        #expect(large == (1 << 18, 1 << 20))
    }

    @Test("a large file sent by the kernel after a header widens the pipe too; a small one does not; both arrive whole")
    func widensAPipeForAFileSent() throws {
        let file = try temporaryFile(holding: [UInt8](repeating: 0x62, count: 1 << 20))
        defer { close(file) }
        for (count, size) in [(20_000, 1 << 16), (1 << 20, 1 << 18)] {
            let sent = try Self.written(100) { out, header in
                out.write(header)
                #expect(out.send(file: file, offset: 0, count: off_t(count)))
            }
            #expect(sent == (Int32(size), 100 + count), "\(count) bytes sent")
        }
    }
}
