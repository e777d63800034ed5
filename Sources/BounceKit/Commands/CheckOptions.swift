// bouncecheck's command line (OptionScanner: no parser library in a program
// that runs on every incoming message). -- may come before FILE.

/// The options as given.
public struct CheckOptions: Sendable {
    var config: String?
    var homedir: String?
    var trust: [String] = []
    var maxAge: String?
    var requireBody = false
    var annotate = false
    var explain = false
    var check = false
    /// --survey: the operands are mailboxes to survey, not one message.
    var survey = false
    var json = false
    var operands: [String] = []
    /// The message to check (without --survey).
    var file: String? { survey ? nil : operands.first }
    /// Whether -h or --help was given: print `CheckOptions.help` and exit 0.
    public var help = false
    /// Whether --version was given: print the version and exit 0.
    public var version = false

    /// The USAGE lines, shown with a usage error and in --help.
    public static let usage = """
        USAGE: bouncecheck [--config <file>] [--homedir <dir>] [--trust <fingerprint> ...] [--max-age <duration>] \
        [--require-body] [--annotate] [--explain] [--check] [<file>]
               bouncecheck [--config <file>] [--homedir <dir>] [--trust <fingerprint> ...] [--max-age <duration>] \
        [--require-body] --survey [--json] <path> ...
        """

    /// The text --help prints.
    public static let help = """
        OVERVIEW: Decide whether an incoming message is a genuine bounce of mail we signed, or backscatter.

        Reads one message (standard input, or FILE). Exit status: 0 pass (a bounce of our signed mail), 1 fail (a
        bounce without valid proof: backscatter), 2 none (not a bounce), 3 unverifiable (auto-reply or similar
        returning nothing to check), 75 could not decide now (never discard), 64 usage error, 78 configuration
        error. With --annotate, writes the message with a Bounce-Check: header added and exits 0 (75 and no output
        when it cannot decide). With --survey, checks every message of Maildir folders and mbox files without
        changing them, and reports how many got each verdict and which would be filed as backscatter; exit 0
        when the survey ran (75 if GnuPG is unusable). See bouncecheck(1).

        \(usage)

        ARGUMENTS:
          <file>                  The message to check (default: standard input).
          <path>                  With --survey: a Maildir folder (with its .Name subfolders) or an mbox file.

        OPTIONS:
          -c, --config <file>     Read settings from FILE.
          --homedir <dir>         The GnuPG home directory holding the trusted public keys.
          -t, --trust <fingerprint>
                                  Fingerprint of a trusted signing key (repeatable; replaces the config file's list).
          --max-age <duration>    Oldest proof accepted, e.g. 7d or 36h (default 7d).
          --require-body          Fail bounces that do not return the whole body (by default a cut return passes on what it verified).
          -a, --annotate          Write the message with a Bounce-Check: header added; exit 0.
          --explain               Explain each step of the decision.
          --check                 Check the set-up (config, GnuPG home, trusted keys; a test bounce where the
                                  signing key is here) and exit 0 only when all is well.
          --survey                Dry run: check every message in the mailboxes given, change nothing, and
                                  report the counts per verdict and kind and what would be filed as backscatter.
          --json                  With --survey: write the report as one JSON object.
          --version               Show the version.
          -h, --help              Show help information.

        """

    static let scanner = OptionScanner(
        valued: ["-c", "--config", "--homedir", "-t", "--trust", "--max-age"],
        flags: [
            "--require-body", "-a", "--annotate", "--explain", "--check", "--survey", "--json", "-h", "--help", "--version",
        ])

    /// Parses the arguments; a mistake is a UsageError (exit 64).
    public static func parse(_ arguments: [String]) throws(UsageError) -> CheckOptions {
        var o = CheckOptions()
        for item in try scanner.scan(arguments) {
            switch item {
            case .option("-c", let v), .option("--config", let v): o.config = v
            case .option("--homedir", let v): o.homedir = v
            case .option("-t", let v?), .option("--trust", let v?): o.trust.append(v)
            case .option("--max-age", let v): o.maxAge = v
            case .option("--require-body", _): o.requireBody = true
            case .option("-a", _), .option("--annotate", _): o.annotate = true
            case .option("--explain", _): o.explain = true
            case .option("--check", _): o.check = true
            case .option("--survey", _): o.survey = true
            case .option("--json", _): o.json = true
            case .option("-h", _), .option("--help", _): o.help = true
            case .option("--version", _): o.version = true
            case .option(let name, _): throw UsageError("unknown option '\(name)'")  // not in `scanner`
            case .operand(let f): o.operands.append(f)
            case .afterTerminator(let args): o.operands += args
            }
        }
        try o.validate()
        return o
    }

    /// Options that cannot go together, and the operands each mode takes.
    private func validate() throws(UsageError) {
        guard !help, !version else { return }
        if json && !survey { throw UsageError("--json goes with --survey") }
        if survey {
            if let other = [(annotate, "--annotate"), (explain, "--explain"), (check, "--check")].first(where: { $0.0 }) {
                throw UsageError("\(other.1) does not go with --survey")
            }
            if operands.isEmpty { throw UsageError("--survey needs a Maildir folder or an mbox file to survey") }
        } else if operands.count > 1 {
            throw UsageError("unexpected argument '\(operands[1])'")
        }
    }
}
