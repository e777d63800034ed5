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
        let gcrypt = "mount --bind /dev/null \(try libraryPath("libgcrypt.so.20"))"
        let both = ["mount --bind /dev/null \(try libraryPath("libgpgme.so.11"))", gcrypt]
        let check = [binDir.appendingPathComponent("bouncecheck").path, "-c", keyring.config]
        let sign = [binDir.appendingPathComponent("bouncesign").path, "-c", keyring.config]
        // The one reading hashes the returned original as it streams past,
        // so libgcrypt is the first library a bounce needs; without it the
        // checker cannot decide, and says so (it used to exit in the library).
        let noHash = "bouncecheck: cannot decide now: cannot load libgcrypt: "
        let cases: [(String, [String], [String], [UInt8], Int32, String)] = [
            ("ordinary mail", both, check, message, 2, ""),
            ("a bounce", both, check, bounced, 75, noHash),
            ("signing", both, sign, message, 75, "bouncesign: cannot load "),
            // libgcrypt alone hidden (gpg needs it too): the hash is asked
            // for first, so the reason names it.
            ("a bounce, libgcrypt hidden", [gcrypt], check, bounced, 75, noHash),
            ("signing, libgcrypt hidden", [gcrypt], sign, message, 75, "bouncesign: cannot load libgcrypt: "),
        ]
        for (name, hide, command, input, want, error) in cases {
            let script = hide.joined(separator: " && ") + " && exec \"$@\""
            let r = try run("/usr/bin/unshare", ["-m", "sh", "-c", script, "sh"] + command, input: input)
            #expect(r.status == want, "\(name): got \(r.status), want \(want): \(r.stderr)")
            #expect(error.isEmpty ? r.stderr.isEmpty : r.stderr.contains(error), "\(name): got \(r.stderr)")
            #expect(want == 2 || r.stdout.isEmpty, "\(name): wrote output on failure")
        }
    }

    @Test("a clearsign begun before its text signs the text handed over later, by the configured key, default or not")
    func earlyClearsignSignsTheTextGivenLater() throws {
        let k = TestKeyring.shared
        // trusted is gpg's default key in this home (made first); other is
        // not, so its early signature is by the wrong key and is made again.
        for key in [k.trusted, k.other] {
            let early = try #require(GPGSigner(setup: GPGSetup(homedir: k.home), fingerprint: key).begin())
            // Larger than one of GPGME's reads: handed over in pieces.
            let text = Array(("statement signed by \(key)\n" + (1...3000).map { "line \($0)\n" }.joined()).utf8)
            let armor = try early.finish(text)
            early.abandon()  // after finish: nothing left to do
            #expect(try signingKey(of: armor, home: k.home) == key)
            let plain = try run("/usr/bin/gpg", ["--homedir", k.home, "--batch", "--decrypt"], input: armor)
            #expect(plain.stdout == text, "\(key): gpg read back \(plain.text)")
        }
    }

    @Test("an early clearsign abandoned before its text returns, and signing works after it")
    func abandonedEarlyClearsign() throws {
        let k = TestKeyring.shared
        let signer = GPGSigner(setup: GPGSetup(homedir: k.home), fingerprint: k.trusted)
        try #require(signer.begin()).abandon()
        let armor = try #require(signer.begin()).finish(Array("after an abandoned one\n".utf8))
        #expect(try signingKey(of: armor, home: k.home) == k.trusted)
    }

    @Test("bouncesign's early clearsign fails for the reasons the plain one gives, and exits 75")
    func earlyClearsignFailsWithTheSameReasons() throws {
        let k = TestKeyring.shared
        let cases = [
            ("GnuPG home missing", "homedir /nonexistent/gnupg\nkey \(k.trusted)\n", "cannot use GnuPG home /nonexistent/gnupg"),
            ("signing key missing", "homedir \(k.home)\nkey \(String(repeating: "B", count: 40))\n", "is not in the keyring"),
            ("gpg missing", "homedir \(k.home)\ngpg /nonexistent/gpg\nkey \(k.trusted)\n", "cannot run GnuPG (/nonexistent/gpg)"),
        ]
        let dir = try temporaryDirectory("early-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, settings, reason) in cases {
            let conf = dir.appendingPathComponent("\(name.prefix(8)).conf").path
            try (settings + "trust \(k.trusted)\n").write(toFile: conf, atomically: true, encoding: .utf8)
            let out = try bouncesign(["-c", conf], input: Array(Samples.plain().utf8))
            #expect(out.status == 75, "\(name): exited \(out.status)")
            #expect(out.stderr.contains(reason), "\(name): \(out.stderr)")
            #expect(out.stdout.isEmpty, "\(name): wrote output")
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
