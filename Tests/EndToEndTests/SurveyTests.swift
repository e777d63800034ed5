// bouncecheck --survey, run as built, with the real test keyring: the real
// bounce corpus laid out as a Maildir and as an mbox file, plus a genuine
// bounce of a message bouncesign signed and a forged one (signed by a key
// in the keyring that is not trusted). The two layouts give the same counts,
// and the same as bouncecheck on each file; the genuine one passes, the
// forged one is listed as backscatter; --json parses; nothing changes.
import BounceKit
import Foundation
import Testing

@Suite("Survey, end to end", .serialized)
struct SurveyEndToEndTests {
    static let corpus = repoRoot.appendingPathComponent("Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails")

    /// The corpus files, then the genuine and the forged bounce.
    static func messages() throws -> [(name: String, bytes: [UInt8])] {
        let keyring = TestKeyring.shared
        let text = try String(contentsOf: corpus.appendingPathComponent("expectations.tsv"), encoding: .utf8)
        var out = try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let path = String(line.split(separator: "\t")[0])
            return (
                name: path.split(separator: "/").joined(separator: "-"),
                bytes: [UInt8](try Data(contentsOf: corpus.appendingPathComponent(path)))
            )
        }
        let message = Array(
            """
            From: Alice <alice@example.org>
            To: nobody@example.net
            Subject: survey
            Message-ID: <survey-e2e@example.org>

            From the survey: a line mbox writers quote.

            """.utf8)
        out.append(("zz-genuine.eml", bounce(of: try signed(message))))
        let other = try keyring.config(named: "survey-other.conf", key: keyring.other, trust: [keyring.other])
        out.append(("zz-forged.eml", bounce(of: try signed(message, config: other))))
        return out
    }

    static func json(_ out: Outcome) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(out.stdout)) as? [String: Any], "not one JSON object: \(out.text)")
    }

    @Test("the corpus as a Maildir and an mbox: the counts bouncecheck gives file by file, and nothing changed")
    func corpusSurvey() throws {
        let config = TestKeyring.shared.config
        let dir = try temporaryDirectory("survey")
        defer { try? FileManager.default.removeItem(at: dir) }
        let messages = try Self.messages()
        let maildir = try MailboxLayout.maildir(messages, at: dir.appendingPathComponent("Maildir"))
        let mbox = try MailboxLayout.mbox(messages, at: dir.appendingPathComponent("mbox"))
        let paths = FileState.paths(under: dir.path)
        let before = try FileState.snapshot(paths)

        let text = try bouncecheck(["-c", config, "--survey", maildir])
        let fromMaildir = try Self.json(try bouncecheck(["-c", config, "--survey", "--json", maildir]))
        let fromMbox = try Self.json(try bouncecheck(["-c", config, "--survey", mbox, "--json"]))
        let after = try FileState.snapshot(paths, after: true)

        #expect(text.status == 0 && text.stderr.isEmpty, "exit \(text.status): \(text.stderr)")
        #expect(fromMaildir["total"] as? Int == messages.count && fromMbox["total"] as? Int == messages.count)
        #expect(fromMaildir["verdicts"] as? [String: Int] == fromMbox["verdicts"] as? [String: Int])
        #expect(fromMaildir["kinds"] as? [String: Int] == fromMbox["kinds"] as? [String: Int])

        // bouncecheck on each file: its annotation's verdict and kind.
        var verdicts: [String: Int] = [:], kinds: [String: Int] = [:]
        for m in messages {
            let out = try bouncecheck(["-c", config, "--annotate"], input: m.bytes)
            // The field ends with the message's own line end: LF, CRLF or CR.
            let field =
                out.text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                .first { $0.hasPrefix("Bounce-Check: ") } ?? "?"
            verdicts[String(field.dropFirst(14).prefix { $0 != " " }), default: 0] += 1
            let kind = field.components(separatedBy: "; kind=").dropFirst().first?.prefix { $0 != ";" } ?? "none"
            kinds[String(kind), default: 0] += 1
        }
        #expect(
            fromMaildir["verdicts"] as? [String: Int]
                == verdicts.merging(SurveyReport.verdictKeywords.map { ($0, 0) }) { a, _ in a })
        #expect(
            fromMaildir["kinds"] as? [String: Int] == kinds.merging(MessageKind.allCases.map { ($0.rawValue, 0) }) { a, _ in a })

        #expect((fromMaildir["verdicts"] as? [String: Int])?["pass"] == 1)
        let listed = (fromMbox["backscatter"] as? [[String: Any]]) ?? []
        let forged = listed.first { $0["message"] as? Int == messages.count }
        #expect((forged?["reason"] as? String)?.hasPrefix("signed by untrusted key") == true, "\(forged ?? [:])")
        let changed = paths.filter { before.stats[$0] != after.stats[$0] || before.contents[$0] != after.contents[$0] }
        #expect(changed.isEmpty, "the survey changed \(changed.prefix(3))")
        print(text.text)
    }

    @Test("an unusable GnuPG home: the report, then exit 75; an unreadable path is counted, not fatal")
    func unusableKeyring() throws {
        let dir = try temporaryDirectory("survey-nohome")
        defer { try? FileManager.default.removeItem(at: dir) }
        let mbox = try MailboxLayout.mbox(try Self.messages().suffix(2).map { $0 }, at: dir.appendingPathComponent("mbox"))
        let out = try bouncecheck(
            [
                "-c", TestKeyring.shared.config, "--homedir", dir.path + "/missing", "--survey", "--json", mbox,
                dir.path + "/nothing",
            ])
        #expect(out.status == 75 && out.stderr.contains("cannot decide now"), "exit \(out.status): \(out.stderr)")
        let report = try Self.json(out)
        #expect(report["total"] as? Int == 2 && report["unreadable"] as? Int == 1)
        let good = try bouncecheck(["-c", TestKeyring.shared.config, "--survey", dir.path + "/nothing"])
        #expect(good.status == 0 && good.text.contains("could not be read: 1"))
    }
}
