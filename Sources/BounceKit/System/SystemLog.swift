// One syslog line per decision, facility mail (DESIGN.md "Operating").
import CSystemLog
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
        let ident = strdup(program)
        openlog(ident, LOG_PID | LOG_NDELAY | (alsoStandardError ? LOG_PERROR : 0), LOG_MAIL)
    }

    /// Logs one line, control characters from mail made spaces.
    public static func log(_ level: Level, _ message: String) {
        let priority: Int32
        switch level {
        case .info: priority = LOG_INFO
        case .warning: priority = LOG_WARNING
        case .error: priority = LOG_ERR
        }
        // Control characters from mail never reach the log line.
        let clean = String(message.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        clean.withCString { bouncesign_syslog(priority, $0) }
    }
}
