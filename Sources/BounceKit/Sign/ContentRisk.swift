// Why bouncesign will not sign a message: signing it would change what a
// reader sees (DESIGN.md: "bouncesign never changes the decoded bytes of any
// part or any header field a reader sees; when it cannot keep that promise
// it exits 75"). One table: each case, and the words an administrator reads
// in the log.
//
// What the MIME defects mean for signing, case by case (MIMEDefect,
// HeaderDefect):
// - header(.tooLarge): refused. The header block stops at the limit and the
//   fields after it would be written out as body text (a To: or Subject:
//   moved into the first part).
// - header(.malformedLine): signed. A line that is neither a field nor a
//   continuation starts the body; Postfix's cleanup(8) reads it the same way
//   and inserts the blank line, so every reader after the MTA sees this
//   reading, and bouncesign keeps the body's bytes from that line on.
// - missingBoundary, tooComplex: signed while the entity read as one opaque
//   leaf is copied (its bytes stay as they are); refused when it would have
//   to be re-encoded, since a multipart cannot take base64 (RFC 2045 §6.4)
//   and a reader without our limits sees parts inside it.
// - missingClosingDelimiter: signed. Each part keeps its content, up to the
//   end of the message; bouncesign writes the closing delimiter.

/// What signing a message would change.
public enum ContentRisk: Sendable, Equatable, CustomStringConvertible {
    /// A header line longer than the scanner reads (1 MiB): it and every
    /// field after it would become body text.
    case headerLineTooLong
    /// A header block with more bytes or fields than `Limits` allows.
    case headerTooLarge
    /// A part of a signed or encrypted multipart, or an attached message,
    /// has line ends that copying would change (a bare CR; CRLF in 8bit or
    /// binary data): copied untouched is the rule there, so it cannot be
    /// re-encoded either.
    case protectedLineEnds
    /// A multipart read as one opaque part (no usable boundary, or beyond
    /// the nesting and part limits) holds lines that must be re-encoded.
    case opaqueMultipart
    /// A part that must be re-encoded has a transfer encoding bouncesign
    /// cannot undo (e.g. x-uuencode).
    case unknownEncoding(String)
    /// A quoted-printable part that must be re-encoded encodes a CR or LF
    /// as data (=0D, =0A), which decoding cannot tell from a line break.
    case quotedPrintableLineEnd

    /// The risk in an administrator's words, for the log line and standard error.
    public var description: String {
        switch self {
        case .headerLineTooLong: return "the message header has a line over 1 MiB"
        case .headerTooLarge: return "the message header is over 1 MiB or 2000 fields"
        case .protectedLineEnds:
            return "a signed, encrypted or attached message part has a bare CR or binary line ends that copying would change"
        case .opaqueMultipart:
            return "a multipart without a usable boundary or beyond the nesting limit has lines that need re-encoding"
        case .unknownEncoding(let name):
            return "a part that needs re-encoding has an unknown Content-Transfer-Encoding \"\(name)\""
        case .quotedPrintableLineEnd: return "a quoted-printable part that needs re-encoding has an encoded CR or LF (=0D, =0A)"
        }
    }

    /// The risk a scanner's defects carry on their own, if any.
    static func of(_ defects: Set<MIMEDefect>, longHeaderLine: Bool) -> ContentRisk? {
        guard defects.contains(.header(.tooLarge)) else { return nil }
        return longHeaderLine ? .headerLineTooLong : .headerTooLarge
    }
}
