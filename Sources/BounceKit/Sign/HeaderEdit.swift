// A header change as a milter asks the MTA to make it (smfi_insheader,
// smfi_addheader, smfi_chgheader with no value). MessageSigner records the
// edits while it writes the new header, so the milter's message and
// bouncesign's are the same message; Annotation does the same for the
// Bounce-Check field.

/// One change to a message's header.
public struct HeaderEdit: Sendable, Equatable {
    /// Which change it is: smfi_insheader, smfi_addheader or smfi_chgheader.
    public enum Kind: Sendable, Equatable {
        /// A new field above all others.
        case insertFirst
        /// A new field below all others.
        case append
        /// Remove the `occurrence`-th field of this name (1-based, counted
        /// in the header as it came, ASCII case-insensitive).
        case delete(occurrence: Int)
    }

    /// Which change to make.
    public var kind: Kind
    /// The field's name, as written in a new field, or as matched (case-insensitively) for a deletion.
    public var name: String
    /// The value after "name:", leading white space removed, continuation
    /// lines joined by LF and their leading white space (the libmilter
    /// convention); empty for a deletion.
    public var value: [UInt8]

    init(_ kind: Kind, name: String, value: [UInt8] = []) {
        self.kind = kind
        self.name = name
        self.value = value
    }

    /// The value of a field as written (`raw`), in the form above.
    static func value(of field: HeaderField) -> [UInt8] {
        guard let colon = field.raw.firstIndex(of: ASCII.colon) else { return [] }
        var rest = field.raw[(colon + 1)...]
        while let b = rest.first, b == ASCII.space || b == ASCII.tab { rest = rest.dropFirst() }
        // Line ends made LF: CRLF and bare CR alike.
        var out: [UInt8] = []
        out.reserveCapacity(rest.count)
        var previous: UInt8 = 0
        for b in rest {
            if b == ASCII.lf, previous == ASCII.cr {
                previous = b
                continue
            }
            out.append(b == ASCII.cr ? ASCII.lf : b)
            previous = b
        }
        return out
    }
}

/// The edits that turn one header into another, in an order the MTAs
/// apply safely: deletions last occurrence first (so that the indexes of
/// those still to delete do not move), then insertions, then additions.
struct HeaderEdits {
    private let original: Header
    private var deletions: [HeaderEdit] = []
    private var inserted: [HeaderEdit] = []
    private var appended: [HeaderEdit] = []

    init(_ original: Header) { self.original = original }

    mutating func insertFirst(_ field: HeaderField) {
        inserted.append(HeaderEdit(.insertFirst, name: field.name, value: HeaderEdit.value(of: field)))
    }

    mutating func append(_ name: String, _ value: String) {
        appended.append(HeaderEdit(.append, name: name, value: Array(value.utf8)))
    }

    mutating func append(_ field: HeaderField) {
        appended.append(HeaderEdit(.append, name: field.name, value: HeaderEdit.value(of: field)))
    }

    /// Removes the original header's `index`-th field (0-based).
    mutating func delete(at index: Int) {
        let field = original.fields[index]
        let occurrence = original.fields[...index].filter { $0.is(field.name) }.count
        deletions.append(HeaderEdit(.delete(occurrence: occurrence), name: field.name))
    }

    var list: [HeaderEdit] {
        let ordered = deletions.sorted { a, b in
            guard case .delete(let i) = a.kind, case .delete(let j) = b.kind else { return false }
            return i > j
        }
        return ordered + inserted + appended
    }
}
