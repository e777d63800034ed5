// bouncesign-milter's command line (BounceKit's OptionScanner, as the filters).
import BounceKit
import Glibc

/// What the command line asks for.
struct Options {
    var config: String?
    var foreground = false
    var checkOnly = false
    var socket: String?

    static let usage = "USAGE: bouncesign-milter [-c <file>] [-f] [-n] [-p <socket>]"

    static let help = """
        OVERVIEW: Sign outgoing and check incoming mail at the mail server, as a milter for Postfix and sendmail.

        Mail from authenticated clients, from sign-networks or through sign-daemons is signed as bouncesign signs
        it; all other mail is checked as bouncecheck checks it, and a forged bounce is rejected, quarantined or
        tagged (check-bounces). See bouncesign-milter(8).

        \(usage)

        OPTIONS:
          -c, --config <file>     Read settings from FILE (default /etc/bouncesign.conf).
          -f                      Stay in the foreground (systemd, tests); otherwise run as a daemon.
          -n                      Check the configuration and the keys, and exit: 0 if all is well, 78 if not.
          -p <socket>             Listen on SOCKET (local:/PATH or inet:PORT@HOST), overriding the socket setting.
          --version               Show the version.
          -h, --help              Show help information.

        """

    static let scanner = OptionScanner(
        valued: ["-c", "--config", "-p"], flags: ["-f", "-n", "-h", "--help", "--version"])

    /// Parses the arguments; --help and --version answer and exit here.
    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var o = Options()
        for item in try scanner.scan(arguments) {
            switch item {
            case .option("-c", let v), .option("--config", let v): o.config = v
            case .option("-p", let v): o.socket = v
            case .option("-f", _): o.foreground = true
            case .option("-n", _): o.checkOnly = true
            case .option("-h", _), .option("--help", _):
                print(help, terminator: "")
                exit(0)
            case .option("--version", _):
                print(BounceKitVersion.string)
                exit(0)
            case .option(let name, _): throw UsageError("unknown option '\(name)'")
            case .operand(let arg): throw UsageError("unexpected argument '\(arg)'")
            case .afterTerminator(let args): throw UsageError("unexpected argument '\(args.first ?? "--")'")
            }
        }
        return o
    }

    var configPath: String { config ?? Configuration.defaultPath }

    /// The configuration file with -p applied.
    func load() throws(Configuration.Error) -> Configuration {
        var settings = try Configuration.load(path: configPath, required: config != nil)
        if let socket { try settings.set("socket", socket) }
        return settings
    }
}
