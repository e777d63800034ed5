// The Bounce-Signature header: the signed statement again, for bounces that
// return only the headers (Postfix above 50 kB, Exim above 100 kB, any DSN
// with RET=HDRS) or cut the body short.
//
// Version 2: the statement's lines as tags, then the signature packet.
//
//   Bounce-Signature: v=2; t=1764387660; n=5f0c2a9e41d3b7a8;
//    id=<20261129.5f0c2a9e41d3b7a8@mail.example.org>;
//    h=from:to:subject:date K1z8Qm0a9XkPq2Wv3Lr7Tg; l=1842 Zq4T8wq0Pz1Ab9Xc0f2Jk9;
//    b=iHUEARYKAB0WIQR67KWsDsW+TM9ZlY41qBBtm7j/nQUCaSqLzAAKCRA1qBBt...
//
// Tag=value list as in DKIM (RFC 6376 §3.2): tags separated by ';', folded
// only where the statement has a space (and anywhere in b=, whose white
// space is ignored). "name: value" line n of the statement is tag n;
// "bouncesign-statement: 2" is v=2. Version 1 carried the whole clearsigned
// text, base64, in b= (v=1; a=openpgp-clearsign). Nothing in it is trusted
// until GnuPG has verified the signature over the statement it spells.

/// Encodes and decodes the Bounce-Signature header.
public enum ProofHeader {
    /// The statement tags a version 2 header may carry, in order.
    static let statementTags = ["t", "n", "id", "h", "r", "s", "l", "g"]

    /// The folded header field carrying a signed statement.
    public static func field(_ signed: SignedStatement) -> HeaderField {
        var items: [String] = ["v=2"]
        var pos = 0
        while let line = signed.text.line(at: pos) {
            pos = line.next
            let l = String(decoding: signed.text[line.content], as: UTF8.self)
            guard !l.hasPrefix("bouncesign-statement:"), let colon = l.firstIndex(of: ":") else { continue }
            items.append(l[..<colon] + "=" + l[l.index(colon, offsetBy: 2)...])
        }
        var text = "\(ProofNames.header):"
        var column = text.count
        // Each word after a space; a line that would pass 78 columns is
        // folded at that space (white space that unfolds back to one space).
        func put(_ word: Substring) {
            if column + 1 + word.count > 78 {
                text += "\n"
                column = 0
            }
            text += " " + word
            column += 1 + word.count
        }
        for item in items { put(Substring(item + ";")) }
        var rest = Substring("b=" + String(decoding: Base64.encode(signed.signature), as: UTF8.self))
        var room = 77 - column < 20 ? 74 : 77 - column
        while !rest.isEmpty {
            put(rest.prefix(room))
            rest = rest.dropFirst(room)
            room = 76
        }
        return HeaderField(name: ProofNames.header, raw: ArraySlice(Array(text.utf8)))
    }

    /// Why a Bounce-Signature header is unusable.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        /// `v=` is not the first tag, or is neither 1 nor 2.
        case unsupportedVersion
        /// No usable `b=` (for version 2, the last tag).
        case noSignature
        /// A tag given twice, or not where the statement has it.
        case misplacedTag(String)
        /// A tag no statement has.
        case unknownTag(String)
        /// Version 1's `a=` is not openpgp-clearsign.
        case unsupportedAlgorithm
        /// The signature packet in `b=` is unusable.
        case signature(SignedStatement.ParseError)

        /// The reason, as the verdict quotes it ("malformed proof: ...").
        public var description: String {
            switch self {
            case .unsupportedVersion: return "\(ProofNames.header) header has an unsupported version"
            case .noSignature: return "\(ProofNames.header) header has no signature"
            case .misplacedTag(let t): return "\(ProofNames.header) header has tag \(t) out of place"
            case .unknownTag(let t): return "\(ProofNames.header) header has unknown tag \(t)"
            case .unsupportedAlgorithm: return "\(ProofNames.header) header names an unsupported algorithm"
            case .signature(let e): return "\(ProofNames.header) header: \(e.description)"
            }
        }
    }

    /// What a header carries: a version 2 statement with its signature, or
    /// version 1's clearsigned text.
    public enum Content: Equatable {
        case v2(SignedStatement)
        case v1(clearsigned: [UInt8])
    }

    /// Reads a Bounce-Signature field.
    public static func parse(_ field: HeaderField) throws(ParseError) -> Content {
        var tags: [(name: String, value: [UInt8])] = []
        for item in field.unfoldedValue.split(separator: ASCII.semicolon) {
            let trimmed = item[item.trimmed(item.startIndex..<item.endIndex)]
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: ASCII.equals) else { throw .unknownTag(String(mailBytes: trimmed)) }
            let name = String(mailBytes: trimmed[..<eq].filter { !ASCII.isWhitespace($0) })
            tags.append((name, Array(trimmed[(eq + 1)...])))
        }
        guard let v = tags.first, v.name == "v" else { throw .unsupportedVersion }
        switch String(mailBytes: v.value.filter { !ASCII.isWhitespace($0) }) {
        case "1": return try v1(tags)
        case "2": return try v2(tags)
        default: throw .unsupportedVersion
        }
    }

    private static func v2(_ tags: [(name: String, value: [UInt8])]) throws(ParseError) -> Content {
        guard let last = tags.last, last.name == "b", tags.count >= 3 else { throw .noSignature }
        var text = Array("bouncesign-statement: 2\n".utf8)
        var previous = -1
        for (name, value) in tags.dropFirst().dropLast() {
            guard let k = statementTags.firstIndex(of: name) else {
                throw name == "b" || name == "v" ? .misplacedTag(name) : .unknownTag(name)
            }
            // Tags in the statement's order; only l may repeat, then one g.
            guard k > previous || (k == previous && name == "l") else { throw .misplacedTag(name) }
            previous = k
            text += Array("\(name): ".utf8) + collapsed(value) + [ASCII.lf]
        }
        let b = last.value.filter { !ASCII.isWhitespace($0) }
        guard !b.isEmpty, b.allSatisfy({ Base64.isAlphabet($0) || $0 == ASCII.equals }) else { throw .noSignature }
        let packet = Base64.decode(b)
        do { try SignaturePacket.check(packet) } catch { throw .signature(error) }
        return .v2(SignedStatement(text: text, signature: packet))
    }

    private static func v1(_ tags: [(name: String, value: [UInt8])]) throws(ParseError) -> Content {
        var seen: [String: [UInt8]] = [:]
        for (name, value) in tags {
            guard seen[name] == nil else { throw .misplacedTag(name) }
            seen[name] = value.filter { !ASCII.isWhitespace($0) }
        }
        if let a = seen["a"], a != Array("openpgp-clearsign".utf8) { throw .unsupportedAlgorithm }
        guard let b = seen["b"], !b.isEmpty else { throw .noSignature }
        return .v1(clearsigned: Base64.decode(b))
    }

    /// A value with its white-space runs made one space, trimmed.
    private static func collapsed(_ value: [UInt8]) -> [UInt8] {
        value.split(whereSeparator: ASCII.isWhitespace).map(Array.init).joined(separator: [ASCII.space]).map { $0 }
    }
}
