// bouncesign-milter(8): sign outgoing and check incoming mail at the mail
// server. main parses options and runs the daemon; the libmilter callbacks
// are in Callbacks.swift, every decision in BounceKit's Milter/.
//
// Exit statuses: 0 stopped by SIGTERM (or -n found nothing wrong), 64 usage,
// 71 the socket, the pid file or the user switch failed, 78 configuration.
import BounceKit
import CMilter
import Glibc

@main
enum BounceSignMilter {
    static let osError: Int32 = 71

    static func main() {
        guard !CommandLine.arguments.isEmpty else {
            FileIO.printError("bouncesign-milter: cannot read the command line (is /proc mounted?)")
            exit(ExitStatus.config.rawValue)
        }
        let options: Options
        do { options = try Options.parse(Array(CommandLine.arguments.dropFirst())) } catch {
            FileIO.printError("bouncesign-milter: \(error.description)\n\(Options.usage)")
            exit(ExitStatus.usage.rawValue)
        }
        SystemLog.open("bouncesign-milter", alsoStandardError: options.foreground)
        let settings: Configuration
        do { settings = try options.load() } catch {
            exit(fail("bouncesign-milter: \(error.description)", ExitStatus.config.rawValue))
        }
        if options.checkOnly {
            let findings = SetupCheck(config: settings, configPath: options.configPath, now: Host.now, hostname: Host.name)
                .milter()
            for f in findings { print(f.line) }
            exit(findings.contains { $0.level == .error } ? ExitStatus.config.rawValue : 0)
        }
        exit(Daemon(options: options, settings: settings).run())
    }
}

/// Prints a one-line error to standard error and syslog; returns `status`.
func fail(_ message: String, _ status: Int32) -> Int32 {
    FileIO.printError(message)
    SystemLog.log(.error, message)
    return status
}
