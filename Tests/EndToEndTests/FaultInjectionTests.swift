// bouncesign must never lose an outgoing message (issue 4, item 3): under
// every fault the message is either handed on whole and verifiable, or
// bouncesign exits 75 (or the downstream command's own sysexits status)
// having handed on nothing; with on-error pass it goes out unsigned.
import BounceKit
import Foundation
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    let keyring = TestKeyring.shared
    let message = Array(Samples.utf8.utf8)

    /// A fake sendmail: saves its standard input to OUT, then exits CODE.
    func downstream(_ dir: URL, code: Int) throws -> (command: String, output: URL) {
        let out = dir.appendingPathComponent("delivered")
        let script = dir.appendingPathComponent("sendmail")
        try "#!/bin/sh\ncat > '\(out.path)'\nexit \(code)\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return (script.path, out)
    }

    enum Fate: Equatable { case deliveredSigned, deliveredUnsigned, retry, lost(String) }

    /// What became of the message, judged by what the fake sendmail received.
    func fate(status: Int32, delivered: [UInt8]?, downstreamCode: Int = 0) throws -> Fate {
        if status == 75 || (downstreamCode != 0 && status == Int32(downstreamCode)) {
            return .retry
        }
        guard status == 0, let d = delivered else { return .lost("exit \(status), nothing delivered") }
        if d == message { return .deliveredUnsigned }
        let check = try bouncecheck(["-c", keyring.config], input: bounce(of: d))
        return check.status == 0 ? .deliveredSigned : .lost("delivered copy does not verify")
    }

    @Test("faults tried, messages lost: 0")
    func noMessageIsLost() throws {
        let dir = try temporaryDirectory("faults")
        defer { try? FileManager.default.removeItem(at: dir) }
        let k = keyring
        let cfg = { (name: String, extra: String) in
            try k.config(named: "fault-\(name).conf", key: k.trusted, trust: [k.trusted], extra: extra)
        }
        struct Case { var name: String; var config: String; var downstreamCode: Int = 0; var missing = false; var want: [Fate] }
        let cases = [
            Case(name: "healthy", config: try cfg("ok", ""), want: [.deliveredSigned]),
            Case(
                name: "signing key missing",
                config: try k.config(named: "fault-nokey.conf", key: String(repeating: "B", count: 40), trust: []), want: [.retry]
            ),
            Case(name: "GnuPG home missing", config: try cfg("nohome", "homedir /nonexistent/gnupg\n"), want: [.retry]),
            Case(name: "gpg binary missing", config: try cfg("nogpg", "gpg /nonexistent/gpg\n"), want: [.retry]),
            Case(name: "downstream sendmail fails temporarily", config: try cfg("ok", ""), downstreamCode: 75, want: [.retry]),
            Case(name: "downstream sendmail fails with exit 1", config: try cfg("ok", ""), downstreamCode: 1, want: [.retry]),
            Case(name: "downstream sendmail missing", config: try cfg("ok", ""), missing: true, want: [.retry]),
            Case(
                name: "signing key missing, on-error pass",
                config: try k.config(
                    named: "fault-pass.conf", key: String(repeating: "B", count: 40), trust: [], extra: "on-error pass\n"),
                want: [.deliveredUnsigned]),
        ]
        var tried = 0, lost: [String] = []
        for c in cases {
            let sub = dir.appendingPathComponent("\(tried)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let (command, output) = try downstream(sub, code: c.downstreamCode)
            let r = try bouncesign(
                ["-c", c.config, "--", c.missing ? "/nonexistent/sendmail" : command, "-i", "rcpt@example.net"],
                input: message)
            let delivered = FileManager.default.contents(atPath: output.path).map { [UInt8]($0) }
            let got = try fate(
                status: r.status, delivered: c.downstreamCode == 0 ? delivered : nil, downstreamCode: c.downstreamCode)
            tried += 1
            if !c.want.contains(got) { lost.append("\(c.name): \(got), want \(c.want) (\(r.stderr))") }
        }
        tried += try agentKilled(&lost) + (try terminatedMidMessage(dir, &lost)) + (try fullOutput(&lost))
        tried += try withoutProc(dir, &lost)
        tried += try spoolFaults(dir, &lost)
        print("faults tried: \(tried), messages lost: \(lost.count)")
        #expect(tried >= 10)
        #expect(lost.isEmpty, "\(lost.joined(separator: "\n"))")
    }

    /// gpg-agent killed just before signing: gpg starts a new one, or we retry.
    /// On a copy of the shared home: killing the shared agent would break
    /// whatever other test signs at the same moment.
    func agentKilled(_ lost: inout [String]) throws -> Int {
        let dir = try temporaryDirectory("agent")
        let home = dir.appendingPathComponent("gnupg")
        defer {
            _ = try? run("/usr/bin/gpgconf", ["--homedir", home.path, "--kill", "all"])
            try? FileManager.default.removeItem(at: dir)
        }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        for item in ["pubring.kbx", "private-keys-v1.d", "trustdb.gpg"] {
            let from = URL(fileURLWithPath: keyring.home).appendingPathComponent(item)
            if FileManager.default.fileExists(atPath: from.path) {
                try FileManager.default.copyItem(at: from, to: home.appendingPathComponent(item))
            }
        }
        let config = dir.appendingPathComponent("agent.conf").path
        try "homedir \(home.path)\nkey \(keyring.trusted)\ntrust \(keyring.trusted)\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let first = try bouncesign(["-c", config], input: message)  // starts this home's agent
        if first.status != 0 { lost.append("gpg-agent test: the copied home does not sign (\(first.stderr))") }
        _ = try run("/usr/bin/gpgconf", ["--homedir", home.path, "--kill", "gpg-agent"])
        let r = try bouncesign(["-c", config], input: message)
        let got = try fate(status: r.status, delivered: r.status == 0 ? r.stdout : nil)
        if got != .deliveredSigned && got != .retry { lost.append("gpg-agent killed: \(got)") }
        return 1
    }

    /// SIGTERM while the message is still arriving: nothing reaches sendmail.
    func terminatedMidMessage(_ dir: URL, _ lost: inout [String]) throws -> Int {
        let sub = dir.appendingPathComponent("sigterm")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let (command, output) = try downstream(sub, code: 0)
        let p = Process()
        p.executableURL = binDir.appendingPathComponent("bouncesign")
        p.arguments = ["-c", keyring.config, "--", command]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        try input.fileHandleForWriting.write(contentsOf: Data(message.prefix(100)))
        usleep(200_000)
        p.terminate()
        p.waitUntilExit()
        try? input.fileHandleForWriting.close()
        if p.terminationReason != .uncaughtSignal && p.terminationStatus == 0 { lost.append("SIGTERM: exited 0") }
        if FileManager.default.fileExists(atPath: output.path) { lost.append("SIGTERM: a partial message was handed on") }
        return 1
    }

    /// A message on a pipe is spooled to TMPDIR: healthy it goes out signed;
    /// with TMPDIR missing, or on a full file system (root only), exit 75
    /// and nothing handed on.
    func spoolFaults(_ dir: URL, _ lost: inout [String]) throws -> Int {
        let exe = binDir.appendingPathComponent("bouncesign").path
        let big = message + Array(repeating: 0x61, count: 1 << 20) + [0x0A]
        let input = dir.appendingPathComponent("piped.eml")
        var cases: [(name: String, prefix: String, tmpdir: String, want: Fate)] = [
            ("piped, healthy", "", dir.path, .deliveredSigned),
            ("piped, TMPDIR missing", "", "/nonexistent", .retry),
        ]
        if getuid() == 0 {
            let full = dir.appendingPathComponent("full")
            try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
            cases.append(("piped, spool file system full", "mount -t tmpfs -o size=64k none \"$TMPDIR\" && ", full.path, .retry))
        }
        for (n, c) in cases.enumerated() {
            let sub = dir.appendingPathComponent("spool\(n)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let (command, output) = try downstream(sub, code: 0)
            try Data(n == 0 ? message : big).write(to: input)
            let script = c.prefix + "cat \"$0\" | \"$1\" -c \"$2\" -- \"$3\""
            let shell = c.prefix.isEmpty ? ["/bin/sh", "-c"] : ["/usr/bin/unshare", "-m", "/bin/sh", "-c"]
            let r = try run(
                shell[0], Array(shell.dropFirst()) + [script, input.path, exe, keyring.config, command],
                env: ["TMPDIR": c.tmpdir])
            let delivered = FileManager.default.contents(atPath: output.path).map { [UInt8]($0) }
            let got = try fate(status: r.status, delivered: delivered)
            if got != c.want { lost.append("\(c.name): \(got), want \(c.want) (\(r.stderr))") }
            if c.want == .retry && delivered != nil { lost.append("\(c.name): something was handed on") }
        }
        return cases.count
    }

    /// /proc not mounted (a chroot): Swift then sees no arguments at all;
    /// bouncesign must not sign with defaults and drop "-- sendmail ...".
    func withoutProc(_ dir: URL, _ lost: inout [String]) throws -> Int {
        guard getuid() == 0 else { return 0 }
        let sub = dir.appendingPathComponent("noproc")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let (command, output) = try downstream(sub, code: 0)
        let exe = binDir.appendingPathComponent("bouncesign").path
        let r = try run(
            "/usr/bin/unshare",
            [
                "-m", "/bin/sh", "-c", "mount -t tmpfs none /proc && exec \"$0\" -c \"$1\" -- \"$2\"",
                exe, keyring.config, command,
            ], input: message)
        if r.status != 75 { lost.append("/proc missing: exit \(r.status)") }
        if FileManager.default.fileExists(atPath: output.path) || !r.stdout.isEmpty {
            lost.append("/proc missing: something was handed on")
        }
        return 1
    }

    /// Standard output on a full disk: exit 75.
    func fullOutput(_ lost: inout [String]) throws -> Int {
        let r = try run(
            "/bin/sh",
            [
                "-c", "\"$0\" -c \"$1\" > /dev/full", binDir.appendingPathComponent("bouncesign").path,
                keyring.config,
            ], input: message)
        if r.status != 75 { lost.append("stdout on /dev/full: exit \(r.status)") }
        return 1
    }

    @Test("key rotation: two trusted keys pass, a key taken out of the trusted set fails")
    func keyRotation() throws {
        let k = keyring
        let both = try k.config(named: "rot-both.conf", key: k.other, trust: [k.trusted, k.other])
        let newOnly = try k.config(named: "rot-new.conf", key: k.other, trust: [k.other])
        let byOld = bounce(of: try signed(Array(Samples.plain().utf8), config: k.config))
        let byNew = bounce(of: try signed(Array(Samples.plain().utf8), config: both))
        #expect(try check(byOld, config: both).0 == 0, "old key while both are trusted")
        #expect(try check(byNew, config: both).0 == 0, "new key while both are trusted")
        #expect(try check(byNew, config: newOnly).0 == 0, "new key after rotation")
        let (status, line) = try check(byOld, config: newOnly)
        #expect(status == 1 && line.contains("untrusted key"), "old key after rotation: \(line)")
    }
}
