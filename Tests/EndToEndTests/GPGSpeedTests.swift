// Two start-up savings and what they must not change. GPGSigner signs first
// with gpg's default key, sparing a key listing, and names the configured key
// only when the default is another one: the signature is by the configured
// key either way. libgpgme and libgcrypt are loaded only when needed: without
// them ordinary mail is still checked, and the rest is a temporary failure.
import BounceKit
import Foundation
import Testing

@Suite("Start-up savings")
struct GPGSpeedTests {
    @Test("with two secret keys in the home, each configured key makes the signature")
    func configuredKeySignsAmongTwo() throws {
        let dir = try temporaryDirectory("twokeys")
        let home = dir.appendingPathComponent("gnupg").path
        defer {
            _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"])
            try? FileManager.default.removeItem(at: dir)
        }
        let first = try generateKey(home: home, uid: "First <first@example.org>")
        let second = try generateKey(home: home, uid: "Second <second@example.org>")
        // The case under test needs gpg's default key to be the other one.
        let unnamed = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--clearsign"], input: Array("x\n".utf8))
        #expect(try signingKey(of: unnamed.stdout, home: home) == first, "gpg's default key is not the first key")

        for (name, key) in [("first key, gpg's default", first), ("second key", second)] {
            let conf = dir.appendingPathComponent("\(name.prefix(5)).conf").path
            try "homedir \(home)\nkey \(key.lowercased())\ntrust \(key)\n".write(toFile: conf, atomically: true, encoding: .utf8)
            let out = try bouncesign(["-c", conf], input: Array(Samples.plain().utf8))
            #expect(out.status == 0, "\(name): bouncesign exited \(out.status): \(out.stderr)")
            let part = MailPart.parse(out.stdout).parts.first { $0.contentType.mediaType == ProofNames.clearsignType }
            let got = try signingKey(of: part.map { Array($0.body) } ?? [], home: home)
            #expect(got == key, "\(name): got \(got), want \(key)")
            let (status, line) = try check(bounce(of: out.stdout), config: conf)
            #expect(status == 0, "\(name): got \(status) \(line)")
        }
    }

    @Test(
        "without libgpgme and libgcrypt, ordinary mail is still checked and the rest is a temporary failure",
        .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func librariesAreLoadedOnlyWhenNeeded() throws {
        let keyring = TestKeyring.shared
        let message = Array(Samples.plain().utf8)
        let bounced = bounce(of: try signed(message))
        // Each library is hidden behind an empty file in a private mount namespace.
        let hide = try ["libgpgme.so.11", "libgcrypt.so.20"].map { "mount --bind /dev/null \(try libraryPath($0))" }
        let check = binDir.appendingPathComponent("bouncecheck").path
        let sign = binDir.appendingPathComponent("bouncesign").path
        let cases: [(String, [String], [UInt8], Int32, String)] = [
            ("ordinary mail", [check, "-c", keyring.config], message, 2, ""),
            // The one reading hashes the returned original as it streams past,
            // so libgcrypt is the first library a bounce needs.
            ("a bounce", [check, "-c", keyring.config], bounced, 75, "bouncecheck: cannot load libgcrypt: "),
            ("signing", [sign, "-c", keyring.config], message, 75, "bouncesign: cannot load "),
        ]
        for (name, command, input, want, error) in cases {
            let script = hide.joined(separator: " && ") + " && exec \"$@\""
            let r = try run("/usr/bin/unshare", ["-m", "sh", "-c", script, "sh"] + command, input: input)
            #expect(r.status == want, "\(name): got \(r.status), want \(want): \(r.stderr)")
            #expect(error.isEmpty ? r.stderr.isEmpty : r.stderr.contains(error), "\(name): got \(r.stderr)")
            #expect(want == 2 || r.stdout.isEmpty, "\(name): wrote output on failure")
        }
    }

    /// Where the dynamic linker finds `soname`, from its cache.
    private func libraryPath(_ soname: String) throws -> String {
        let cache = try run("/sbin/ldconfig", ["-p"]).text.split(separator: "\n")
        guard let line = cache.first(where: { $0.hasPrefix("\t\(soname) ") }), let arrow = line.range(of: " => ") else {
            throw TestFailure("\(soname) is not in the ldconfig cache")
        }
        return String(line[arrow.upperBound...])
    }

    private func generateKey(home: String, uid: String) throws -> String {
        let out = try bouncesign(["--generate-key", "--force", "--homedir", home, "--uid", uid])
        guard out.status == 0, let line = out.text.split(separator: "\n").first(where: { $0.hasPrefix("key ") }) else {
            throw TestFailure("generate-key failed: \(out.stderr)")
        }
        return String(line.dropFirst(4))
    }

    /// The fingerprint in gpg's VALIDSIG status line for a clearsigned text.
    private func signingKey(of clearsigned: [UInt8], home: String) throws -> String {
        let r = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--status-fd", "1", "--verify"], input: clearsigned)
        let valid = r.text.split(separator: "\n").first { $0.hasPrefix("[GNUPG:] VALIDSIG ") }
        return valid.map { String($0.split(separator: " ")[2]) } ?? "(no VALIDSIG: \(r.stderr))"
    }
}
