// The programs' command-line contract: help, version, man pages in step.
import BounceKit
import Foundation
import Testing

@Suite("Command line and manual")
struct CommandLineTests {
    @Test("--version prints the release")
    func version() throws {
        for tool in [bouncesign, bouncecheck] {
            let r = try tool(["--version"], [], [:])
            #expect(r.status == 0 && r.text.trimmingCharacters(in: .whitespacesAndNewlines) == BounceKitVersion.string)
        }
    }

    @Test("every long option in --help is documented in the man page")
    func helpMatchesManual() throws {
        for (name, tool) in [("bouncesign", bouncesign), ("bouncecheck", bouncecheck)] {
            let help = try tool(["--help"], [], [:]).text
            let page = try String(contentsOf: repoRoot.appendingPathComponent("man/\(name).1"), encoding: .utf8)
            let options = help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "<" })
                .filter { $0.hasPrefix("--") && $0.count > 2 }
                .map { String($0.dropFirst(2)).trimmingCharacters(in: .punctuationCharacters.subtracting(["-"])) }
            #expect(!options.isEmpty)
            for option in Set(options) {
                #expect(
                    page.contains("Fl \(option)") || page.contains("Fl -\(option)"), "\(name).1 does not document --\(option)")
            }
        }
    }

    @Test("bouncecheck(1) EXIT STATUS lists exactly the code's exit statuses")
    func exitStatusMatchesCode() throws {
        let page = try String(contentsOf: repoRoot.appendingPathComponent("man/bouncecheck.1"), encoding: .utf8)
        guard
            let section = page.components(separatedBy: ".Sh EXIT STATUS").dropFirst().first?
                .components(separatedBy: "\n.Sh ").first
        else { Issue.record("no EXIT STATUS section"); return }
        let documented = Set(
            section.split(separator: "\n").filter { $0.hasPrefix(".It ") }
                .compactMap {
                    Int32($0.dropFirst(4).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "Li ", with: ""))
                })
        #expect(documented == Set(ExitStatus.allCases.map(\.rawValue)))
    }

    @Test("bouncesign(1) EXIT STATUS lists exactly bouncesign's exit statuses")
    func signExitStatusMatchesCode() throws {
        let page = try String(contentsOf: repoRoot.appendingPathComponent("man/bouncesign.1"), encoding: .utf8)
        let documented = SetupTests.exitStatuses(page)
        #expect(documented == Set(ExitStatus.bouncesign.map(\.rawValue)), "got \(documented)")
    }

    @Test("usage and configuration errors exit 64 and 78 with one clear line")
    func errorsAreClear() throws {
        let usage = try bouncecheck(["--no-such-flag"])
        #expect(usage.status == 64)
        let missing = try bouncecheck(["-c", "/nonexistent/bouncesign.conf"])
        #expect(missing.status == 78)
        #expect(
            missing.stderr == "bouncecheck: cannot read config file /nonexistent/bouncesign.conf: no such file or directory\n")
        let dir = try temporaryDirectory("badconf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("c.conf").path
        try "trust 1234\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try bouncesign(["-c", bad], input: [])
        #expect(
            r.status == 75 && r.stderr.contains("line 1: trust needs a key fingerprint"),
            "bouncesign never bounces mail over its set-up: got \(r.status) \(r.stderr)")
        for args in [["--no-such-flag"], ["stray-argument"], ["--key"]] {
            let u = try bouncesign(args, input: [])
            #expect(
                u.status == 75 && u.stderr.hasPrefix("bouncesign: ") && u.stderr.filter { $0 == "\n" }.count == 1,
                "\(args): a usage error is one line and a retry, got \(u.status) \(u.stderr)")
        }
    }

    @Test("bouncesign exits 75 and writes nothing when it cannot sign or write")
    func signingFailureIsTemporary() throws {
        let k = TestKeyring.shared
        let noKey = try k.config(named: "nokey.conf", key: String(repeating: "A", count: 40), trust: [])
        let r = try bouncesign(["-c", noKey], input: Array(Samples.plain().utf8))
        #expect(r.status == 75 && r.stdout.isEmpty, "got \(r.status) \(r.stderr)")
        let full = try run(
            "/bin/sh", ["-c", "\"$0\" -c \"$1\" > /dev/full", binDir.appendingPathComponent("bouncesign").path, k.config],
            input: Array(Samples.plain().utf8))
        #expect(full.status == 75, "stdout on /dev/full: got \(full.status)")
        let pass = try k.config(named: "pass.conf", key: String(repeating: "A", count: 40), trust: [], extra: "on-error pass\n")
        let unsigned = try bouncesign(["-c", pass], input: Array(Samples.plain().utf8))
        #expect(unsigned.status == 0 && unsigned.stdout == Array(Samples.plain().utf8))
    }
}
