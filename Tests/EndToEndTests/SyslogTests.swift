// One syslog line per message, facility mail (issue 4, item 6). The programs
// log to /dev/log; the test gives them a private one in a mount namespace,
// so the machine's own logging is never touched.
import Foundation
import Testing

@Suite("Logging")
struct SyslogTests {
    /// Runs `steps` (program, args, stdin file) under a private /dev/log and
    /// returns the datagrams received.
    func capture(_ steps: [[String]]) throws -> [String] {
        let dir = try temporaryDirectory("syslog")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("plan.json")
        try JSONSerialization.data(withJSONObject: steps).write(to: plan)
        let script = """
            set -e
            d=$(mktemp -d)
            for n in null zero random urandom full; do cp -a /dev/$n "$d/"; done
            mount --bind "$d" /dev
            exec python3 -c '
            import json, socket, subprocess, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log"); s.settimeout(0.5)
            for argv in json.load(open(sys.argv[1])):
                with open(argv[-1], "rb") as f:
                    subprocess.run(argv[:-1], stdin=f, stdout=subprocess.DEVNULL)
            try:
                while True: print(s.recv(65536).decode("utf-8", "replace"))
            except socket.timeout: pass
            ' "$0"
            """
        let r = try run("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, plan.path])
        guard r.status == 0 else { throw TestFailure("unshare: \(r.stderr)") }
        return r.text.split(separator: "\n").map(String.init)
    }

    @Test("one mail-facility line per message signed or checked, with Message-ID, verdict and key")
    func oneLinePerMessage() throws {
        guard getuid() == 0 else { Issue.record("needs root for a private /dev/log"); return }
        let k = TestKeyring.shared
        let dir = try temporaryDirectory("syslog-in")
        defer { try? FileManager.default.removeItem(at: dir) }
        let message = dir.appendingPathComponent("message"), forged = dir.appendingPathComponent("forged")
        try Data(Samples.plain().utf8).write(to: message)
        try Data(bounce(of: Array(Samples.plain().utf8))).write(to: forged)
        let lines = try capture([
            [binDir.appendingPathComponent("bouncesign").path, "-c", k.config, message.path],
            [binDir.appendingPathComponent("bouncecheck").path, "-c", k.config, forged.path],
        ])
        #expect(lines.count == 2, "got \(lines)")
        // <22> = facility mail (2) * 8 + info (6).
        let signLine = lines.first { $0.contains("bouncesign[") } ?? ""
        #expect(signLine.hasPrefix("<22>"), "got \(signLine)")
        #expect(signLine.contains("message-id=<plain.1@example.org>") && signLine.contains("key=\(k.trusted)"))
        let checkLine = lines.first { $0.contains("bouncecheck[") } ?? ""
        #expect(checkLine.hasPrefix("<22>") && checkLine.contains("fail (returned message carries no proof)"), "got \(checkLine)")
        #expect(!lines.contains { $0.contains("PRIVATE KEY") || $0.contains("BEGIN PGP") })
    }
}
