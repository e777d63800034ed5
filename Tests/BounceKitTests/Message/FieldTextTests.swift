// How header and settings text becomes Strings: mail bytes (UTF-8, else
// Latin-1), white space as mail defines it, media type parameters, and a
// settings line's name and value.
import Testing

@testable import BounceKit

@Suite("Field text")
struct FieldTextTests {
    @Test("mail bytes read as ASCII, as UTF-8 where valid, and as Latin-1 where not, never losing a byte")
    func mailBytesDecoding() {
        #expect(String(mailBytes: Array("Subject line".utf8)) == "Subject line")
        #expect(String(mailBytes: Array("Grüße".utf8)) == "Grüße")
        let latin1: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65]  // "Grüße" in Latin-1: not UTF-8
        #expect(String(mailBytes: latin1) == "Grüße")
        #expect(String(mailBytes: latin1).unicodeScalars.count == latin1.count)
        #expect(String(mailBytes: [UInt8]()) == "")
    }

    @Test("white space is mail's: space, tab and line ends are trimmed, a no-break space is text")
    func asciiWhiteSpace() {
        #expect(" \t value \r\n".trimmingWhitespace == "value")
        #expect("a b".trimmingWhitespace == "a b")
        #expect(" \t\r\n".trimmingWhitespace == "")
        #expect("\u{00A0}value\u{00A0}".trimmingWhitespace == "\u{00A0}value\u{00A0}")
    }

    @Test("parameters keep their order, names fold to lower case, and the first of two same names wins")
    func mediaParameters() throws {
        let type = try #require(ContentType(#"multipart/mixed; Boundary="first"; charset=us-ascii; boundary=second"#))
        #expect(type.mediaType == "multipart/mixed")
        #expect(type.parameters["boundary"] == "first")
        #expect(type.parameters["charset"] == "us-ascii")
        #expect(type.parameters["name"] == nil)
        #expect(type.parameters.all.map(\.name) == ["boundary", "charset", "boundary"])
        #expect(ContentType.textPlain.parameters.all.isEmpty)
    }

    @Test("a Content-Type of 200,000 parameters is read to its end, and its first boundary counts")
    func manyParameters() throws {
        let junk = String(repeating: "; x=y", count: 200_000)
        let type = try #require(ContentType("multipart/mixed; boundary=first" + junk + "; boundary=last; charset=utf-8"))
        #expect(type.parameters["boundary"] == "first")
        #expect(type.parameters["charset"] == "utf-8")
        #expect(type.parameters.all.count == 200_003)
    }

    @Test("a settings line gives its name and value around blanks, \"=\" and a comment")
    func settingsLine() {
        func setting(_ line: String) -> [String]? {
            let bytes = Array(line.utf8)
            return Configuration.setting(in: bytes, 0..<bytes.count).map { [$0.name, $0.value] }
        }
        #expect(setting("key ABCD") == ["key", "ABCD"])
        #expect(setting("  key\t=  ABCD  # the signing key") == ["key", "ABCD"])
        #expect(setting("key=ABCD") == ["key", "ABCD"])
        #expect(setting("homedir /var/lib/with space ") == ["homedir", "/var/lib/with space"])
        #expect(setting("require-body") == ["require-body", ""])
        #expect(setting("   # only a comment") == nil)
        #expect(setting("") == nil)
    }
}
