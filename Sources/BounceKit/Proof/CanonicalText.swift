// One body's canonical text, shared by both canonical forms (mime-leaves/1
// step 2-3 in CanonicalBody.swift, mime-leaves/2 step 3 in
// CanonicalContent.swift): the transfer encoding undone (BodyDecoder), the
// lines normalised (LineNormalizer), into a hash sink.

/// Steps 2-3 for one body: the transfer encoding undone, the lines
/// normalised, into a sink.
struct CanonicalText<Sink: HashSink> {
    private var decoder: BodyDecoder
    private var lines: LineNormalizer<Sink>
    private let identity: Bool

    init(_ encoding: TransferEncoding, into sink: Sink) {
        decoder = BodyDecoder(encoding)
        identity = decoder.isIdentity
        lines = LineNormalizer(sha: sink)
    }

    /// Canonical bytes surely written so far (`LineNormalizer.written`).
    var written: Int { lines.written }

    mutating func line(_ piece: LinePiece) {
        if identity {
            // The content is already split into lines: no second search.
            lines.text(piece.content)
            if piece.terminated { lines.lineBreak() }
        } else {
            decoder.line(piece) { lines.feed($0) }
        }
    }

    /// Whole lines at once (a `LineRun`): as a block if they are already
    /// canonical, else line by line.
    mutating func run(_ run: UnsafeBufferPointer<UInt8>) {
        if identity, lines.plainText(run) { return }
        LineSplitter.lines(of: run) { line($0) }
    }

    /// The sink with the whole body in it.
    mutating func finish(cutByDelimiter: Bool) -> Sink {
        if !identity { decoder.finish(cutByDelimiter: cutByDelimiter) { lines.feed($0) } }
        return lines.finish()
    }
}
