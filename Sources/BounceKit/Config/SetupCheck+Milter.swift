// bouncesign-milter -n: the milter's settings, then what bouncesign --check
// and bouncecheck --check find for the sides the milter will run.
import Glibc

extension SetupCheck {
    /// Whether any rule can make the milter sign.
    static func signs(_ c: Configuration) -> Bool {
        c.signAuthenticated || !c.signNetworks.isEmpty || !c.signDaemons.isEmpty
    }

    /// bouncesign-milter -n.
    public func milter() -> [SetupFinding] {
        var out: [SetupFinding] = []
        if MilterSocket(config.socket) == nil {
            out.append(SetupFinding(.error, "socket \(config.socket) is not local:/PATH or inet:PORT@HOST"))
        } else {
            out.append(SetupFinding(.ok, "socket \(config.socket)"))
        }
        if let user = config.user {
            if getpwnam(user) == nil {
                out.append(SetupFinding(.error, "user \(user) does not exist: create it or fix user in \(configPath)"))
            } else {
                out.append(SetupFinding(.ok, "runs as user \(user)"))
            }
        } else if geteuid() == 0 {
            out.append(SetupFinding(.note, "no user setting: the milter would keep running as root"))
        }
        let signs = Self.signs(config)
        let sides =
            signs ? "signs mail from " + signSources : "signs nothing (sign-authenticated no, no sign-networks or sign-daemons)"
        out.append(
            SetupFinding(
                .ok, sides + "; check-bounces \(config.checkBounces.rawValue), on-temperror \(config.onTemperror.rawValue)"))
        if signs {
            if config.key == nil {
                out.append(
                    SetupFinding(
                        .error,
                        "no signing key: set key in \(configPath) (bouncesign --generate-key makes one), or sign-authenticated no for a milter that only checks"
                    ))
            } else {
                out += signer().filter { !$0.text.hasPrefix("configuration ") }
            }
        }
        if config.checkBounces != .off {
            out += checker().filter { !$0.text.hasPrefix("configuration ") && !(signs && $0.level == .note) }
        }
        return [SetupFinding(.ok, "configuration \(configPath) read")] + out
    }

    private var signSources: String {
        var s: [String] = []
        if config.signAuthenticated { s.append("authenticated clients") }
        if !config.signNetworks.isEmpty { s.append(config.signNetworks.map(\.description).joined(separator: " ")) }
        if !config.signDaemons.isEmpty { s.append("daemons " + config.signDaemons.joined(separator: " ")) }
        return s.joined(separator: ", ")
    }
}
