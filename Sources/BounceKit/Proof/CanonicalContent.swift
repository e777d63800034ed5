// The canonical content of a message, version 2 ("mime-leaves/2"): what the
// statement's `l`, `g` and `s` lines cover. bouncesign(1) "Canonical form"
// documents it for other implementations:
//
// 1. Walk the entities as MIMEScanner reads them. Leaves are the entities
//    that are not multiparts with parts (message/rfc822 is a leaf; a
//    multipart without any delimiter line is a leaf holding its body). The
//    proof bouncesign appends (ProofNames.trailingProof) is no leaf.
// 2. A leaf's descriptor: for each enclosing multipart, outermost first, and
//    then the leaf itself, its Content-* fields other than
//    Content-Transfer-Encoding and Content-Length, each as
//    "name:value\n" (name lower case, value unfolded, white-space runs made
//    one space, trimmed), then "\n". A multipart/mixed message root is left
//    out of every descriptor: bouncesign wraps other messages in one.
// 3. A leaf's content: its body with the transfer encoding undone, split
//    into lines at LF, CRLF or CR, trailing spaces and tabs removed, empty
//    lines at the end dropped, each line followed by LF (LineNormalizer).
// 4. A leaf's digest: SHA-256 of "bouncesign-leaf" NUL descriptor NUL
//    SHA-256(content), cut to 128 bits. Checkpoint k (k = 0..11, at
//    4 KiB * 2^k below the content's length): the same with SHA-256 of the
//    content's first 4 KiB * 2^k bytes.
// 5. Leaves after the 31st are one group record: SHA-256 of
//    "bouncesign-group" NUL, then descriptor NUL SHA-256(content) per leaf.
// 6. Shape (`s`): for each multipart whose preamble or epilogue has content
//    (canonical as in 3), its descriptor (the root's: "root"), NUL,
//    SHA-256(preamble), SHA-256(epilogue); absent when there is none.

/// Constants and digests of the canonical content.
public enum CanonicalContent {
    /// The name a version 2 statement gives this canonical form.
    public static let name = "mime-leaves/2"
    /// Checkpoints per leaf, at most.
    public static let maxCheckpoints = 12
    /// Leaves listed one by one; the rest form one group.
    public static let maxListedLeaves = 31

    /// Offset of checkpoint `k` in a leaf's canonical content.
    public static func checkpoint(_ k: Int) -> Int { 4096 << k }

    /// How many checkpoints a leaf of `length` canonical bytes has.
    public static func checkpointCount(length: Int) -> Int {
        (0..<maxCheckpoints).filter { checkpoint($0) < length }.count
    }

    static func leafDigest(descriptor: [UInt8], content: [UInt8]) -> [UInt8] {
        let sha = SHA256()
        sha.update(Array("bouncesign-leaf\0".utf8))
        sha.update(descriptor)
        sha.update([0])
        sha.update(content)
        return Digest.short(sha.finish())
    }

    /// The canonical Content-* fields of one entity (step 2).
    static func contentFields(_ header: Header) -> [UInt8] {
        var out: [UInt8] = []
        for f in header.fields {
            let name = f.name.asciiLowercased
            guard name.hasPrefix("content-"), name != "content-transfer-encoding", name != "content-length" else { continue }
            out += Array(name.utf8)
            out.append(ASCII.colon)
            var space = false
            for b in f.unfoldedValue {
                if ASCII.isWhitespace(b) {
                    space = true
                    continue
                }
                if space { out.append(ASCII.space) }
                space = false
                out.append(b)
            }
            out.append(ASCII.lf)
        }
        return out
    }
}
