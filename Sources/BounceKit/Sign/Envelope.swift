// The envelope recipients of a message bouncesign re-injects, read from the
// sendmail-style command it hands the message to (sendmail(8), Postfix's
// and Exim's sendmail, msmtp): what the statement may bind, by count only.

/// Whom a message is sent to, as far as bouncesign knows.
public enum Envelope: Sendable, Equatable {
    /// The recipients on the command line.
    case recipients([String])
    /// `-t`: the recipients are the To, Cc and Bcc fields (plus any given).
    case fromHeader(extra: [String])

    /// Options of sendmail(8) that take a value as the next argument when
    /// it is not attached.
    static let optionsWithValue: Set<Character> = ["f", "F", "r", "B", "N", "R", "V", "X", "O", "p", "q", "L", "h", "C", "b"]

    /// The envelope a sendmail-like command line names, or nil when it
    /// names none (then the statement binds the header fields only).
    public static func parse(sendmailArguments argv: [String]) -> Envelope? {
        var recipients: [String] = []
        var fromHeader = false
        var i = 1
        while i < argv.count {
            let a = argv[i]
            i += 1
            if a == "--" {
                recipients += argv[i...]
                break
            }
            guard a.hasPrefix("-"), a.count > 1 else {
                recipients.append(a)
                continue
            }
            let flag = a[a.index(after: a.startIndex)]
            if flag == "t" && a.count == 2 { fromHeader = true }
            // -bs, -bv, -q...: not a message submission with recipients.
            if flag == "b", a != "-bm" { return nil }
            if optionsWithValue.contains(flag) && a.count == 2 { i += 1 }
        }
        let addresses = recipients.flatMap { r in
            let parsed = AddressList.addresses(r)
            return parsed.isEmpty ? [r.asciiLowercased] : parsed
        }
        if fromHeader { return .fromHeader(extra: addresses) }
        return addresses.isEmpty ? nil : .recipients(addresses)
    }

    /// How many of the recipients are not in To or Cc.
    func hiddenCount(_ header: Header) -> Int {
        let visible = AddressList.visibleRecipients(header)
        let all: [String]
        switch self {
        case .recipients(let r): all = r
        case .fromHeader(let extra): all = extra + header.all("Bcc").flatMap { AddressList.addresses($0.value) }
        }
        return Set(all.map { $0.trimmingWhitespace.asciiLowercased }).filter { !visible.contains($0) }.count
    }
}
