// Command lines, scanned by hand for both programs: swift-argument-parser,
// with the FoundationEssentials it brings, cost ~1.9 ms of start-up per
// process here (4.2 ms vs 2.3 ms for --version), paid on every message.
// Accepts -x VALUE, --name VALUE, --name=VALUE; "--" ends the options.

/// A mistake on the command line.
public struct UsageError: Error, CustomStringConvertible {
    /// What is wrong, without the program's name: "unknown option '--trsut'".
    public var description: String
    /// A usage error saying `description`.
    public init(_ description: String) { self.description = description }
}

/// Splits a command line into options and operands.
public struct OptionScanner: Sendable {
    /// Options that take a value, by every name (e.g. "-c", "--config").
    /// (Arrays, not sets: a handful of names, and no hashing set-up at start.)
    public let valued: [String]
    /// Options that take none.
    public let flags: [String]

    /// A scanner for these option names (every spelling of each).
    public init(valued: [String], flags: [String]) {
        self.valued = valued
        self.flags = flags
    }

    /// One piece of a command line.
    public enum Item: Equatable {
        /// An option by the name used, with its value if it takes one.
        case option(String, String?)
        /// An argument that is not an option (a single "-" is one).
        case operand(String)
        /// Everything after "--".
        case afterTerminator([String])
    }

    /// Splits `arguments` (without the program's name) into options and operands, in order;
    /// an unknown option or a missing value is a UsageError.
    public func scan(_ arguments: [String]) throws(UsageError) -> [Item] {
        var items: [Item] = []
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            if arg == "--" {
                items.append(.afterTerminator(Array(rest)))
                break
            }
            guard arg.hasPrefix("-"), arg != "-" else {
                items.append(.operand(arg))
                continue
            }
            var name = arg, inline: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            if flags.contains(name) {
                guard inline == nil else { throw UsageError("option '\(name)' takes no value") }
                items.append(.option(name, nil))
            } else if valued.contains(name) {
                guard let value = inline ?? rest.popFirst() else { throw UsageError("missing value for '\(name)'") }
                items.append(.option(name, value))
            } else {
                throw UsageError("unknown option '\(name)'")
            }
        }
        return items
    }
}
