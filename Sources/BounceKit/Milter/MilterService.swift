// What bouncesign-milter(8) decides, without libmilter: which messages it
// signs and which it checks (in the spirit of OpenDKIM's InternalHosts and
// MTA settings), with the settings and the GnuPG set-up of one reading of
// the config. A reload (SIGHUP) makes a new service; sessions already
// under way keep the one they started the message with.

/// Who sent a message, as the MTA tells the milter.
public struct MilterClient: Sendable, Equatable {
    /// The client's IP address as text (nil: not an IP connection).
    public var address: String?
    /// The MTA's {daemon_name} macro (Postfix milter_macro_daemon_name, sendmail's Name=).
    public var daemonName: String?
    /// The SMTP AUTH identity ({auth_authen}), when the client logged in.
    public var authenticated: String?

    init(address: String? = nil, daemonName: String? = nil, authenticated: String? = nil) {
        self.address = address
        self.daemonName = daemonName
        self.authenticated = authenticated
    }
}

/// What the milter does with one message.
public enum MilterDirection: Sendable, Equatable {
    /// Outgoing: add the proof (the reason says which rule matched).
    case sign(because: String)
    /// Incoming: check it as bouncecheck does.
    case check
    /// check-bounces off and not ours to sign: leave it alone.
    case pass
}

/// One reading of the configuration, ready to serve messages.
public struct MilterService {
    /// The settings of this reading of the config file.
    public let config: Configuration
    let hostname: String
    /// The signer, when the config names a key.
    let signing: (any StatementSigning)?
    let verifier: any ClearsignVerifying
    let now: () -> Int

    init(
        config: Configuration, hostname: String, signing: (any StatementSigning)?, verifier: any ClearsignVerifying,
        now: @escaping () -> Int
    ) {
        self.config = config
        self.hostname = hostname
        self.signing = signing
        self.verifier = verifier
        self.now = now
    }

    /// The service with GnuPG, as the daemon runs it.
    public static func live(_ config: Configuration, hostname: String) -> MilterService {
        MilterService(
            config: config, hostname: hostname,
            signing: config.key.map { GPGSigner(setup: config.gpgSetup, fingerprint: $0) },
            verifier: GPGVerifier(setup: config.gpgSetup), now: { Host.now })
    }

    /// Sign mail from authenticated clients (sign-authenticated), from
    /// sign-networks or through a daemon in sign-daemons; check the rest.
    public func direction(of client: MilterClient) -> MilterDirection {
        if config.signAuthenticated, let who = client.authenticated, !who.isEmpty {
            return .sign(because: "authenticated")
        }
        if let address = client.address, let net = config.signNetworks.first(where: { $0.contains(address) }) {
            return .sign(because: "client \(address) in \(net)")
        }
        if let daemon = client.daemonName, config.signDaemons.contains(daemon) {
            return .sign(because: "daemon \(daemon)")
        }
        return config.checkBounces == .off ? .pass : .check
    }

    var signer: MessageSigner? {
        signing.map { MessageSigner(signer: $0, hostname: hostname, placement: config.proof) }
    }

    func checker(now: Int) -> BounceChecker {
        BounceChecker(config, now: now, verifier: verifier)
    }
}
