// Finding an original that a bounce pastes into its own text instead of
// attaching it: after the separator lines of Exim, qmail, Gmail, Lotus,
// DragonFly, GMX and others (see the corpus review), and, failing those, the
// first block of lines that looks like a message header.

/// Locates a returned original in the text of a bounce.
enum InlineOriginal {
    /// Separator lines, lower case, compared against trimmed lines by prefix.
    static let separators = [
        "------ this is a copy of the message", "----- this is a copy of the message", "---- this is a copy of",
        "--- below this line is a copy of the message", "--- enclosed is a copy of the message",
        "----- original message -----", "--- original message follows", "original message follows",
        "message headers follow", "--- the header of the original message is following",
        "------- returned message --------", "-------original message", "-------original mail info",
        "----- unsent message follows -----", "below is a copy of the original message",
        "original message headers", "included is a copy of the message header",
        "| message text follows", "|------------------------- message text follows", "original mail as follows",
        "----- the following addresses had permanent fatal errors -----", "original message:",
        "------ original message follows", "----- transcript of session follows -----",
        "begin forwarded message", "the original message was received", "message details:",
    ]

    /// The original found in `text` (a decoded text part or plain body).
    static func find(in text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var pos = text.startIndex
        var separatorsTried = 0
        while let line = text.line(at: pos), separatorsTried < 20 {
            let trimmed = text.trimmed(line.content)
            if trimmed.count >= 8, trimmed.count < 120, isSeparator(text, trimmed) {
                separatorsTried += 1
                if let block = headerBlock(in: text, from: line.next, maxLines: 200) { return block }
            }
            pos = line.next
        }
        return headerBlock(in: text, from: text.startIndex)
    }

    /// The separators as bytes, and the first bytes they start with.
    private static let separatorBytes = separators.map { Array($0.utf8) }
    private static let separatorFirstBytes = Set(separatorBytes.map { $0[0] })

    /// Whether the trimmed line at `range` starts with a separator, ASCII
    /// case-insensitively. Most lines are ruled out by their first byte and
    /// a byte comparison, without a String. A byte match is then confirmed
    /// by the String comparison this always made (Swift compares Characters:
    /// a combining mark right after the separator makes its last character
    /// another one), so that the verdict on every line stays what it was.
    private static func isSeparator(_ text: ArraySlice<UInt8>, _ range: Range<Int>) -> Bool {
        guard separatorFirstBytes.contains(ASCII.lower(text[range.lowerBound])) else { return false }
        let bytes = text[range]
        let byteMatch = separatorBytes.contains { sep in
            sep.count <= bytes.count && zip(sep, bytes).allSatisfy { $0 == ASCII.lower($1) }
        }
        guard byteMatch else { return false }
        let t = String(mailBytes: bytes).asciiLowercased
        return separators.contains(where: t.hasPrefix)
    }

    /// Header names whose presence makes a block of lines a message header.
    static let anchorNames = [
        "message-id", "received", "return-path", "bounce-signature", "dkim-signature", "date",
        "mime-version", "x-mailer", "from", "to", "subject",
    ]

    /// From `start`, the first run of at least three header-like lines with
    /// a Message-ID, Received or Bounce-Signature field among them; the block
    /// runs to the end of the text (the body follows the header).
    ///
    /// Linear in the text: a candidate is judged on at most 16 KiB, and the
    /// lines of a rejected candidate are not looked at again.
    static func headerBlock(in text: ArraySlice<UInt8>, from start: Int, maxLines: Int = 5_000) -> ArraySlice<UInt8>? {
        var pos = start
        var lines = 0
        while let line = text.line(at: pos), lines < maxLines {
            lines += 1
            var content = line.content
            // Some servers indent the copy (fml: three spaces, OpenSMTPD: four).
            while content.lowerBound < content.upperBound, ASCII.isWhitespace(text[content.lowerBound]) {
                content = (content.lowerBound + 1)..<content.upperBound
            }
            if isAnchor(text, content) {
                let indent = content.lowerBound - line.content.lowerBound
                let from = line.content.lowerBound
                let window = text[from..<min(text.endIndex, from + 16_384)]
                let candidate = indent > 0 ? dedent(window, by: indent) : window
                let parsed = HeaderParser.parse(candidate)
                let names = Set(parsed.header.fields.map { $0.name.asciiLowercased })
                if parsed.header.fields.count >= 3,
                    names.contains("message-id") || names.contains("received") || names.contains("bounce-signature")
                        || (names.contains("from") && names.contains("subject") && names.contains("date"))
                {
                    return indent > 0 ? dedent(text[from...], by: indent) : text[from...]
                }
                // Rejected: skip the lines it spans, so no line is parsed twice.
                var spanned = 0
                var q = candidate.startIndex
                while q < parsed.bodyStart, let l = candidate.line(at: q) {
                    spanned += 1
                    q = l.next
                }
                if spanned > 1 {
                    for _ in 0..<spanned { pos = text.line(at: pos)?.next ?? text.endIndex }
                    lines += spanned
                    continue
                }
            }
            pos = line.next
        }
        return nil
    }

    private static let anchorBytes = anchorNames.map { Array($0.utf8) }

    /// Whether the line starts with a field name among `anchorNames`, ASCII
    /// case-insensitively: a name of printable ASCII before a colon within
    /// 40 bytes. Compared as bytes (a name is ASCII, so this is what the
    /// lower-cased String comparison was), no String per line.
    private static func isAnchor(_ text: ArraySlice<UInt8>, _ line: Range<Int>) -> Bool {
        guard let colon = text[line].firstIndex(of: ASCII.colon), colon > line.lowerBound, colon - line.lowerBound < 40
        else { return false }
        let name = text[line.lowerBound..<colon]
        for b in name where b <= ASCII.space || b >= 0x7F { return false }
        return anchorBytes.contains { a in a.count == name.count && zip(a, name).allSatisfy { $0 == ASCII.lower($1) } }
    }

    /// Removes up to `n` leading spaces from every line.
    private static func dedent(_ text: ArraySlice<UInt8>, by n: Int) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var pos = text.startIndex
        while let line = text.line(at: pos) {
            var s = line.content.lowerBound
            var k = 0
            while k < n, s < line.content.upperBound, text[s] == ASCII.space { s += 1; k += 1 }
            out += text[s..<line.content.upperBound]
            out.append(ASCII.lf)
            pos = line.next
        }
        return out[...]
    }
}
