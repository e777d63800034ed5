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
        name.utf8.count == other.utf8.count && name.asciiLowercased == other.asciiLowercased
    }

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
    public var fields: [HeaderField]

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
        var defects = Set<HeaderDefect>()
        var pos = bytes.startIndex
        if let first = bytes.line(at: pos), bytes.hasPrefix("From ", in: first.content, caseInsensitive: false) {
            pos = first.next
        }
        var fieldStart: Int? = nil, fieldName = "", fieldEnd = pos
        func finish() {
            if let s = fieldStart { fields.append(HeaderField(name: fieldName, raw: bytes[s..<fieldEnd])) }
            fieldStart = nil
        }
        while let line = bytes.line(at: pos) {
            if line.content.isEmpty {
                finish()
                return Result(header: Header(fields: fields), bodyStart: line.next, defects: defects)
            }
            if ASCII.isWhitespace(bytes[line.content.lowerBound]), fieldStart != nil {
                fieldEnd = line.content.upperBound
                pos = line.next
                continue
            }
            guard let name = parseFieldName(bytes, line.content) else {
                finish()
                defects.insert(.malformedLine)
                return Result(header: Header(fields: fields), bodyStart: pos, defects: defects)
            }
            finish()
            if fields.count >= limits.maxHeaderFields || pos - bytes.startIndex > limits.maxHeaderBytes {
                defects.insert(.tooLarge)
                return Result(header: Header(fields: fields), bodyStart: pos, defects: defects)
            }
            fieldStart = line.content.lowerBound
            fieldName = name
            fieldEnd = line.content.upperBound
            pos = line.next
        }
        finish()
        return Result(header: Header(fields: fields), bodyStart: bytes.endIndex, defects: defects)
    }

    /// The field name of a line "Name: value", or nil if the line is not a field.
    private static func parseFieldName(_ bytes: ArraySlice<UInt8>, _ line: Range<Int>) -> String? {
        guard let colon = bytes[line].firstIndex(of: ASCII.colon) else { return nil }
        let name = bytes.trimmed(line.lowerBound..<colon)
        guard !name.isEmpty, name.lowerBound == line.lowerBound else { return nil }
        for b in bytes[name] where b <= ASCII.space || b >= 0x7F { return nil }
        return String(decoding: bytes[name], as: UTF8.self)
    }
}
