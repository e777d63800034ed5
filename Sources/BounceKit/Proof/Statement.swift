// The statement bouncesign signs: what message, when, and what content.
//
//   bouncesign-statement: 1
//   timestamp: 1764387660
//   nonce: 5f0c2a9e41d3b7a88e21c09d7f6b3a10
//   message-id: <20261129.5f0c@mail.example.org>
//   canonicalization: mime-leaves/1
//   body-hash: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// ASCII, one "name: value" per line, LF line ends. Readers ignore names they
// do not know; a name given twice makes the statement invalid.

/// The signed facts about one outgoing message.
public struct Statement: Sendable, Equatable {
    public static let version = 1

    /// Unix time of signing.
    public var timestamp: Int
    /// Random hex, so that two statements are never the same.
    public var nonce: String
    /// The message's Message-ID, angle brackets included, no white space.
    public var messageID: String
    public var canonicalization: String
    /// SHA-256 of the canonical content (`CanonicalBody`).
    public var bodyHash: [UInt8]

    public init(timestamp: Int, nonce: String, messageID: String, canonicalization: String, bodyHash: [UInt8]) {
        self.timestamp = timestamp
        self.nonce = nonce
        self.messageID = messageID
        self.canonicalization = canonicalization
        self.bodyHash = bodyHash
    }

    /// The text that is signed and shown in the MAC part.
    public var text: String {
        """
        bouncesign-statement: \(Statement.version)
        timestamp: \(timestamp)
        nonce: \(nonce)
        message-id: \(messageID)
        canonicalization: \(canonicalization)
        body-hash: sha256:\(bodyHash.hex)

        """
    }

    /// Why a text is not a statement we can use.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case duplicate(String)
        case unsupportedVersion(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .missing(let f): return "statement has no \(f)"
            case .duplicate(let f): return "statement names \(f) twice"
            case .unsupportedVersion(let v): return "statement version \(v) is not supported"
            case .malformed(let f): return "statement field \(f) is malformed"
            }
        }
    }

    /// Parses a statement (normally the plaintext GnuPG verified).
    public init(parsing text: [UInt8]) throws(ParseError) {
        var fields: [String: String] = [:]
        var pos = 0
        while let line = text.line(at: pos) {
            pos = line.next
            guard let colon = text[line.content].firstIndex(of: ASCII.colon) else { continue }
            let name = String(mailBytes: text[line.content.lowerBound..<colon]).asciiLowercased
            let value = String(mailBytes: text[text.trimmed((colon + 1)..<line.content.upperBound)])
            guard fields[name] == nil else { throw .duplicate(name) }
            fields[name] = value
        }
        func field(_ name: String) throws(ParseError) -> String {
            guard let v = fields[name], !v.isEmpty else { throw .missing(name) }
            return v
        }
        let version = try field("bouncesign-statement")
        guard version == String(Statement.version) else { throw .unsupportedVersion(version) }
        // Unix seconds, at most 12 digits: no sign, nothing that could overflow.
        let tsText = try field("timestamp")
        guard tsText.utf8.count <= 12, tsText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ts = Int(tsText)
        else { throw .malformed("timestamp") }
        let hash = try field("body-hash")
        guard hash.hasPrefix("sha256:"), let digest = Statement.unhex(String(hash.dropFirst(7))), digest.count == 32
        else { throw .malformed("body-hash") }
        self.init(
            timestamp: ts, nonce: try field("nonce"), messageID: try field("message-id"),
            canonicalization: try field("canonicalization"), bodyHash: digest)
    }

    private static func unhex(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        for i in stride(from: 0, to: b.count, by: 2) {
            guard let h = v(b[i]), let l = v(b[i + 1]) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }
}

/// Message-IDs compared as the statement records them.
public enum MessageID {
    /// The Message-ID with all white space removed (relays re-fold it), or nil
    /// when it holds anything but printable ASCII.
    public static func normalize(_ value: String) -> String? {
        let kept = value.utf8.filter { !ASCII.isWhitespace($0) && $0 != ASCII.cr && $0 != ASCII.lf }
        guard !kept.isEmpty, kept.count <= 998, kept.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }
}
