// Each security property of DESIGN.md, proven by a case that would pass
// without it.
import BounceKit
import Foundation
import Testing

@Suite("Security properties")
struct SecurityTests {
    let keyring = TestKeyring.shared
    var message: [UInt8] { Array(Samples.plain().utf8) }

    @Test("a valid signature by a key in the keyring but not in the trusted set fails")
    func untrustedKeyFails() throws {
        let config = try keyring.config(named: "sign-other.conf", key: keyring.other, trust: [keyring.trusted])
        let (status, line) = try check(bounce(of: try signed(message, config: config)))
        #expect(status == 1)
        #expect(line.contains("untrusted key \(keyring.other)"), "got \(line)")
    }

    @Test("a statement part that differs from the signed text fails")
    func statementPartMustMatchSignedText() throws {
        let s = try signed(message)
        // The statement part comes before the clearsign part: change only it.
        let forged = s.replacingFirst("\nn: ", with: "\nn: 00")
        #expect(forged != s)
        let (status, line) = try check(bounce(of: forged))
        #expect(status == 1)
        #expect(line.contains("statement part differs"), "got \(line)")
    }

    @Test("statements older than max-age or dated in the future fail")
    func freshnessIsEnforced() throws {
        setenv("GNUPGHOME", keyring.home, 1)
        let signer = MessageSigner(
            signer: GPGSigner(setup: GPGSetup(homedir: keyring.home), fingerprint: keyring.trusted),
            hostname: "test.example.org")
        let now = Int(Date().timeIntervalSince1970)
        for (name, offset, want) in [
            ("8 days old", -8 * 86_400, "old"), ("2 hours ahead", 7_200, "in the future"),
            ("6 days old", -6 * 86_400, "pass"),
        ] {
            let out = try signer.sign(message, now: now + offset).bytes
            let (status, line) = try check(bounce(of: out))
            if want == "pass" {
                #expect(status == 0, "\(name): got \(line)")
            } else {
                #expect(status == 1 && line.contains(want), "\(name): got \(status) \(line)")
            }
        }
        let (short, line) = try check(bounce(of: try signer.sign(message, now: now - 7_200).bytes), args: ["--max-age", "1h"])
        #expect(short == 1, "--max-age 1h on a 2h old statement: got \(line)")
    }

    @Test("the proof is bound to the returned Message-ID")
    func boundToMessageID() throws {
        let forged = try signed(message).replacingFirst(
            "Message-ID: <plain.1@example.org>", with: "Message-ID: <spam.9@example.org>")
        let (status, line) = try check(bounce(of: forged))
        #expect(status == 1)
        #expect(line.contains("statement is for another message"), "got \(line)")
        let headersOnly = bounce(of: forged, type: "text/rfc822-headers")
        #expect(try check(headersOnly).0 == 1)
    }

    @Test("two proof headers, or two signatures, fail")
    func duplicatesFail() throws {
        let s = try signed(message)
        let header = String(decoding: s.prefix(while: { _ in true }), as: UTF8.self).components(separatedBy: "\nFrom:")[0]
        let doubled = Array((header + "\n").utf8) + s
        #expect(try check(bounce(of: doubled)).1.contains("more than one proof"))

        let statement = MailPart.parse(s).allEntities.first { $0.contentType.mediaType == ProofNames.statementType }!
        let twice = try run(
            "/usr/bin/gpg",
            [
                "--homedir", keyring.home, "--batch", "-u", keyring.trusted, "-u", keyring.other,
                "--clearsign",
            ], input: Array(statement.body))
        #expect(twice.status == 0, "gpg: \(twice.stderr)")
        let parsed = MailPart.parse(s)
        let proof = parsed.allEntities.first { $0.contentType.mediaType == ProofNames.clearsignType }!
        var forged = Array(s[..<proof.body.startIndex]) + twice.stdout + Array(s[proof.body.endIndex...])
        forged = Array(forged[(header.utf8.count + 1)...])  // drop the header copy: only the part counts
        let (status, line) = try check(bounce(of: forged))
        #expect(status == 1)
        // Version 2 takes one signature packet and nothing else: two are malformed.
        #expect(line.contains("not exactly one packet"), "got \(line)")
    }

    @Test("text outside the signed block cannot smuggle a statement in")
    func signatureWrappingFails() throws {
        let s = try signed(message)
        let forged = s.replacingFirst(
            "-----BEGIN PGP SIGNED MESSAGE-----",
            with: "bouncesign-statement: 1\nmessage-id: <other@x>\n-----BEGIN PGP SIGNED MESSAGE-----")
        let (status, line) = try check(bounce(of: forged))
        #expect(status == 1, "got \(line)")
    }

    @Test("a missing GnuPG home, keyring or gpg is a temporary error, never a failure")
    func brokenSetupIsTemporary() throws {
        let b = bounce(of: try signed(message))
        let cases = [
            ("missing home", try keyring.config(named: "nohome.conf", trust: [keyring.trusted]), "homedir /nonexistent/gnupg\n"),
            ("missing gpg", try keyring.config(named: "nogpg.conf", trust: [keyring.trusted]), "gpg /nonexistent/gpg\n"),
        ]
        for (name, path, extra) in cases {
            try (String(contentsOfFile: path, encoding: .utf8) + extra).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try bouncecheck(["-c", path], input: b).status == 75, "\(name)")
            let annotated = try bouncecheck(["-c", path, "--annotate"], input: b)
            #expect(annotated.status == 75 && annotated.stdout.isEmpty, "\(name): annotate must write nothing")
            #expect(annotated.stderr.hasPrefix("bouncecheck: "), "\(name): got \(annotated.stderr)")
        }
    }

    @Test("a trusted key missing from the keyring is a temporary error")
    func trustedKeyMissingIsTemporary() throws {
        let dir = try temporaryDirectory("otherring")
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent("gnupg").path
        let export = try run("/usr/bin/gpg", ["--homedir", keyring.home, "--batch", "--export", keyring.other])
        try FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--import"], input: export.stdout)
        let conf = dir.appendingPathComponent("c.conf").path
        try "homedir \(home)\ntrust \(keyring.trusted)\n".write(toFile: conf, atomically: true, encoding: .utf8)
        #expect(try bouncecheck(["-c", conf], input: bounce(of: try signed(message))).status == 75)
        _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"])
    }

    @Test("runs as an unprivileged user against a root-owned read-only keyring")
    func unprivilegedUserReadOnlyKeyring() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
            Issue.record("needs root and runuser"); return
        }
        let dir = URL(fileURLWithPath: "/tmp/bouncesign-ro-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent("gnupg").path
        try FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let export = try run("/usr/bin/gpg", ["--homedir", keyring.home, "--batch", "--export", keyring.trusted])
        _ = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--import"], input: export.stdout)
        _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"])
        // No trustdb, nothing writable: the trap FACTS.md describes.
        try? FileManager.default.removeItem(atPath: home + "/trustdb.gpg")
        for entry in try FileManager.default.contentsOfDirectory(atPath: home) {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: home + "/" + entry)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: home)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let conf = dir.appendingPathComponent("bouncesign.conf").path
        try "homedir \(home)\ntrust \(keyring.trusted)\n".write(toFile: conf, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: conf)
        let exe = binDir.appendingPathComponent("bouncecheck").path
        let genuine = try run(
            "/usr/sbin/runuser", ["-u", "nobody", "--", exe, "-c", conf], input: bounce(of: try signed(message)))
        #expect(genuine.status == 0, "genuine bounce as nobody: \(genuine.status) \(genuine.stderr)")
        let forged = try run(
            "/usr/sbin/runuser", ["-u", "nobody", "--", exe, "-c", conf],
            input: bounce(of: try signed(message).replacingFirst("MARKER", with: "MARKEX")))
        #expect(forged.status == 1, "tampered bounce as nobody: \(forged.status) \(forged.stderr)")
    }

    @Test("re-injection runs the command directly, never through a shell")
    func noShell() throws {
        let dir = try temporaryDirectory("noshell")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out;$(touch pwned);`touch pwned`").path
        let r = try bouncesign(["-c", keyring.config, "--", "/usr/bin/tee", out], input: message)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "pwned"))
        let written = FileManager.default.contents(atPath: out).map { [UInt8]($0) }
        #expect(written == r.stdout, "the command did not get the argument verbatim")
    }

    @Test("neither program leaves files in TMPDIR")
    func noTemporaryFilesLeft() throws {
        let dir = try temporaryDirectory("tmpdir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try bouncesign(["-c", keyring.config], input: message, env: ["TMPDIR": dir.path])
        _ = try bouncecheck(["-c", keyring.config], input: bounce(of: s.stdout), env: ["TMPDIR": dir.path])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("a forged Bounce-Check: pass header is renamed by --annotate")
    func forgedAnnotationIsRenamed() throws {
        let spam = Array("Bounce-Check: pass (body verified)\nSubject: x\n\nhello\n".utf8)
        let out = try bouncecheck(["-c", keyring.config, "--annotate"], input: spam)
        let lines = out.text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Bounce-Check: none") == true)
        #expect(lines.filter { $0.hasPrefix("Bounce-Check:") }.count == 1)
        #expect(out.text.contains("X-Untrusted-Bounce-Check: pass"))
    }

    @Test("hostile input gets a verdict, never a crash or hang")
    func hostileInput() throws {
        var deep = ""
        for i in 0..<3_000 { deep += "Content-Type: multipart/report; boundary=\"b\(i)\"\n\n--b\(i)\n" }
        let cases: [(String, [UInt8])] = [
            ("deep nesting", Array(deep.utf8)),
            ("NUL bytes", Array(repeating: 0, count: 100_000)),
            ("endless header", Array(String(repeating: "X-Junk: aaaaaaaaaaaaaaaaaaaa\n", count: 200_000).utf8)),
            ("missing boundaries", Array("Content-Type: multipart/report\n\n--x\nContent-Type: message/rfc822\n\n".utf8)),
            (
                "bad base64 original",
                bounce(of: []).replacingFirst(
                    "Content-Type: message/rfc822", with: "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64")
                    + Array("!!!***".utf8)
            ),
        ]
        for (name, input) in cases {
            let r = try bouncecheck(["-c", keyring.config], input: input)
            #expect([1, 2].contains(r.status), "\(name): got \(r.status) \(r.stderr)")
        }
    }
}
