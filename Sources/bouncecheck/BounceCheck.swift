// bouncecheck(1): tell genuine bounces of our mail from backscatter.
// Argument wiring only (Options.swift); the work is BounceKit's BounceChecker
// (and its Survey, for --survey).
import BounceKit
import Glibc

@main
enum BounceCheck {
    static func main() {
        // Swift reads the command line from /proc on Linux: without /proc the
        // arguments come back empty, and --annotate or -c would be ignored.
        guard !CommandLine.arguments.isEmpty else {
            FileIO.printError("bouncecheck: cannot read the command line (is /proc mounted?)")
            exit(ExitStatus.tempFail.rawValue)
        }
        let options: CheckOptions
        do { options = try CheckOptions.parse(Array(CommandLine.arguments.dropFirst())) } catch {
            FileIO.printError(
                "bouncecheck: \(error.description)\n\(CheckOptions.usage)\n  See 'bouncecheck --help' for more information.")
            exit(ExitStatus.usage.rawValue)
        }
        if options.help { print(CheckOptions.help, terminator: ""); exit(0) }
        if options.version { print(BounceKitVersion.string); exit(0) }
        exit(CheckCommand(options: options).run().rawValue)
    }
}
