// Undoing a part's Content-Transfer-Encoding as its lines stream past
// (RFC 2045 §6): base64 and quoted-printable decoded, anything else passed
// through with its line breaks made LF.

/// Undoes a Content-Transfer-Encoding line by line; the line break after
/// the last line waits for `finish`, which drops it when a delimiter owns it.
struct BodyDecoder {
    private enum Kind {
        case identity
        case base64(Base64Decoder)
        case quotedPrintable(QPDecoder)
    }
    private var kind: Kind
    private var pendingLF = false

    init(_ encoding: TransferEncoding) {
        switch encoding {
        case .base64: kind = .base64(Base64Decoder())
        case .quotedPrintable: kind = .quotedPrintable(QPDecoder())
        default: kind = .identity
        }
    }

    var isIdentity: Bool {
        if case .identity = kind { return true }
        return false
    }

    mutating func line(_ piece: LinePiece, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch kind {
        case .identity:
            if pendingLF { emit(ASCII.lfBuffer) }
            emit(piece.content)
            pendingLF = piece.terminated
        // Each decoder is moved out and back, so that its buffer is never
        // shared (and copied) while it works.
        case .base64(var d):
            kind = .identity
            d.decode(piece.content, emit)
            kind = .base64(d)
        case .quotedPrintable(var d):
            kind = .identity
            d.line(piece, emit)
            kind = .quotedPrintable(d)
        }
    }

    /// Whole lines ending in LF, none with a CR (a `LineRun`), as `line`
    /// would give them one by one; false (nothing done) unless there is no
    /// encoding to undo.
    mutating func lfLines(_ run: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard case .identity = kind, run.count > 0 else { return false }
        if pendingLF { emit(ASCII.lfBuffer) }
        emit(UnsafeBufferPointer(rebasing: run[..<(run.count - 1)]))
        pendingLF = true
        return true
    }

    mutating func finish(cutByDelimiter: Bool, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch kind {
        case .identity:
            if pendingLF && !cutByDelimiter { emit(ASCII.lfBuffer) }
        case .base64(var d):
            kind = .identity
            d.finish(emit)
            kind = .base64(d)
        case .quotedPrintable(var d):
            kind = .identity
            d.finish(cutByDelimiter: cutByDelimiter, emit)
            kind = .quotedPrintable(d)
        }
        pendingLF = false
    }
}
