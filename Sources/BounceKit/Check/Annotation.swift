// --annotate: the message unchanged but for one header field at the top.
//
// A Bounce-Check: field already in the message came from outside (a forger
// can write "Bounce-Check: pass"); it is renamed X-Untrusted-Bounce-Check: so
// that a recipe matching ^Bounce-Check: sees only ours.

/// Adds the Bounce-Check header field.
public enum Annotation {
    public static let fieldName = "Bounce-Check"

    public static func annotate(_ input: [UInt8], summary: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + summary.utf8.count + 32)
        var pos = 0
        // Keep an mbox "From " line first, as procmail hands it to filters.
        if let first = input.line(at: 0), input.hasPrefix("From ", in: first.content, caseInsensitive: false) {
            out += input[0..<first.next]
            pos = first.next
        }
        let eol: [UInt8] = input.line(at: pos).map { Array(input[$0.content.upperBound..<$0.next]) } ?? [ASCII.lf]
        out += Array("\(fieldName): \(summary)".utf8) + (eol.isEmpty ? [ASCII.lf] : eol)
        let head = HeaderParser.parse(input[pos...])
        for field in head.header.fields where field.is(fieldName) {
            let start = field.raw.startIndex
            out += input[pos..<start] + Array("X-Untrusted-".utf8)
            pos = start
        }
        out += input[pos...]
        return out
    }
}
