// The milter's incoming side: BounceChecker on every message not signed
// (it says "none" for ordinary mail), then check-bounces for a failed
// bounce — reject (550 5.7.1, one line naming the problem), quarantine (the
// MTA's hold queue) or tag — and on-temperror when it cannot decide now.
// Whatever is accepted carries the Bounce-Check field bouncecheck
// --annotate adds, and a Bounce-Check field that came with the message is
// renamed X-Untrusted-Bounce-Check, as bouncecheck does.

struct MilterChecking {
    let service: MilterService
    let recipients: [String]
    let tag: String
    let arrivedChecks: [[UInt8]]

    func check(_ source: MessageSource) -> MilterDecision {
        let result: CheckResult
        do { result = try service.checker(now: service.now()).check(source) } catch {
            // MessageSource's failures say what failed: "cannot read the message: ...".
            return undecided(error.description, result: nil)
        }
        var decision: MilterDecision
        switch result.verdict {
        case .temperror(let why):
            return undecided(why, result: result)
        case .fail(let reason) where service.config.checkBounces == .reject:
            decision = MilterDecision(
                .reject(SMTPReply(code: "550", status: "5.7.1", text: "bounce of a message not sent by \(domain): \(reason)")),
                log: tag + "rejected: " + result.summary)
            decision.check = result
            return decision
        case .fail where service.config.checkBounces == .quarantine:
            decision = MilterDecision(
                .quarantine(reason: "bouncesign: " + result.verdict.keyword + " (" + result.verdict.reason + ")"),
                log: tag + "quarantined: " + result.summary)
        default:
            decision = MilterDecision(.accept, log: tag + result.summary)
        }
        decision.headerEdits = Annotation.edits(existing: arrivedChecks, summary: result.summary)
        decision.check = result
        return decision
    }

    /// Temporary errors never reject: accept tagged, or 451 (on-temperror).
    private func undecided(_ why: String, result: CheckResult?) -> MilterDecision {
        let summary = result?.summary ?? "temperror (\(why))"
        if service.config.onTemperror == .tempfail {
            var d = MilterDecision(
                .tempfail(.tempfail("cannot check this message now, try again later")),
                log: tag + "deferred (451): " + summary, level: .warning)
            d.check = result
            return d
        }
        var d = MilterDecision(.accept, log: tag + summary, level: .warning)
        d.headerEdits = Annotation.edits(existing: arrivedChecks, summary: summary)
        d.check = result
        return d
    }

    /// The domain named in a rejection: the bounce's first recipient's, else ours.
    var domain: String {
        for r in recipients {
            if let a = AddressList.addresses(r).first, let at = a.lastIndex(of: "@") {
                return String(a[a.index(after: at)...])
            }
        }
        return service.hostname
    }
}
