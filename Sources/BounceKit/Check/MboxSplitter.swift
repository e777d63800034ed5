// Finding the messages of an mbox file (the "From_" format of mbox(5),
// RFC 4155) as its bytes stream past, so that bouncecheck --survey can read
// each one in place, in bounded memory, whatever its size.
//
// A message starts after a line beginning "From " at the start of the file
// or after an empty line, and ends before the empty line that comes before
// the next such line (or before a last empty line at the end of the file):
// the empty line is the writer's separator, not part of the message.
//
// Deliberate divergences:
// - A "From " line that does not follow an empty line is content, not a
//   separator. Writers quote body lines as ">From " (mboxo, mboxrd), but an
//   unquoted one in a pasted text usually follows other text; splitting
//   there would cut one message in two. (Python's mailbox splits on every
//   "From " line; mutt on every one with a date.)
// - Quoted lines (">From ", ">>From ") are left as they are: the quoting is
//   part of what the writer stored, and undoing it cannot be done right for
//   mboxo files, where ">From " may have been written by the author.
// - Line ends are LF or CRLF; a file of bare-CR lines is one message.

import Glibc

/// Splits an mbox stream into the byte ranges of its messages.
struct MboxSplitter {
    /// Offset of the next byte fed.
    private(set) var offset: Int64 = 0
    private var lineStart: Int64 = 0
    /// The first bytes of the current line, until its kind is known.
    private var head: [UInt8] = []
    private var decided = false
    private var separatorLine = false
    /// Where the previous line started, if it was empty.
    private var emptyLineStart: Int64? = nil
    /// Where the current message's content starts (after its From_ line).
    private var messageStart: Int64? = nil

    private static let from: [UInt8] = Array("From ".utf8)

    /// Feeds the next bytes; `found` gets each message completed by them.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, found: (Range<Int64>) -> Void) {
        var i = 0
        while i < chunk.count {
            if !decided {
                let b = chunk[i]
                if b != ASCII.lf { head.append(b) }
                if head.count == Self.from.count || b == ASCII.lf { decideLine(found: found) }
                if b == ASCII.lf { endLine(at: offset + Int64(i)) }
                i += 1
                continue
            }
            // The line's kind is known: skip to its end.
            guard let nl = Self.index(of: ASCII.lf, in: chunk, from: i) else { break }
            endLine(at: offset + Int64(nl))
            i = nl + 1
        }
        offset += Int64(chunk.count)
    }

    /// Ends the stream; `found` gets the last message.
    mutating func finish(found: (Range<Int64>) -> Void) {
        guard let start = messageStart else { return }
        // A last empty line, after the message's own last line end, is the
        // writer's separator.
        let end = (lineStart == offset ? emptyLineStart.map { Swift.max($0, start) } : nil) ?? offset
        found(start..<end)
        messageStart = nil
    }

    private mutating func decideLine(found: (Range<Int64>) -> Void) {
        decided = true
        separatorLine = head == Self.from && (lineStart == 0 || emptyLineStart != nil)
        guard separatorLine, let start = messageStart else { return }
        // The previous message ends before the empty line (at the file's
        // start there is no previous message).
        found(start..<Swift.max(start, emptyLineStart ?? lineStart))
        messageStart = nil
    }

    private mutating func endLine(at newline: Int64) {
        let length = newline - lineStart
        let empty = length == 0 || (length == 1 && head.first == ASCII.cr)
        if separatorLine { messageStart = newline + 1 }
        emptyLineStart = empty ? lineStart : nil
        lineStart = newline + 1
        head.removeAll(keepingCapacity: true)
        decided = false
        separatorLine = false
    }

    private static func index(of byte: UInt8, in chunk: UnsafeBufferPointer<UInt8>, from i: Int) -> Int? {
        // memchr: the skip is most of the work over large messages.
        guard let base = chunk.baseAddress, i < chunk.count,
            let hit = memchr(base + i, Int32(byte), chunk.count - i)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}
