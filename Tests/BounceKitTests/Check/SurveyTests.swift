// The survey engine: mbox splitting (named cases, every chunk size), and the
// real bounce corpus laid out as a Maildir and as an mbox file, with a
// genuine and a forged bounce, surveyed with the stub verifier: the same
// counts both ways and file by file, the genuine one a pass, the forged one
// listed as backscatter for its reason, and nothing in the mailboxes changed.
import Foundation
import Testing

@testable import BounceKit

@Suite("Survey")
struct SurveyTests {
    // MARK: mbox splitting

    static let mboxCases: [(name: String, input: String, want: [String])] = [
        ("one message", "From a Mon Jan  1 00:00:00 2026\nS: 1\n\nbody\n", ["S: 1\n\nbody\n"]),
        (
            "empty line before From_ is the separator", "From a\nS: 1\n\nb1\n\nFrom b\nS: 2\n\nb2\n\n",
            ["S: 1\n\nb1\n", "S: 2\n\nb2\n"]
        ),
        ("quoted >From stays as it is", "From a\nS: 1\n\n>From here\n\n>From there\n", ["S: 1\n\n>From here\n\n>From there\n"]),
        ("From not after an empty line is content", "From a\nS: 1\n\nline\nFrom you\n", ["S: 1\n\nline\nFrom you\n"]),
        ("CRLF lines", "From a\r\nS: 1\r\n\r\nb\r\n\r\nFrom b\r\nS: 2\r\n", ["S: 1\r\n\r\nb\r\n", "S: 2\r\n"]),
        ("no last line end", "From a\nS: 1\n\nb", ["S: 1\n\nb"]),
        ("empty message", "From a\n\nFrom b\nS: 2\n", ["", "S: 2\n"]),
        ("From_ line cut at the end", "From a\nS: 1\n\nFrom b", ["S: 1\n"]),
        ("From line of four bytes is content", "From a\nS: 1\n\nFrom\n", ["S: 1\n\nFrom\n"]),
    ]

    static func split(_ bytes: [UInt8], chunk: Int) -> [String] {
        var splitter = MboxSplitter()
        var found: [String] = []
        let take = { (r: Range<Int64>) in
            found.append(String(decoding: bytes[Int(r.lowerBound)..<Int(r.upperBound)], as: UTF8.self))
        }
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(i + chunk, bytes.count)])
            piece.withUnsafeBufferPointer { splitter.feed($0, found: take) }
            i += chunk
        }
        splitter.finish(found: take)
        return found
    }

    @Test("an mbox file splits at From_ lines after an empty line, in every chunk size")
    func mboxSplitting() {
        for c in Self.mboxCases {
            let bytes = Array(c.input.utf8)
            for chunk in 1...bytes.count {
                let got = Self.split(bytes, chunk: chunk)
                #expect(got == c.want, "\(c.name) (chunks of \(chunk)): got \(got), want \(c.want)")
            }
        }
    }

    // MARK: the corpus as two mailboxes

    static let genuineMessage = """
        From: Alice <alice@example.org>
        To: bob@example.net
        Subject: survey
        Date: Sun, 29 Nov 2026 10:00:00 +0000
        Message-ID: <survey-genuine@example.org>

        From the survey test: a line that mbox writers quote.

        """

    /// The corpus files, then a genuine and a forged bounce (stub-signed).
    static func messages() throws -> [(name: String, bytes: [UInt8])] {
        var out = try Corpus.expectations().map { row in
            (
                name: row.path.replacingOccurrences("/", "-"),
                bytes: [UInt8](try Data(contentsOf: Corpus.root.appendingPathComponent(row.path)))
            )
        }
        let signed = try TestMail.sign(genuineMessage)
        out.append(("zz-genuine.eml", TestMail.bounce(returning: signed)))
        let forged = try #require(signed.replacingFirst("Subject: survey", with: "Subject: surveys"))
        out.append(("zz-forged.eml", TestMail.bounce(returning: forged)))
        return out
    }

    @Test("the corpus as a Maildir and as an mbox: same counts as file by file, genuine passes, forged listed, nothing changed")
    func corpusInBothLayouts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survey-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let messages = try Self.messages()
        let maildir = try MailboxLayout.maildir(messages, at: dir.appendingPathComponent("Maildir"))
        let mbox = try MailboxLayout.mbox(messages, at: dir.appendingPathComponent("mbox"))
        let paths = FileState.paths(under: dir.path)
        let before = try FileState.snapshot(paths)
        let checker = BounceChecker(verifier: AcceptingVerifier(), policy: TestKey.policy())

        let inMaildir = Survey(checker: checker).survey([maildir])
        let inMbox = Survey(checker: checker).survey([mbox])
        var fileByFile = SurveyReport()
        for m in messages { fileByFile.add(MailLocation(path: m.name), checker.check(m.bytes)) }

        #expect(inMaildir.total == messages.count && inMbox.total == messages.count)
        #expect(inMaildir.mailboxes == 2 && inMbox.mailboxes == 1)
        for (name, got) in [("Maildir", inMaildir), ("mbox", inMbox)] {
            #expect(got.verdicts == fileByFile.verdicts, "\(name): got \(got.verdicts), want \(fileByFile.verdicts)")
            #expect(got.kinds == fileByFile.kinds, "\(name): got \(got.kinds), want \(fileByFile.kinds)")
            #expect(got.unreadableCount == 0)
        }
        #expect(inMaildir.count("pass") == 1 && inMbox.count("pass") == 1)
        let reason = FailReason.headersAltered.description
        #expect(inMaildir.backscatter.contains { $0.location.path.contains("zz-forged.eml") && $0.reason == reason })
        #expect(inMbox.backscatter.contains { $0.location.message == messages.count && $0.reason == reason })
        #expect(!inMaildir.backscatter.contains { $0.location.path.contains("zz-genuine.eml") })
        let after = try FileState.snapshot(paths, after: true)
        let changed = before.stats.keys.sorted().filter {
            before.stats[$0] != after.stats[$0] || before.contents[$0] != after.contents[$0]
        }
        #expect(
            changed.isEmpty,
            "the survey changed \(changed.count) files, e.g. \(changed.prefix(3).map { "\($0): \(before.stats[$0] ?? "") now \(after.stats[$0] ?? "")" })"
        )
        #expect(FileState.paths(under: dir.path) == paths, "the survey added or removed files")
        print(inMaildir.text())
    }

    // MARK: what cannot be read, and the output forms

    @Test("a missing path and a file that is not an mbox are reported and counted, and the survey goes on")
    func unreadablePaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survey-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let notMbox = dir.appendingPathComponent("note.txt").path, empty = dir.appendingPathComponent("empty").path
        try Data("Subject: hi\n\nno From_ line\n".utf8).write(to: URL(fileURLWithPath: notMbox))
        try Data().write(to: URL(fileURLWithPath: empty))
        let mbox = try MailboxLayout.mbox([("a", Array("Subject: a\n\nx\n".utf8))], at: dir.appendingPathComponent("mbox"))
        let report = Survey(checker: BounceChecker(verifier: RefusingVerifier(), policy: TestKey.policy()))
            .survey([dir.appendingPathComponent("missing").path, notMbox, dir.path, empty, mbox])
        #expect(report.total == 1 && report.count("none") == 1 && report.mailboxes == 2)
        #expect(report.unreadableCount == 3)
        #expect(
            report.unreadable.map(\.reason) == [
                "no such file or directory", "not an mbox file (it does not begin with a \"From \" line)",
                "not a Maildir folder (no cur/ or new/ in it) or an mbox file",
            ])
    }

    @Test("the JSON form parses, with every count and escaped paths and reasons")
    func jsonParses() throws {
        var report = SurveyReport()
        let hostile = "dir/\"quoted\"\\back\nline\u{1}\u{1B}[31m é"
        report.addUnreadable(MailLocation(path: hostile, message: 3), "why\t\"not\"")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(object["total"] as? Int == 0 && object["unreadable"] as? Int == 1)
        #expect((object["verdicts"] as? [String: Int])?.keys.sorted() == SurveyReport.verdictKeywords.sorted())
        #expect((object["kinds"] as? [String: Int])?.count == MessageKind.allCases.count)
        let item = try #require((object["unread"] as? [[String: Any]])?.first)
        #expect(item["path"] as? String == hostile && item["message"] as? Int == 3 && item["reason"] as? String == "why\t\"not\"")
        #expect(!report.text().contains("\u{1B}"), "control characters reach the terminal")
    }

    @Test("the text lists at most N of each list, then how many more")
    func textListsAtMostN() {
        var report = SurveyReport(kept: 3)
        for i in 1...5 { report.addUnreadable(MailLocation(path: "p\(i)"), "gone") }
        let text = report.text(shown: 2)
        #expect(text.contains("  p1: gone\n  p2: gone\n  and 3 more\n") && !text.contains("p3"), "\(text)")
    }
}

/// Lays messages out as mailboxes, as delivery agents write them.
enum MailboxLayout {
    /// A Maildir: the first quarter in new/, the rest in cur/, every fifth
    /// in the subfolder .Archive/.
    static func maildir(_ messages: [(name: String, bytes: [UInt8])], at root: URL) throws -> String {
        let fm = FileManager.default
        for sub in ["cur", "new", "tmp", ".Archive/cur", ".Archive/new", ".Archive/tmp"] {
            try fm.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for (i, m) in messages.enumerated() {
            let folder = i % 5 == 4 ? ".Archive/" : ""
            let sub = i < messages.count / 4 ? "new/\(m.name)" : "cur/\(m.name):2,S"
            try Data(m.bytes).write(to: root.appendingPathComponent(folder + sub))
        }
        return root.path
    }

    /// An mbox file: each message after a From_ line (its own, if it begins
    /// with one: up to its first line end, a CR in old Mac mail), its
    /// "From " lines quoted as ">From ", and an empty line.
    static func mbox(_ messages: [(name: String, bytes: [UInt8])], at path: URL) throws -> String {
        var out: [UInt8] = []
        let from = Array("From ".utf8)
        for m in messages {
            var rest = m.bytes[...]
            if m.bytes.starts(with: from), let end = m.bytes.firstIndex(where: { $0 == ASCII.lf || $0 == ASCII.cr }) {
                out += m.bytes[..<end] + [ASCII.lf]
                let crlf = m.bytes[end] == ASCII.cr && end + 1 < m.bytes.count && m.bytes[end + 1] == ASCII.lf
                rest = m.bytes[(end + (crlf ? 2 : 1))...]
            } else {
                out += Array("From MAILER-DAEMON Sun Nov 29 10:00:00 2026\n".utf8)
            }
            var lines = rest.split(separator: ASCII.lf, omittingEmptySubsequences: false).map(Array.init)
            if lines.last == [] { lines.removeLast() }
            for line in lines { out += (line.starts(with: from) ? [UInt8(ascii: ">")] : []) + line + [ASCII.lf] }
            out.append(ASCII.lf)
        }
        try Data(out).write(to: path)
        return path.path
    }
}

/// Every file and directory under a path: mode, size, times, contents.
struct FileState: Equatable {
    var stats: [String: String] = [:]
    var contents: [String: Data] = [:]

    static func paths(under root: String) -> [String] {
        [root] + (FileManager.default.subpaths(atPath: root) ?? []).map { root + "/" + $0 }.sorted()
    }

    /// Before: reads every file, sets every access time back to 2001 (so a
    /// read that updates it is seen, relatime or not), then takes the stats.
    /// After (`before` given): the stats first, before anything is read.
    static func snapshot(_ paths: [String], after: Bool = false) throws -> FileState {
        var state = FileState()
        if after { state.stats = stats(paths) }
        for path in paths where !FileManager.default.fileExists(atPath: path + "/.") {
            state.contents[path] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        guard !after else { return state }
        for path in paths {
            // UTIME_OMIT ((1 << 30) - 2): the modification time stays.
            var times = [timespec(tv_sec: 978_307_200, tv_nsec: 0), timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2)]
            #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0)
        }
        state.stats = stats(paths)
        return state
    }

    private static func stats(_ paths: [String]) -> [String: String] {
        var stats: [String: String] = [:]
        for path in paths {
            var st = stat()
            #expect(lstat(path, &st) == 0)
            stats[path] =
                "mode \(st.st_mode) size \(st.st_size) mtime \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                + " atime \(st.st_atim.tv_sec).\(st.st_atim.tv_nsec)"
        }
        return stats
    }
}
