// A byte buffer for the streaming paths, where bytes are added a line at a
// time: each append is one bounds check and a memcpy. (Array's
// append(contentsOf:) from a buffer pointer costs about a hundred
// instructions a call, as much as the line it copies: callgrind, figure 4.)

/// Bytes appended a line at a time, with value semantics.
struct ByteBuffer {
    /// Initialised storage, `count` of it in use.
    private var storage: [UInt8]
    /// Bytes in the buffer.
    private(set) var count = 0

    /// An empty buffer that grows as needed from `capacity` bytes.
    init(capacity: Int = 256) {
        storage = [UInt8](repeating: 0, count: Swift.max(capacity, 16))
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        let at = count
        // storage is never empty, so its base address is never nil.
        storage.withUnsafeMutableBufferPointer { ($0.baseAddress! + at).update(from: source, count: bytes.count) }
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// The bytes in use, for the duration of `body`.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    /// Empties the buffer, keeping its storage.
    mutating func removeAll() { count = 0 }

    private mutating func reserve(_ n: Int) {
        guard count + n > storage.count else { return }
        storage += repeatElement(0, count: Swift.max(storage.count, count + n - storage.count))
    }
}
