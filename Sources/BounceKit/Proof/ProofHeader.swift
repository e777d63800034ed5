// The Bounce-Signature header: the clearsigned statement again, for bounces
// that return only the headers (Postfix above 50 kB, Exim above 100 kB, any
// DSN with RET=HDRS) or cut the body short.
//
//   Bounce-Signature: v=1; a=openpgp-clearsign;
//    b=LS0tLS1CRUdJTiBQR1AgU0lHTkVEIE1FU1NBR0UtLS0tLQpIYXNoOiBTSEE1MTIKCmJvdW5j
//    ZXNpZ24tc3RhdGVtZW50OiAxCnRpbWVzdGFtcDogMTc2NDM4NzY2MAo...
//
// Tag=value list as in DKIM (RFC 6376 §3.2): tags separated by ';', white
// space anywhere ignored, b= is base64 of the whole clearsigned text. Folded
// at 78 columns. Nothing in it is trusted until GnuPG has verified b=.

/// Encodes and decodes the Bounce-Signature header.
public enum ProofHeader {
    /// The folded header field carrying `clearsigned`.
    public static func field(clearsigned: [UInt8]) -> HeaderField {
        var text = "\(ProofNames.header): v=1; a=openpgp-clearsign;\n b="
        var column = 3
        for c in Base64.encode(clearsigned) {
            if column == 76 { text += "\n "; column = 1 }
            text.unicodeScalars.append(Unicode.Scalar(c))
            column += 1
        }
        return HeaderField(name: ProofNames.header, raw: ArraySlice(Array(text.utf8)))
    }

    /// Why a Bounce-Signature header is unusable.
    public enum ParseError: Error, Equatable {
        case unsupportedVersion
        case noSignature
        /// A tag given twice invalidates the list (RFC 6376 §3.2).
        case duplicateTag
        case unsupportedAlgorithm
    }

    /// The clearsigned text in a header field's value.
    public static func clearsigned(from field: HeaderField) throws(ParseError) -> [UInt8] {
        var tags: [String: [UInt8]] = [:]
        for item in field.unfoldedValue.split(separator: ASCII.semicolon) {
            guard let eq = item.firstIndex(of: ASCII.equals) else { continue }
            let name = String(mailBytes: item[..<eq].filter { !ASCII.isWhitespace($0) })
            guard tags[name] == nil else { throw .duplicateTag }
            tags[name] = item[(eq + 1)...].filter { !ASCII.isWhitespace($0) && $0 != ASCII.cr && $0 != ASCII.lf }
        }
        guard tags["v"] == Array("1".utf8) else { throw .unsupportedVersion }
        if let a = tags["a"], a != Array("openpgp-clearsign".utf8) { throw .unsupportedAlgorithm }
        guard let b = tags["b"], !b.isEmpty else { throw .noSignature }
        return Base64.decode(b)
    }
}
