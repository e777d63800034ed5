// The survey report for a program: one JSON object (RFC 8259), written by
// hand (no Foundation in bouncecheck: it would cost every message its
// start-up time). Every string is escaped: '"', '\' and control characters;
// other characters go out as UTF-8 (paths that were not UTF-8 arrive here
// with U+FFFD in place of the bytes that were not).
//
//   {"total": N, "mailboxes": N, "unreadable": N,
//    "verdicts": {"pass": N, "fail": N, "none": N, "unverifiable": N, "temperror": N},
//    "kinds": {"failure": N, ..., "none": N},
//    "backscatter": [{"path": "...", "message": N, "kind": "...", "reason": "..."}, ...],
//    "undecided": [ same ], "unread": [{"path": "...", "reason": "..."}, ...]}
//
// "message" (the number in an mbox file, from 1) is left out for a file of
// its own; the lists hold as many items as the report kept.

extension SurveyReport {
    /// The report as one JSON object, ending in a newline.
    public var json: String {
        var out = "{\n"
        out += "  \"total\": \(total),\n  \"mailboxes\": \(mailboxes),\n  \"unreadable\": \(unreadableCount),\n"
        out += "  \"verdicts\": " + Self.object(Self.verdictKeywords.map { ($0, count($0)) }) + ",\n"
        out += "  \"kinds\": " + Self.object(MessageKind.allCases.map { ($0.rawValue, count($0)) }) + ",\n"
        out += "  \"backscatter\": " + Self.array(backscatter) + ",\n"
        out += "  \"undecided\": " + Self.array(undecided) + ",\n"
        out += "  \"unread\": " + Self.array(unreadable) + "\n"
        return out + "}\n"
    }

    private static func object(_ pairs: [(String, Int)]) -> String {
        "{" + pairs.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    private static func array(_ items: [Item]) -> String {
        guard !items.isEmpty else { return "[]" }
        return "[\n" + items.map { "    " + object($0) }.joined(separator: ",\n") + "\n  ]"
    }

    private static func object(_ item: Item) -> String {
        var fields = ["\"path\": " + string(item.location.path)]
        if let n = item.location.message { fields.append("\"message\": \(n)") }
        if let k = item.kind { fields.append("\"kind\": " + string(k.rawValue)) }
        fields.append("\"reason\": " + string(item.reason))
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A JSON string literal (RFC 8259 section 7).
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
