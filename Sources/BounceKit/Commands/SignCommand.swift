// bouncesign's engine, from parsed options to exit: sign standard input
// (to standard output or through the re-injection command), make a key, or
// check the set-up. Every failure ends through `fail`.
import Glibc

/// bouncesign's options and what it does with them.
public struct SignCommand {
    var config: String?
    var homedir: String?
    var key: String?
    var onError: String?
    var generateKey = false
    var force = false
    var check = false
    var uid: String?
    /// The command to hand the signed message to (after "--").
    var command: [String] = []

    init() {}

    /// Signs standard input (or makes a key, or checks the set-up).
    public func run() throws(Exit) {
        Host.unblockTerminationSignals()
        SystemLog.open("bouncesign")
        let settings: Configuration
        do { settings = try loadSettings() } catch {
            throw Self.fail("bouncesign: \(error.description); message left for retry", .tempFail)
        }
        if generateKey { return try generate(settings) }
        if check {
            let findings = SetupCheck(
                config: settings, configPath: config ?? Configuration.defaultPath, now: Host.now, hostname: Host.name
            ).signer()
            for f in findings { print(f.line) }
            if findings.contains(where: { $0.level == .error }) { throw Exit(code: ExitStatus.config.rawValue) }
            return
        }
        guard let fingerprint = settings.key else {
            throw Self.fail(
                "bouncesign: no signing key: set key in \(config ?? Configuration.defaultPath) or give -k (bouncesign --generate-key makes one); message left for retry",
                .tempFail)
        }
        let source: MessageSource
        do { source = try MessageSource(fd: 0, spoolDirectory: Host.temporaryDirectory) } catch {
            throw Self.fail("bouncesign: \(error.description); message left for retry", .tempFail)
        }
        let signer = MessageSigner(
            signer: GPGSigner(setup: settings.gpgSetup, fingerprint: fingerprint), hostname: Host.name,
            placement: settings.proof)
        let signed: PreparedMessage?
        do {
            let prepared = try signer.prepare(
                source, now: Host.now, envelope: command.isEmpty ? nil : Envelope.parse(sendmailArguments: command))
            signed = prepared
            SystemLog.log(
                .info,
                "signed message-id=\(prepared.statement.messageID) key=\(fingerprint)"
                    + (prepared.addedMessageID ? " (message-id added)" : ""))
        } catch SignError.unusableMessageID(let id) {
            // Retrying cannot help: send it unsigned rather than bounce it later.
            SystemLog.log(.warning, "sending unsigned: cannot bind a proof to Message-ID \(id)")
            signed = nil
        } catch SignError.input(let error) {
            throw Self.fail("bouncesign: \(error.description); message left for retry", .tempFail)
        } catch {
            guard settings.onError == .pass else {
                throw Self.fail("bouncesign: \(error.description); message left for retry", .tempFail)
            }
            SystemLog.log(.warning, "sending unsigned (on-error pass): \(error.description)")
            signed = nil
        }
        try deliver { out throws(FileIO.Failure) in
            if let signed { try signed.write(to: out) } else { try source.copy(to: out) }
        }
    }

    private func loadSettings() throws(Configuration.Error) -> Configuration {
        var settings = try Configuration.load(path: config ?? Configuration.defaultPath, required: config != nil)
        if let homedir { try settings.set("homedir", homedir) }
        if let key { try settings.set("key", key) }
        if let onError { try settings.set("on-error", onError) }
        return settings
    }

    /// Writes to standard output, or runs the re-injection command.
    private func deliver(_ write: (MailOutput) throws(FileIO.Failure) -> Void) throws(Exit) {
        guard !command.isEmpty else {
            do { try write(MailOutput(fd: 1)) } catch {
                throw Self.fail(
                    "bouncesign: cannot write the signed message: \(error.description); message left for retry", .tempFail)
            }
            return
        }
        let outcome: Subprocess.Outcome
        do { outcome = try Subprocess.run(command) { fd throws(FileIO.Failure) in try write(MailOutput(fd: fd)) } } catch {
            throw Self.fail("bouncesign: \(error.description); message left for retry", .tempFail)
        }
        switch outcome {
        case .exited(0): return
        case .exited(let code) where (64...78).contains(code):
            // A sysexits status says what went wrong: the MTA acts on it.
            SystemLog.log(.error, "\(command[0]) exited \(code)")
            throw Exit(code: code)
        case .exited(let code):
            throw Self.fail("bouncesign: \(command[0]) exited \(code); message left for retry", .tempFail)
        case .signalled(let sig):
            throw Self.fail("bouncesign: \(command[0]) was killed by signal \(sig); message left for retry", .tempFail)
        }
    }

    private func generate(_ settings: Configuration) throws(Exit) {
        let home = settings.homedir
        do { try FileIO.makeDirectory(home, mode: 0o700) } catch {
            throw Self.fail("bouncesign: cannot create GnuPG home \(home): \(error.description)", .config)
        }
        let existing = (try? GPGKeyring(setup: settings.gpgSetup).secretKeys()) ?? []
        if let first = existing.first, !force {
            throw Self.fail(
                "bouncesign: \(home) already holds secret key \(first); use it (key \(first)) or add --force to make another",
                .config)
        }
        let id = uid ?? "bouncesign <postmaster@\(Host.name)>"
        let fpr: String
        do { fpr = try KeyGenerator.generate(setup: settings.gpgSetup, uid: id) } catch {
            throw Self.fail("bouncesign: \(error.description)", .tempFail)
        }
        // bouncecheck runs as other users (procmail, the MDA): the public
        // keyring must be readable; the secret key stays in private-keys-v1.d (0700).
        chmod(home, 0o755)
        chmod(home + "/pubring.kbx", 0o644)
        let revocation = home + "/openpgp-revocs.d/" + fpr + ".rev"
        print(
            """
            # Signing key \(fpr) (\(id)) created in \(home).
            # The public keyring is readable by all (for bouncecheck); the secret key is not.
            # Revocation certificate: \(revocation)
            #   back it up off this machine; it withdraws the key if it is ever stolen.
            # On each machine that checks bounces, import the public key:
            #   gpg --homedir \(home) --export --armor \(fpr) > bouncesign-key.asc   (here)
            #   gpg --homedir \(home) --import bouncesign-key.asc                     (there)
            # and give it the trust line below. Then run: bouncesign --check
            # Put these lines in \(config ?? Configuration.defaultPath):
            homedir \(home)
            key \(fpr)
            trust \(fpr)
            """)
    }
}

extension SignCommand {
    /// How bouncesign ends when it does not end well: 75, 78, or the
    /// re-injection command's sysexits status.
    public struct Exit: Error {
        /// The status bouncesign exits with.
        public let code: Int32
    }

    /// Prints a one-line error to standard error, logs it, and returns the exit to throw.
    static func fail(_ message: String, _ status: ExitStatus) -> Exit {
        Exit(code: Command.fail(message, status).rawValue)
    }
}
