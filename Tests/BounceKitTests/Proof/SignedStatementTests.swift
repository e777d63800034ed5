// Clearsigned text taken apart and put together again (SignedStatement),
// and the shape a signature packet must have before GnuPG sees it
// (SignaturePacket, RFC 4880 §4.2, §5.2.3, §6.1).
import Testing

@testable import BounceKit

@Suite("Signed statement")
struct SignedStatementTests {
    static let statement = "bouncesign-statement: 2\nt: 1800000000\nn: 00\nid: <a@b>\nl: 1 AAAAAAAAAAAAAAAAAAAAAA\n"

    /// What GnuPG writes with --comment and --emit-version: armor headers
    /// that the canonical form leaves out.
    static let gnupg = """
        -----BEGIN PGP SIGNED MESSAGE-----
        Hash: SHA256

        \(statement)-----BEGIN PGP SIGNATURE-----
        Version: GnuPG v2
        Comment: made for a test

        iHUEARYIAB0WIQTiVwxWVqpMk3ch16p5SJqt8zM+xgUCaxCEfwAKCRB5SJqt8zM+
        xnSZAPkBqBCuzq2rVHKbQ0W64kZA8Zq90tO4liHi+nJ8s71nAwEA3z6cODCRywxu
        3gorhxcbMgCzVVDd4uOJ3bXq4BbERQA=
        =7mjZ
        -----END PGP SIGNATURE-----

        """

    /// The canonical form of the same: GnuPG's output without its comments.
    static let canonical = gnupg.replacingOccurrences("Version: GnuPG v2\nComment: made for a test\n", "")

    @Test("GnuPG's clearsigned text parses to the statement and the packet; the canonical form drops Comment and Version")
    func parsesGnuPGOutput() throws {
        for (name, bytes) in lineEndings(Self.gnupg) {
            let s = try SignedStatement(clearsigned: bytes)
            #expect(s.text == Array(Self.statement.utf8), "\(name): got \(String(decoding: s.text, as: UTF8.self))")
            #expect(s.signature == TestKey.packet, "\(name): packet differs")
            let got = String(decoding: s.clearsigned, as: UTF8.self)
            #expect(got == Self.canonical, "\(name): got \(got), want \(Self.canonical)")
        }
    }

    @Test("dash-escaped lines are unescaped, and escaped again in the canonical form (RFC 4880 §7.1)")
    func dashEscaping() throws {
        let text = Array("bouncesign-statement: 2\n-- a dash line\n".utf8)
        let s = SignedStatement(text: text, signature: TestKey.packet)
        let clearsigned = s.clearsigned
        #expect(clearsigned.firstIndex(of: Array("\n- -- a dash line\n".utf8), from: 0) != nil)
        let back = try SignedStatement(clearsigned: clearsigned)
        #expect(back == s, "got \(String(decoding: back.text, as: UTF8.self))")
    }

    static let armorErrors: [(String, String, SignedStatement.ParseError)] = [
        ("text before the armor", "hello\n" + gnupg, .armor("does not start with -----BEGIN PGP SIGNED MESSAGE-----")),
        ("text after END", gnupg + "P.S. also this\n", .armor("has text after its signature block")),
        (
            "two signature blocks",
            gnupg + gnupg.replacingOccurrences("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n\(statement)", ""),
            .armor("has text after its signature block")
        ),
        (
            "no blank line in the signature block", gnupg.replacingOccurrences("made for a test\n\n", "made for a test\n"),
            .armor("has no blank line in its signature block")
        ),
        (
            "no signature block", String(gnupg.prefix(upTo: gnupg.range(of: "-----BEGIN PGP SIGNATURE-----")!.lowerBound)),
            .armor("has no signature block")
        ),
        (
            "no END line", gnupg.replacingOccurrences("-----END PGP SIGNATURE-----\n", ""),
            .armor("has text after its signature block")
        ),
        ("a damaged signature", gnupg.replacingOccurrences("3gorhxcb", "3gor*xcb"), .armor("has a damaged signature")),
        (
            "the armor header and nothing after it", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n",
            .armor("has no blank line after its armor header")
        ),
        ("empty", "", .armor("does not start with -----BEGIN PGP SIGNED MESSAGE-----")),
        (
            "a signature block holding a marker packet",
            gnupg.replacingOccurrences(
                "iHUEARYIAB0WIQTiVwxWVqpMk3ch16p5SJqt8zM+xgUCaxCEfwAKCRB5SJqt8zM+\nxnSZAPkBqBCuzq2rVHKbQ0W64kZA8Zq90tO4liHi+nJ8s71nAwEA3z6cODCRywxu\n3gorhxcbMgCzVVDd4uOJ3bXq4BbERQA=\n=7mjZ",
                "qANQR1A="),
            .packet("is not a signature packet")
        ),
    ]

    @Test("clearsigned text with anything but one statement and one signature block is an armor error")
    func armorErrors() {
        for (name, text, want) in Self.armorErrors {
            do {
                let got = try SignedStatement(clearsigned: Array(text.utf8))
                Issue.record("\(name): got \(got), want \(want)")
            } catch {
                #expect(error == want, "\(name): got \(error), want \(want)")
            }
        }
    }

    @Test("a missing blank line after the armor header is an armor error")
    func missingBlankLineAfterHash() {
        // The armor-header loop runs on to the signature block's blank line,
        // so the error names the signature block; what matters is that it is
        // refused as malformed input.
        let text = Self.gnupg.replacingOccurrences("Hash: SHA256\n\n", "Hash: SHA256\n")
        #expect(throws: SignedStatement.ParseError.self) { try SignedStatement(clearsigned: Array(text.utf8)) }
    }

    // MARK: packets

    /// The real packet, old format: tag 2, one length byte.
    static let packet = TestKey.packet
    static let body = Array(packet.dropFirst(2))

    static func newFormat(tag: UInt8, _ body: [UInt8]) -> [UInt8] { [0xC0 | tag, UInt8(body.count)] + body }

    static let packetCases: [(String, [UInt8], SignedStatement.ParseError?)] = [
        ("the real packet", packet, nil),
        ("the same in new format", newFormat(tag: 2, body), nil),
        ("a marker packet (tag 10)", [0xA8, 0x03] + Array("PGP".utf8), .packet("is not a signature packet")),
        ("a marker packet, new format", newFormat(tag: 10, Array("PGP".utf8)), .packet("is not a signature packet")),
        ("a user ID packet (tag 13)", [0xB4, 0x05] + Array("x <y>".utf8), .packet("is not a signature packet")),
        (
            "a one-pass signature packet (tag 4)", [0x90, 0x0D, 3, 1, 8, 22] + [UInt8](repeating: 0, count: 8) + [1],
            .packet("is not a signature packet")
        ),
        ("a trust packet (tag 12)", [0xB0, 0x02, 0, 0], .packet("is not a signature packet")),
        ("two signature packets", packet + packet, .packet("is not exactly one packet")),
        ("trailing bytes", packet + [0], .packet("is not exactly one packet")),
        ("cut short", Array(packet.dropLast()), .packet("is not exactly one packet")),
        ("no packet header bit", [0x08] + Array(packet.dropFirst()), .packet("is not a signature packet")),
        ("empty", [], .packet("is not a signature packet")),
        ("a version 3 signature", [packet[0], packet[1], 3] + Array(body.dropFirst()), .packet("is not a version 4 signature")),
        (
            "a binary signature (type 0x00)", [packet[0], packet[1], 4, 0x00] + Array(body.dropFirst(2)),
            .packet("is not a signature over canonical text")
        ),
        (
            "a key signature (type 0x10)", [packet[0], packet[1], 4, 0x10] + Array(body.dropFirst(2)),
            .packet("is not a signature over canonical text")
        ),
        (
            "an unknown public-key algorithm", [packet[0], packet[1], 4, 1, 99] + Array(body.dropFirst(3)),
            .packet("names an unknown public-key algorithm")
        ),
        ("MD5", [packet[0], packet[1], 4, 1, 22, 1] + Array(body.dropFirst(4)), .packet("names an unsupported hash algorithm")),
        (
            "subpacket lengths past the end", newFormat(tag: 2, [4, 1, 22, 8, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0]),
            .packet("is cut short")
        ),
        (
            "no hash bits or MPIs after the subpackets", newFormat(tag: 2, [4, 1, 22, 8, 0, 0, 0, 0, 0, 0]),
            .packet("is cut short")
        ),
        ("fewer than ten body bytes", newFormat(tag: 2, [4, 1, 22, 8, 0, 0, 0, 0]), .packet("is not a version 4 signature")),
        // Every length form of RFC 4880 §4.2: the real packet's body under each.
        ("old format, two-octet length", [0x89, 0, UInt8(body.count)] + body, nil),
        ("old format, four-octet length", [0x8A, 0, 0, 0, UInt8(body.count)] + body, nil),
        ("old format, indeterminate length", [0x8B] + body, .packet("is not a signature packet")),
        ("old format, two-octet length cut", [0x89, 0], .packet("is not a signature packet")),
        ("new format, five-octet length", [0xC2, 0xFF, 0, 0, 0, UInt8(body.count)] + body, nil),
        ("new format, partial body length", [0xC2, 0xE0] + body, .packet("is not a signature packet")),
        ("new format, two-octet length cut", [0xC2, 0xC0], .packet("is not a signature packet")),
        ("new format, two-octet length longer than the packet", [0xC2, 0xC0, 0] + body, .packet("is not exactly one packet")),
    ]

    /// Every reason an armor or packet error gives (SignedStatement.swift).
    static let everyArmorReason: Set = [
        "does not start with -----BEGIN PGP SIGNED MESSAGE-----", "has no blank line after its armor header",
        "has no signature block", "has no blank line in its signature block", "has text after its signature block",
        "has a damaged signature",
    ]
    static let everyPacketReason: Set = [
        "is not a signature packet", "is not exactly one packet", "is not a version 4 signature",
        "is not a signature over canonical text", "names an unknown public-key algorithm", "names an unsupported hash algorithm",
        "is cut short",
    ]

    /// The case's name and reason. No default: a new case does not compile until named.
    static func caseName(_ e: SignedStatement.ParseError) -> (String, String) {
        switch e {
        case .armor(let why): return ("armor", why)
        case .packet(let why): return ("packet", why)
        }
    }

    @Test("the rows reach every ParseError case with every reason it gives")
    func everyReasonReached() {
        let errors = Self.armorErrors.map(\.2) + Self.packetCases.compactMap(\.2)
        let armor = Set(errors.map(Self.caseName).filter { $0.0 == "armor" }.map(\.1))
        let packet = Set(errors.map(Self.caseName).filter { $0.0 == "packet" }.map(\.1))
        #expect(armor == Self.everyArmorReason, "armor reasons reached: \(armor.sorted())")
        #expect(packet == Self.everyPacketReason, "packet reasons reached: \(packet.sorted())")
    }

    @Test("each error's words say what is wrong with what, for an administrator")
    func errorWords() {
        let errors = Self.armorErrors.map { ($0.0, $0.2) } + Self.packetCases.compactMap { row in row.2.map { (row.0, $0) } }
        for (name, error) in errors {
            let text = error.description
            let (kind, why) = Self.caseName(error)
            let subject = kind == "armor" ? "clearsigned text " : "signature packet "
            #expect(text == subject + why, "\(name): \"\(text)\", want \"\(subject + why)\"")
            #expect(!why.isEmpty && why.first?.isLowercase == true, "\(name): reason \"\(why)\"")
        }
    }

    @Test("anything but one v4 text signature packet is refused before GnuPG sees it")
    func packets() {
        for (name, bytes, want) in Self.packetCases {
            do {
                try SignaturePacket.check(bytes)
                #expect(want == nil, "\(name): got accepted, want \(want.map { "\($0)" } ?? "")")
            } catch {
                #expect(error == want, "\(name): got \(error), want \(want.map { "\($0)" } ?? "accepted")")
            }
        }
    }

    @Test("a packet that is refused makes the clearsigned text a packet error")
    func refusedPacketInArmor() {
        let v3 = [Self.packet[0], Self.packet[1], 3] + Array(Self.body.dropFirst())
        let text = SignedStatement(text: Array(Self.statement.utf8), signature: v3).clearsigned
        #expect(throws: SignedStatement.ParseError.packet("is not a version 4 signature")) {
            try SignedStatement(clearsigned: text)
        }
    }

    @Test("the armor names the packet's hash algorithm")
    func hashName() {
        let sha512 = [Self.packet[0], Self.packet[1], 4, 1, 22, 10] + Array(Self.body.dropFirst(4))
        let cases: [(String, [UInt8], String?)] = [
            ("SHA256", Self.packet, "SHA256"), ("SHA512", sha512, "SHA512"), ("garbage", [1, 2], nil),
        ]
        for (name, p, want) in cases {
            let got = SignaturePacket.hashName(p)
            #expect(got == want, "\(name): got \(got ?? "nil"), want \(want ?? "nil")")
        }
    }

    @Test("CRC-24 of known vectors (RFC 4880 §6.1)")
    func crc24() {
        let cases: [(String, [UInt8], [UInt8])] = [
            ("empty: the initial value", [], [0xB7, 0x04, 0xCE]),
            ("123456789: the CRC-24/OpenPGP check value", Array("123456789".utf8), [0x21, 0xCF, 0x02]),
            ("the real packet: GnuPG's =7mjZ", TestKey.packet, Base64.decode(Array(TestKey.packetCRC.utf8))),
        ]
        for (name, input, want) in cases {
            let got = Armor.crc24(input)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
    }
}
