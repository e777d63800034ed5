// Set-up mistakes, as an administrator makes them: each gets a message that
// names the cause and the fix, and the exit status the man pages give
// (bouncesign: always 75, so no mistake bounces mail; bouncecheck: 78 for
// configuration, 75 when it cannot decide). And --check finds each one
// before a bounce arrives.
import BounceKit
import Foundation
import Testing

@Suite("Set-up errors and --check")
struct SetupTests {
    let keyring = TestKeyring.shared

    /// One misconfiguration: the config text (or nil: no file), extra flags,
    /// what each program must say, and its status.
    struct Mistake {
        var name: String
        var config: String?
        var flags: [String] = []
        var signStatus: Int32
        var signSays: String
        var checkStatus: Int32
        var checkSays: String
    }

    func mistakes() -> [Mistake] {
        let home = keyring.home, key = keyring.trusted
        let missingKey = String(repeating: "AB", count: 20)
        return [
            Mistake(
                name: "GnuPG home missing", config: "homedir /nonexistent/gnupg\nkey \(key)\ntrust \(key)\n",
                signStatus: 75, signSays: "cannot use GnuPG home /nonexistent/gnupg", checkStatus: 75,
                checkSays: "cannot use GnuPG home /nonexistent/gnupg"),
            Mistake(
                name: "signing key not in the keyring", config: "homedir \(home)\nkey \(missingKey)\ntrust \(key)\n",
                signStatus: 75, signSays: "signing key \(missingKey) is not in the keyring", checkStatus: 0, checkSays: ""),
            Mistake(
                name: "setting name mistyped", config: "homedir \(home)\nkey \(key)\ntrust \(key)\nmaxage 7d\n",
                signStatus: 75, signSays: "unknown setting \"maxage\"", checkStatus: 78, checkSays: "unknown setting \"maxage\""),
            Mistake(
                name: "bad value in the file", config: "homedir \(home)\nkey \(key)\ntrust \(key)\nmax-age 7days\n",
                signStatus: 75, signSays: "max-age needs a duration", checkStatus: 78, checkSays: "max-age needs a duration"),
            Mistake(
                name: "bad trust value on the command line", config: "homedir \(home)\nkey \(key)\n", flags: ["-t", "16hex"],
                signStatus: 0, signSays: "", checkStatus: 78, checkSays: "trust needs a key fingerprint"),
            Mistake(
                name: "bad max-age on the command line", config: "homedir \(home)\nkey \(key)\ntrust \(key)\n",
                flags: ["--max-age", "7days"], signStatus: 0, signSays: "", checkStatus: 78, checkSays: "max-age needs a duration"
            ),
            Mistake(
                name: "config file missing", config: nil, signStatus: 75, signSays: "cannot read config file",
                checkStatus: 78, checkSays: "cannot read config file"),
        ]
    }

    @Test("each set-up mistake is named, with the status the man pages give")
    func mistakesAreNamed() throws {
        let dir = try temporaryDirectory("setup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let message = Array(Samples.plain().utf8)
        let bounceBytes = bounce(of: try signed(message))
        let manSign = try String(contentsOfFile: repoRoot.appendingPathComponent("man/bouncesign.1").path, encoding: .utf8)
        let manCheck = try String(contentsOfFile: repoRoot.appendingPathComponent("man/bouncecheck.1").path, encoding: .utf8)
        var rows = 0
        for m in mistakes() {
            let path = dir.appendingPathComponent(m.name.replacingOccurrences(of: " ", with: "-")).path
            if let text = m.config { try text.write(toFile: path, atomically: true, encoding: .utf8) }
            let signFlags = m.flags.first == "-t" || m.flags.first == "--max-age" ? [] : m.flags
            if m.signStatus != 0 {
                let s = try bouncesign(["-c", path] + signFlags, input: message)
                #expect(s.status == m.signStatus, "\(m.name): bouncesign exit \(s.status), want \(m.signStatus)")
                #expect(s.stderr.contains(m.signSays), "\(m.name): bouncesign said \(s.stderr)")
                #expect(s.stdout.isEmpty, "\(m.name): bouncesign wrote a message")
                #expect(Self.exitStatuses(manSign).contains(m.signStatus), "\(m.name): bouncesign(1) has no \(m.signStatus)")
                rows += 1
            }
            if m.checkStatus != 0 {
                let c = try bouncecheck(["-c", path] + m.flags, input: bounceBytes)
                #expect(c.status == m.checkStatus, "\(m.name): bouncecheck exit \(c.status), want \(m.checkStatus)")
                #expect(c.stderr.contains(m.checkSays), "\(m.name): bouncecheck said \(c.stderr)")
                #expect(Self.exitStatuses(manCheck).contains(m.checkStatus), "\(m.name): bouncecheck(1) has no \(m.checkStatus)")
                rows += 1
            }
        }
        print("setup errors: \(rows) tried")
    }

    /// The statuses listed in a man page's EXIT STATUS section.
    static func exitStatuses(_ page: String) -> Set<Int32> {
        guard let start = page.range(of: ".Sh EXIT STATUS"),
            let end = page.range(of: ".Sh ", range: start.upperBound..<page.endIndex)
        else { return [] }
        var out: Set<Int32> = []
        for line in page[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix(".It ") {
            for word in line.dropFirst(4).split(separator: " ") { if let n = Int32(word) { out.insert(n) } }
        }
        return out
    }

    @Test("--check passes a good set-up, signing and verifying a test bounce")
    func checkPassesAGoodSetUp() throws {
        let s = try bouncesign(["-c", keyring.config, "--check"])
        #expect(s.status == 0, "bouncesign --check: \(s.text)\(s.stderr)")
        #expect(s.text.contains("ok: a test message signed with \(keyring.trusted) and bounced back passes"), "\(s.text)")
        #expect(!s.text.contains("error:"))
        let c = try bouncecheck(["-c", keyring.config, "--check"])
        #expect(c.status == 0, "bouncecheck --check: \(c.text)\(c.stderr)")
        #expect(c.text.contains("ok: trusted key \(keyring.trusted) is in the keyring and usable"), "\(c.text)")
    }

    @Test("--check names what is wrong, and exits 78")
    func checkNamesProblems() throws {
        let missing = String(repeating: "CD", count: 20)
        let cases: [(String, String, [String], String)] = [
            (
                "trusted key not in the keyring", "homedir \(keyring.home)\nkey \(keyring.trusted)\ntrust \(missing)\n",
                ["bouncecheck"],
                "error: trusted key \(missing) is not in the keyring"
            ),
            (
                "signing key not trusted", "homedir \(keyring.home)\nkey \(keyring.trusted)\ntrust \(keyring.other)\n",
                ["bouncesign"],
                "error: signing key \(keyring.trusted) is not trusted"
            ),
            (
                "signing key without a secret part", "homedir \(keyring.home)\nkey \(missing)\ntrust \(keyring.trusted)\n",
                ["bouncesign"],
                "error: signing key \(missing) has no secret part"
            ),
            (
                "home missing", "homedir /nonexistent/gnupg\nkey \(keyring.trusted)\ntrust \(keyring.trusted)\n",
                ["bouncesign", "bouncecheck"], "error: cannot use GnuPG home /nonexistent/gnupg"
            ),
            ("no trust lines", "homedir \(keyring.home)\n", ["bouncecheck"], "error: no trusted keys"),
        ]
        let dir = try temporaryDirectory("check")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text, programs, want) in cases {
            let path = dir.appendingPathComponent(name.replacingOccurrences(of: " ", with: "-")).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            for program in programs {
                let out =
                    program == "bouncesign" ? try bouncesign(["-c", path, "--check"]) : try bouncecheck(["-c", path, "--check"])
                #expect(out.status == 78, "\(name), \(program): exit \(out.status), want 78")
                #expect(out.text.contains(want), "\(name), \(program): got \(out.text), want \(want)")
            }
        }
    }

    @Test("--generate-key refuses a second key unless forced, and says how to export it and where its revocation is")
    func generateKeyIsCareful() throws {
        let dir = try temporaryDirectory("genkey")
        defer {
            _ = try? run("/usr/bin/gpgconf", ["--homedir", dir.appendingPathComponent("g").path, "--kill", "all"])
            try? FileManager.default.removeItem(at: dir)
        }
        let home = dir.appendingPathComponent("g").path
        let first = try bouncesign(["--generate-key", "--homedir", home, "--uid", "First <a@example.org>"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.text.contains("--export --armor"), "\(first.text)")
        #expect(first.text.contains("--import bouncesign-key.asc"), "\(first.text)")
        let rev = first.text.split(separator: "\n").first { $0.contains("Revocation certificate:") }
        let revPath = rev.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? ""
        #expect(FileManager.default.fileExists(atPath: revPath), "revocation certificate \(revPath) missing")
        let second = try bouncesign(["--generate-key", "--homedir", home])
        #expect(second.status == 78, "second --generate-key: exit \(second.status)")
        #expect(second.stderr.contains("already holds secret key") && second.stderr.contains("--force"), "\(second.stderr)")
        let forced = try bouncesign(["--generate-key", "--force", "--homedir", home, "--uid", "Second <b@example.org>"])
        #expect(forced.status == 0, "\(forced.stderr)")
    }
}
