// The parameters of a media type (RFC 2045 §5.1), as ParameterScanner reads
// them: names in lower case; of a name given twice, the first one counts (as
// for boundary= in "One reading, one verdict").

/// A media type's parameters in the order given. An array, not a
/// Dictionary: a part has one to three of them, and hashing their names
/// would make every run set up the hasher (and its random seed) at start-up.
public struct MediaParameters: Sendable, Equatable {
    /// One `name=value`.
    public struct Parameter: Sendable, Equatable {
        /// Lower case.
        public var name: String
        /// As given, unquoted.
        public var value: String
    }

    /// In the order given, a name given twice listed twice (adding stays
    /// constant time: a hostile header may hold a million parameters).
    public private(set) var all: [Parameter] = []

    /// None.
    public init() {}

    /// The value `name` (lower case) is first given, or nil.
    public subscript(name: String) -> String? {
        all.first { $0.name == name }?.value
    }

    /// Adds `name=value` after the others.
    mutating func add(_ name: String, _ value: String) {
        all.append(Parameter(name: name, value: value))
    }
}
