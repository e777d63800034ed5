// bouncecheck(1): tell genuine bounces of our mail from backscatter.
// Argument wiring only (Options.swift); the work is BounceKit's BounceChecker.
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
        let options: Options
        do { options = try Options.parse(Array(CommandLine.arguments.dropFirst())) } catch {
            FileIO.printError("bouncecheck: \(error.message)\n\(Options.usage)\n  See 'bouncecheck --help' for more information.")
            exit(ExitStatus.usage.rawValue)
        }
        if options.help { print(Options.help, terminator: ""); exit(0) }
        if options.version { print(BounceKitVersion.string); exit(0) }
        exit(Run(options: options).run().rawValue)
    }
}

/// One check, from options to exit status.
struct Run {
    let options: Options
    var config: String? { options.config }
    var file: String? { options.file }
    var annotate: Bool { options.annotate }
    var explain: Bool { options.explain }

    func run() -> ExitStatus {
        Host.unblockTerminationSignals()
        SystemLog.open("bouncecheck")
        var settings: Configuration
        do { settings = try Configuration.load(path: config ?? Configuration.defaultPath, required: config != nil) } catch {
            return fail("bouncecheck: \(error.description)", .config)
        }
        do { try applyFlags(to: &settings) } catch {
            return fail("bouncecheck: \(error.description)", .usage)
        }
        guard !settings.trust.isEmpty else {
            return fail("bouncecheck: no trusted keys: set trust in \(config ?? Configuration.defaultPath) or give -t", .config)
        }
        // At most Limits.maxParsedBytes are held in memory; the rest of a
        // larger message is streamed through (annotate) or drained.
        let fd: Int32
        if let file {
            fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return fail("bouncecheck: cannot read \(file): \(String(cString: strerror(errno)))", .tempFail) }
        } else {
            fd = 0
        }
        let input: [UInt8], complete: Bool
        do { (input, complete) = try FileIO.readPrefix(fd, limit: Limits.standard.maxParsedBytes) } catch {
            return fail("bouncecheck: cannot read the message: \(error.reason)", .tempFail)
        }
        // The rest, for a returned original longer than what is in memory
        // (read only if its proof gets as far as the body hash; a pipe is
        // then spooled, to be passed on after the verdict).
        let rest = complete ? nil : try? MessageSource(fd: fd, spoolDirectory: Host.temporaryDirectory)
        let checker = BounceChecker(
            verifier: GPGVerifier(setup: settings.gpgSetup),
            policy: CheckPolicy(settings, now: Host.now))
        let result = checker.check(input, complete: complete, rest: rest)
        SystemLog.log(result.verdict.keyword == "temperror" ? .warning : .info, result.summary)
        if explain {
            let text = result.explanation.joined(separator: "\n") + "\n"
            if annotate { FileIO.printError(text, newline: false) } else { print(text, terminator: "") }
        }
        if case .temperror(let why) = result.verdict, !annotate {
            FileIO.printError("bouncecheck: cannot decide now: \(why)")
        }
        guard annotate else {
            if let rest { try? rest.pass(to: nil) } else { try? FileIO.copyRest(from: fd, to: nil) }
            return result.verdict.exitStatus
        }
        if case .temperror(let why) = result.verdict {
            return fail("bouncecheck: cannot decide now: \(why)", .tempFail)
        }
        do {
            for segment in Annotation.segments(input, summary: result.summary) { try FileIO.writeAll(1, segment) }
            if let rest { try rest.pass(to: 1) } else { try FileIO.copyRest(from: fd, to: 1) }
        } catch {
            return fail("bouncecheck: cannot pass the message on: \(error.reason)", .tempFail)
        }
        return .pass
    }

    private func applyFlags(to settings: inout Configuration) throws(Configuration.Error) {
        if let homedir = options.homedir { try settings.set("homedir", homedir) }
        if !options.trust.isEmpty {
            settings.trust = []
            for t in options.trust { try settings.set("trust", t) }
        }
        if let maxAge = options.maxAge { try settings.set("max-age", maxAge) }
        if options.requireBody { settings.requireBody = true }
    }
}

/// Prints a one-line error to standard error and returns the exit status.
func fail(_ message: String, _ status: ExitStatus) -> ExitStatus {
    FileIO.printError(message)
    SystemLog.log(.error, message)
    return status
}
