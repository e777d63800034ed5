// Reading mailboxes for bouncecheck --survey, message by message: Maildir
// folders (the messages in new/ and cur/; tmp/ holds deliveries still being
// written) with the Maildir++ subfolders .Name/ beside them, and mbox files
// (MboxSplitter). Each message is handed out as a MessageSource that reads
// it in place, so memory does not grow with the size of a message or of a
// mailbox (only the names in one Maildir directory are held, to sort them).
//
// Nothing is written, renamed or created. Files and directories are opened
// read-only and, where the kernel allows it (files the user owns), with
// O_NOATIME, so that even access times stay as they were: mail clients and
// biff(1) tell an mbox with new mail by its access time.

import Glibc

/// Where a message is.
public struct MailLocation: Sendable, Equatable, CustomStringConvertible {
    /// The message's file, or the mbox file it is in.
    public var path: String
    /// The message's number in its mbox file, from 1 (nil: a file of its own).
    public var message: Int?

    /// The message in file `path`, or message number `message` of the mbox file `path`.
    public init(path: String, message: Int? = nil) {
        self.path = path
        self.message = message
    }

    /// The path, followed by ", message N" for a message of an mbox file.
    public var description: String { message.map { "\(path), message \($0)" } ?? path }
}

/// The messages of Maildir folders and mbox files, in a stable order.
struct MailboxReader {
    /// What the reader finds, in order.
    enum Item {
        /// A Maildir folder or an mbox file begins.
        case mailbox(String)
        /// A message, to be read before the next item (its file is closed then).
        case message(MailLocation, MessageSource)
        /// Something that could not be read, and why.
        case unreadable(MailLocation, String)
    }

    let paths: [String]

    init(paths: [String]) { self.paths = paths }

    /// Hands every item of every path to `body`, in order.
    func read(_ body: (Item) -> Void) {
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else { body(.unreadable(MailLocation(path: path), Self.lastError())); continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: readMaildir(path, body)
            case S_IFREG: readMbox(path, body)
            default: body(.unreadable(MailLocation(path: path), "not a Maildir folder or an mbox file"))
            }
        }
    }

    // MARK: Maildir

    private func readMaildir(_ root: String, _ body: (Item) -> Void) {
        guard let dir = Directory(root) else { body(.unreadable(MailLocation(path: root), Self.lastError())); return }
        guard dir.isMaildir(at: nil) else {
            body(.unreadable(MailLocation(path: root), "not a Maildir folder (no cur/ or new/ in it) or an mbox file"))
            return
        }
        readFolder(root, body)
        // Maildir++: each subfolder is a Maildir named .Name (.A.B for A/B).
        for name in dir.names() where name.first == ASCII.dot && dir.isMaildir(at: name) {
            readFolder(root + "/" + String(decoding: name, as: UTF8.self), body)
        }
    }

    private func readFolder(_ folder: String, _ body: (Item) -> Void) {
        body(.mailbox(folder))
        for sub in ["new", "cur"] {
            let path = folder + "/" + sub
            guard let dir = Directory(path) else {
                if errno != ENOENT { body(.unreadable(MailLocation(path: path), Self.lastError())) }
                continue
            }
            // Names beginning with a dot are not messages (Maildir's rule).
            for name in dir.names() where name.first != ASCII.dot {
                let location = MailLocation(path: path + "/" + String(decoding: name, as: UTF8.self))
                let fd = dir.open(name)
                guard fd >= 0 else { body(.unreadable(location, Self.lastError())); continue }
                defer { close(fd) }
                var st = stat()
                // Only regular files are messages (a directory or FIFO in cur/ is not).
                guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                body(.message(location, MessageSource(fd: fd, start: 0, length: off_t(st.st_size))))
            }
        }
    }

    // MARK: mbox

    private func readMbox(_ path: String, _ body: (Item) -> Void) {
        let fd = Self.openReadOnly(path, in: AT_FDCWD)
        guard fd >= 0 else { body(.unreadable(MailLocation(path: path), Self.lastError())); return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: MessageSource.chunkSize)
        var splitter = MboxSplitter()
        var number = 0
        func found(_ range: Range<Int64>) {
            number += 1
            let source = MessageSource(fd: fd, start: off_t(range.lowerBound), length: off_t(range.count))
            body(.message(MailLocation(path: path, message: number), source))
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(splitter.offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { body(.unreadable(MailLocation(path: path), Self.lastError())); return }
            if splitter.offset == 0 {
                if n == 0 { body(.mailbox(path)); return }  // an empty mbox
                guard buffer.starts(with: Array("From ".utf8)), n >= 5 else {
                    body(.unreadable(MailLocation(path: path), "not an mbox file (it does not begin with a \"From \" line)"))
                    return
                }
                body(.mailbox(path))
            }
            if n == 0 { break }
            buffer.withUnsafeBufferPointer { splitter.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), found: found) }
        }
        splitter.finish(found: found)
    }

    // MARK: system calls

    /// O_NOATIME (glibc shows it to Swift only with _GNU_SOURCE).
    static let noAccessTime: Int32 = 0o1000000

    /// Opens read-only, without touching the access time where allowed
    /// (O_NOATIME is refused with EPERM on another user's file), and without
    /// waiting on a FIFO.
    static func openReadOnly(_ name: UnsafePointer<CChar>, in dir: Int32, directory: Bool = false) -> Int32 {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (directory ? O_DIRECTORY : 0)
        var fd = openat(dir, name, flags | noAccessTime)
        if fd < 0 && errno == EPERM { fd = openat(dir, name, flags) }
        return fd
    }

    static func lastError() -> String { FileIO.errorText(errno) }

    /// A directory opened read-only.
    private final class Directory {
        private let stream: OpaquePointer
        private var fd: Int32 { dirfd(stream) }

        init?(_ path: String) {
            let fd = MailboxReader.openReadOnly(path, in: AT_FDCWD, directory: true)
            guard fd >= 0 else { return nil }
            guard let stream = fdopendir(fd) else {
                let saved = errno
                close(fd)
                errno = saved
                return nil
            }
            self.stream = stream
        }

        deinit { closedir(stream) }

        /// The names in it but "." and "..", in byte order.
        func names() -> [[UInt8]] {
            var names: [[UInt8]] = []
            rewinddir(stream)
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                    Array(raw.prefix { $0 != 0 })
                }
                if name != [ASCII.dot] && name != [ASCII.dot, ASCII.dot] { names.append(name) }
            }
            return names.sorted { $0.lexicographicallyPrecedes($1) }
        }

        /// Opens a file in it read-only.
        func open(_ name: [UInt8]) -> Int32 {
            (name + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { MailboxReader.openReadOnly($0.baseAddress!, in: fd) }
            }
        }

        /// Whether it (nil) or a directory in it has cur/ or new/.
        func isMaildir(at name: [UInt8]?) -> Bool {
            let prefix = name.map { $0 + [UInt8(ascii: "/")] } ?? []
            return ["cur", "new"].contains { sub in
                var st = stat()
                let path = prefix + Array(sub.utf8) + [0]
                let found = path.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { fstatat(fd, $0.baseAddress!, &st, 0) == 0 }
                }
                return found && (st.st_mode & S_IFMT) == S_IFDIR
            }
        }
    }
}
