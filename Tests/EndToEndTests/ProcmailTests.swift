// procmailrc.example as shipped, run by the real procmail into a real
// Maildir (issue 2, item 7).
import Foundation
import Testing

@Suite("procmail recipe")
struct ProcmailTests {
    /// Runs procmail with procmailrc.example (paths substituted) on `message`.
    func deliver(_ message: [UInt8], config: String) throws -> (inbox: [[UInt8]], backscatter: [[UInt8]]) {
        let dir = try temporaryDirectory("procmail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("Maildir").path + "/"
        let backscatter = dir.appendingPathComponent("Maildir/.Backscatter").path + "/"
        // As in a real home: the Maildir exists, its folders are made on demand.
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        var rc = try String(contentsOf: repoRoot.appendingPathComponent("procmailrc.example"), encoding: .utf8)
        rc = rc.replacingOccurrences(
            of: "BOUNCECHECK=/usr/local/bin/bouncecheck",
            with: "BOUNCECHECK=\(binDir.appendingPathComponent("bouncecheck").path)"
        )
        .replacingOccurrences(of: "BOUNCECONF=/etc/bouncesign.conf", with: "BOUNCECONF=\(config)")
        .replacingOccurrences(of: "BACKSCATTER=$HOME/Maildir/.Backscatter/", with: "BACKSCATTER=\(backscatter)")
        #expect(rc.contains(config), "procmailrc.example no longer has the lines this test substitutes")
        let rcPath = dir.appendingPathComponent("procmailrc").path
        let log = dir.appendingPathComponent("log").path
        try ("DEFAULT=\(inbox)\nLOGFILE=\(log)\nVERBOSE=yes\n" + rc).write(toFile: rcPath, atomically: true, encoding: .utf8)
        let r = try run("/usr/bin/procmail", ["-m", rcPath], input: message)
        #expect(r.status == 0, "procmail: \(r.stderr)")
        let result = (try files(in: inbox + "new"), try files(in: backscatter + "new"))
        if result.0.count + result.1.count != 1 || ProcessInfo.processInfo.environment["PROCMAIL_LOG"] != nil {
            Issue.record("procmail log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "none")")
        }
        return result
    }

    func files(in dir: String) throws -> [[UInt8]] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.compactMap { FileManager.default.contents(atPath: dir + "/" + $0).map { [UInt8]($0) } }
    }

    @Test("a genuine bounce goes to the inbox")
    func genuineToInbox() throws {
        let got = try deliver(bounce(of: try signed(Array(Samples.plain().utf8))), config: TestKeyring.shared.config)
        #expect(got.inbox.count == 1 && got.backscatter.isEmpty)
    }

    @Test("a forged bounce goes to the backscatter folder")
    func forgedToBackscatter() throws {
        let got = try deliver(bounce(of: Array(Samples.plain().utf8)), config: TestKeyring.shared.config)
        #expect(got.inbox.isEmpty && got.backscatter.count == 1)
    }

    @Test("an ordinary message reaches the inbox byte for byte unchanged")
    func ordinaryUnchanged() throws {
        let message = Array(Samples.utf8.utf8)
        let got = try deliver(message, config: TestKeyring.shared.config)
        #expect(got.inbox == [message])
    }

    @Test("when bouncecheck cannot decide, the message reaches the inbox")
    func undecidedToInbox() throws {
        let config = try TestKeyring.shared.config(
            named: "procmail-broken.conf", trust: [TestKeyring.shared.trusted],
            extra: "homedir /nonexistent/gnupg\n")
        let message = bounce(of: try signed(Array(Samples.plain().utf8)))
        let got = try deliver(message, config: config)
        #expect(got.inbox == [message] && got.backscatter.isEmpty)
    }
}
