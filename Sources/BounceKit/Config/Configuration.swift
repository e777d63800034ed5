// The settings both programs share, from /etc/bouncesign.conf and flags.
//
// File format (bouncesign.conf(5)): one setting per line, "name value" or
// "name = value"; '#' starts a comment; blank lines ignored; "trust" may be
// given several times. Flags override the file; a flag "trust" replaces the
// file's list.

/// All settings, with their defaults.
public struct Configuration: Sendable, Equatable {
    /// The config file read when none is given (-c).
    public static let defaultPath = "/etc/bouncesign.conf"
    static let defaultHomedir = "/etc/bouncesign/gnupg"

    /// Fingerprint of bouncesign's signing key.
    public var key: String? = nil
    /// Fingerprints whose signatures bouncecheck accepts.
    public var trust: [String] = []
    /// GnuPG home.
    public var homedir = Configuration.defaultHomedir
    /// The gpg program.
    public var gpg = "/usr/bin/gpg"
    /// Oldest statement accepted, in seconds.
    public var maxAge = 7 * 86_400
    /// How far in the future a statement's timestamp may be, in seconds.
    public var clockSkew = 15 * 60
    /// Whether bouncecheck demands the returned body (headers-only returns fail).
    public var requireBody = false
    /// What bouncesign does when it cannot sign.
    public var onError = OnError.tempfail
    /// Where bouncesign puts the proof.
    public var proof = ProofPlacement.parts
    /// Domains whose DKIM signature on a returned original counts as proof
    /// when it has no bouncesign proof (issue 13); none: off.
    public var dkimDomains: [String] = []
    /// DKIM key records from this file instead of DNS.
    public var dkimKeys: String? = nil
    /// Oldest DKIM signature accepted, in seconds (nil: max-age).
    public var dkimMaxAge: Int? = nil
    /// Whether a DKIM pass without the body (headers-only return) counts.
    public var dkimHeadersOnly = true

    // bouncesign-milter(8) only.
    /// Where the milter listens: local:PATH or inet:PORT@HOST (inet6: too).
    public var socket = "local:/run/bouncesign/milter.sock"
    /// The user the milter runs as once its socket is open (nil: as started).
    public var user: String? = nil
    /// Where the milter writes its process ID.
    public var pidfile: String? = nil
    /// Client networks whose mail the milter signs.
    public var signNetworks: [NetworkRange] = []
    /// Whether mail from SMTP-authenticated clients is signed.
    public var signAuthenticated = true
    /// MTA daemon names ({daemon_name}) whose mail is signed.
    public var signDaemons: [String] = []
    /// What the milter does with a bounce that fails.
    public var checkBounces = BouncePolicy.tag
    /// What the milter does when it cannot decide now.
    public var onTemperror = OnTemperror.accept
    /// Message bytes a session keeps in memory before spooling to a file.
    public var spoolThreshold = 1 << 20
    /// Most sessions served at once; more are answered with a temporary failure.
    public var maxSessions = 64

    /// The milter's policy for failed bounces.
    public enum BouncePolicy: String, Sendable {
        /// 550 5.7.1 at the end of DATA.
        case reject
        /// Accepted into the MTA's hold queue, with the Bounce-Check field.
        case quarantine
        /// Accepted with the Bounce-Check field.
        case tag
        /// Not checked at all.
        case off
    }

    /// The milter's policy when a check cannot be decided now.
    public enum OnTemperror: String, Sendable {
        /// Accept, with "Bounce-Check: temperror (...)".
        case accept
        /// 451 4.7.0: the sending server retries.
        case tempfail
    }

    /// Where the proof goes.
    public enum ProofPlacement: String, Sendable {
        /// The statement and clearsign parts appended, and the header (DESIGN.md).
        case parts
        /// The Bounce-Signature header only; the body is left byte for byte.
        case header
    }

    /// bouncesign's policy when signing fails.
    public enum OnError: String, Sendable {
        /// Exit 75 so that the MTA keeps the message and retries.
        case tempfail
        /// Send the message unsigned and log a warning.
        case pass
    }

    init() {}

    var gpgSetup: GPGSetup { GPGSetup(homedir: homedir, gpgPath: gpg) }

    /// Why a config file or flag value is unusable (exit 78, or 64 for flags).
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        /// What is wrong and where: the file and line, or the setting and the value given.
        public var description: String
    }

    /// Reads a config file. A missing file is an error only when `required`.
    public static func load(path: String, required: Bool) throws(Error) -> Configuration {
        var config = Configuration()
        let text: [UInt8]
        do {
            text = try FileIO.readFile(path)
        } catch {
            if !required, case .missing = error { return config }
            throw Error(description: "cannot read config file \(path): \(error.description)")
        }
        var pos = 0, lineNumber = 0
        while let line = text.line(at: pos) {
            pos = line.next
            lineNumber += 1
            guard let (name, value) = setting(in: text, line.content) else { continue }
            do {
                try config.set(name, value)
            } catch {
                throw Error(description: "\(path), line \(lineNumber): \(error.description)")
            }
        }
        return config
    }

    /// The name and value on one line of a settings file, or nil when it
    /// holds none: a "#" starts a comment, the name is the first word, and
    /// the value is the rest, without the blanks or "=" before it and the
    /// blanks after it. Bytes, not Characters: this runs at every start.
    static func setting(in text: [UInt8], _ line: Range<Int>) -> (name: String, value: String)? {
        let end = text[line].firstIndex(of: UInt8(ascii: "#")) ?? line.upperBound
        let isSeparator = { (b: UInt8) in ASCII.isWhitespace(b) || b == ASCII.equals }
        guard let nameStart = text[line.lowerBound..<end].firstIndex(where: { !isSeparator($0) }) else { return nil }
        let nameEnd = text[nameStart..<end].firstIndex(where: isSeparator) ?? end
        let valueStart = text[nameEnd..<end].firstIndex(where: { !isSeparator($0) }) ?? end
        let value = text.trimmed(valueStart..<end)
        return (String(mailBytes: text[nameStart..<nameEnd]), String(mailBytes: text[value]))
    }

    /// Sets one setting by its config-file name.
    public mutating func set(_ name: String, _ value: String) throws(Error) {
        func need(_ ok: Bool, _ what: String) throws(Error) {
            if !ok { throw Error(description: "\(name) needs \(what), not \"\(value)\"") }
        }
        switch name {
        case "key":
            let fingerprint = Fingerprint.normalize(value)
            try need(fingerprint != nil, "a key fingerprint (40 hex digits)")
            key = fingerprint
        case "trust":
            let fingerprint = Fingerprint.normalize(value)
            try need(fingerprint != nil, "a key fingerprint (40 hex digits)")
            trust.append(fingerprint ?? value)
        case "homedir":
            try need(value.hasPrefix("/"), "an absolute directory")
            homedir = value
        case "gpg":
            try need(value.hasPrefix("/"), "an absolute path to gpg")
            gpg = value
        case "max-age":
            try need(DurationParser.seconds(value) != nil, "a duration such as 7d or 36h")
            maxAge = DurationParser.seconds(value) ?? maxAge
        case "clock-skew":
            try need(DurationParser.seconds(value) != nil, "a duration such as 15m")
            clockSkew = DurationParser.seconds(value) ?? clockSkew
        case "require-body":
            try need(["yes", "no"].contains(value), "yes or no")
            requireBody = value == "yes"
        case "proof":
            try need(ProofPlacement(rawValue: value) != nil, "parts or header")
            proof = ProofPlacement(rawValue: value) ?? proof
        case "on-error":
            try need(OnError(rawValue: value) != nil, "tempfail or pass")
            onError = OnError(rawValue: value) ?? onError
        case "dkim-domain":
            let d = value.asciiLowercased
            try need(
                !d.isEmpty && d.contains(".") && d.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" },
                "a domain name")
            if !dkimDomains.contains(d) { dkimDomains.append(d) }
        case "dkim-keys":
            try need(value.hasPrefix("/"), "an absolute path to a key file")
            dkimKeys = value
        case "dkim-max-age":
            try need(DurationParser.seconds(value) != nil, "a duration such as 7d or 36h")
            dkimMaxAge = DurationParser.seconds(value)
        case "dkim-headers-only":
            try need(["yes", "no"].contains(value), "yes or no")
            dkimHeadersOnly = value == "yes"
        default:
            try setMilter(name, value, need)
        }
    }

    /// The milter's settings (bouncesign-milter(8)).
    private mutating func setMilter(
        _ name: String, _ value: String, _ need: (Bool, String) throws(Error) -> Void
    ) throws(Error) {
        switch name {
        case "socket":
            try need(MilterSocket(value) != nil, "local:/PATH, inet:PORT@HOST or inet6:PORT@HOST")
            socket = value
        case "user":
            try need(!value.isEmpty && !value.contains(" "), "a user name")
            user = value
        case "pidfile":
            try need(value.hasPrefix("/"), "an absolute path")
            pidfile = value
        case "sign-networks":
            // Several on one line too, as OpenDKIM's InternalHosts lists them.
            for word in value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
                guard let range = NetworkRange(String(word)) else {
                    throw Error(
                        description: "sign-networks needs networks such as 192.0.2.0/24 or 2001:db8::/32, not \"\(word)\"")
                }
                signNetworks.append(range)
            }
            try need(!value.isEmpty, "a network such as 192.0.2.0/24")
        case "sign-authenticated":
            try need(["yes", "no"].contains(value), "yes or no")
            signAuthenticated = value == "yes"
        case "sign-daemons":
            try need(!value.isEmpty, "a daemon name (Postfix milter_macro_daemon_name, sendmail's Name=)")
            signDaemons += value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        case "check-bounces":
            try need(BouncePolicy(rawValue: value) != nil, "reject, quarantine, tag or off")
            checkBounces = BouncePolicy(rawValue: value) ?? checkBounces
        case "on-temperror":
            try need(OnTemperror(rawValue: value) != nil, "accept or tempfail")
            onTemperror = OnTemperror(rawValue: value) ?? onTemperror
        case "spool-threshold":
            try need(ByteSize.parse(value) != nil, "a size such as 1m or 256k")
            spoolThreshold = ByteSize.parse(value) ?? spoolThreshold
        case "max-sessions":
            try need(Int(value).map { $0 > 0 && $0 <= 10_000 } ?? false, "a number of sessions from 1 to 10000")
            maxSessions = Int(value) ?? maxSessions
        default:
            throw Error(description: "unknown setting \"\(name)\"")
        }
    }
}

/// A byte count as written in the config: 1048576, 256k, 1m.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let t = text.lowercased()
        let (digits, unit): (Substring, Int) =
            switch t.last {
            case "k": (t.dropLast(), 1 << 10)
            case "m": (t.dropLast(), 1 << 20)
            case "g": (t.dropLast(), 1 << 30)
            default: (Substring(t), 1)
            }
        guard let n = Int(digits), n >= 0, n <= (1 << 40) / unit else { return nil }
        return n * unit
    }
}

/// OpenPGP fingerprints as written in configs: any case, spaces allowed.
public enum Fingerprint {
    /// Upper-case hex without spaces, or nil unless 40 (v4) or 64 (v5) hex digits.
    public static func normalize(_ text: String) -> String? {
        // Bytes, not Characters: this runs for every trust line of every check.
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for b in text.utf8 where b != ASCII.space {
            guard ASCII.isHexDigit(b), hex.count < 64 else { return nil }
            hex.append(ASCII.upper(b))
        }
        guard hex.count == 40 || hex.count == 64 else { return nil }
        return String(decoding: hex, as: UTF8.self)
    }
}
