// The Date field (RFC 5322 §3.3) as Unix time: the age of a DKIM signature
// without t= is that of the returned copy's Date. Obsolete forms (§4.3) are
// tolerated where they are cheap: two-digit years, named zones (UT, GMT and
// the US ones), seconds omitted; anything else is no date.

/// Parses RFC 5322 dates.
enum MailDate {
    /// Unix time of `value`, or nil if it is not a date.
    static func unixTime(_ value: String) -> Int? {
        var text = value
        if let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
        if let paren = text.firstIndex(of: "(") { text = String(text[..<paren]) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count >= 4, let day = Int(words[0]), (1...31).contains(day),
            let month = months.firstIndex(of: words[1].prefix(3).lowercased()), var year = Int(words[2])
        else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let clock = words[3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, let h = clock[0], let m = clock[1], h < 24, m < 60 else { return nil }
        let s = clock.count == 3 ? (clock[2] ?? 0) : 0
        let zone = words.count > 4 ? offset(words[4]) : 0
        guard let zone else { return nil }
        return days(year, month + 1, day) * 86_400 + h * 3600 + m * 60 + s - zone
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds east of UTC.
    private static func offset(_ zone: String) -> Int? {
        let named = [
            "ut": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
        ]
        if let h = named[zone.lowercased()] { return h * 3600 }
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let n = Int(zone.dropFirst()) else {
            return nil
        }
        let seconds = (n / 100) * 3600 + (n % 100) * 60
        return sign == "-" ? -seconds : seconds
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    private static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
