// What reaches the log line of a decision: never a control character from
// mail (a forged line break would make a log line of the forger's own).
import Testing

@testable import BounceKit

@Suite("System log")
struct SystemLogTests {
    @Test("control characters become spaces; other text, UTF-8 included, stays as it was")
    func controlCharactersAreSpaces() {
        #expect(SystemLog.clean("fail (no proof)\nFAKE: pass\r\u{7F}x\u{0}") == "fail (no proof) FAKE: pass  x ")
        #expect(SystemLog.clean("Grüße, 🙂, tab\there") == "Grüße, 🙂, tab here")
        #expect(SystemLog.clean("") == "")
    }
}
