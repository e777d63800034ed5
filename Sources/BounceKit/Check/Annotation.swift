// --annotate: the message unchanged but for one header field at the top.
//
// A Bounce-Check: field already in the message came from outside (a forger
// can write "Bounce-Check: pass"); it is renamed X-Untrusted-Bounce-Check: so
// that a recipe matching ^Bounce-Check: sees only ours.

/// Adds the Bounce-Check header field.
enum Annotation {
    static let fieldName = "Bounce-Check"

    /// Writes the message in `source` annotated: its header block is
    /// gathered (up to the header limit), the rest copied as it came.
    static func write(_ source: MessageSource, summary: String, to out: MailOutput) throws(FileIO.Failure) {
        var head: [UInt8] = []
        var done = false
        let limit = Limits.standard.maxHeaderBytes + (64 << 10)
        try source.read(handingRestTo: out) { chunk in
            head += chunk
            guard
                head.count >= limit || head.firstIndex(of: [ASCII.lf, ASCII.lf], from: 0) != nil
                    || head.firstIndex(of: [ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf], from: 0) != nil
            else { return true }
            for s in segments(head, summary: summary) { out.write(s) }
            done = true
            return false
        }
        if !done { for s in segments(head, summary: summary) { out.write(s) } }
        try out.flush()
    }

    /// The same change as header edits (the milter): Bounce-Check first;
    /// each Bounce-Check field that came with the message (`existing`, their
    /// values in order) removed and added back as X-Untrusted-Bounce-Check.
    static func edits(existing: [[UInt8]], summary: String) -> [HeaderEdit] {
        var out: [HeaderEdit] = []
        for i in stride(from: existing.count, through: 1, by: -1) {
            out.append(HeaderEdit(.delete(occurrence: i), name: fieldName))
        }
        out.append(HeaderEdit(.insertFirst, name: fieldName, value: Array(summary.utf8)))
        for v in existing { out.append(HeaderEdit(.append, name: "X-Untrusted-" + fieldName, value: v)) }
        return out
    }

    static func annotate(_ input: [UInt8], summary: String) -> [UInt8] {
        Array(segments(input, summary: summary).joined())
    }

    /// The annotated message as pieces to write in turn: the input is
    /// never copied (it may be 8 MiB).
    static func segments(_ input: [UInt8], summary: String) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var pos = 0
        // Keep an mbox "From " line first, as procmail hands it to filters.
        if let first = input.line(at: 0), input.hasPrefix("From ", in: first.content, caseInsensitive: false) {
            out.append(input[0..<first.next])
            pos = first.next
        }
        let eol: [UInt8] = input.line(at: pos).map { Array(input[$0.content.upperBound..<$0.next]) } ?? [ASCII.lf]
        out.append(ArraySlice(Array("\(fieldName): \(summary)".utf8) + (eol.isEmpty ? [ASCII.lf] : eol)))
        let head = HeaderParser.parse(input[pos...])
        for field in head.header.fields where field.is(fieldName) {
            let start = field.raw.startIndex
            out.append(input[pos..<start])
            out.append(ArraySlice("X-Untrusted-".utf8))
            pos = start
        }
        out.append(input[pos...])
        return out
    }
}
