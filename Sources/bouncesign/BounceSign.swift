// bouncesign(1): add a proof of origin to an outgoing message. The command
// line is read and handed to BounceKit's SignCommand; nothing else here.
import BounceKit
import Glibc

@main
enum BounceSign {
    /// Every failure, usage and configuration errors included, exits 75:
    /// an MTA turns 64 or 78 from a filter into a bounce of the outgoing
    /// message, and a typo in the set-up must not bounce anybody's mail.
    static func main() {
        // Swift reads the command line from /proc on Linux: where /proc is
        // not mounted (a chroot) the arguments come back empty, and signing
        // with defaults while ignoring "-- sendmail ..." would lose the message.
        guard !CommandLine.arguments.isEmpty else {
            FileIO.printError("bouncesign: cannot read the command line (is /proc mounted?); message left for retry")
            exit(ExitStatus.tempFail.rawValue)
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        let request: SignCommand.Request
        do { request = try SignCommand.parse(arguments) } catch {
            FileIO.printError("bouncesign: \(error.description) (see 'bouncesign --help'); message left for retry")
            exit(ExitStatus.tempFail.rawValue)
        }
        switch request {
        case .help: print(SignCommand.help, terminator: "")
        case .version: print(BounceKitVersion.string)
        case .run(let command):
            do { try command.run() } catch { exit(error.code) }
        }
        exit(0)
    }
}
