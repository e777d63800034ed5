// The settings both programs share, from /etc/bouncesign.conf and flags.
//
// File format (bouncesign.conf(5)): one setting per line, "name value" or
// "name = value"; '#' starts a comment; blank lines ignored; "trust" may be
// given several times. Flags override the file; a flag "trust" replaces the
// file's list.

/// All settings, with their defaults.
public struct Configuration: Sendable, Equatable {
    public static let defaultPath = "/etc/bouncesign.conf"
    public static let defaultHomedir = "/etc/bouncesign/gnupg"

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

    public init() {}

    public var gpgSetup: GPGSetup { GPGSetup(homedir: homedir, gpgPath: gpg) }

    /// Why a config file or flag value is unusable (exit 78, or 64 for flags).
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
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
            throw Error(description: "cannot read config file \(path): \(error.reason)")
        }
        var pos = 0, lineNumber = 0
        while let line = text.line(at: pos) {
            pos = line.next
            lineNumber += 1
            var content = String(mailBytes: text[line.content])
            if let hash = content.firstIndex(of: "#") { content = String(content[..<hash]) }
            let words = content.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" })
            guard let name = words.first else { continue }
            let value = words.count > 1 ? String(words[1]).trimmingWhitespace.trimmingLeadingEquals : ""
            do {
                try config.set(String(name), value)
            } catch {
                throw Error(description: "\(path), line \(lineNumber): \(error.description)")
            }
        }
        return config
    }

    /// Sets one setting by its config-file name.
    public mutating func set(_ name: String, _ value: String) throws(Error) {
        func need(_ ok: Bool, _ what: String) throws(Error) {
            if !ok { throw Error(description: "\(name) needs \(what), not \"\(value)\"") }
        }
        switch name {
        case "key":
            try need(Fingerprint.normalize(value) != nil, "a key fingerprint (40 hex digits)")
            key = Fingerprint.normalize(value)
        case "trust":
            try need(Fingerprint.normalize(value) != nil, "a key fingerprint (40 hex digits)")
            trust.append(Fingerprint.normalize(value) ?? value)
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
            try need(!d.isEmpty && d.contains(".") && d.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }, "a domain name")
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
            throw Error(description: "unknown setting \"\(name)\"")
        }
    }
}

extension String {
    fileprivate var trimmingLeadingEquals: String {
        var s = Substring(self)
        while s.first == "=" || s.first == " " || s.first == "\t" { s = s.dropFirst() }
        return String(s)
    }
}

/// OpenPGP fingerprints as written in configs: any case, spaces allowed.
public enum Fingerprint {
    /// Upper-case hex without spaces, or nil unless 40 (v4) or 64 (v5) hex digits.
    public static func normalize(_ text: String) -> String? {
        let hex = text.filter { $0 != " " }.uppercased()
        guard hex.count == 40 || hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return nil }
        return hex
    }
}
