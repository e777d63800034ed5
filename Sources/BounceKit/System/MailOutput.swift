// Where bouncesign writes a message: a descriptor (standard output or the
// re-injection command's pipe) through a 64 KiB buffer, or memory. Line
// ends are LF throughout (a Unix filter's convention; sendmail -i and every
// MTA accept it).
import Glibc

/// A buffered writer that remembers its first failure.
public final class MailOutput {
    private let fd: Int32?
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    /// The first write that failed; everything after it is dropped.
    public private(set) var failure: FileIO.Failure? = nil

    /// Writes to `fd`.
    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    /// Collects the output in memory (`bytes`).
    public init() { fd = nil }

    /// What was written, for an output in memory.
    public var bytes: [UInt8] { buffer }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if fd != nil, buffer.count >= 1 << 16 { drain() }
    }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0) } }
    func write(_ text: String) { write(Array(text.utf8)) }
    func write(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBufferPointer { write($0) } }

    func newline() { buffer.append(ASCII.lf) }

    /// Writes what is buffered; throws the first failure, if any.
    public func flush() throws(FileIO.Failure) {
        if fd != nil { drain() }
        if let failure { throw failure }
    }

    private func drain() {
        guard let fd, failure == nil else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        do { try FileIO.writeAll(fd, buffer) } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
    }
}
