// Lines out of a stream of chunks, for the streaming parsers (MIMEScanner).
//
// A line is handed out as soon as its end is seen (a CR that ends a chunk
// waits for the next byte: CR or CRLF); only the unfinished line
// at the end of a chunk is copied (into `carry`). A line longer than
// `maxLine` comes out in pieces of exactly `maxLine` bytes, the last piece
// carrying the line end, so that memory stays bounded whatever the input;
// the pieces are the same however the stream is cut into chunks.
import Glibc

/// The line end that ended a piece.
enum LineTerminator {
    /// None: the input's last line, or a piece that continues.
    case none
    case lf, cr, crlf
}

/// One line, or one piece of an over-long line.
struct LinePiece {
    /// The bytes without the line end; valid only during the call.
    var content: UnsafeBufferPointer<UInt8>
    /// Which line end followed (a writer that must keep the bytes needs it).
    var terminator: LineTerminator
    /// Whether the line goes on in the next piece.
    var continues: Bool

    /// Length of the line end that followed: 0, 1 (LF or CR) or 2 (CRLF).
    var terminatorLength: Int {
        switch terminator {
        case .none: return 0
        case .lf, .cr: return 1
        case .crlf: return 2
        }
    }

    var terminated: Bool { terminatorLength > 0 }
    var count: Int { content.count }
    /// Bytes this piece took in the input.
    var inputLength: Int { content.count + terminatorLength }
}

/// Splits a stream of chunks into lines ending in LF, CRLF or CR.
struct LineSplitter {
    /// The longest piece handed out: room for a header block's longest line.
    static let maxLine = Limits.standard.maxHeaderBytes + 1024

    private var carry: [UInt8] = []
    /// The previous chunk ended in CR: the line in `carry` ends in CRLF if
    /// the next chunk starts with LF, in CR if not. It waits for that byte,
    /// so that every piece's terminator is the same however the input is cut.
    private var pendingCR = false

    /// Hands every line completed by `chunk` to `body`.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (LinePiece) -> Void) {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return }
        var p = 0
        if pendingCR {
            pendingCR = false
            let crlf = base[0] == ASCII.lf
            carry.withUnsafeBufferPointer { emit($0, crlf ? .crlf : .cr, body) }
            carry.removeAll(keepingCapacity: true)
            if crlf { p = 1 }
        }
        while p < chunk.count {
            guard let end = Self.lineEnd(base, from: p, count: chunk.count) else {
                carry.append(contentsOf: UnsafeBufferPointer(start: base + p, count: chunk.count - p))
                emitFullPieces(body)
                return
            }
            var terminator = LineTerminator.lf
            if base[end] == ASCII.cr {
                guard end + 1 < chunk.count else {
                    carry.append(contentsOf: UnsafeBufferPointer(start: base + p, count: end - p))
                    emitFullPieces(body)
                    pendingCR = true
                    return
                }
                terminator = base[end + 1] == ASCII.lf ? .crlf : .cr
            }
            if carry.isEmpty {
                emit(UnsafeBufferPointer(start: base + p, count: end - p), terminator, body)
            } else {
                carry.append(contentsOf: UnsafeBufferPointer(start: base + p, count: end - p))
                emitFullPieces(body)
                carry.withUnsafeBufferPointer { emit($0, terminator, body) }
                carry.removeAll(keepingCapacity: true)
            }
            p = end + (terminator == .crlf ? 2 : 1)
        }
    }

    /// Hands out the last line: unterminated, or ended by a CR that closed
    /// the last chunk.
    mutating func finish(_ body: (LinePiece) -> Void) {
        guard !carry.isEmpty || pendingCR else { return }
        carry.withUnsafeBufferPointer { emit($0, pendingCR ? .cr : .none, body) }
        carry.removeAll()
        pendingCR = false
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

    /// Index of the first LF or CR at or after `from`: memchr for LF, then
    /// for a CR before it (both vectorised in libc).
    private static func lineEnd(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        let lf = memchr(base + from, Int32(ASCII.lf), count - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
        let limit = lf ?? count
        if let cr = memchr(base + from, Int32(ASCII.cr), limit - from) {
            return UnsafeRawPointer(cr) - UnsafeRawPointer(base)
        }
        return lf
    }
}

extension LineSplitter {
    /// Splits a buffer held in memory (one chunk, no copies).
    static func lines(of bytes: ArraySlice<UInt8>, _ body: (LinePiece) -> Void) {
        var splitter = LineSplitter()
        bytes.withUnsafeBufferPointer { splitter.feed($0, body) }
        splitter.finish(body)
    }
}
