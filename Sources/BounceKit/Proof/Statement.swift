// The statement bouncesign signs: what message, when, sent to whom, with
// what content. Version 2 (bouncesign(1) "Canonical form"):
//
//   bouncesign-statement: 2
//   t: 1764387660
//   n: 5f0c2a9e41d3b7a8
//   id: <20261129.5f0c2a9e41d3b7a8@mail.example.org>
//   h: from:to:subject:date K1z8Qm0a9XkPq2Wv3Lr7Tg
//   r: 0
//   s: 9XkPq2Wv3Lr7TgK1z8Qm0a
//   l: 1842 Zq4T8wq0Pz1Ab9Xc0f2Jk9
//   l: 204811 0f2Jk93nLmP0a1B2c3D4e5 Ab9Xc0f2Jk90f2Jk93nLmP ...
//
// ASCII, one "name: value" per line, LF line ends, in this order; `h`, `r`,
// `s` and `l` may be absent, `l` repeats (one per leaf, `g` for the leaves past the
// 31st together). Digests are the first 128 bits of SHA-256, base64 without
// padding. Version 1 (timestamp, nonce, message-id, canonicalization,
// body-hash, spelled out) is still read, so that mail signed before an
// upgrade verifies for max-age; bouncesign writes version 2 only.

/// One leaf of the content as the statement records it (`CanonicalContent`).
public struct LeafRecord: Sendable, Equatable {
    /// Canonical content bytes.
    public var length: Int
    /// Digest of the leaf's descriptor and whole canonical content.
    public var digest: [UInt8]
    /// Digests of the descriptor and the first `CanonicalContent.checkpoint(k)`
    /// bytes, for each checkpoint below `length`: a return cut short is
    /// verified up to the last checkpoint it holds.
    public var checkpoints: [[UInt8]]
    /// Whether this record stands for every leaf from here on (`g`), matched
    /// only as a whole.
    public var isGroup: Bool

    init(length: Int, digest: [UInt8], checkpoints: [[UInt8]] = [], isGroup: Bool = false) {
        self.length = length
        self.digest = digest
        self.checkpoints = checkpoints
        self.isGroup = isGroup
    }
}

/// Header fields bound by the statement (`h`): their names, in order, and
/// one digest of their canonical values.
public struct HeaderBinding: Sendable, Equatable {
    /// The bound fields' names, lower case, in the order hashed.
    public var names: [String]
    /// The digest of their canonical values (Proof/HeaderBinding+Fields.swift).
    public var digest: [UInt8]
}

/// The signed facts about one outgoing message.
public struct Statement: Sendable, Equatable {
    /// The version bouncesign writes.
    public static let currentVersion = 2

    /// The statement's version: 2, or 1 for mail signed before an upgrade.
    public var version: Int
    /// Unix time of signing.
    public var timestamp: Int
    /// Random hex, so that two statements are never the same.
    public var nonce: String
    /// The message's Message-ID, angle brackets included, no white space.
    public var messageID: String
    /// v2: From, To, Cc, Subject and Date as signed.
    public var headers: HeaderBinding?
    /// v2: how many envelope recipients were not in To or Cc (Bcc), when
    /// bouncesign knew the envelope; nil when it did not (filter mode).
    public var hiddenRecipients: Int?
    /// v2: digest of the multiparts' preambles and epilogues; nil when all
    /// are empty.
    public var shape: [UInt8]?
    /// v2: the content leaves in document order.
    public var leaves: [LeafRecord]
    /// v1: the canonicalization's name.
    public var legacyCanonicalization: String?
    /// v1: SHA-256 of the whole canonical content (body-hash).
    public var legacyBodyHash: [UInt8]?

    /// A version 2 statement.
    public init(
        timestamp: Int, nonce: String, messageID: String, headers: HeaderBinding?, hiddenRecipients: Int?,
        shape: [UInt8]?, leaves: [LeafRecord]
    ) {
        version = 2
        self.timestamp = timestamp
        self.nonce = nonce
        self.messageID = messageID
        self.headers = headers
        self.hiddenRecipients = hiddenRecipients
        self.shape = shape
        self.leaves = leaves
    }

    /// The text that is signed, shown in the statement part and carried in
    /// the Bounce-Signature header (version 2 only).
    public var text: String {
        var lines = ["bouncesign-statement: 2", "t: \(timestamp)", "n: \(nonce)", "id: \(messageID)"]
        if let h = headers { lines.append("h: \(h.names.joined(separator: ":")) \(Digest.text(h.digest))") }
        if let r = hiddenRecipients { lines.append("r: \(r)") }
        if let s = shape { lines.append("s: \(Digest.text(s))") }
        for leaf in leaves {
            let tag = leaf.isGroup ? "g" : "l"
            lines.append(
                ([tag + ":", String(leaf.length), Digest.text(leaf.digest)] + leaf.checkpoints.map(Digest.text)).joined(
                    separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why a text is not a statement we can use.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missing(String)
        case duplicate(String)
        case unsupportedVersion(String)
        case malformed(String)

        /// The reason, as the verdict quotes it ("invalid statement: ...").
        public var description: String {
            switch self {
            case .missing(let f): return "statement has no \(f)"
            case .duplicate(let f): return "statement names \(f) twice"
            case .unsupportedVersion(let v): return "statement version \(v) is not supported"
            case .malformed(let f): return "statement field \(f) is malformed"
            }
        }
    }

    /// Parses a statement (the plaintext GnuPG verified).
    public init(parsing text: [UInt8]) throws(ParseError) {
        var fields: [(name: String, value: String)] = []
        var pos = 0
        while let line = text.line(at: pos) {
            pos = line.next
            guard let colon = text[line.content].firstIndex(of: ASCII.colon) else {
                if text.trimmed(line.content).isEmpty { continue }
                throw .malformed("line")
            }
            let name = String(mailBytes: text[line.content.lowerBound..<colon]).asciiLowercased
            fields.append((name, String(mailBytes: text[text.trimmed((colon + 1)..<line.content.upperBound)])))
        }
        let version = fields.first { $0.name == "bouncesign-statement" }?.value ?? ""
        switch version {
        case "1": try self.init(v1: fields)
        case "2": try self.init(v2: fields)
        case "": throw .missing("bouncesign-statement")
        default: throw .unsupportedVersion(version)
        }
    }

    private init(v2 fields: [(name: String, value: String)]) throws(ParseError) {
        var single: [String: String] = [:]
        var leaves: [LeafRecord] = []
        for (name, value) in fields {
            if name == "l" || name == "g" {
                guard leaves.last?.isGroup != true else { throw .malformed("g") }
                leaves.append(try Self.leaf(value, isGroup: name == "g"))
                continue
            }
            guard single[name] == nil else { throw .duplicate(name) }
            single[name] = value
        }
        func field(_ name: String) throws(ParseError) -> String {
            guard let v = single[name], !v.isEmpty else { throw .missing(name) }
            return v
        }
        let timestamp = try Self.number(try field("t"), "t")
        var headers: HeaderBinding? = nil
        if let h = single["h"] {
            let parts = h.split(separator: " ")
            guard parts.count == 2, let d = Digest.parse(String(parts[1])) else { throw .malformed("h") }
            headers = HeaderBinding(names: parts[0].split(separator: ":").map(String.init), digest: d)
        }
        let hidden = try single["r"].map { (v) throws(ParseError) in try Self.number(v, "r") }
        var shape: [UInt8]? = nil
        if let s = single["s"] {
            guard let d = Digest.parse(s) else { throw .malformed("s") }
            shape = d
        }
        // No l line: a message with no content at all (an empty multipart).
        self.init(
            timestamp: timestamp, nonce: try field("n"), messageID: try field("id"), headers: headers,
            hiddenRecipients: hidden, shape: shape, leaves: leaves)
    }

    private init(v1 fields: [(name: String, value: String)]) throws(ParseError) {
        var single: [String: String] = [:]
        for (name, value) in fields {
            guard single[name] == nil else { throw .duplicate(name) }
            single[name] = value
        }
        func field(_ name: String) throws(ParseError) -> String {
            guard let v = single[name], !v.isEmpty else { throw .missing(name) }
            return v
        }
        let hash = try field("body-hash")
        guard hash.hasPrefix("sha256:"), let digest = Hex.decode(String(hash.dropFirst(7))), digest.count == 32
        else { throw .malformed("body-hash") }
        self.init(
            timestamp: try Self.number(try field("timestamp"), "timestamp"), nonce: try field("nonce"),
            messageID: try field("message-id"), headers: nil, hiddenRecipients: nil, shape: nil, leaves: [])
        version = 1
        legacyCanonicalization = try field("canonicalization")
        legacyBodyHash = digest
    }

    /// Unsigned decimal, at most 12 digits: nothing that could overflow.
    private static func number(_ text: String, _ name: String) throws(ParseError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text)
        else { throw .malformed(name) }
        return n
    }

    private static func leaf(_ value: String, isGroup: Bool) throws(ParseError) -> LeafRecord {
        let parts = value.split(separator: " ").map(String.init)
        let name = isGroup ? "g" : "l"
        guard parts.count >= 2, parts.count <= 2 + CanonicalContent.maxCheckpoints else { throw .malformed(name) }
        let length = try number(parts[0], name)
        var digests: [[UInt8]] = []
        for p in parts.dropFirst() {
            guard let d = Digest.parse(p) else { throw .malformed(name) }
            digests.append(d)
        }
        let checkpoints = Array(digests.dropFirst())
        // A group (the leaves past maxListedLeaves) has one digest and no
        // checkpoints, however long: LeafCollector writes it so.
        let wanted = isGroup ? 0 : CanonicalContent.checkpointCount(length: length)
        guard checkpoints.count == wanted else { throw .malformed(name) }
        return LeafRecord(length: length, digest: digests[0], checkpoints: checkpoints, isGroup: isGroup)
    }
}

/// The short digests of statements: SHA-256 cut to 128 bits, base64
/// without padding (22 characters).
enum Digest {
    static let byteCount = 16

    static func short(_ sha256: [UInt8]) -> [UInt8] { Array(sha256.prefix(byteCount)) }

    static func text(_ digest: [UInt8]) -> String {
        String(decoding: Base64.encode(digest).filter { $0 != ASCII.equals }, as: UTF8.self)
    }

    static func parse(_ text: String) -> [UInt8]? {
        let b = Array(text.utf8)
        guard b.count == 22, b.allSatisfy(Base64.isAlphabet) else { return nil }
        let d = Base64.decode(b + [ASCII.equals, ASCII.equals])
        return d.count == byteCount ? d : nil
    }
}

/// Lower-case hexadecimal.
enum Hex {
    static func decode(_ s: String) -> [UInt8]? {
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
    /// The Message-ID without the folding white space around it, or nil when
    /// it is not one "<...>" of printable ASCII with no white space inside
    /// (relays re-fold only where white space is; a msg-id has none).
    public static func normalize(_ value: String) -> String? {
        let b = Array(value.utf8)
        let kept = b[b.trimmed(0..<b.count)].filter { $0 != ASCII.cr && $0 != ASCII.lf }
        guard kept.count >= 3, kept.count <= 998, kept.first == 0x3C, kept.last == 0x3E,
            kept.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != ASCII.semicolon }),
            kept.dropFirst().dropLast().allSatisfy({ $0 != 0x3C && $0 != 0x3E })
        else { return nil }
        return String(decoding: kept, as: UTF8.self)
    }
}
