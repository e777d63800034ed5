// --check: the set-up verified without waiting for a bounce, the way
// `opendkim -n` and `opendkim-testkey` do it: the GnuPG home and its
// permissions, the signing key and its secret part, every trusted key, then
// a test message signed and a bounce of it verified, as this user. One
// finding a line, each naming the fix; all well only if none is an error.

/// One thing --check found.
public struct SetupFinding: Sendable, Equatable {
    /// How a finding counts: any error makes --check (and bouncesign-milter -n) exit 78.
    public enum Level: String, Sendable { case ok, note, error }
    /// How this finding counts.
    public var level: Level
    /// What was found, and for an error the fix.
    public var text: String

    init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }

    /// "ok: ...", "note: ...", "error: ...".
    public var line: String { "\(level.rawValue): \(text)" }
}

/// Checks a configuration as bouncesign or bouncecheck will use it.
public struct SetupCheck {
    let config: Configuration
    /// The config file's path, for the fixes the findings name.
    let configPath: String
    let now: Int
    let hostname: String

    /// Checks `config`, read from `configPath`, at Unix time `now`, signing its test message as `hostname`.
    public init(config: Configuration, configPath: String, now: Int, hostname: String) {
        self.config = config
        self.configPath = configPath
        self.now = now
        self.hostname = hostname
    }

    private var keyring: GPGKeyring { GPGKeyring(setup: config.gpgSetup) }

    /// bouncesign --check: can this user sign, and do the bounces verify?
    public func signer() -> [SetupFinding] {
        var out = [SetupFinding(.ok, "configuration \(configPath) read")]
        do throws(GPGError) {
            try keyring.checkHome(forSigning: true)
            out.append(SetupFinding(.ok, "GnuPG home \(config.homedir) is usable"))
        } catch {
            return out + [SetupFinding(.error, error.description)]
        }
        out += permissions()
        guard let key = config.key else {
            return out + [
                SetupFinding(.error, "no signing key: set key in \(configPath) (bouncesign --generate-key makes one)")
            ]
        }
        switch Result(catching: { () throws(GPGError) in try keyring.state(of: key, secret: true) }) {
        case .success(.usable): out.append(SetupFinding(.ok, "signing key \(key) has its secret part here"))
        case .success(.missing):
            return out + [
                SetupFinding(
                    .error,
                    "signing key \(key) has no secret part in \(config.homedir): fix key in \(configPath), or run bouncesign --generate-key as this user"
                )
            ]
        case .success(let state):
            return out + [
                SetupFinding(.error, "signing key \(key) \(state.phrase): make a new one (bouncesign --generate-key --force)")
            ]
        case .failure(let e): return out + [SetupFinding(.error, e.description)]
        }
        var trust = config.trust
        if trust.isEmpty {
            out.append(SetupFinding(.note, "no trust lines: fine for a machine that only signs; bouncecheck needs trust \(key)"))
            trust = [key]
        } else if !trust.contains(key) {
            out.append(
                SetupFinding(
                    .error,
                    "signing key \(key) is not trusted: bouncecheck would fail its bounces; add trust \(key) to \(configPath)"))
        }
        return out + roundTrip(key: key, trust: trust)
    }

    /// bouncecheck --check: can this user verify, with which keys? And,
    /// when DKIM is configured, its domains and key records (SetupCheck+DKIM.swift).
    public func checker() -> [SetupFinding] { gpgChecker() + dkimFindings() }

    private func gpgChecker() -> [SetupFinding] {
        var out = [SetupFinding(.ok, "configuration \(configPath) read")]
        do throws(GPGError) {
            try keyring.checkHome()
            out.append(SetupFinding(.ok, "GnuPG home \(config.homedir) is readable"))
        } catch {
            return out + [SetupFinding(.error, error.description)]
        }
        guard !config.trust.isEmpty else {
            return out + [SetupFinding(.error, "no trusted keys: add trust FINGERPRINT lines to \(configPath)")]
        }
        for fpr in config.trust {
            switch Result(catching: { () throws(GPGError) in try keyring.state(of: fpr) }) {
            case .success(.usable): out.append(SetupFinding(.ok, "trusted key \(fpr) is in the keyring and usable"))
            case .success(.missing):
                out.append(
                    SetupFinding(
                        .error,
                        "trusted key \(fpr) is not in the keyring: on the signing machine run gpg --homedir HOME --export \(fpr), and here gpg --homedir \(config.homedir) --import"
                    ))
            case .success(let state):
                out.append(
                    SetupFinding(
                        .error, "trusted key \(fpr) \(state.phrase): remove its trust line once its mail is older than max-age"))
            case .failure(let e): out.append(SetupFinding(.error, e.description))
            }
        }
        guard let key = config.key, (try? keyring.state(of: key, secret: true)) == .usable else {
            return out + [
                SetupFinding(
                    .note,
                    "no signing key here: the sign and verify round trip was skipped (run bouncesign --check where mail is signed)"
                )
            ]
        }
        return out + roundTrip(key: key, trust: config.trust)
    }

    /// Signs a test message and verifies a bounce of it, as the programs do.
    private func roundTrip(key: String, trust: [String]) -> [SetupFinding] {
        let message = SampleMail.message(hostname: hostname, now: now)
        let signed: SignedMessage
        do {
            signed = try MessageSigner(signer: GPGSigner(setup: config.gpgSetup, fingerprint: key), hostname: hostname)
                .sign(message, now: now)
        } catch {
            return [SetupFinding(.error, "cannot sign a test message: \(error.description)")]
        }
        let policy = CheckPolicy(trusted: trust, maxAge: config.maxAge, clockSkew: config.clockSkew, requireBody: true, now: now)
        let result = BounceChecker(verifier: GPGVerifier(setup: config.gpgSetup), policy: policy)
            .check(SampleMail.bounce(of: signed.bytes))
        guard result.verdict == .pass(.body) else {
            return [
                SetupFinding(
                    .error, "a bounce of a test message does not pass: \(result.verdict.keyword) (\(result.verdict.reason))")
            ]
        }
        return [SetupFinding(.ok, "a test message signed with \(key) and bounced back passes (body verified)")]
    }

    /// The secret key must be private to its user; the rest readable.
    private func permissions() -> [SetupFinding] {
        let dir = config.homedir + "/private-keys-v1.d"
        guard let mode = FileIO.mode(of: dir) else { return [] }
        if mode & 0o077 != 0 {
            return [SetupFinding(.error, "\(dir) is readable by other users: chmod 700 \(dir)")]
        }
        return [SetupFinding(.ok, "\(dir) is private to its owner")]
    }
}

/// The test message and bounce --check (and the demo) use.
enum SampleMail {
    static func message(hostname: String, now: Int) -> [UInt8] {
        Array(
            """
            From: bouncesign check <postmaster@\(hostname)>
            To: nobody@example.net
            Subject: bouncesign --check test message
            Message-ID: <check.\(now)@\(hostname)>

            A test message, signed and bounced back by bouncesign --check.

            """.utf8)
    }

    /// `message` returned whole in an RFC 3464 report for nobody@example.net.
    static func bounce(of message: [UInt8]) -> [UInt8] {
        Array(
            """
            From: Mail Delivery System <MAILER-DAEMON@example.net>
            To: postmaster@example.org
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="check-bounce"

            --check-bounce
            Content-Type: text/plain

            The message could not be delivered.

            --check-bounce
            Content-Type: message/delivery-status

            Reporting-MTA: dns; example.net

            Final-Recipient: rfc822; nobody@example.net
            Action: failed
            Status: 5.1.1

            --check-bounce
            Content-Type: message/rfc822


            """.utf8) + message + Array("\n--check-bounce--\n".utf8)
    }
}
