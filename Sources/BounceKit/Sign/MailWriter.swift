// Output for bouncesign: LF line ends throughout (a Unix filter's
// convention; sendmail -i and every MTA accept it), bytes otherwise as given.

/// Accumulates an outgoing message.
struct MailWriter {
    var bytes: [UInt8] = []

    /// Appends bytes, turning CRLF and bare CR into LF.
    mutating func raw(_ slice: ArraySlice<UInt8>) {
        if !slice.containsByte(ASCII.cr) {
            bytes += slice
            return
        }
        bytes.reserveCapacity(bytes.count + slice.count)
        var pos = slice.startIndex
        while let line = slice.line(at: pos) {
            bytes.append(contentsOf: slice[line.content])
            if line.terminated { bytes.append(ASCII.lf) }
            pos = line.next
        }
    }

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Writes a header field and its line end.
    mutating func field(_ f: HeaderField) {
        raw(f.raw)
        bytes.append(ASCII.lf)
    }
}
