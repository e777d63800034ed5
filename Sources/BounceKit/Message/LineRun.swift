// Runs of whole lines, handed on at once instead of line by line.
//
// Inside a leaf's body most lines are ordinary text or base64, and the
// reader has nothing to decide about them: only a line that starts with
// "--" can be a delimiter of an enclosing multipart. So MIMEScanner hands a
// visitor that asks for them (`MIMEScanVisitor.takesRuns`) the stretch of
// whole lines up to the next such line as one buffer, found with memchr
// instead of a call per line; a visitor with nothing special to do with the
// lines takes the run as a block (a message/rfc822 part streaming to its own
// scanner, a text leaf streaming to the hash), and any other splits it with
// `LineSplitter.lines`, which hands out exactly the pieces the scanner would
// have. A run never holds a line longer than `Limits.maxLine` (it is at most
// that long), and it always ends just after a line end that is known whole
// (an LF, or a CR with something other than LF after it), so how a line ends
// never depends on where the input was cut. The block paths take only runs
// without CR; the rest split them.
import Glibc

/// Finding runs, and what a run holds.
enum LineRun {
    /// False: every line goes one by one, as before runs existed. Only the
    /// fuzz target's differential oracle turns runs off, to hold both
    /// readings to the same verdict.
    nonisolated(unsafe) static var enabled = true

    /// The end of the run that starts at `start` (a line start) in `chunk`:
    /// just after the last whole line end before `limit` and before any line
    /// that starts with "--" (when `delimitersPossible`); nil when there is
    /// no such run.
    /// `searched` is set to where the search stopped: no run starts before
    /// it that this one did not find, so a caller that got nil steps over
    /// the lines up to it before searching again (without that, text
    /// without LF, lines ending in a bare CR, was searched to the end once
    /// per line: quadratic). `examined` grows by the bytes looked at.
    static func end(
        in chunk: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int, delimitersPossible: Bool,
        searched: inout Int, examined: inout Int
    ) -> Int? {
        searched = start
        guard let base = chunk.baseAddress, start < limit else { return nil }
        let stop = delimitersPossible ? firstDashLine(base, from: start, to: limit) : limit
        searched = stop
        // The last line end before stop: an LF, or a CR that is surely not
        // the first half of a CRLF (not the chunk's last byte, no LF after it).
        var last = stop - 1
        while last >= start {
            let b = base[last]
            if b == ASCII.lf { break }
            if b == ASCII.cr, last + 1 < chunk.count, base[last + 1] != ASCII.lf { break }
            last -= 1
        }
        examined += (stop - start) + (stop - 1 - last)
        return last >= start ? last + 1 : nil
    }

    /// `end`, for callers that search once.
    static func end(in chunk: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int, delimitersPossible: Bool) -> Int? {
        var searched = 0, examined = 0
        return end(
            in: chunk, from: start, limit: limit, delimitersPossible: delimitersPossible, searched: &searched,
            examined: &examined)
    }

    /// The first line start in `start..<end` whose line begins with "--"
    /// (or with "-" at the very end), or `end`.
    private static func firstDashLine(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var at = start
        while at < end, let hit = memchr(base + at, Int32(ASCII.dash), end - at) {
            let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            let lineStart = i == start || base[i - 1] == ASCII.lf || base[i - 1] == ASCII.cr
            if lineStart && (i + 1 == end || base[i + 1] == ASCII.dash) { return i }
            at = i + 1
        }
        return end
    }

    /// Whether `run` holds a CR.
    static func hasCR(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress else { return false }
        return memchr(base, Int32(ASCII.cr), run.count) != nil
    }

    /// Whether the run's lines are already canonical text: LF line ends, no
    /// CR, no empty line, no space or tab before a line end. (A run ends in
    /// LF.) One pass, 16 bytes at a time.
    static func isPlainText(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress, run.count > 0, run[0] != ASCII.lf else { return run.isEmpty }
        let raw = UnsafeRawPointer(base)
        let lf = SIMD16<UInt8>(repeating: ASCII.lf), cr = SIMD16<UInt8>(repeating: ASCII.cr)
        let space = SIMD16<UInt8>(repeating: ASCII.space), tab = SIMD16<UInt8>(repeating: ASCII.tab)
        var i = 1
        while i + 16 <= run.count {
            let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let before = raw.loadUnaligned(fromByteOffset: i - 1, as: SIMD16<UInt8>.self)
            let bad = (v .== cr) .| ((v .== lf) .& ((before .== lf) .| (before .== space) .| (before .== tab)))
            if any(bad) { return false }
            i += 16
        }
        while i < run.count {
            let b = run[i], before = run[i - 1]
            if b == ASCII.cr || (b == ASCII.lf && (before == ASCII.lf || ASCII.isWhitespace(before))) { return false }
            i += 1
        }
        return run[0] != ASCII.cr
    }
}
