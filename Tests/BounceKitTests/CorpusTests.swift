// The real-bounce corpus (Sisimai's set-of-emails, BSD-2-Clause): every
// file's kind and returned original against expectations.tsv, which was
// written by reading the samples (see its REVIEW.md), and none may pass.
import Foundation
import Testing

@testable import BounceKit

struct CorpusExpectation {
    var path: String
    var kind: String
    var returned: String
    var messageID: String
}

enum Corpus {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/thirdparty/set-of-emails")

    static func expectations() throws -> [CorpusExpectation] {
        let text = try String(contentsOf: root.appendingPathComponent("expectations.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusExpectation(path: f[0], kind: f[1], returned: f[2], messageID: f.count > 3 ? f[3] : "-")
        }
    }
}

extension Corpus {
    /// Files whose expectation the classifier does not meet yet.
    static func knownGaps() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("known-gaps.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: "\t")[0]) }
    }
}

@Suite("Real bounce corpus")
struct CorpusTests {
    static func kindName(_ k: MessageKind) -> String { k == .notBounce ? "notbounce" : k.rawValue }

    @Test("each sample, as LF and CRLF, is recognised as its kind, its original located with its Message-ID, and none passes")
    func corpusMatchesExpectations() throws {
        let rows = try Corpus.expectations()
        #expect(rows.count > 800)
        var recognised = 0, located = 0, mismatches: [String] = []
        let checker = BounceChecker(verifier: RefusingVerifier(), policy: TestKey.policy())
        for row in rows {
            let file = [UInt8](try Data(contentsOf: Corpus.root.appendingPathComponent(row.path)))
            var verdicts: [String: String] = [:]
            for (ends, bytes) in lfAndCRLF(file) {
                let result = checker.check(bytes)
                verdicts[ends] = "\(result.verdict)"
                // A known gap names the file: both line-end styles share it.
                mismatches += Self.mismatches(row, result).map { ends == "LF" ? $0 : $0 + " (CRLF)" }
                if ends == "LF" {
                    if Self.kindName(result.report.kind) == row.kind { recognised += 1 }
                    if (result.report.original != nil) == (row.returned != "absent") { located += 1 }
                }
            }
            if verdicts["LF"] != verdicts["CRLF"] {
                mismatches.append("\(row.path): LF gives \(verdicts["LF"] ?? "-"), CRLF \(verdicts["CRLF"] ?? "-")")
            }
        }
        print("corpus: recognised \(recognised) / located \(located) / total \(rows.count)")
        // Known gaps are listed, with reasons, in known-gaps.tsv: a file there
        // must still mismatch (so a fix updates the list), and nothing else may.
        let gaps = try Corpus.knownGaps()
        let unexpected = mismatches.filter { m in !gaps.contains { m.hasPrefix($0 + ":") } }
        let fixed = gaps.filter { g in !mismatches.contains { $0.hasPrefix(g + ":") } }
        #expect(unexpected.count == 0, "\(unexpected.count) mismatches:\n\(unexpected.prefix(80).joined(separator: "\n"))")
        #expect(fixed.count == 0, "now correct, remove from known-gaps.tsv: \(fixed)")
        #expect(!mismatches.contains { $0.contains("PASSED") || $0.contains("temperror") })
    }

    /// How one reading of a sample differs from its expectation.
    static func mismatches(_ row: CorpusExpectation, _ result: CheckResult) -> [String] {
        var mismatches: [String] = []
        let report = result.report
        let kind = Self.kindName(report.kind)
        if kind != row.kind { mismatches.append("\(row.path): kind \(kind), want \(row.kind)") }
        let found = report.original != nil
        if found != (row.returned != "absent") {
            mismatches.append("\(row.path): original \(found ? "found" : "not found"), want \(row.returned)")
        }
        if row.messageID != "-", let o = report.original {
            let id = (o.message.header["Message-ID"] ?? "").trimmingCharacters(in: .whitespaces)
            if id != row.messageID { mismatches.append("\(row.path): message-id \(id), want \(row.messageID)") }
        }
        if case .pass = result.verdict { mismatches.append("\(row.path): PASSED") }
        if case .temperror = result.verdict { mismatches.append("\(row.path): temperror") }
        return mismatches
    }
}
