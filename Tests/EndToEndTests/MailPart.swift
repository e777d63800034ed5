// The tests' own reading of a message: a small MIME splitter (RFC 5322
// header fields, RFC 2046 §5.1 delimiters), independent of BounceKit's
// scanner, so that a test can find and cut the parts of the well-formed
// messages bouncesign writes and say what a mail reader would show.
// Deliberately simple: it is not for hostile input, and accepts LF and CRLF
// line ends only.
import BounceKit
import Foundation

/// One entity of a message, with byte ranges into the message it came from.
final class MailPart {
    /// The whole entity, header and body.
    let raw: ArraySlice<UInt8>
    let header: Header
    /// The body, without the line end that belongs to the next delimiter.
    let body: ArraySlice<UInt8>
    let contentType: ContentType
    /// A multipart's parts.
    let parts: [MailPart]
    /// A message/rfc822 part's message.
    let encapsulated: MailPart?

    static func parse(_ bytes: [UInt8]) -> MailPart { MailPart(bytes[...], depth: 0) }

    private init(_ raw: ArraySlice<UInt8>, depth: Int) {
        self.raw = raw
        var fields: [HeaderField] = []
        var pos = raw.startIndex
        var bodyStart = raw.endIndex
        while pos < raw.endIndex {
            let (content, next) = Self.line(raw, at: pos)
            if content.isEmpty {
                bodyStart = next
                break
            }
            if raw[pos] == 0x20 || raw[pos] == 0x09, let last = fields.last {
                fields[fields.count - 1] = HeaderField(name: last.name, raw: raw[last.raw.startIndex..<content.upperBound])
            } else if let colon = raw[content].firstIndex(of: 0x3A) {
                let name = String(decoding: raw[pos..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                fields.append(HeaderField(name: name, raw: raw[content]))
            } else {
                bodyStart = pos
                break
            }
            pos = next
        }
        header = Header(fields: fields)
        body = raw[bodyStart...]
        contentType = header["Content-Type"].flatMap(ContentType.init) ?? .textPlain
        if contentType.isMultipart, let boundary = contentType.parameters["boundary"], depth < 50 {
            parts = Self.split(body, boundary: boundary).map { MailPart($0, depth: depth + 1) }
        } else {
            parts = []
        }
        if contentType.type == "message", contentType.subtype == "rfc822" || contentType.subtype == "global", depth < 50 {
            encapsulated = MailPart(body, depth: depth + 1)
        } else {
            encapsulated = nil
        }
    }

    /// Line content (no line end) and where the next line starts.
    static func line(_ b: ArraySlice<UInt8>, at pos: Int) -> (Range<Int>, Int) {
        guard let lf = b[pos...].firstIndex(of: 0x0A) else { return (pos..<b.endIndex, b.endIndex) }
        let end = lf > pos && b[lf - 1] == 0x0D ? lf - 1 : lf
        return (pos..<end, lf + 1)
    }

    /// The parts between delimiter lines; each part ends before the line end
    /// that precedes its delimiter (RFC 2046 §5.1.1).
    private static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array("--\(boundary)".utf8)
        var out: [ArraySlice<UInt8>] = []
        var partStart: Int? = nil
        var pos = body.startIndex
        while pos < body.endIndex {
            let (content, next) = line(body, at: pos)
            var text = body[content]
            while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
            let isClose = text.elementsEqual(delimiter + [0x2D, 0x2D])
            if text.elementsEqual(delimiter) || isClose {
                if let s = partStart {
                    var end = pos
                    if end > s, body[end - 1] == 0x0A { end -= 1 }
                    if end > s, body[end - 1] == 0x0D { end -= 1 }
                    out.append(body[s..<max(s, end)])
                }
                if isClose { return out }
                partStart = next
            }
            pos = next
        }
        if let s = partStart { out.append(body[s...]) }
        return out
    }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch TransferEncoding(header["Content-Transfer-Encoding"]) {
        case .base64: return Base64.decode(body.filter { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 })
        case .quotedPrintable: return QuotedPrintable.decode(body)
        default: return Array(body)
        }
    }

    /// This entity and every one inside it, in document order.
    var allEntities: [MailPart] {
        [self] + parts.flatMap(\.allEntities) + (encapsulated?.allEntities ?? [])
    }

    /// The first direct part of this media type.
    func part(_ mediaType: String) -> MailPart? { parts.first { $0.contentType.mediaType == mediaType } }
}
