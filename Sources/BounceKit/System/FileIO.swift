// Reading and writing whole files and descriptors with plain system calls
// (no Foundation: it costs bouncecheck ~4 ms a message). Every short write
// and EINTR is retried; every failure is reported, never ignored.
import Glibc

/// File and descriptor I/O.
public enum FileIO {
    /// Why an I/O call failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No such file (ENOENT): an optional config file may be missing.
        case missing
        /// Any other failure, in words.
        case failed(String)

        /// The reason in words, lower case (callers add what they were doing).
        public var description: String {
            switch self {
            case .missing: return "no such file or directory"
            case .failed(let r): return r
            }
        }
    }

    static func lastError() -> Failure {
        errno == ENOENT ? .missing : .failed(errorText(errno))
    }

    /// Reads a whole file.
    public static func readFile(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw lastError() }
        defer { close(fd) }
        var out: [UInt8] = []
        // A page on the stack: the files read whole are small (settings,
        // key lists), and a heap buffer cost every check two brk calls.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { (buffer) throws(Failure) -> [UInt8] in
            while true {
                var n = 0
                repeat {
                    n = read(fd, buffer.baseAddress, buffer.count)
                } while n < 0 && errno == EINTR
                if n < 0 { throw lastError() }
                if n == 0 { return out }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }

    /// Copies the rest of `from` to `to` (nil: reads and discards it, so the
    /// writer upstream never sees a broken pipe).
    public static func copyRest(from: Int32, to: Int32?) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var n = 0
            repeat { n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) } } while n < 0 && errno == EINTR
            if n < 0 { throw lastError() }
            if n == 0 { return }
            if let to { try writeAll(to, buffer[0..<n]) }
        }
    }

    /// Asks for a pipe that holds `bytes` (F_SETPIPE_SZ). A pipe holds 64 KiB
    /// unless asked for more, and each end then waits for the other every
    /// 64 KiB. Asking is harmless when refused: not a pipe, a pipe of another
    /// kind, or the user's pipe memory used up.
    static func widenPipe(_ fd: Int32, to bytes: Int) {
        // F_SETPIPE_SZ: Linux's, and glibc's macro is not visible to Swift.
        _ = fcntl(fd, 1031, Int32(bytes))
    }

    /// Writes all of `bytes` to a descriptor.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw lastError()
            }
            done += n
        }
    }

    /// Writes all of `bytes` to a descriptor.
    public static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(Failure) {
        let failure: Failure? = bytes.withUnsafeBufferPointer { buf in
            do throws(Failure) { try writeAll(fd, buf) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes all of `bytes` to a descriptor.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) { try writeAll(fd, bytes[...]) }

    /// The permission bits of `path`, or nil if it cannot be examined.
    public static func mode(of path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Creates a directory with the given mode, and its missing parents as
    /// `mkdir -p` does (0755 less the umask): a private GnuPG home under a new
    /// /etc/bouncesign must not make that parent private too, or no mail user
    /// can reach the public keyring in it.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(Failure) {
        var prefix = ""
        let components = path.split(separator: "/")
        for (i, component) in components.enumerated() {
            prefix += "/" + component
            let m: mode_t = i == components.count - 1 ? mode : 0o755
            if mkdir(prefix, m) != 0 && errno != EEXIST { throw lastError() }
        }
    }
}

extension FileIO {
    /// The system's words for an errno value (strerror(3)), lower-case first
    /// as our messages are: "permission denied".
    public static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercasingFirst
    }

    /// Writes a line to standard error, ignoring failure (there is nowhere
    /// else to report it).
    public static func printError(_ message: String, newline: Bool = true) {
        try? writeAll(2, Array((newline ? message + "\n" : message).utf8))
    }
}

extension String {
    /// The text with its first letter lower case, for a library's error
    /// text inside one of our messages ("Permission denied"); an acronym
    /// ("EOF", "RPC struct is bad") is left as it is.
    var lowercasingFirst: String {
        guard let first, dropFirst().first?.isUppercase != true else { return self }
        return first.lowercased() + dropFirst()
    }
}
