// A statement and its OpenPGP signature, and the one clearsigned text made
// of them (RFC 4880 §7). bouncesign takes them apart from what GnuPG wrote;
// bouncecheck puts them together itself before GnuPG sees anything, so the
// text GnuPG verifies is exactly the statement, with nothing around it.
//
// Canonical clearsigned text (what the clearsign part must hold, byte for
// byte up to line ends and trailing white space):
//
//   -----BEGIN PGP SIGNED MESSAGE-----
//   Hash: SHA512
//
//   <the statement, dash-escaped>
//   -----BEGIN PGP SIGNATURE-----
//
//   <base64 of the signature packet, 64 columns>
//   =<CRC-24 of the packet, base64>
//   -----END PGP SIGNATURE-----

/// A statement with its signature packet.
public struct SignedStatement: Sendable, Equatable {
    /// The statement text, LF line ends, ending in LF.
    public var text: [UInt8]
    /// One OpenPGP signature packet (RFC 4880 §5.2), as bytes.
    public var signature: [UInt8]

    /// A statement's text with its signature packet.
    public init(text: [UInt8], signature: [UInt8]) {
        self.text = text
        self.signature = signature
    }

    /// Why clearsigned text or a signature packet is unusable.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        /// The clearsigned text's armor is broken; the words say how.
        case armor(String)
        /// The signature packet is unusable; the words say how.
        case packet(String)

        /// The reason, as the verdict quotes it ("malformed proof: ...").
        public var description: String {
            switch self {
            case .armor(let why): return "clearsigned text \(why)"
            case .packet(let why): return "signature packet \(why)"
            }
        }
    }

    /// Takes apart clearsigned text (GnuPG's output, or a clearsign part).
    /// Armor headers other than Hash are dropped; the canonical form is
    /// what `clearsigned` renders.
    public init(clearsigned: [UInt8]) throws(ParseError) {
        let lines = Lines.normalized(clearsigned)
        var i = 0
        func take(_ text: String) -> Bool {
            guard i < lines.count, lines[i].elementsEqual(text.utf8) else { return false }
            i += 1
            return true
        }
        guard take(Armor.beginSigned) else { throw .armor("does not start with \(Armor.beginSigned)") }
        while i < lines.count, !lines[i].isEmpty { i += 1 }  // Hash: and other armor headers
        guard take("") else { throw .armor("has no blank line after its armor header") }
        var text: [UInt8] = []
        while i < lines.count, !lines[i].elementsEqual(Armor.beginSignature.utf8) {
            var l = lines[i]
            if l.starts(with: [ASCII.dash, ASCII.space]) { l = l.dropFirst(2) }
            text += l
            text.append(ASCII.lf)
            i += 1
        }
        guard take(Armor.beginSignature) else { throw .armor("has no signature block") }
        while i < lines.count, !lines[i].isEmpty { i += 1 }  // Comment:, Version:
        guard take("") else { throw .armor("has no blank line in its signature block") }
        var b64: [UInt8] = []
        while i < lines.count, lines[i].first != ASCII.equals, !lines[i].elementsEqual(Armor.endSignature.utf8) {
            b64 += lines[i]
            i += 1
        }
        if i < lines.count, lines[i].first == ASCII.equals { i += 1 }
        guard take(Armor.endSignature), i == lines.count else { throw .armor("has text after its signature block") }
        guard b64.allSatisfy({ Base64.isAlphabet($0) || $0 == ASCII.equals }) else { throw .armor("has a damaged signature") }
        let packet = Base64.decode(b64)
        try SignaturePacket.check(packet)
        self.init(text: text, signature: packet)
    }

    /// The canonical clearsigned text.
    public var clearsigned: [UInt8] {
        var out = Array("\(Armor.beginSigned)\nHash: \(SignaturePacket.hashName(signature) ?? "SHA512")\n\n".utf8)
        var pos = 0
        while let line = text.line(at: pos) {
            if text[line.content].first == ASCII.dash { out += [ASCII.dash, ASCII.space] }
            out += text[line.content]
            out.append(ASCII.lf)
            pos = line.next
        }
        out += Array("\(Armor.beginSignature)\n\n".utf8)
        out += Base64.encode(signature).chunked(64).joined(separator: [ASCII.lf])
        out += [ASCII.lf, ASCII.equals] + Base64.encode(Armor.crc24(signature)) + [ASCII.lf]
        out += Array("\(Armor.endSignature)\n".utf8)
        return out
    }
}

/// The armor lines of RFC 4880 §6.2 and §7.
enum Armor {
    static let beginSigned = "-----BEGIN PGP SIGNED MESSAGE-----"
    static let beginSignature = "-----BEGIN PGP SIGNATURE-----"
    static let endSignature = "-----END PGP SIGNATURE-----"

    /// CRC-24 of RFC 4880 §6.1, as three bytes.
    static func crc24(_ data: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xB7_04CE
        for b in data {
            crc ^= UInt32(b) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x100_0000 != 0 { crc ^= 0x186_4CFB }
            }
        }
        return [UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }
}

/// The shape of one OpenPGP v4 signature packet (RFC 4880 §5.2.3), checked
/// before GnuPG sees it: anything else in a proof (a marker, user ID,
/// one-pass or trust packet, two packets, trailing bytes) is malformed
/// input, never a reason to give no verdict.
enum SignaturePacket {
    /// Hash algorithm IDs (RFC 4880 §9.4) and their armor names.
    static let hashNames: [UInt8: String] = [8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224"]
    /// Public-key algorithms that sign: RSA, DSA, ECDSA, EdDSA.
    static let signingAlgorithms: Set<UInt8> = [1, 3, 17, 19, 22]

    static func check(_ p: [UInt8]) throws(SignedStatement.ParseError) {
        guard let (bodyStart, bodyLength) = header(p) else { throw .packet("is not a signature packet") }
        guard bodyStart + bodyLength == p.count else { throw .packet("is not exactly one packet") }
        let b = p[bodyStart...]
        var i = b.startIndex
        guard b.count >= 10, b[i] == 4 else { throw .packet("is not a version 4 signature") }
        guard b[i + 1] == 0x01 else { throw .packet("is not a signature over canonical text") }
        guard signingAlgorithms.contains(b[i + 2]) else { throw .packet("names an unknown public-key algorithm") }
        guard hashNames[b[i + 3]] != nil else { throw .packet("names an unsupported hash algorithm") }
        i += 4
        for _ in 0..<2 {  // hashed, then unhashed subpackets
            guard i + 2 <= b.endIndex else { throw .packet("is cut short") }
            i += 2 + (Int(b[i]) << 8 | Int(b[i + 1]))
        }
        guard i + 2 + 4 <= b.endIndex else { throw .packet("is cut short") }  // hash bits, then MPIs
    }

    /// Where the body starts and how long it is, for a packet with tag 2.
    private static func header(_ p: [UInt8]) -> (Int, Int)? {
        guard let first = p.first, first & 0x80 != 0 else { return nil }
        if first & 0x40 != 0 {  // new format
            guard first & 0x3F == 2, p.count >= 2 else { return nil }
            let l0 = Int(p[1])
            if l0 < 192 { return (2, l0) }
            if l0 < 224 { return p.count >= 3 ? (3, ((l0 - 192) << 8) + Int(p[2]) + 192) : nil }
            guard l0 == 255, p.count >= 6 else { return nil }
            return (6, p[2..<6].reduce(0) { $0 << 8 | Int($1) })
        }
        guard (first >> 2) & 0x0F == 2 else { return nil }
        switch first & 0x03 {
        case 0: return p.count >= 2 ? (2, Int(p[1])) : nil
        case 1: return p.count >= 3 ? (3, Int(p[1]) << 8 | Int(p[2])) : nil
        case 2: return p.count >= 5 ? (5, p[1..<5].reduce(0) { $0 << 8 | Int($1) }) : nil
        default: return nil
        }
    }

    /// The armor name of the packet's hash algorithm.
    static func hashName(_ p: [UInt8]) -> String? {
        guard let (start, _) = header(p), start + 3 < p.count else { return nil }
        return hashNames[p[start + 3]]
    }
}

extension Array {
    /// Consecutive slices of `size` elements (the last may be shorter).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Collection where Element == UInt8, Index == Int {
    /// `range` without the spaces and tabs at its end.
    func trimmedEnd(_ range: Range<Int>) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound, ASCII.isWhitespace(self[end - 1]) { end -= 1 }
        return range.lowerBound..<end
    }
}
