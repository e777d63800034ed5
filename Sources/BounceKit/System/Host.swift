// This machine, as the programs see it: host name, time, temporary
// directory, signals.
import Glibc

/// Facts about this host and process.
public enum Host {
    /// The host name for generated Message-IDs.
    public static var name: String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        let n = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return n.isEmpty ? "localhost" : n
    }

    /// Unblocks the signals an MTA uses to stop a filter (SIGTERM, SIGINT,
    /// SIGHUP): a parent may have left them blocked, and a filter that
    /// cannot be stopped holds the queue.
    public static func unblockTerminationSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Where temporary files go: $TMPDIR, or /tmp.
    public static var temporaryDirectory: String {
        guard let t = getenv("TMPDIR"), t.pointee != 0 else { return "/tmp" }
        return String(cString: t)
    }

    /// Seconds since the epoch.
    public static var now: Int { Int(time(nil)) }
}
