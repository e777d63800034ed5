// Where bouncesign writes a message: a descriptor (standard output or the
// re-injection command's pipe) through a 64 KiB buffer, or memory. Line
// ends are LF throughout (a Unix filter's convention; sendmail -i and every
// MTA accept it).
import Glibc

/// A buffered writer that remembers its first failure.
public final class MailOutput {
    private let fd: Int32?
    /// Where a sink output's bytes go (a milter's body replacement).
    private let sink: ((UnsafeBufferPointer<UInt8>) -> FileIO.Failure?)?
    /// Whether line ends are written CRLF (the milter protocol's form).
    private let crlf: Bool
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    /// The first write that failed; everything after it is dropped.
    public private(set) var failure: FileIO.Failure? = nil
    /// Whether a descriptor was asked to hold more (`widen`).
    private var widened = false

    /// Writes to `fd`.
    public init(fd: Int32) {
        self.fd = fd
        sink = nil
        crlf = false
        buffer.reserveCapacity(1 << 16)
    }

    /// Collects the output in memory (`bytes`).
    public init() {
        fd = nil
        sink = nil
        crlf = false
    }

    /// Hands the output in chunks of up to 64 KiB to `sink`, line ends as
    /// CRLF when `crlf` (a milter's body replacement); `sink` returns the
    /// failure that ends the output, or nil.
    public init(crlf: Bool, sink: @escaping (UnsafeBufferPointer<UInt8>) -> FileIO.Failure?) {
        fd = nil
        self.sink = sink
        self.crlf = crlf
        buffer.reserveCapacity(1 << 16 + 1 << 12)
    }

    /// What was written, for an output in memory.
    public var bytes: [UInt8] { buffer }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if crlf {
            // Every LF gets its CR; a CR already before an LF is kept as it is.
            var last = buffer.last ?? 0
            for b in bytes {
                if b == ASCII.lf, last != ASCII.cr { buffer.append(ASCII.cr) }
                buffer.append(b)
                last = b
            }
        } else {
            buffer.append(contentsOf: bytes)
        }
        if fd != nil || sink != nil, buffer.count >= 1 << 16 { drain() }
    }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0) } }
    func write(_ text: String) { write(Array(text.utf8)) }
    func write(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBufferPointer { write($0) } }

    func newline() {
        if crlf, buffer.last != ASCII.cr { buffer.append(ASCII.cr) }
        buffer.append(ASCII.lf)
    }

    /// Writes `count` bytes of the regular file `file` from `offset`, by the
    /// kernel (sendfile: nothing copied through this process, and nothing at
    /// all into a pipe); false, with nothing written, where that cannot be
    /// done (an output in memory or to a milter, or a descriptor sendfile
    /// refuses): the caller then writes the bytes itself.
    func send(file: Int32, offset: off_t, count: off_t) -> Bool {
        guard let fd, !crlf else { return false }
        if count > 1 << 16 { widen(fd) }
        drain()
        guard failure == nil else { return true }
        var at = offset, left = count
        while left > 0 {
            let n = sendfile(fd, file, &at, Int(Swift.min(left, 1 << 30)))
            if n < 0 && errno == EINTR { continue }
            if n < 0 && at == offset && (errno == EINVAL || errno == ENOSYS) { return false }
            if n < 0 {
                failure = FileIO.lastError()
                return true
            }
            if n == 0 {
                failure = .failed("cannot read the message: its file shrank while it was read")
                return true
            }
            left -= off_t(n)
        }
        return true
    }

    /// An output past 64 KiB asks for a pipe of 256 KiB, once: into the
    /// default pipe, a 100 MB message signed into sendmail or procmail's pipe
    /// took 170 to 190 ms where it now takes 105 to 115 (each 64 KiB waited
    /// for the reader).
    private func widen(_ fd: Int32) {
        guard !widened else { return }
        widened = true
        FileIO.widenPipe(fd, to: 1 << 18)
    }

    /// Writes what is buffered; throws the first failure, if any.
    public func flush() throws(FileIO.Failure) {
        if fd != nil || sink != nil { drain(final: true) }
        if let failure { throw failure }
    }

    private func drain(final: Bool = false) {
        guard failure == nil, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        if let fd {
            if buffer.count >= 1 << 16 { widen(fd) }
            do { try FileIO.writeAll(fd, buffer) } catch { failure = error }
        } else if let sink {
            // A CR last in the buffer may be half of a CRLF still to come:
            // it waits for the next chunk (the CRLF test above looks at it).
            let keep = !final && crlf && buffer.last == ASCII.cr ? 1 : 0
            failure = buffer.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[..<($0.count - keep)])) }
            buffer.removeFirst(buffer.count - keep)
            return
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
