// The survey report for a person: counts in two tables, then the messages
// that would be filed as backscatter, each with its reason, at most `shown`
// of each list. Paths and reasons may hold bytes from the mailbox (a
// Message-ID, a file name): control characters are shown as '?', so that
// nothing read can move the cursor or recolour the terminal.

extension SurveyReport {
    /// The report as text, listing at most `shown` items of each list.
    public func text(shown: Int = 20) -> String {
        var out = "surveyed \(total) message\(total == 1 ? "" : "s") in \(mailboxes) mailbox\(mailboxes == 1 ? "" : "es")"
        if unreadableCount > 0 { out += "; \(unreadableCount) could not be read" }
        out += "\n\nverdict\n"
        for keyword in Self.verdictKeywords { out += Self.row(keyword, count(keyword)) }
        out += "\nkind\n"
        for kind in MessageKind.allCases { out += Self.row(kind.rawValue, count(kind)) }
        out += list("would be filed as backscatter (fail)", backscatter, count("fail"), shown: shown)
        out += list("could not be decided now (temperror)", undecided, count("temperror"), shown: shown)
        out += list("could not be read", unreadable, unreadableCount, shown: shown)
        return out
    }

    private static func row(_ name: String, _ n: Int) -> String {
        let number = String(n)
        return "  " + name + String(repeating: " ", count: Swift.max(1, 22 - name.count - number.count)) + number + "\n"
    }

    private func list(_ title: String, _ items: [Item], _ count: Int, shown: Int) -> String {
        guard count > 0 else { return "" }
        var out = "\n\(title): \(count)\n"
        for item in items.prefix(shown) {
            let kind = item.kind.map { $0 == .notBounce ? "" : "\($0.rawValue): " } ?? ""
            out += "  " + Self.printable("\(item.location): \(kind)\(item.reason)") + "\n"
        }
        if count > Swift.min(shown, items.count) { out += "  and \(count - Swift.min(shown, items.count)) more\n" }
        return out
    }

    /// The text with control characters (C0, DEL, C1) shown as '?'.
    static func printable(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
    }
}
