// bouncesign's command line (OptionScanner: no parser library in a program
// that runs on every outgoing message).

extension SignCommand {
    /// What the command line asks for.
    public enum Request {
        case help, version
        /// Sign, make a key or check the set-up, as the options say.
        case run(SignCommand)
    }

    static let usage = """
        USAGE: bouncesign [--config <file>] [--homedir <dir>] [--key <fingerprint>] [--on-error <policy>] \
        [--generate-key [--force]] [--uid <uid>] [--check] [-- <command> ...]
        """

    /// The text --help prints.
    public static let help = """
        OVERVIEW: Add a signed proof of origin to an outgoing message, so that its bounces can be told from
        backscatter.

        Reads one message on standard input and writes it, with the proof added, to standard output; or, with a
        command after --, hands the signed message to that command (e.g. /usr/sbin/sendmail -i -f SENDER --
        RECIPIENTS). Exits 75 when it cannot sign, so the mail system retries. See bouncesign(1).

        \(usage)

        ARGUMENTS:
          <command>               Command to hand the signed message to.

        OPTIONS:
          -c, --config <file>     Read settings from FILE.
          --homedir <dir>         The GnuPG home directory holding the signing key.
          -k, --key <fingerprint> Fingerprint of the signing key.
          --on-error <policy>     When signing fails: tempfail (exit 75, the default) or pass (send unsigned, log a
                                  warning).
          --generate-key          Create a signing key in --homedir and print the config lines for it.
          --uid <uid>             User ID of the key made by --generate-key.
          --force                 With --generate-key: make a key even if the home already has a secret key.
          --check                 Check the set-up (config, GnuPG home, signing key, trust; sign a test message and
                                  verify a bounce of it) and exit 0 only when all is well.
          --version               Show the version.
          -h, --help              Show help information.

        """

    static let scanner = OptionScanner(
        valued: ["-c", "--config", "--homedir", "-k", "--key", "--on-error", "--uid"],
        flags: ["--generate-key", "--force", "--check", "-h", "--help", "--version"])

    /// Parses the arguments.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Request {
        var o = SignCommand()
        for item in try scanner.scan(arguments) {
            switch item {
            case .option("-c", let v), .option("--config", let v): o.config = v
            case .option("--homedir", let v): o.homedir = v
            case .option("-k", let v), .option("--key", let v): o.key = v
            case .option("--on-error", let v): o.onError = v
            case .option("--uid", let v): o.uid = v
            case .option("--generate-key", _): o.generateKey = true
            case .option("--force", _): o.force = true
            case .option("--check", _): o.check = true
            case .option("-h", _), .option("--help", _): return .help
            case .option("--version", _): return .version
            case .option(let name, _): throw UsageError("unknown option '\(name)'")  // not in `scanner`
            case .operand(let arg): throw UsageError("unexpected argument '\(arg)': a command goes after --")
            case .afterTerminator(let command): o.command = command
            }
        }
        return .run(o)
    }
}
