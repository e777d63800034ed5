// A message read more than once in bounded memory. bouncesign reads the one
// it signs twice: once to hash it, once to write it out signed (the proof
// goes in the header, so nothing can be written before the whole message is
// read); bouncecheck reads the rest of a large bounce on to hash its
// returned original, then passes it on. Input that is a regular file is
// simply read again; a pipe is copied to a spool file first, created already
// unlinked (O_TMPFILE) so that nothing is ever left behind in TMPDIR. A
// message may also be a byte range of a file (bouncecheck --survey reads
// each message of an mbox file in place).
import CLibc
import Glibc

/// A message that can be read more than once.
public final class MessageSource {
    private enum Storage {
        case memory([UInt8])
        /// A regular file (or the spool): `length` bytes from `start`.
        case file(fd: Int32, start: off_t, length: off_t?)
        /// A pipe not read yet, and the spool it will be copied to (nil: the
        /// message is read only once).
        case pipe(fd: Int32, spool: Int32?)
        /// A pipe read once without a spool.
        case consumed
    }
    private var storage: Storage
    private let ownedFD: Int32?
    /// The size of a regular file on standard input when it was opened: the
    /// first reading's buffer is no larger (asking again costs a system call).
    private var sizeAtOpen: off_t? = nil
    static let chunkSize = 1 << 18

    /// A message held in memory.
    public init(bytes: [UInt8]) {
        storage = .memory(bytes)
        ownedFD = nil
    }

    /// The message on a descriptor (standard input): read in place if it
    /// is a regular file, spooled to `spoolDirectory` otherwise (unless
    /// `spool` is false: then it can be read only once).
    public init(fd: Int32, spoolDirectory: String, spool: Bool = true) throws(FileIO.Failure) {
        var st = stat()
        let offset = lseek(fd, 0, SEEK_CUR)
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, offset >= 0 {
            storage = .file(fd: fd, start: offset, length: nil)
            ownedFD = nil
            sizeAtOpen = Swift.max(0, st.st_size - offset)
            return
        }
        let spoolFD = spool ? try Self.openSpool(in: spoolDirectory) : nil
        storage = .pipe(fd: fd, spool: spoolFD)
        ownedFD = spoolFD
    }

    /// `length` bytes of a regular file from `start` (one message of an
    /// mbox file), read in place; the caller keeps and closes `fd`.
    public init(fd: Int32, start: off_t, length: off_t) {
        storage = .file(fd: fd, start: start, length: length)
        ownedFD = nil
    }

    /// A spool file this source owns and closes: `length` bytes from the start.
    init(spool fd: Int32, length: off_t) {
        storage = .file(fd: fd, start: 0, length: length)
        ownedFD = fd
    }

    deinit { if let ownedFD { close(ownedFD) } }

    /// Hands over the message chunk by chunk; the first call reads the
    /// input (spooling it), later calls read it again.
    public func read(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileIO.Failure) {
        switch storage {
        case .memory(let bytes):
            bytes.withUnsafeBufferPointer(body)
        case .file(let fd, let start, let length):
            let total = try Self.readFile(fd, from: start, length: length, expected: sizeAtOpen) {
                body($0)
                return true
            }
            storage = .file(fd: fd, start: start, length: total)
        case .pipe(let fd, nil):
            _ = try Self.readStream(fd, body)
            storage = .consumed
        case .consumed:
            throw .failed("cannot read the message twice from a pipe without a spool")
        case .pipe(let fd, let spool?):
            var failure: FileIO.Failure? = nil
            var spooled: off_t = 0, reserved: off_t = 0
            let total = try Self.readStream(fd) { chunk in
                guard failure == nil else { return }
                Self.reserveSpace(spool, from: spooled, to: spooled + off_t(chunk.count), reserved: &reserved)
                do throws(FileIO.Failure) { try FileIO.writeAll(spool, chunk) } catch {
                    failure = .failed("cannot spool the message to TMPDIR: \(error.description)")
                    return
                }
                spooled += off_t(chunk.count)
                body(chunk)
            }
            if let failure { throw failure }
            storage = .file(fd: spool, start: 0, length: total)
        }
    }

    /// Passes the message on as it came to `fd`, or drains it (nil): a pipe
    /// never read is copied straight through, without a spool.
    public func pass(to fd: Int32?) throws(FileIO.Failure) {
        if case .pipe(let input, _) = storage {
            try FileIO.copyRest(from: input, to: fd)
            return
        }
        guard let fd else { return }
        try copy(to: MailOutput(fd: fd))
    }

    /// Writes the message out as it came (when it goes unsigned).
    public func copy(to out: MailOutput) throws(FileIO.Failure) {
        try write(from: 0, to: out)
        try out.flush()
    }

    /// Hands over the message chunk by chunk while `body` asks for more
    /// (returns true), then writes the rest to `out` as it came
    /// (`write(from:to:)`: a file read once already goes by the kernel).
    func read(
        handingRestTo out: MailOutput, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(FileIO.Failure) {
        guard case .file(let fd, let start, let length?) = storage else {
            var handing = true
            try read { chunk in
                if handing { handing = body(chunk) } else { out.write(chunk) }
            }
            return
        }
        let handed = try Self.readFile(fd, from: start, length: length, expected: nil, body)
        try write(from: Int(handed), to: out)
    }

    /// Writes the message from byte `offset` on to `out`, as it came: a file
    /// already read once by the kernel, straight to an output descriptor
    /// (`MailOutput.send`), anything else through memory.
    func write(from offset: Int, to out: MailOutput) throws(FileIO.Failure) {
        if case .file(let fd, let start, let length?) = storage, off_t(offset) <= length,
            out.send(file: fd, offset: start + off_t(offset), count: length - off_t(offset))
        {
            return
        }
        var left = offset
        try read { chunk in
            let n = Swift.min(left, chunk.count)
            left -= n
            if n < chunk.count { out.write(UnsafeBufferPointer(rebasing: chunk[n...])) }
        }
    }

    // MARK: system calls

    private static func readStream(
        _ fd: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(FileIO.Failure) -> off_t {
        // Not zeroed first: read fills what is used (a zeroed 256 KiB was a
        // tenth of an ordinary message's time).
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        FileIO.widenPipe(fd, to: chunkSize)
        var total: off_t = 0
        while true {
            var n = 0
            repeat {
                n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            } while n < 0 && errno == EINTR
            if n < 0 { throw .failed("cannot read the message: \(FileIO.errorText(errno))") }
            if n == 0 { return total }
            total += off_t(n)
            body(UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Reads `length` bytes (or to the end) from `start`, chunk by chunk,
    /// while `body` asks for more; returns the bytes handed over.
    private static func readFile(
        _ fd: Int32, from start: off_t, length: off_t?, expected: off_t?,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(FileIO.Failure) -> off_t {
        // Not zeroed first: read fills what is used (a zeroed 256 KiB was a
        // tenth of an ordinary message's time). No larger than the message
        // and one more byte (that read finds the end): a buffer of 256 KiB
        // is mapped in and out by malloc, two system calls at every start.
        let size = length ?? expected ?? off_t(chunkSize)
        let capacity = Int(Swift.max(1, Swift.min(off_t(chunkSize), size + 1)))
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var done: off_t = 0
        while length.map({ done < $0 }) ?? true {
            let want = length.map { Swift.min(off_t(capacity), $0 - done) } ?? off_t(capacity)
            var n = 0
            repeat {
                n = pread(fd, buffer.baseAddress, Int(want), start + done)
            } while n < 0 && errno == EINTR
            if n < 0 { throw .failed("cannot read the message: \(FileIO.errorText(errno))") }
            if n == 0 {
                // The file shrank between two readings: never write a cut message.
                if let length, done < length { throw .failed("cannot read the message: its file shrank while it was read") }
                break
            }
            done += off_t(n)
            if !body(UnsafeBufferPointer(rebasing: buffer[0..<n])) { break }
        }
        return done
    }

    /// Past 1 MiB, a spool's disk space is reserved 8 MiB ahead of its end
    /// (fallocate): ext4 then writes into blocks it holds already rather than
    /// reserving each page as it is written (100 MB spooled: 19 ms of writing
    /// became 11 ms here). Smaller messages reserve nothing. A refusal is
    /// ignored: a file system that cannot reserve is written as before, and a
    /// full disk is reported by the write that follows.
    private static func reserveSpace(_ spool: Int32, from start: off_t, to end: off_t, reserved: inout off_t) {
        guard end >= 1 << 20, end > reserved else { return }
        let from = Swift.max(reserved, start), step: off_t = 8 << 20
        _ = bouncesign_reserve_space(spool, from, step)
        reserved = from + step
    }

    /// O_TMPFILE: Linux's unnamed file, gone when closed (glibc's macro is
    /// not visible to Swift).
    private static let openTmpFile = Int32(0o20000000) | O_DIRECTORY

    static func openSpool(in directory: String) throws(FileIO.Failure) -> Int32 {
        let fd = open(directory, openTmpFile | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { return fd }
        // File systems without O_TMPFILE: a named file, unlinked at once.
        var template = Array((directory + "/bouncesign.XXXXXX").utf8CString)
        // A non-empty array always has a base address.
        let named = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard named >= 0 else {
            throw .failed(
                "cannot create a spool file in \(directory) (TMPDIR): \(FileIO.errorText(errno));"
                    + " set TMPDIR to a writable directory")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(named, F_SETFD, FD_CLOEXEC)
        return named
    }
}
