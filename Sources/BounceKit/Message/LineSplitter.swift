// Lines out of a stream of chunks, for the streaming parsers (MIMEScanner).
//
// A line is handed out as soon as its end is seen; only the unfinished line
// at the end of a chunk is copied (into `carry`). A line longer than
// `maxLine` comes out in pieces of exactly `maxLine` bytes, the last piece
// carrying the line end, so that memory stays bounded whatever the input.
// The pieces are the same however the stream is cut into chunks: a line
// whose CR ends a chunk waits for the next byte to know whether it is CRLF.
// Each piece says which line end followed it, so that content and
// terminator bytes, concatenated, give back the input exactly. Finding line
// ends reads each byte a bounded number of times (`firstLineBreak`), so
// splitting is linear in the input whatever its line ends.

/// The line end that followed a line, as it was in the input.
enum LineTerminator: Int {
    /// No line end: the input's last line, or a piece that continues.
    case none
    case lf, cr, crlf

    /// Its bytes: what re-encoding byte for byte writes after the content.
    var bytes: [UInt8] { Self.table[rawValue] }
    var length: Int { self == .crlf ? 2 : self == .none ? 0 : 1 }

    private static let table: [[UInt8]] = [[], [ASCII.lf], [ASCII.cr], [ASCII.cr, ASCII.lf]]
}

/// One line, or one piece of an over-long line.
struct LinePiece {
    /// The bytes without the line end; valid only during the call.
    var content: UnsafeBufferPointer<UInt8>
    /// The line end that followed.
    var terminator: LineTerminator
    /// Whether the line goes on in the next piece.
    var continues: Bool

    /// Length of the line end: 0 (none), 1 (LF or CR) or 2 (CRLF).
    var terminatorLength: Int { terminator.length }
    var terminated: Bool { terminator != .none }
    var count: Int { content.count }
    /// Bytes this piece took in the input.
    var inputLength: Int { content.count + terminatorLength }
}

/// Splits a stream of chunks into lines ending in LF, CRLF or CR.
struct LineSplitter {
    /// The longest piece handed out: room for a header block's longest line.
    static let maxLine = Limits.standard.maxLine

    private var carry: [UInt8] = []
    /// The line in `carry` ended with the last chunk's last byte, a CR.
    private var pendingCR = false
    /// Bytes searched for line ends, for the tests (linear in the input).
    private(set) var examined = 0

    /// Hands every line completed by `chunk` to `body`.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (LinePiece) -> Void) {
        var p = 0
        while p < chunk.count { p = step(chunk, from: p, body) }
    }

    /// No unfinished line is held: the next byte fed starts a line.
    var atLineStart: Bool { carry.isEmpty && !pendingCR }

    /// Takes the line that starts at `from` in `chunk`: hands it to `body`
    /// if its end is in the chunk, keeps it otherwise. Returns where the
    /// next line starts (`chunk.count` when the chunk is used up).
    mutating func step(_ chunk: UnsafeBufferPointer<UInt8>, from p: Int, _ body: (LinePiece) -> Void) -> Int {
        if pendingCR {
            pendingCR = false
            let crlf = chunk[p] == ASCII.lf
            emitCarry(crlf ? .crlf : .cr, body)
            return crlf ? p + 1 : p
        }
        let end = chunk.firstLineBreak(from: p, examined: &examined)
        guard end < chunk.count else {
            keep(UnsafeBufferPointer(rebasing: chunk[p...]), body)
            return chunk.count
        }
        let line = UnsafeBufferPointer(rebasing: chunk[p..<end])
        var terminator = LineTerminator.lf
        if chunk[end] == ASCII.cr {
            guard end + 1 < chunk.count else {
                keep(line, body)
                pendingCR = true
                return chunk.count
            }
            terminator = chunk[end + 1] == ASCII.lf ? .crlf : .cr
        }
        if carry.isEmpty {
            emit(line, terminator, body)
        } else {
            keep(line, body)
            emitCarry(terminator, body)
        }
        return end + terminator.length
    }

    /// Hands out the last line if the input did not end with a line end.
    mutating func finish(_ body: (LinePiece) -> Void) {
        guard pendingCR || !carry.isEmpty else { return }
        emitCarry(pendingCR ? .cr : .none, body)
        pendingCR = false
        carry = []
    }

    /// Adds to the unfinished line; hands out the pieces it fills.
    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (LinePiece) -> Void) {
        carry.append(contentsOf: bytes)
        emitFullPieces(body)
    }

    /// The line in `carry` ends here.
    private mutating func emitCarry(_ terminator: LineTerminator, _ body: (LinePiece) -> Void) {
        carry.withUnsafeBufferPointer { emit($0, terminator, body) }
        carry.removeAll(keepingCapacity: true)
    }

    /// A line known to end here: in pieces if it is too long.
    private func emit(_ line: UnsafeBufferPointer<UInt8>, _ terminator: LineTerminator, _ body: (LinePiece) -> Void) {
        var start = 0
        while line.count - start > Self.maxLine {
            body(
                LinePiece(
                    content: UnsafeBufferPointer(rebasing: line[start..<(start + Self.maxLine)]), terminator: .none,
                    continues: true))
            start += Self.maxLine
        }
        body(LinePiece(content: UnsafeBufferPointer(rebasing: line[start...]), terminator: terminator, continues: false))
    }

    /// While the unfinished line is longer than a piece, hands out pieces.
    private mutating func emitFullPieces(_ body: (LinePiece) -> Void) {
        guard carry.count > Self.maxLine else { return }
        let full = (carry.count - 1) / Self.maxLine * Self.maxLine
        carry.withUnsafeBufferPointer { buf in
            var start = 0
            while start < full {
                body(
                    LinePiece(
                        content: UnsafeBufferPointer(rebasing: buf[start..<(start + Self.maxLine)]), terminator: .none,
                        continues: true))
                start += Self.maxLine
            }
        }
        carry.removeFirst(full)
    }
}

extension LineSplitter {
    /// Splits a buffer held in memory (one chunk, no copies).
    static func lines(of bytes: ArraySlice<UInt8>, _ body: (LinePiece) -> Void) {
        bytes.withUnsafeBufferPointer { lines(of: $0, body) }
    }

    /// Splits a buffer held in memory (one chunk, no copies).
    static func lines(of bytes: UnsafeBufferPointer<UInt8>, _ body: (LinePiece) -> Void) {
        var splitter = LineSplitter()
        splitter.feed(bytes, body)
        splitter.finish(body)
    }
}
