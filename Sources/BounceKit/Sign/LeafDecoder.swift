// What bouncesign's second reading re-encodes a leaf from: its content with
// the transfer encoding undone (line ends as LF, as `BodyDecoder` gives
// them), or its bytes exactly as they are, line ends included, for data
// whose CR and CRLF are content (see SignSurvey.leafNeeds).

/// The content of a leaf being re-encoded, line by line.
enum LeafDecoder {
    case decoded(BodyDecoder)
    case exact(ExactBytes)

    mutating func line(_ piece: LinePiece, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch self {
        // Moved out and back, so that the state is never shared (and copied).
        case .decoded(var d):
            self = .exact(ExactBytes())
            d.line(piece, emit)
            self = .decoded(d)
        case .exact(var d):
            self = .decoded(BodyDecoder(.sevenBit))
            d.line(piece, emit)
            self = .exact(d)
        }
    }

    mutating func finish(cutByDelimiter: Bool, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch self {
        case .decoded(var d):
            d.finish(cutByDelimiter: cutByDelimiter, emit)
            self = .decoded(d)
        case .exact(var d):
            d.finish(cutByDelimiter: cutByDelimiter, emit)
            self = .exact(d)
        }
    }
}

/// A leaf's bytes as they are. Each line end waits for the next line: the
/// one before a delimiter line belongs to the delimiter (RFC 2046 §5.1.1)
/// and is not content, which only `finish` knows.
struct ExactBytes {
    private var pending = LineTerminator.none

    private static let lf: [UInt8] = [ASCII.lf]
    private static let cr: [UInt8] = [ASCII.cr]
    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]

    mutating func line(_ piece: LinePiece, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        Self.write(pending, emit)
        emit(piece.content)
        pending = piece.terminator
    }

    mutating func finish(cutByDelimiter: Bool, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        if !cutByDelimiter { Self.write(pending, emit) }
        pending = .none
    }

    private static func write(_ t: LineTerminator, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch t {
        case .none: break
        case .lf: lf.withUnsafeBufferPointer(emit)
        case .cr: cr.withUnsafeBufferPointer(emit)
        case .crlf: crlf.withUnsafeBufferPointer(emit)
        }
    }
}
