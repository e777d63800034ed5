// bouncecheck(1): tell genuine bounces of our mail from backscatter.
// Argument wiring only; the work is BounceKit's BounceChecker.
import ArgumentParser
import BounceKit
import Glibc

@main
struct BounceCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bouncecheck",
        abstract: "Decide whether an incoming message is a genuine bounce of mail we signed, or backscatter.",
        discussion: """
            Reads one message (standard input, or FILE). Exit status: 0 pass (a bounce of our signed mail), \
            1 fail (a bounce without valid proof: backscatter), 2 none (not a bounce), 3 unverifiable \
            (auto-reply or similar returning nothing to check), 75 could not decide now (never discard), \
            64 usage error, 78 configuration error. With --annotate, writes the message with a Bounce-Check: \
            header added and exits 0 (75 and no output when it cannot decide). See bouncecheck(1).
            """,
        version: BounceKitVersion.string)

    @Option(name: [.short, .long], help: ArgumentHelp("Read settings from FILE.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The GnuPG home directory holding the trusted public keys.", valueName: "dir"))
    var homedir: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Fingerprint of a trusted signing key (repeatable; replaces the config file's list).", valueName: "fingerprint"))
    var trust: [String] = []

    @Option(help: ArgumentHelp("Oldest proof accepted, e.g. 7d or 36h (default 7d).", valueName: "duration"))
    var maxAge: String?

    @Flag(help: "Fail bounces that return only the headers (by default they pass on the header proof).")
    var requireBody = false

    @Flag(name: [.short, .long], help: "Write the message with a Bounce-Check: header added; exit 0.")
    var annotate = false

    @Flag(help: "Explain each step of the decision.")
    var explain = false

    @Argument(help: ArgumentHelp("The message to check (default: standard input).", valueName: "file"))
    var file: String?

    func run() throws {
        Host.unblockTerminationSignals()
        SystemLog.open("bouncecheck")
        var settings: Configuration
        do { settings = try Configuration.load(path: config ?? Configuration.defaultPath, required: config != nil) } catch {
            throw fail("bouncecheck: \(error.description)", .config)
        }
        do { try applyFlags(to: &settings) } catch {
            throw fail("bouncecheck: \(error.description)", .usage)
        }
        guard !settings.trust.isEmpty else {
            throw fail("bouncecheck: no trusted keys: set trust in \(config ?? Configuration.defaultPath) or give -t", .config)
        }
        // At most Limits.maxParsedBytes are held in memory; the rest of a
        // larger message is streamed through (annotate) or drained.
        let fd: Int32
        if let file {
            fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw fail("bouncecheck: cannot read \(file): \(String(cString: strerror(errno)))", .tempFail) }
        } else {
            fd = 0
        }
        let input: [UInt8], complete: Bool
        do { (input, complete) = try FileIO.readPrefix(fd, limit: Limits.standard.maxParsedBytes) } catch {
            throw fail("bouncecheck: cannot read the message: \(error.reason)", .tempFail)
        }
        let checker = BounceChecker(
            verifier: GPGVerifier(setup: settings.gpgSetup),
            policy: CheckPolicy(settings, now: Host.now))
        let result = checker.check(input, complete: complete)
        SystemLog.log(result.verdict.keyword == "temperror" ? .warning : .info, result.summary)
        if explain {
            let text = result.explanation.joined(separator: "\n") + "\n"
            if annotate { FileIO.printError(text, newline: false) } else { print(text, terminator: "") }
        }
        if case .temperror(let why) = result.verdict, !annotate {
            FileIO.printError("bouncecheck: cannot decide now: \(why)")
        }
        guard annotate else {
            try? FileIO.copyRest(from: fd, to: nil)
            throw ExitCode(result.verdict.exitStatus.rawValue)
        }
        if case .temperror(let why) = result.verdict {
            throw fail("bouncecheck: cannot decide now: \(why)", .tempFail)
        }
        do {
            try FileIO.writeAll(1, Annotation.annotate(input, summary: result.summary))
            try FileIO.copyRest(from: fd, to: 1)
        } catch {
            throw fail("bouncecheck: cannot pass the message on: \(error.reason)", .tempFail)
        }
    }

    private func applyFlags(to settings: inout Configuration) throws(Configuration.Error) {
        if let homedir { try settings.set("homedir", homedir) }
        if !trust.isEmpty {
            settings.trust = []
            for t in trust { try settings.set("trust", t) }
        }
        if let maxAge { try settings.set("max-age", maxAge) }
        if requireBody { settings.requireBody = true }
    }
}

/// Prints a one-line error to standard error and returns the exit to throw.
func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
    FileIO.printError(message)
    SystemLog.log(.error, message)
    return ExitCode(status.rawValue)
}
