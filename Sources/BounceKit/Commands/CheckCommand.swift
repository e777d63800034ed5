// bouncecheck's engine, from parsed options to exit status: the config,
// --check, --survey, or one message read once (annotated, explained, logged).
import Glibc

/// bouncecheck's engine: one check (or --check, --survey), from options to
/// exit status. Every failure goes through `Command.fail`.
public struct CheckCommand {
    let options: CheckOptions

    /// bouncecheck as the command line `options` ask.
    public init(options: CheckOptions) { self.options = options }

    var config: String? { options.config }
    var file: String? { options.file }
    var annotate: Bool { options.annotate }
    var explain: Bool { options.explain }

    /// Does what the options ask and returns the exit status to end with (bouncecheck(1) EXIT STATUS).
    public func run() -> ExitStatus {
        Host.unblockTerminationSignals()
        SystemLog.open("bouncecheck")
        var settings: Configuration
        do { settings = try Configuration.load(path: config ?? Configuration.defaultPath, required: config != nil) } catch {
            return Command.fail("bouncecheck: \(error.description)", .config)
        }
        // A bad value is a configuration error (78), as bouncecheck(1) says;
        // only a malformed command line is a usage error (64).
        do { try applyFlags(to: &settings) } catch {
            return Command.fail("bouncecheck: \(error.description)", .config)
        }
        if options.check {
            let findings = SetupCheck(
                config: settings, configPath: config ?? Configuration.defaultPath, now: Host.now, hostname: Host.name
            ).checker()
            for f in findings { print(f.line) }
            return findings.contains { $0.level == .error } ? .config : .pass
        }
        guard !settings.trust.isEmpty else {
            return Command.fail(
                "bouncecheck: no trusted keys: set trust in \(config ?? Configuration.defaultPath) or give -t", .config)
        }
        let checker = BounceChecker(settings, now: Host.now)
        if options.survey { return Survey(checker: checker).run(options.operands, json: options.json) }
        // The message is read once, streaming, in bounded memory; a pipe is
        // spooled to TMPDIR when it must be passed on (annotate).
        let fd: Int32
        if let file {
            fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return Command.fail("bouncecheck: cannot read \(file): \(FileIO.errorText(errno))", .tempFail) }
        } else {
            fd = 0
        }
        let source: MessageSource
        do { source = try MessageSource(fd: fd, spoolDirectory: Host.temporaryDirectory, spool: annotate) } catch {
            return Command.fail("bouncecheck: \(error.description)", .tempFail)
        }
        let result: CheckResult
        do { result = try checker.check(source) } catch {
            // MessageSource's failures say what failed: "cannot read the message: ...".
            return Command.fail("bouncecheck: \(error.description)", .tempFail)
        }
        SystemLog.log(result.verdict.keyword == "temperror" ? .warning : .info, result.summary)
        for w in result.findings.warnings { SystemLog.log(.warning, w) }
        if explain {
            let text = result.explanation.joined(separator: "\n") + "\n"
            if annotate { FileIO.printError(text, newline: false) } else { print(text, terminator: "") }
        }
        if case .temperror(let why) = result.verdict {
            return Command.fail("bouncecheck: cannot decide now: \(why)", .tempFail)
        }
        guard annotate else { return result.verdict.exitStatus }
        do { try Annotation.write(source, summary: result.summary, to: MailOutput(fd: 1)) } catch {
            return Command.fail("bouncecheck: cannot pass the message on: \(error.description)", .tempFail)
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
