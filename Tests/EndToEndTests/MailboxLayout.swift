// Mailboxes laid out as delivery agents write them, and a snapshot of every
// file under a path (the same as BounceKitTests/Check/SurveyTests.swift's:
// the two test targets share no sources).
import Foundation
import Testing

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
            if m.bytes.starts(with: from),
                let end = m.bytes.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            {
                out += m.bytes[..<end] + [UInt8(ascii: "\n")]
                let crlf = m.bytes[end] == UInt8(ascii: "\r") && end + 1 < m.bytes.count && m.bytes[end + 1] == UInt8(ascii: "\n")
                rest = m.bytes[(end + (crlf ? 2 : 1))...]
            } else {
                out += Array("From MAILER-DAEMON Sun Nov 29 10:00:00 2026\n".utf8)
            }
            var lines = rest.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            if lines.last == [] { lines.removeLast() }
            for line in lines { out += (line.starts(with: from) ? [UInt8(ascii: ">")] : []) + line + [UInt8(ascii: "\n")] }
            out.append(UInt8(ascii: "\n"))
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
