// Durations as the config file and flags write them: 7d, 36h, 90m, 3600s,
// 2w, or a bare number of seconds.

/// Parses a duration into seconds.
enum DurationParser {
    static func seconds(_ text: String) -> Int? {
        let t = text.trimmingWhitespace.asciiLowercased
        guard let last = t.last else { return nil }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        let (digits, unit) = last.isNumber ? (Substring(t), 1) : (t.dropLast(), units[last] ?? 0)
        guard unit > 0, let n = Int(digits), n >= 0, n <= Int.max / unit else { return nil }
        return n * unit
    }

    /// The shortest exact way to write `seconds`.
    static func format(_ seconds: Int) -> String {
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)]
        where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
