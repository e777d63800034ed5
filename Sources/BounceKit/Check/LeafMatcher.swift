// Whatever body came back is verified against the statement's leaf
// records, whatever form the return takes: every leaf that came back whole
// must match; a leaf cut short must match up to the last checkpoint it
// holds and be no longer than the one signed; nothing after a cut or a
// parser limit is called verified; body bytes of which nothing could be
// verified fail. Only a return with no body at all is "headers only".

/// Judges the body of a returned original.
enum LeafMatcher {
    static func judge(_ m: ReturnedMessage, _ statement: Statement) -> Result<Coverage, FailReason> {
        guard m.bodyCameBack else { return .success(.headersOnly) }
        let signed = statement.leaves
        let limited = m.leavesBeforeLimit != nil
        let back = Array(m.leaves.prefix(m.leavesBeforeLimit ?? m.leaves.count))
        var verified = 0, prefix = 0, cut = limited || !m.closed
        for (i, record) in signed.enumerated() {
            if record.isGroup {
                let rest = back.dropFirst(i)
                guard !cut, rest.allSatisfy(\.complete), rest.count == m.leaves.count - i else { cut = true; break }
                guard LeafCollector.groupDigest(rest) == record.digest else { return .failure(.bodyAltered(part: i + 1)) }
                verified += 1
                return finish(m, statement, verified: verified, prefix: 0, cut: cut, extra: false)
            }
            guard i < back.count else {
                if !cut { return .failure(.bodyShape("parts are missing")) }
                break
            }
            let leaf = back[i]
            // The last part back, shorter than signed though it looks whole:
            // cut where a server ended the bounce (OpenSMTPD closes its
            // report after 64 KiB of a one-part original). Checked as cut.
            let shortLast = i == back.count - 1 && leaf.length < record.length
            if leaf.complete && !shortLast {
                guard leaf.digest == record.digest else { return .failure(.bodyAltered(part: i + 1)) }
                verified += 1
                continue
            }
            // Cut short: no longer than signed, equal at every checkpoint it holds.
            guard leaf.sureLength <= record.length else { return .failure(.bodyAltered(part: i + 1)) }
            for (k, want) in record.checkpoints.enumerated() {
                guard let got = leaf.checkpointDigest(k) else { break }
                guard got == want else { return .failure(.bodyAltered(part: i + 1)) }
                prefix = CanonicalContent.checkpoint(k)
            }
            cut = true
            break
        }
        let extra = m.leaves.count > signed.count && !(signed.last?.isGroup ?? false)
        // Leaves read whole before a limit count like any other: more of
        // them than were signed is a changed body, not a cut one.
        if extra && (!limited || back.count > signed.count) {
            return .failure(.bodyShape("it has more parts than were signed"))
        }
        if verified == 0 && prefix == 0 && !(signed.isEmpty && back.isEmpty) {
            return .failure(
                .bodyUnverifiable(limited ? "a parser limit was reached before any of it" : "it is cut short before any of it"))
        }
        return finish(m, statement, verified: verified, prefix: prefix, cut: cut, extra: extra)
    }

    private static func finish(
        _ m: ReturnedMessage, _ s: Statement, verified: Int, prefix: Int, cut: Bool, extra: Bool
    ) -> Result<Coverage, FailReason> {
        guard !cut, !extra, verified == s.leaves.count else {
            return .success(.partial(verified: verified, of: s.leaves.count, prefix: prefix))
        }
        guard m.shape == s.shape else { return .failure(.bodyShape("a preamble or epilogue differs")) }
        return .success(.body)
    }

    /// Version 1 has one digest for the whole content: a body that came back
    /// whole is checked against it; one cut short cannot be verified at all.
    static func judgeLegacy(_ m: ReturnedMessage, _ statement: Statement) -> Result<Coverage, FailReason> {
        guard m.bodyCameBack else { return .success(.headersOnly) }
        guard m.closed, m.leavesBeforeLimit == nil else {
            return .failure(.bodyUnverifiable("it is cut short, and a version 1 proof cannot verify part of a body"))
        }
        return m.legacyDigest == statement.legacyBodyHash ? .success(.body) : .failure(.bodyAltered(part: nil))
    }
}
