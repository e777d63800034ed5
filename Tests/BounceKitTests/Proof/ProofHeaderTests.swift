// The Bounce-Signature header, version 2 (ProofHeader.swift): what
// bouncesign writes reads back to the same signed statement however relays
// fold it, and every misplaced, unknown or damaged tag is its own error.
import Testing

@testable import BounceKit

@Suite("Proof header v2")
struct ProofHeaderTests {
    static let d = String(repeating: "A", count: 22)

    static let statements: [(String, String)] = [
        ("minimal", "bouncesign-statement: 2\nt: 1800000000\nn: 00\nid: <a@b>\nl: 1 \(d)\n"),
        (
            "every tag, long enough to fold",
            "bouncesign-statement: 2\nt: 1800000000\nn: 5f0c2a9e41d3b7a8\nid: <20261129.5f0c2a9e41d3b7a8@mail.example.org>\n"
                + "h: from:to:subject:date \(d)\nr: 0\ns: \(d)\nl: 20000 \(d) \(d) \(d)\nl: 0 \(d)\ng: 5 \(d)\n"
        ),
    ]

    static func field(_ raw: String) -> HeaderField {
        HeaderField(name: ProofNames.header, raw: ArraySlice(Array(raw.utf8)))
    }

    @Test("field then parse gives back the same signed statement, folded at 78 columns")
    func roundTrip() throws {
        for (name, text) in Self.statements {
            let signed = SignedStatement(text: Array(text.utf8), signature: TestKey.packet)
            let f = ProofHeader.field(signed)
            let got = try ProofHeader.parse(f)
            #expect(got == .v2(signed), "\(name): got \(got), want the statement back")
            let long = f.raw.split(separator: ASCII.lf).filter { $0.count > 78 }
            #expect(long.isEmpty, "\(name): \(long.count) lines over 78 columns")
        }
    }

    @Test("it still parses after re-folding at every space with CRLF and tab, and after unfolding it all")
    func refolding() throws {
        for (name, text) in Self.statements {
            let signed = SignedStatement(text: Array(text.utf8), signature: TestKey.packet)
            let rendered = String(decoding: ProofHeader.field(signed).raw, as: UTF8.self)
            let unfolded = rendered.replacingOccurrences("\n", "")
            let refolded = unfolded.replacingOccurrences(" ", "\r\n\t")
            for (how, raw) in [("unfolded", unfolded), ("re-folded at every space", refolded)] {
                let got = try ProofHeader.parse(Self.field(raw))
                #expect(got == .v2(signed), "\(name), \(how): got \(got), want the statement back")
            }
        }
    }

    static let b = "b=" + TestKey.packetBase64
    static let good = "Bounce-Signature: v=2; t=1800000000; n=00; id=<a@b>; l=1 \(d); \(b)"

    static let errors: [(String, String, ProofHeader.ParseError)] = [
        ("an unknown tag", good.replacingOccurrences("n=00;", "n=00; x=1;"), .unknownTag("x")),
        ("an item without =", good.replacingOccurrences("n=00;", "n=00; junk;"), .unknownTag("junk")),
        ("t after n", good.replacingOccurrences("t=1800000000; n=00;", "n=00; t=1800000000;"), .misplacedTag("t")),
        ("t twice", good.replacingOccurrences("n=00;", "t=1800000000; n=00;"), .misplacedTag("t")),
        ("l after g", good.replacingOccurrences("l=1 \(d);", "g=1 \(d); l=1 \(d);"), .misplacedTag("l")),
        ("v again", good.replacingOccurrences("n=00;", "n=00; v=2;"), .misplacedTag("v")),
        ("b= not last", good.replacingOccurrences("l=1 \(d); \(b)", "\(b); l=1 \(d)"), .noSignature),
        ("b= twice", good.replacingOccurrences("l=1 \(d);", "\(b); l=1 \(d);"), .misplacedTag("b")),
        ("no b=", good.replacingOccurrences("; \(b)", ""), .noSignature),
        ("an empty b=", good.replacingOccurrences(b, "b="), .noSignature),
        ("garbage in b=", good.replacingOccurrences(b, "b=not*base64!"), .noSignature),
        ("a marker packet in b=", good.replacingOccurrences(b, "b=qANQR1A="), .signature(.packet("is not a signature packet"))),
        ("no version", good.replacingOccurrences("v=2; ", ""), .unsupportedVersion),
        ("version 3", good.replacingOccurrences("v=2", "v=3"), .unsupportedVersion),
        ("only v and b", "Bounce-Signature: v=2; \(b)", .noSignature),
        ("v not first", good.replacingOccurrences("v=2; t=1800000000;", "t=1800000000; v=2;"), .unsupportedVersion),
        ("an empty field", "Bounce-Signature:", .unsupportedVersion),
        ("a tag with no name", good.replacingOccurrences("n=00;", "n=00; =1;"), .unknownTag("")),
        ("s before h", good.replacingOccurrences("n=00;", "n=00; s=\(d); h=from \(d);"), .misplacedTag("h")),
        ("g twice", good.replacingOccurrences("l=1 \(d);", "g=1 \(d); g=1 \(d);"), .misplacedTag("g")),
        (
            "two packets in b=",
            good.replacingOccurrences(b, "b=" + String(decoding: Base64.encode(TestKey.packet + TestKey.packet), as: UTF8.self)),
            .signature(.packet("is not exactly one packet"))
        ),
        // Version 1 (still read for max-age after an upgrade).
        ("v1: b twice", "Bounce-Signature: v=1; b=\(v1b); b=\(v1b)", .misplacedTag("b")),
        ("v1: a twice", "Bounce-Signature: v=1; a=openpgp-clearsign; a=openpgp-clearsign; b=\(v1b)", .misplacedTag("a")),
        ("v1: no b", "Bounce-Signature: v=1; a=openpgp-clearsign", .noSignature),
        ("v1: an empty b", "Bounce-Signature: v=1; a=openpgp-clearsign; b=", .noSignature),
        ("v1: another algorithm", "Bounce-Signature: v=1; a=rsa-sha256; b=\(v1b)", .unsupportedAlgorithm),
    ]

    /// A version 1 b= value: base64 of some clearsigned text.
    static let v1b = String(decoding: Base64.encode(Array("-----BEGIN PGP SIGNED MESSAGE-----\n".utf8)), as: UTF8.self)

    /// The case's name. No default: a new case does not compile until named.
    static func caseName(_ e: ProofHeader.ParseError) -> String {
        switch e {
        case .unsupportedVersion: return "unsupportedVersion"
        case .noSignature: return "noSignature"
        case .misplacedTag: return "misplacedTag"
        case .unknownTag: return "unknownTag"
        case .unsupportedAlgorithm: return "unsupportedAlgorithm"
        case .signature: return "signature"
        }
    }

    @Test("the rows reach every ParseError case, and the header they alter parses")
    func everyCaseReached() throws {
        let reached = Set(Self.errors.map { Self.caseName($0.2) })
        let every: Set = ["unsupportedVersion", "noSignature", "misplacedTag", "unknownTag", "unsupportedAlgorithm", "signature"]
        #expect(reached == every, "rows reach \(reached.sorted()), want \(every.sorted())")
        _ = try ProofHeader.parse(Self.field(Self.good))
    }

    @Test("each error's words name the Bounce-Signature header, and the tag where there is one")
    func errorWords() {
        for (name, _, error) in Self.errors {
            let text = error.description
            #expect(text.hasPrefix("\(ProofNames.header) header"), "\(name): \"\(text)\" does not name the header")
            if case .misplacedTag(let t) = error {
                #expect(text.contains("tag \(t) "), "\(name): \"\(text)\" does not name \(t)")
            }
            if case .unknownTag(let t) = error { #expect(text.contains("tag \(t)"), "\(name): \"\(text)\" does not name \(t)") }
            if case .signature(let e) = error {
                #expect(text.hasSuffix(e.description), "\(name): \"\(text)\" does not say what is wrong with the signature")
            }
            #expect(!text.contains("ParseError") && !text.contains("(\""), "\(name): \"\(text)\" reads as code")
        }
    }

    @Test("each malformed header is its own ParseError")
    func errors() {
        for (name, raw, want) in Self.errors {
            do {
                let got = try ProofHeader.parse(Self.field(raw))
                Issue.record("\(name): got \(got), want \(want)")
            } catch {
                #expect(error == want, "\(name): got \(error), want \(want)")
            }
        }
    }

    @Test("a version 1 header still parses, to its clearsigned text")
    func version1() throws {
        let clearsigned = Array("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nbouncesign-statement: 1\n".utf8)
        let encoded = String(decoding: Base64.encode(clearsigned), as: UTF8.self)
        let folded = String(encoded.prefix(30)) + "\n " + String(encoded.dropFirst(30))
        let cases: [(String, String, ProofHeader.Content)] = [
            ("with a=", "Bounce-Signature: v=1; a=openpgp-clearsign; b=\(folded)", .v1(clearsigned: clearsigned)),
            ("without a=", "Bounce-Signature: v=1; b=\(encoded)", .v1(clearsigned: clearsigned)),
        ]
        for (name, raw, want) in cases {
            let got = try ProofHeader.parse(Self.field(raw))
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
        #expect(throws: ProofHeader.ParseError.unsupportedAlgorithm) {
            try ProofHeader.parse(Self.field("Bounce-Signature: v=1; a=rsa; b=\(encoded)"))
        }
    }
}
