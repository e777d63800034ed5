// The header fields a statement binds (`h`) and the recipients it counts
// (`r`), computed the same way by bouncesign and bouncecheck.
//
// `h` digest: for each bound name in order, for each field of that name in
// the header in order, "name:value\n", name lower case. Subject and Date:
// the value unfolded, white-space runs made one space, trimmed. From, To
// and Cc: the addresses only, in order, each as local-part@domain in lower
// case with the domain cut to its last two labels, joined by ","; display
// names, comments and white space are left out. Mail servers rewrite
// address fields after signing (sendmail's masquerading turns
// user@example.org into user@mail.example.org; it and Postfix re-fold and
// re-quote), never Subject or Date. SHA-256 cut to 128 bits.

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
            for f in header.all(name) {
                let value: [UInt8]
                if ["from", "to", "cc"].contains(name) {
                    value = Array(AddressList.addresses(f.value).map(boundAddress).joined(separator: ",").utf8)
                } else {
                    value = Array(f.unfoldedValue.split(whereSeparator: ASCII.isWhitespace).joined(separator: [ASCII.space]))
                }
                sha.update(Array("\(name):".utf8) + value + [ASCII.lf])
            }
        }
        return Digest.short(sha.finish())
    }
}

/// An address as `h` binds it: the domain cut to its last two labels.
private func boundAddress(_ address: String) -> String {
    guard let at = address.lastIndex(of: "@") else { return address }
    let labels = address[address.index(after: at)...].split(separator: ".")
    return address[...at] + labels.suffix(2).joined(separator: ".")
}

/// Addresses in address-list fields (RFC 5322 §3.4), enough to compare
/// recipients: the part in angle brackets, else each comma-separated item
/// with an '@', lower case. Groups and comments are tolerated, not parsed.
enum AddressList {
    static func addresses(_ value: String) -> [String] {
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
    static func visibleRecipients(_ header: Header) -> Set<String> {
        Set((header.all("To") + header.all("Cc")).flatMap { addresses($0.value) })
    }
}
