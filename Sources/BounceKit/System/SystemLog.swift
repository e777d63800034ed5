// One syslog line per decision, facility mail (DESIGN.md "Operating").
import CLibc
import Glibc

/// syslog(3) with facility LOG_MAIL.
public enum SystemLog {
    /// How serious a line is: LOG_INFO, LOG_WARNING or LOG_ERR.
    public enum Level { case info, warning, error }

    /// Opens the log under the program's name.
    /// `alsoStandardError`: each line to standard error too (a daemon in
    /// the foreground, under systemd or a test).
    public static func open(_ program: String, alsoStandardError: Bool = false) {
        // openlog keeps the pointer: give it storage that lives for the process.
        // The socket is connected by the first line (no LOG_NDELAY): where
        // /dev/log is missing (a container), connecting here as well was
        // three more failed system calls for every message.
        let ident = strdup(program)
        openlog(ident, LOG_PID | (alsoStandardError ? LOG_PERROR : 0), LOG_MAIL)
    }

    /// Logs one line, control characters from mail made spaces.
    public static func log(_ level: Level, _ message: String) {
        let priority: Int32
        switch level {
        case .info: priority = LOG_INFO
        case .warning: priority = LOG_WARNING
        case .error: priority = LOG_ERR
        }
        clean(message).withCString { bouncesign_syslog(priority, $0) }
    }

    /// `message` with control characters (from mail) made spaces. They are
    /// ASCII, so bytes: no UTF-8 sequence holds one, and Characters would
    /// have the runtime set up grapheme breaking at every start.
    static func clean(_ message: String) -> String {
        String(decoding: message.utf8.map { $0 < 0x20 || $0 == 0x7F ? ASCII.space : $0 }, as: UTF8.self)
    }
}
