// bouncecheck's command line. Parsed by hand, not with swift-argument-parser:
// bouncecheck runs on every incoming message, and the parser library with
// the FoundationEssentials it brings costs about 1.5 ms per process here,
// as much as the whole check of an ordinary message (scripts/bench.sh).
// Accepts -x VALUE, --name VALUE, --name=VALUE, and -- before FILE.

/// The options as given.
struct Options {
    var config: String?
    var homedir: String?
    var trust: [String] = []
    var maxAge: String?
    var requireBody = false
    var annotate = false
    var explain = false
    var file: String?
    var help = false
    var version = false

    /// A mistake on the command line (exit 64).
    struct UsageError: Error {
        var message: String
    }

    static let usage = """
        USAGE: bouncecheck [--config <file>] [--homedir <dir>] [--trust <fingerprint> ...] [--max-age <duration>] \
        [--require-body] [--annotate] [--explain] [<file>]
        """

    static let help = """
        OVERVIEW: Decide whether an incoming message is a genuine bounce of mail we signed, or backscatter.

        Reads one message (standard input, or FILE). Exit status: 0 pass (a bounce of our signed mail), 1 fail (a
        bounce without valid proof: backscatter), 2 none (not a bounce), 3 unverifiable (auto-reply or similar
        returning nothing to check), 75 could not decide now (never discard), 64 usage error, 78 configuration
        error. With --annotate, writes the message with a Bounce-Check: header added and exits 0 (75 and no output
        when it cannot decide). See bouncecheck(1).

        \(usage)

        ARGUMENTS:
          <file>                  The message to check (default: standard input).

        OPTIONS:
          -c, --config <file>     Read settings from FILE.
          --homedir <dir>         The GnuPG home directory holding the trusted public keys.
          -t, --trust <fingerprint>
                                  Fingerprint of a trusted signing key (repeatable; replaces the config file's list).
          --max-age <duration>    Oldest proof accepted, e.g. 7d or 36h (default 7d).
          --require-body          Fail bounces that return only the headers (by default they pass on the header proof).
          -a, --annotate          Write the message with a Bounce-Check: header added; exit 0.
          --explain               Explain each step of the decision.
          --version               Show the version.
          -h, --help              Show help information.

        """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var o = Options()
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            if arg == "--" {
                if let f = rest.popFirst() { try o.setFile(f) }
                if let extra = rest.first { throw UsageError(message: "unexpected argument '\(extra)'") }
                break
            }
            guard arg.hasPrefix("-"), arg != "-" else { try o.setFile(arg); continue }
            var name = arg, inline: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let v = rest.popFirst() else { throw UsageError(message: "missing value for '\(name)'") }
                return v
            }
            switch name {
            case "-c", "--config": o.config = try value()
            case "--homedir": o.homedir = try value()
            case "-t", "--trust": o.trust.append(try value())
            case "--max-age": o.maxAge = try value()
            case "--require-body": o.requireBody = true
            case "-a", "--annotate": o.annotate = true
            case "--explain": o.explain = true
            case "-h", "--help": o.help = true
            case "--version": o.version = true
            default: throw UsageError(message: "unknown option '\(name)'")
            }
            if inline != nil, ["--require-body", "--annotate", "--explain", "--help", "--version"].contains(name) {
                throw UsageError(message: "option '\(name)' takes no value")
            }
        }
        return o
    }

    private mutating func setFile(_ f: String) throws(UsageError) {
        guard file == nil else { throw UsageError(message: "unexpected argument '\(f)'") }
        file = f
    }
}
