// A message that arrives in pieces (a milter gets it header field by header
// field, then the body in chunks) gathered into a MessageSource in bounded
// memory: in memory up to a threshold, then in a private spool file created
// already unlinked (O_TMPFILE, mode 0600), exactly as bouncesign spools a pipe.
import Glibc

/// Collects a message's bytes; `finish()` makes them a MessageSource.
final class MessageSpool {
    private var memory: [UInt8] = []
    private var fd: Int32? = nil
    private var length: off_t = 0
    /// The first failure to write the spool; the message is unusable after it.
    private(set) var failure: FileIO.Failure? = nil
    let threshold: Int
    let directory: String

    /// Keeps up to `threshold` bytes in memory, the rest in `directory`.
    init(threshold: Int, directory: String) {
        self.threshold = threshold
        self.directory = directory
    }

    deinit { if let fd { close(fd) } }

    /// Bytes held so far.
    var count: Int { Int(length) }
    /// Whether the message went to a spool file.
    var spooled: Bool { fd != nil }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, !bytes.isEmpty else { return }
        length += off_t(bytes.count)
        if fd == nil, memory.count + bytes.count <= threshold {
            memory.append(contentsOf: bytes)
            return
        }
        do throws(FileIO.Failure) {
            if fd == nil {
                let spool = try MessageSource.openSpool(in: directory)
                fd = spool
                try FileIO.writeAll(spool, memory)
                memory = []
            }
            if let fd { try FileIO.writeAll(fd, bytes) }
        } catch {
            failure = .failed("cannot spool the message to \(directory): \(error.description)")
        }
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }
    func append(_ text: String) { append(Array(text.utf8)) }

    /// The message gathered, readable as often as needed; the spool's file
    /// now belongs to the source.
    func finish() throws(FileIO.Failure) -> MessageSource {
        if let failure { throw failure }
        guard let spool = fd else { return MessageSource(bytes: memory) }
        fd = nil
        return MessageSource(spool: spool, length: length)
    }
}
