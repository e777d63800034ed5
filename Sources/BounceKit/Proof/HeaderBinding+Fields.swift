// The header fields a statement binds (`h`) and the recipients it counts
// (`r`), computed the same way by bouncesign and bouncecheck.
//
// `h` digest: for each bound name in order, for each field of that name in
// the header in order, "name:value\n" (name lower case, value unfolded;
// From, To and Cc without any white space, Subject and Date with white-space
// runs made one space, trimmed); SHA-256 cut to 128 bits. Relays re-fold,
// and sendmail joins folded To/Cc lines, with or without a space.

extension HeaderBinding {
    /// The fields a statement binds, when the message has them.
    public static let candidates = ["from", "to", "cc", "subject", "date"]

    /// The binding of a message's header, over the candidates it has.
    public static func of(_ header: Header) -> HeaderBinding {
        let names = candidates.filter { header.first($0) != nil }
        return HeaderBinding(names: names, digest: digest(names, header))
    }

    /// Whether `header` has the same bound fields with the same values.
    public func matches(_ header: Header) -> Bool {
        names.allSatisfy(Self.candidates.contains) && Self.digest(names, header) == digest
    }

    static func digest(_ names: [String], _ header: Header) -> [UInt8] {
        let sha = SHA256()
        for name in names {
            let separator: [UInt8] = ["from", "to", "cc"].contains(name) ? [] : [ASCII.space]
            for f in header.all(name) {
                let words = f.unfoldedValue.split(whereSeparator: ASCII.isWhitespace)
                sha.update(Array("\(name):".utf8) + Array(words.joined(separator: separator)) + [ASCII.lf])
            }
        }
        return Digest.short(sha.finish())
    }
}

/// Addresses in address-list fields (RFC 5322 §3.4), enough to compare
/// recipients: the part in angle brackets, else each comma-separated item
/// with an '@', lower case. Groups and comments are tolerated, not parsed.
public enum AddressList {
    public static func addresses(_ value: String) -> [String] {
        var out: [String] = []
        var item = "", inQuote = false, depth = 0
        func flush() {
            let v = item.trimmingWhitespace
            item = ""
            if let lt = v.lastIndex(of: "<"), let gt = v.lastIndex(of: ">"), lt < gt {
                out.append(String(v[v.index(after: lt)..<gt]).trimmingWhitespace.asciiLowercased)
            } else if v.contains("@") {
                out.append(String(v.split(separator: " ").last ?? "").asciiLowercased)
            }
        }
        for c in value {
            switch c {
            case "\"": inQuote.toggle()
            case "(" where !inQuote: depth += 1
            case ")" where !inQuote:
                depth = Swift.max(0, depth - 1)
                continue
            case ",", ";", ":": if !inQuote && depth == 0 { flush(); continue }
            default: break
            }
            if depth == 0 { item.append(c) }
        }
        flush()
        return out.filter { !$0.isEmpty }
    }

    /// The addresses of every To and Cc field.
    public static func visibleRecipients(_ header: Header) -> Set<String> {
        Set((header.all("To") + header.all("Cc")).flatMap { addresses($0.value) })
    }
}
