// The settings file (bouncesign.conf(5); Config/Configuration.swift) and the
// values it is written in: durations (Duration.swift), networks and milter
// sockets (NetworkRange.swift), byte sizes. A valid file reads to the values
// it names, as LF and CRLF; every value a setting refuses is refused with
// words that name the file, the line, the setting and what it needs.
import Foundation
import Testing

@testable import BounceKit

/// A private directory for config files, removed with its files.
final class ConfigDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "bouncesign-config-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` in the directory and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    static let fpr = "0123456789ABCDEF0123456789ABCDEF01234567"
    static let fpr2 = "89ABCDEF0123456789ABCDEF0123456789ABCDEF"

    /// Every setting, in each spelling the format allows.
    static let everySetting = """
        # bouncesign.conf: every setting
        key 0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567
        trust = \(fpr)
        trust=89abcdef0123456789abcdef0123456789abcdef

        homedir\t/var/lib/bouncesign/gnupg
        gpg /usr/local/bin/gpg2   # a comment after the value
        max-age 36h
        clock-skew = 5m
        require-body yes
        proof header
        on-error pass
        dkim-domain Example.ORG
        dkim-domain example.org
        dkim-domain mail.example.net
        dkim-keys /etc/bouncesign/dkim-keys
        dkim-max-age 2w
        dkim-headers-only no
        socket inet:8891@127.0.0.1
        user bouncesign
        pidfile /run/bouncesign/milter.pid
        sign-networks 192.0.2.0/24, 2001:db8::/32
        sign-networks 10.0.0.1
        sign-authenticated no
        sign-daemons ORIGINATING submission
        check-bounces quarantine
        on-temperror tempfail
        spool-threshold 256k
        max-sessions 10000

        """

    static func expected() throws -> Configuration {
        var c = Configuration()
        c.key = fpr
        c.trust = [fpr, fpr2]
        c.homedir = "/var/lib/bouncesign/gnupg"
        c.gpg = "/usr/local/bin/gpg2"
        c.maxAge = 36 * 3_600
        c.clockSkew = 5 * 60
        c.requireBody = true
        c.proof = .header
        c.onError = .pass
        c.dkimDomains = ["example.org", "mail.example.net"]
        c.dkimKeys = "/etc/bouncesign/dkim-keys"
        c.dkimMaxAge = 2 * 604_800
        c.dkimHeadersOnly = false
        c.socket = "inet:8891@127.0.0.1"
        c.user = "bouncesign"
        c.pidfile = "/run/bouncesign/milter.pid"
        c.signNetworks = [
            try #require(NetworkRange("192.0.2.0/24")), try #require(NetworkRange("2001:db8::/32")),
            try #require(NetworkRange("10.0.0.1/32")),
        ]
        c.signAuthenticated = false
        c.signDaemons = ["ORIGINATING", "submission"]
        c.checkBounces = .quarantine
        c.onTemperror = .tempfail
        c.spoolThreshold = 256 << 10
        c.maxSessions = 10_000
        return c
    }

    @Test("a file naming every setting reads to those values, as LF and as CRLF")
    func everySettingParses() throws {
        let dir = try ConfigDirectory()
        let want = try Self.expected()
        #expect(want != Configuration(), "the expected values must differ from the defaults")
        for (ends, bytes) in lfAndCRLF(Array(Self.everySetting.utf8)) {
            let got = try Configuration.load(path: dir.write("every-\(ends).conf", bytes), required: true)
            #expect(got == want, "\(ends): got \(got), want \(want)")
        }
    }

    @Test("an empty file, and a missing one that is not required, give the defaults")
    func defaults() throws {
        let dir = try ConfigDirectory()
        let cases: [(String, String, Bool)] = [
            ("an empty file", try dir.write("empty.conf", []), true),
            ("comments and blank lines only", try dir.write("comments.conf", Array("# nothing\n\n   \n\t# set\n".utf8)), true),
            ("a missing file, not required", dir.path + "/none.conf", false),
        ]
        for (name, path, required) in cases {
            let got = try Configuration.load(path: path, required: required)
            #expect(got == Configuration(), "\(name): got \(got), want the defaults")
        }
        let d = Configuration()
        #expect(d.maxAge == 7 * 86_400 && d.clockSkew == 15 * 60 && d.proof == .parts && d.onError == .tempfail)
        #expect(d.checkBounces == .tag && d.onTemperror == .accept && d.socket == "local:/run/bouncesign/milter.sock")
    }

    @Test("a setting given twice is no error: the last wins, trust adds up, dkim-domain keeps one of each")
    func repeatedSettings() throws {
        let dir = try ConfigDirectory()
        let text =
            "max-age 1d\nmax-age 2d\nkey \(Self.fpr)\nkey \(Self.fpr2)\ntrust \(Self.fpr)\ntrust \(Self.fpr2)\n"
            + "dkim-domain example.org\ndkim-domain EXAMPLE.org\nsign-daemons a\nsign-daemons b,c\n"
        let got = try Configuration.load(path: dir.write("twice.conf", Array(text.utf8)), required: true)
        #expect(got.maxAge == 2 * 86_400, "max-age: got \(got.maxAge)")
        #expect(got.key == Self.fpr2, "key: got \(got.key ?? "nil")")
        #expect(got.trust == [Self.fpr, Self.fpr2], "trust: got \(got.trust)")
        #expect(got.dkimDomains == ["example.org"], "dkim-domain: got \(got.dkimDomains)")
        #expect(got.signDaemons == ["a", "b", "c"], "sign-daemons: got \(got.signDaemons)")
    }

    /// (name, setting, value, the error's words).
    static let refused: [(String, String, String, String)] = [
        ("an unknown setting", "max-ages", "7d", "unknown setting \"max-ages\""),
        ("a flag spelling", "--max-age", "7d", "unknown setting \"--max-age\""),
        (
            "key: 39 hex digits", "key", String(fpr.dropLast()),
            "key needs a key fingerprint (40 hex digits), not \"\(fpr.dropLast())\""
        ),
        (
            "key: not hex", "key", "G" + fpr.dropFirst(),
            "key needs a key fingerprint (40 hex digits), not \"G\(fpr.dropFirst())\""
        ),
        ("key: no value", "key", "", "key needs a key fingerprint (40 hex digits), not \"\""),
        (
            "trust: a key ID", "trust", "89ABCDEF01234567",
            "trust needs a key fingerprint (40 hex digits), not \"89ABCDEF01234567\""
        ),
        ("homedir: relative", "homedir", "gnupg", "homedir needs an absolute directory, not \"gnupg\""),
        ("homedir: no value", "homedir", "", "homedir needs an absolute directory, not \"\""),
        ("gpg: a bare name", "gpg", "gpg", "gpg needs an absolute path to gpg, not \"gpg\""),
        ("max-age: unknown unit", "max-age", "7x", "max-age needs a duration such as 7d or 36h, not \"7x\""),
        ("max-age: negative", "max-age", "-1d", "max-age needs a duration such as 7d or 36h, not \"-1d\""),
        ("max-age: no value", "max-age", "", "max-age needs a duration such as 7d or 36h, not \"\""),
        ("clock-skew: a fraction", "clock-skew", "1.5m", "clock-skew needs a duration such as 15m, not \"1.5m\""),
        ("require-body: true", "require-body", "true", "require-body needs yes or no, not \"true\""),
        ("proof: both", "proof", "both", "proof needs parts or header, not \"both\""),
        ("on-error: reject", "on-error", "reject", "on-error needs tempfail or pass, not \"reject\""),
        ("dkim-domain: no dot", "dkim-domain", "localhost", "dkim-domain needs a domain name, not \"localhost\""),
        ("dkim-domain: an address", "dkim-domain", "a@example.org", "dkim-domain needs a domain name, not \"a@example.org\""),
        ("dkim-domain: no value", "dkim-domain", "", "dkim-domain needs a domain name, not \"\""),
        ("dkim-keys: relative", "dkim-keys", "keys", "dkim-keys needs an absolute path to a key file, not \"keys\""),
        ("dkim-max-age: a word", "dkim-max-age", "week", "dkim-max-age needs a duration such as 7d or 36h, not \"week\""),
        ("dkim-headers-only: 1", "dkim-headers-only", "1", "dkim-headers-only needs yes or no, not \"1\""),
        (
            "socket: no scheme", "socket", "/run/milter.sock",
            "socket needs local:/PATH, inet:PORT@HOST or inet6:PORT@HOST, not \"/run/milter.sock\""
        ),
        (
            "socket: port 0", "socket", "inet:0@localhost",
            "socket needs local:/PATH, inet:PORT@HOST or inet6:PORT@HOST, not \"inet:0@localhost\""
        ),
        ("user: no value", "user", "", "user needs a user name, not \"\""),
        ("user: two words", "user", "bounce sign", "user needs a user name, not \"bounce sign\""),
        ("pidfile: relative", "pidfile", "milter.pid", "pidfile needs an absolute path, not \"milter.pid\""),
        (
            "sign-networks: host bits set", "sign-networks", "10.0.0.1/8",
            "sign-networks needs networks such as 192.0.2.0/24 or 2001:db8::/32, not \"10.0.0.1/8\""
        ),
        (
            "sign-networks: the second of two is a name", "sign-networks", "192.0.2.0/24, example.org",
            "sign-networks needs networks such as 192.0.2.0/24 or 2001:db8::/32, not \"example.org\""
        ),
        ("sign-networks: no value", "sign-networks", "", "sign-networks needs a network such as 192.0.2.0/24, not \"\""),
        ("sign-authenticated: on", "sign-authenticated", "on", "sign-authenticated needs yes or no, not \"on\""),
        (
            "sign-daemons: no value", "sign-daemons", "",
            "sign-daemons needs a daemon name (Postfix milter_macro_daemon_name, sendmail's Name=), not \"\""
        ),
        ("check-bounces: drop", "check-bounces", "drop", "check-bounces needs reject, quarantine, tag or off, not \"drop\""),
        ("on-temperror: reject", "on-temperror", "reject", "on-temperror needs accept or tempfail, not \"reject\""),
        (
            "spool-threshold: a unit too big", "spool-threshold", "1t",
            "spool-threshold needs a size such as 1m or 256k, not \"1t\""
        ),
        ("max-sessions: 0", "max-sessions", "0", "max-sessions needs a number of sessions from 1 to 10000, not \"0\""),
        (
            "max-sessions: 10001", "max-sessions", "10001",
            "max-sessions needs a number of sessions from 1 to 10000, not \"10001\""
        ),
        ("max-sessions: a word", "max-sessions", "many", "max-sessions needs a number of sessions from 1 to 10000, not \"many\""),
    ]

    @Test("every value a setting refuses is refused with words naming the setting, the value and what it needs")
    func refusedValues() {
        for (name, setting, value, want) in Self.refused {
            var c = Configuration()
            do {
                try c.set(setting, value)
                Issue.record("\(name): got accepted, want \(want)")
            } catch {
                #expect(error.description == want, "\(name): got \(error.description), want \(want)")
            }
            // sign-networks keeps the ranges read before the bad one; the
            // file or flag is refused as a whole, so nothing uses them.
            if setting != "sign-networks" {
                #expect(c == Configuration(), "\(name): a refused value changed the settings")
            }
        }
    }

    @Test("in a file, the error names the file and the line as well, as LF and as CRLF")
    func refusedInAFile() throws {
        let dir = try ConfigDirectory()
        for (name, setting, value, want) in Self.refused {
            let text = "# line 1\nmax-age 7d\n\n\(setting) \(value)\ntrust \(Self.fpr)\n"
            for (ends, bytes) in lfAndCRLF(Array(text.utf8)) {
                let path = try dir.write("refused.conf", bytes)
                do {
                    let got = try Configuration.load(path: path, required: true)
                    Issue.record("\(name) (\(ends)): got \(got), want an error")
                } catch {
                    let full = "\(path), line 4: \(want)"
                    #expect(error.description == full, "\(name) (\(ends)): got \(error.description), want \(full)")
                }
            }
        }
    }

    @Test("a missing file that is required, and a directory, cannot be read")
    func unreadable() throws {
        let dir = try ConfigDirectory()
        let missing = dir.path + "/none.conf"
        #expect(throws: Configuration.Error(description: "cannot read config file \(missing): no such file or directory")) {
            try Configuration.load(path: missing, required: true)
        }
        // A directory is no missing file: an error even when not required.
        do {
            let got = try Configuration.load(path: dir.path, required: false)
            Issue.record("a directory: got \(got), want an error")
        } catch {
            #expect(error.description.hasPrefix("cannot read config file \(dir.path): "), "a directory: got \(error.description)")
            #expect(error.description.count > "cannot read config file \(dir.path): ".count, "a directory: no reason given")
        }
    }

    // MARK: values

    @Test("durations: s, m, h, d, w or bare seconds, any case; anything else is nil")
    func durations() {
        let cases: [(String, Int?)] = [
            ("7d", 604_800), ("36h", 129_600), ("90m", 5_400), ("3600s", 3_600), ("2w", 1_209_600), ("3600", 3_600),
            ("0", 0), (" 7D ", 604_800), ("15M", 900),
            ("", nil), ("d", nil), ("7x", nil), ("-1d", nil), ("1.5h", nil), ("7 d", nil),
            ("99999999999999w", nil), ("99999999999999999999", nil),
        ]
        for (text, want) in cases {
            let got = DurationParser.seconds(text)
            #expect(got == want, "\"\(text)\": got \(got.map(String.init) ?? "nil"), want \(want.map(String.init) ?? "nil")")
        }
    }

    @Test("durations are written in their largest exact unit, and read back to the same seconds")
    func durationFormat() {
        let cases: [(Int, String)] = [
            (0, "0s"), (59, "59s"), (60, "1m"), (90, "90s"), (5_400, "90m"), (3_600, "1h"), (129_600, "36h"),
            (86_400, "1d"), (604_800, "1w"), (8 * 86_400, "8d"), (1_209_600, "2w"),
        ]
        for (seconds, want) in cases {
            let got = DurationParser.format(seconds)
            #expect(got == want, "\(seconds): got \(got), want \(want)")
            #expect(
                DurationParser.seconds(got) == seconds, "\(seconds): \(got) reads back as \(DurationParser.seconds(got) ?? -1)")
        }
    }

    @Test("network ranges: IPv4 and IPv6 prefixes and single addresses; malformed ones and set host bits are nil")
    func networkRanges() {
        let cases: [(String, String?)] = [
            ("192.0.2.0/24", "192.0.2.0/24"), ("10.0.0.1", "10.0.0.1/32"), ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:db8::/32", "2001:db8::/32"), ("[2001:db8::1]", "2001:db8::1/128"), ("IPv6:2001:db8::/48", "2001:db8::/48"),
            ("::/0", "::/0"),
            ("10.0.0.1/8", nil), ("192.0.2.0/33", nil), ("2001:db8::/129", nil), ("2001:db8::1/64", nil),
            ("192.0.2.0/", nil), ("192.0.2.0/x", nil), ("192.0.2.0/-1", nil), ("300.0.0.0/8", nil), ("192.0.2/24", nil),
            ("example.org", nil), ("", nil), ("/24", nil),
        ]
        for (text, want) in cases {
            let got = NetworkRange(text)?.description
            #expect(got == want, "\"\(text)\": got \(got ?? "nil"), want \(want ?? "nil")")
        }
    }

    @Test("a range holds the addresses under its prefix, IPv4 clients seen through IPv6 too, and nothing else")
    func networkMembership() throws {
        let cases: [(String, String, Bool)] = [
            ("192.0.2.0/24", "192.0.2.200", true), ("192.0.2.0/24", "192.0.3.1", false),
            ("192.0.2.0/24", "::ffff:192.0.2.7", true), ("192.0.2.0/24", "::ffff:198.51.100.7", false),
            ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::5", false),
            ("2001:db8::/32", "192.0.2.1", false), ("10.0.0.0/8", "not an address", false),
            ("192.0.2.128/25", "192.0.2.127", false), ("192.0.2.128/25", "192.0.2.128", true),
        ]
        for (range, client, want) in cases {
            let r = try #require(NetworkRange(range), "\(range)")
            #expect(r.contains(client) == want, "\(range) contains \(client): got \(!want), want \(want)")
        }
    }

    @Test("milter sockets: local, unix, inet and inet6, with the default host; anything else is nil")
    func milterSockets() {
        let cases: [(String, MilterSocket.Kind?)] = [
            ("local:/run/bouncesign/milter.sock", .local(path: "/run/bouncesign/milter.sock")),
            ("unix:/tmp/m.sock", .local(path: "/tmp/m.sock")), ("inet:8891@127.0.0.1", .inet(port: 8891, host: "127.0.0.1")),
            ("inet:8891", .inet(port: 8891, host: "0.0.0.0")), ("inet6:8891", .inet6(port: 8891, host: "::")),
            ("INET:25@mx", .inet(port: 25, host: "mx")),
            ("local:relative.sock", nil), ("local:/", nil), ("inet:0@h", nil), ("inet:65536@h", nil), ("inet:x@h", nil),
            ("inet:25@", nil), ("inet:25@a b", nil), ("tcp:25@h", nil), ("/run/milter.sock", nil),
        ]
        for (text, want) in cases {
            let got = MilterSocket(text)?.kind
            #expect(got == want, "\"\(text)\": got \(got.map { "\($0)" } ?? "nil"), want \(want.map { "\($0)" } ?? "nil")")
        }
    }

    @Test("byte sizes: bytes, k, m or g, up to 1 TiB; anything else is nil")
    func byteSizes() {
        let cases: [(String, Int?)] = [
            ("1048576", 1 << 20), ("256k", 256 << 10), ("1m", 1 << 20), ("2G", 2 << 30), ("0", 0), ("1024g", 1 << 40),
            ("1025g", nil), ("1t", nil), ("-1", nil), ("k", nil), ("", nil), ("1.5m", nil),
        ]
        for (text, want) in cases {
            let got = ByteSize.parse(text)
            #expect(got == want, "\"\(text)\": got \(got.map(String.init) ?? "nil"), want \(want.map(String.init) ?? "nil")")
        }
    }

    @Test("fingerprints: 40 or 64 hex digits, any case, spaces allowed, written upper case without spaces")
    func fingerprints() {
        let v5 = String(repeating: "ab", count: 32)
        let cases: [(String, String?)] = [
            (Self.fpr.lowercased(), Self.fpr), ("0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567", Self.fpr),
            (v5, v5.uppercased()), (String(Self.fpr.dropLast()), nil), (Self.fpr + "0", nil), ("", nil),
            ("0x" + Self.fpr.dropFirst(2), nil),
        ]
        for (text, want) in cases {
            let got = Fingerprint.normalize(text)
            #expect(got == want, "\"\(text)\": got \(got ?? "nil"), want \(want ?? "nil")")
        }
    }
}
