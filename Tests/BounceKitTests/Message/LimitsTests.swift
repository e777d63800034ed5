// bouncecheck(1) "Limits" lists exactly the limits the code enforces.
import Foundation
import Testing

@testable import BounceKit

@Suite("Limits")
struct LimitsTests {
    /// The tag of each .It line in bouncecheck(1)'s Limits subsection.
    static func manPageLimits() throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("man/bouncecheck.1"), encoding: .utf8)
        guard let start = page.range(of: ".Ss Limits"), let end = page.range(of: ".El", range: start.upperBound..<page.endIndex)
        else { return [] }
        return page[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix(".It ") }
            .map { String($0.dropFirst(4)) }
    }

    @Test("bouncecheck(1)'s Limits list is Limits.standard")
    func manPageMatchesLimits() throws {
        let l = Limits.standard
        func size(_ n: Int) -> String { n % (1 << 20) == 0 ? "\(n >> 20) MiB" : "\(n) bytes" }
        let want = [
            "\(size(l.maxHeaderBytes)) or \(l.maxHeaderFields) fields",
            "\(l.maxLine) bytes",
            "\(l.maxDepth) levels",
            "\(l.maxParts) parts",
            "\(l.maxBoundaryLength) bytes",
            "\(size(l.maxKeptText)), \(size(l.maxKeptTextTotal))",
            "\(l.maxOriginals) parts",
            "\(l.maxStatusGroups) groups",
        ]
        let got = try Self.manPageLimits()
        #expect(got == want, "got \(got), want \(want)")
    }
}
