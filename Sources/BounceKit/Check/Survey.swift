// bouncecheck --survey: a dry run over Maildir folders and mbox files before
// filtering is turned on. Every message is read once, in place, by the same
// BounceChecker bouncecheck uses (same keys, same trust, same policy), so it
// gets the verdict bouncecheck would give it now; the counts and the list of
// what would be filed as backscatter go to standard output, as text or as
// JSON (SurveyReport). Nothing in the mailboxes is changed (MailboxReader),
// and nothing is logged: a dry run is not a decision.

import Glibc

/// Runs the checker over every message of some mailboxes.
public struct Survey {
    let checker: BounceChecker

    /// A survey by `checker`, so that each message gets the verdict bouncecheck would give it.
    public init(checker: BounceChecker) { self.checker = checker }

    /// Surveys `paths`, keeping the first `kept` items of each list;
    /// `progress` is called after each message with the report so far.
    public func survey(_ paths: [String], kept: Int = .max, progress: (SurveyReport) -> Void = { _ in }) -> SurveyReport {
        var report = SurveyReport(kept: kept)
        MailboxReader(paths: paths).read { item in
            switch item {
            case .mailbox: report.addMailbox()
            case .unreadable(let location, let reason): report.addUnreadable(location, reason)
            case .message(let location, let source):
                do throws(FileIO.Failure) { report.add(location, try checker.check(source)) } catch {
                    report.addUnreadable(location, error.description)
                }
                progress(report)
            }
        }
        return report
    }

    /// bouncecheck --survey PATH... [--json]: surveys `paths`, writes the
    /// report to `output` (text listing `shown` items of each list, or JSON
    /// listing all), and a progress line to `terminal` if it is a terminal.
    /// Returns pass when the survey ran, whatever it found; tempFail, after
    /// the report, when the GnuPG side is unusable or a message could not
    /// be decided now, or when the report cannot be written.
    public func run(_ paths: [String], json: Bool, shown: Int = 20, output: Int32 = 1, terminal: Int32 = 2) -> ExitStatus {
        // Asked first, as bouncecheck asks before it blames a message: a
        // mailbox with no signed bounce in it never reaches GnuPG.
        let problem = checker.verifier.keyringProblem(trusted: checker.policy.trusted)
        var meter = SurveyProgress(fd: terminal)
        let report = survey(paths, kept: json ? .max : shown) { meter.show($0) }
        meter.clear()
        do throws(FileIO.Failure) {
            try FileIO.writeAll(output, Array((json ? report.json : report.text(shown: shown)).utf8))
        } catch {
            FileIO.printError("bouncecheck: cannot write the survey report: \(error.description)")
            return .tempFail
        }
        if let problem {
            FileIO.printError("bouncecheck: cannot decide now: \(problem)")
            return .tempFail
        }
        if let first = report.undecided.first {
            let n = report.count("temperror")
            FileIO.printError("bouncecheck: cannot decide \(n) message\(n == 1 ? "" : "s") now: \(first.reason)")
            return .tempFail
        }
        return .pass
    }
}

/// A progress line on standard error, only when it is a terminal, at most
/// four times a second.
struct SurveyProgress {
    let fd: Int32
    let enabled: Bool
    private var last = timespec()
    private var shown = false

    init(fd: Int32) {
        self.fd = fd
        enabled = isatty(fd) == 1
    }

    mutating func show(_ report: SurveyReport) {
        guard enabled else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsed = (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1_000_000
        guard !shown || elapsed >= 250 else { return }
        last = now
        shown = true
        let line = "bouncecheck: \(report.total) messages surveyed, \(report.count("fail")) would be filed as backscatter"
        try? FileIO.writeAll(fd, Array(("\r" + line + "\u{1B}[K").utf8))
    }

    /// Erases the line, so the report starts on a clean one.
    mutating func clear() {
        guard shown else { return }
        try? FileIO.writeAll(fd, Array("\r\u{1B}[K".utf8))
        shown = false
    }
}
