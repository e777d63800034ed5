// Header fields, RFC 5322 §2.2 (with §4 obsolete syntax tolerated).
//
// Deliberate divergences, all in the direction of reading what real mail
// contains: a first line "From " (an mbox separator) is skipped; a name may be
// followed by white space before the colon (RFC 5322 §4.5 obs-optional); a line
// that is neither a field nor a continuation ends the header block and starts
// the body (Postfix does the same) and is recorded as a defect.

/// One header field as it appeared in the message.
public struct HeaderField: Sendable {
    /// The field name as written (compare with `is(_:)`).
    public let name: String
    /// The whole field as it appeared, name through its last continuation
    /// line, without the final line ending.
    public let raw: ArraySlice<UInt8>
    /// The unfolded value: line breaks removed, surrounding white space trimmed.
    public var value: String {
        String(mailBytes: unfoldedValue)
    }

    /// Bytes after the colon, with line breaks removed and white space trimmed.
    public var unfoldedValue: [UInt8] {
        guard let colon = raw.firstIndex(of: ASCII.colon) else { return [] }
        let rest = raw[(colon + 1)...].filter { $0 != ASCII.cr && $0 != ASCII.lf }
        return Array(rest[rest.trimmed(rest.startIndex..<rest.endIndex)])
    }

    /// Whether this field has the given name (ASCII case-insensitive).
    public func `is`(_ other: String) -> Bool {
        name.utf8.count == other.utf8.count && name.utf8.elementsEqual(other.utf8) { ASCII.lower($0) == ASCII.lower($1) }
    }

    /// A field read from a header block: its name, and its raw bytes (name, colon, value, folds).
    public init(name: String, raw: ArraySlice<UInt8>) {
        self.name = name
        self.raw = raw
    }

    /// A new field from a name and a value already folded as it should appear.
    public init(name: String, value: String) {
        self.init(name: name, raw: ArraySlice(Array("\(name): \(value)".utf8)))
    }
}

/// A header block: the fields in order, and where the body starts.
public struct Header: Sendable {
    /// The fields in the order they came.
    public var fields: [HeaderField]

    /// A header of `fields`.
    public init(fields: [HeaderField] = []) { self.fields = fields }

    /// The first field with this name.
    public func first(_ name: String) -> HeaderField? { fields.first { $0.is(name) } }

    /// The unfolded value of the first field with this name.
    public subscript(_ name: String) -> String? { first(name)?.value }

    /// Every field with this name, in order.
    public func all(_ name: String) -> [HeaderField] { fields.filter { $0.is(name) } }
}

/// What the header parser found wrong, without giving up.
public enum HeaderDefect: Sendable, Hashable {
    /// A line that was neither a field nor a continuation ended the header.
    case malformedLine
    /// More fields or bytes than `Limits` allows; the rest became body.
    case tooLarge
}

/// The rules of a header block, one line at a time: shared by the parser of
/// messages in memory (`HeaderParser`) and the streaming one (`MIMEScanner`).
struct HeaderReader {
    enum Step: Equatable {
        /// An mbox "From " line before the first field: not part of any field.
        case skipped
        case field(name: String)
        case continuation
        /// The blank line: the body follows it.
        case end
        /// This line is not part of the header; the body starts with it.
        case bodyStartsHere(HeaderDefect)
    }

    let limits: Limits
    private var lines = 0, fields = 0, bytes = 0
    private var inField = false

    init(limits: Limits) { self.limits = limits }

    /// Reads one line: `content` without its line end, `inputLength` with it.
    mutating func step<C: RandomAccessCollection>(_ content: C, inputLength: Int) -> Step
    where C.Element == UInt8, C.Index == Int {
        defer {
            lines += 1
            bytes += inputLength
        }
        if lines == 0, content.hasPrefix("From ", in: content.startIndex..<content.endIndex, caseInsensitive: false) {
            return .skipped
        }
        guard let first = content.first else { return .end }
        if ASCII.isWhitespace(first), inField { return .continuation }
        guard let name = Self.fieldName(content) else { return .bodyStartsHere(.malformedLine) }
        if fields >= limits.maxHeaderFields || bytes > limits.maxHeaderBytes { return .bodyStartsHere(.tooLarge) }
        fields += 1
        inField = true
        return .field(name: name)
    }

    /// The field name of a line "Name: value", or nil if the line is not a field.
    private static func fieldName<C: RandomAccessCollection>(_ line: C) -> String?
    where C.Element == UInt8, C.Index == Int {
        guard let colon = line.firstIndex(of: ASCII.colon) else { return nil }
        let name = line.trimmed(line.startIndex..<colon)
        guard !name.isEmpty, name.lowerBound == line.startIndex else { return nil }
        for b in line[name] where b <= ASCII.space || b >= 0x7F { return nil }
        return String(decoding: line[name], as: UTF8.self)
    }
}

/// Splits a header block off the front of a buffer.
enum HeaderParser {
    struct Result {
        var header: Header
        /// Index of the first body byte (after the blank separator line).
        var bodyStart: Int
        var defects: Set<HeaderDefect>
    }

    static func parse(_ bytes: ArraySlice<UInt8>, limits: Limits = .standard) -> Result {
        var fields: [HeaderField] = []
        var reader = HeaderReader(limits: limits)
        var fieldStart: Int? = nil, fieldName = "", fieldEnd = bytes.startIndex
        func finish() {
            if let s = fieldStart { fields.append(HeaderField(name: fieldName, raw: bytes[s..<fieldEnd])) }
            fieldStart = nil
        }
        var pos = bytes.startIndex
        while let line = bytes.line(at: pos) {
            switch reader.step(bytes[line.content], inputLength: line.next - pos) {
            case .skipped: break
            case .continuation: fieldEnd = line.content.upperBound
            case .field(let name):
                finish()
                (fieldStart, fieldName, fieldEnd) = (line.content.lowerBound, name, line.content.upperBound)
            case .end:
                finish()
                return Result(header: Header(fields: fields), bodyStart: line.next, defects: [])
            case .bodyStartsHere(let defect):
                finish()
                return Result(header: Header(fields: fields), bodyStart: pos, defects: [defect])
            }
            pos = line.next
        }
        finish()
        return Result(header: Header(fields: fields), bodyStart: bytes.endIndex, defects: [])
    }
}
