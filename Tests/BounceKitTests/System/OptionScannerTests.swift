// The command-line scanner both programs use instead of a parser library.
import Testing

@testable import BounceKit

@Suite("Option scanner")
struct OptionScannerTests {
    let scanner = OptionScanner(valued: ["-c", "--config"], flags: ["-a", "--annotate"])

    @Test("values come as -x V, --name V and --name=V; flags alone; -- ends the options")
    func forms() throws {
        let items = try scanner.scan(["-c", "a", "--config", "b", "--config=c=d", "-a", "-", "file", "--", "-c", "x"])
        #expect(
            items == [
                .option("-c", "a"), .option("--config", "b"), .option("--config", "c=d"), .option("-a", nil),
                .operand("-"), .operand("file"), .afterTerminator(["-c", "x"]),
            ])
        #expect(try scanner.scan([]) == [])
        #expect(try scanner.scan(["--"]) == [.afterTerminator([])])
    }

    @Test("unknown options, missing values and values on flags are usage errors")
    func mistakes() {
        for (args, message) in [
            (["--nope"], "unknown option '--nope'"), (["-c"], "missing value for '-c'"),
            (["--annotate=yes"], "option '--annotate' takes no value"), (["-x", "--"], "unknown option '-x'"),
        ] {
            #expect(throws: UsageError.self, "\(args)") { try scanner.scan(args) }
            do { _ = try scanner.scan(args) } catch { #expect(error.description == message) }
        }
    }
}
