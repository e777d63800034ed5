// Client networks in CIDR notation (RFC 4632 for IPv4, RFC 4291 §2.3 for
// IPv6): the milter's sign-networks. An IPv4 client seen through an IPv6
// socket (::ffff:192.0.2.1, RFC 4291 §2.5.5.2) matches IPv4 networks.
import Glibc

/// An address prefix: 192.0.2.0/24, 2001:db8::/32, or one address.
public struct NetworkRange: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public let address: [UInt8]
    /// How many leading bits of `address` a client's must share (the whole address when no /LENGTH is given).
    public let prefixLength: Int

    /// Parses "ADDRESS[/LENGTH]"; nil if either part is malformed or host
    /// bits are set beyond the prefix (a likely typo, e.g. 10.0.0.1/8).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.parseAddress(String(parts[0])) else { return nil }
        let maxLength = bytes.count * 8
        var length = maxLength
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= maxLength else { return nil }
            length = n
        }
        address = bytes
        prefixLength = length
        guard Self.masked(bytes, length) == bytes else { return nil }
    }

    /// The range in CIDR notation, e.g. 192.0.2.0/24, as the milter's log and -n name it.
    public var description: String { "\(Self.format(address))/\(prefixLength)" }

    /// Whether `client` (an address as text, IPv4 or IPv6) is in the range.
    public func contains(_ client: String) -> Bool {
        guard var bytes = Self.parseAddress(client) else { return false }
        if bytes.count == 16, address.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == address.count else { return false }
        return Self.masked(bytes, prefixLength) == address
    }

    static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { i, b in
            let bits = Swift.max(0, Swift.min(8, length - i * 8))
            return bits == 8 ? b : b & ~(UInt8(0xFF) >> bits)
        }
    }

    /// 4 or 16 bytes, or nil. IPv6 may be written in brackets.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var t = Substring(text)
        if t.hasPrefix("["), t.hasSuffix("]") { t = t.dropFirst().dropLast() }
        if t.lowercased().hasPrefix("ipv6:") { t = t.dropFirst(5) }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(t), &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(t), &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func format(_ bytes: [UInt8]) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buf, 64) } != nil
        return ok ? String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }
}

/// The milter's socket setting: local:/PATH (or unix:), inet:PORT@HOST, inet6:PORT@HOST.
public struct MilterSocket: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case local(path: String), inet(port: Int, host: String), inet6(port: Int, host: String) }
    let kind: Kind
    /// The setting as libmilter's smfi_setconn takes it.
    public let spec: String

    /// Parses a socket setting; nil unless it is local:/PATH (or unix:/PATH), inet:PORT[@HOST] or inet6:PORT[@HOST].
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        switch scheme {
        case "local", "unix":
            guard rest.hasPrefix("/"), rest.count > 1 else { return nil }
            kind = .local(path: rest)
        case "inet", "inet6":
            let parts = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            guard let port = Int(parts[0]), (1...65535).contains(port) else { return nil }
            let host = parts.count == 2 ? String(parts[1]) : (scheme == "inet" ? "0.0.0.0" : "::")
            guard !host.isEmpty, !host.contains(" ") else { return nil }
            kind = scheme == "inet" ? .inet(port: port, host: host) : .inet6(port: port, host: host)
        default:
            return nil
        }
        spec = text
    }

    /// The socket file, for a local socket.
    public var path: String? {
        if case .local(let p) = kind { return p }
        return nil
    }
}
