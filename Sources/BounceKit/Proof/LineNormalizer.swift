// The line rule both canonical forms share: trailing spaces and tabs
// removed, empty lines at the end dropped, every line ended by LF; and the
// sinks the normalised bytes go to.

/// Step 3: lines without trailing white space, empty lines at the end
/// dropped. Written to SHA-256 through a 64 KiB buffer (one libgcrypt call
/// per line costs more than the hash itself).
struct LineNormalizer<Sink: HashSink> {
    private var sha: Sink
    private var buffer = ByteBuffer()
    /// White space since the last other byte of this line: trailing, unless
    /// more text follows.
    private var space: [UInt8] = []
    /// When `space` outgrows its buffer: the state as if it were not trailing.
    private var spaceWritten: Sink? = nil
    private var lineHasText = false
    private var emptyLines = 0
    private var afterCR = false

    init(sha: Sink) {
        self.sha = sha
    }

    /// Canonical bytes written so far: a prefix of the canonical form of any
    /// longer input that starts with what was fed (white space and empty
    /// lines are held back until text follows).
    var written: Int { sha.count + buffer.count }

    /// Bytes of one line, without line breaks.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        var last = bytes.count
        while last > 0, ASCII.isWhitespace(bytes[last - 1]) { last -= 1 }
        if last > 0 {
            if let s = spaceWritten {
                sha = s
                spaceWritten = nil
            } else if !lineHasText {
                for _ in 0..<emptyLines { buffer.append(ASCII.lf) }
            }
            emptyLines = 0
            if !space.isEmpty {
                space.withUnsafeBufferPointer { buffer.append($0) }
                space.removeAll(keepingCapacity: true)
            }
            write(UnsafeBufferPointer(rebasing: bytes[..<last]))
            lineHasText = true
        }
        if last < bytes.count {
            space += bytes[last...]
            if space.count > 1 << 16 { spillSpace() }
        }
    }

    mutating func lineBreak() {
        if lineHasText { buffer.append(ASCII.lf) } else { emptyLines += 1 }
        lineHasText = false
        if !space.isEmpty { space.removeAll(keepingCapacity: true) }
        spaceWritten = nil
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Lines that are canonical as they are (`LineRun.isPlainText`), taken
    /// as a block; false (nothing done) if they are not, or if white space
    /// or a line is held back.
    mutating func plainText(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !lineHasText, space.isEmpty, spaceWritten == nil, LineRun.isPlainText(run) else { return false }
        for _ in 0..<emptyLines { buffer.append(ASCII.lf) }
        emptyLines = 0
        write(run)
        if buffer.count >= 1 << 16 { flush() }
        return true
    }

    /// Decoded content, line breaks (LF, CRLF, CR) included.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b == ASCII.lf || b == ASCII.cr else { continue }
            if i > start { text(UnsafeBufferPointer(rebasing: bytes[start..<i])) }
            if !(b == ASCII.lf && afterCR && i == start) { lineBreak() }
            afterCR = b == ASCII.cr
            start = i + 1
        }
        if start < bytes.count {
            afterCR = false
            text(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// The hash state with every line in it.
    mutating func finish() -> Sink {
        if lineHasText { buffer.append(ASCII.lf) }
        flush()
        return sha
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if buffer.count + bytes.count > 1 << 16 { flush() }
        if bytes.count >= 1 << 16 { sha.update(UnsafeRawBufferPointer(bytes)) } else { buffer.append(bytes) }
    }

    private mutating func flush() {
        buffer.withBytes { sha.update(UnsafeRawBufferPointer($0)) }
        buffer.removeAll()
    }

    /// A pathological run of white space: hash it on a copy, kept in case
    /// text follows, instead of holding it all.
    private mutating func spillSpace() {
        flush()
        if spaceWritten == nil {
            let copy = sha.copy()
            if !lineHasText { Array(repeating: ASCII.lf, count: emptyLines).withUnsafeBytes { copy.update($0) } }
            spaceWritten = copy
        }
        if let w = spaceWritten { space.withUnsafeBytes { w.update($0) } }
        space.removeAll(keepingCapacity: true)
    }
}

/// Where canonical bytes go: SHA-256 itself, or a sink that also counts
/// them and keeps the state at checkpoints (`ContentSink`).
protocol HashSink: AnyObject {
    func update(_ buffer: UnsafeRawBufferPointer)
    /// An independent copy of the state so far.
    func copy() -> Self
    /// Bytes taken so far (SHA256 does not count: 0).
    var count: Int { get }
}

extension SHA256: HashSink {
    var count: Int { 0 }
}
