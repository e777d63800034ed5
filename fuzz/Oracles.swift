// The invariants every input is held to. A violation is a finding: the
// target prints what was wrong and aborts, so libFuzzer keeps the input.
//
// 1. A pass with any part verified: every copy of the message a reader can
//    find in the bounce (ReturnedCopies) with the statement's Message-ID
//    reads, as far as the checker says it verified it, as the genuine
//    message does — the bound header fields, each verified leaf decoded with
//    its media type and charset, preambles and epilogues — and the statement
//    is the genuine one. A pass never claims a recipient binding the
//    statement does not hold. No input yields temperror.
// 2. Differential: the same bytes fed in other chunk sizes get the same
//    verdict, and so do they read line by line without runs of lines
//    (checked on one input in FUZZ_CHUNK_SAMPLE, chosen by a hash of
//    the input, and on every genuine bounce at start-up); bouncesign's output shows a reader the same header fields and
//    the same decoded leaves as its input (or bouncesign refused); and that
//    output, bounced whole, passes with its body verified.

import Glibc

/// Counts printed when the fuzzer exits.
struct OracleCounts {
    var inputs = 0
    var passes = 0
    var bodyChecked = 0
    var copiesCompared = 0
    var signed = 0
    var refused = 0
    var roundTrips = 0
    /// Signed messages whose body went out as it came (one leaf that
    /// nothing changes), compared with BodyRewriter's line-by-line copy.
    var bodiesCopied = 0
    /// Inputs read again in chunks (the sampled chunk-size oracle).
    var chunkChecks = 0
    /// A pass whose copy carries an unbound field the genuine message lacks
    /// (noted, not a finding: the statement binds only the fields it names).
    var unboundFieldAdded = 0
    /// A pass on a bounce that holds a further header block of the message
    /// without a body (not verified by design; noted).
    var unverifiedHeaderCopies = 0

    var line: String {
        "oracle: inputs=\(inputs) pass=\(passes) body-check=\(bodyChecked) copies-compared=\(copiesCompared) chunk-checks=\(chunkChecks)"
            + " signed=\(signed) refused=\(refused) round-trips=\(roundTrips) bodies-copied=\(bodiesCopied) unbound-field-added=\(unboundFieldAdded) unverified-header-copies=\(unverifiedHeaderCopies)"
    }
}

nonisolated(unsafe) var counts = OracleCounts()
/// FUZZ_BREAK=leaf-check: pretend the checker skipped the leaf comparison
/// (a body that does not match passes), to prove the oracle catches it.
nonisolated(unsafe) var breakLeafCheck = false
/// FUZZ_DEBUG=1: print the checker's --explain account of every input.
nonisolated(unsafe) var debugExplain = false
/// FUZZ_NO_CHUNKS=1: no chunk-size oracle at all.
nonisolated(unsafe) var noChunkOracle = false
/// FUZZ_CHUNK_SAMPLE=N: the chunk-size oracle reads 1 input in N again in
/// chunks (default 8; 1: every input). It costs a second full read.
nonisolated(unsafe) var chunkSample: UInt64 = 8

func fuzzFail(_ message: String) -> Never {
    FileIO.printError("fuzz: FINDING: \(message)")
    abort()
}

let fuzzPolicy = CheckPolicy(trusted: [fuzzFingerprint], maxAge: 7 * 86_400, clockSkew: 900, requireBody: false, now: fuzzNow)

/// The checker as bouncecheck runs it, with the stub verifier.
func checkBounce(_ input: [UInt8], verifier: any ClearsignVerifying = Genuine.verifier) -> CheckResult {
    var r = BounceChecker(verifier: verifier, policy: fuzzPolicy).check(input)
    if breakLeafCheck, case .fail(let why) = r.verdict, isLeafMismatch(why) { r.verdict = .pass(.body) }
    return r
}

func isLeafMismatch(_ r: FailReason) -> Bool {
    switch r {
    case .bodyAltered, .bodyShape: return true
    default: return false
    }
}

// MARK: the checker

/// Oracle 1 for one input, and the chunk-size oracle for one in
/// `chunkSample` (chosen by the input's hash, so the same inputs in every
/// run) or, with `always`, for this one.
func checkerOracles(_ input: [UInt8], always: Bool = false) {
    counts.inputs += 1
    let result = checkBounce(input)
    if debugExplain { for l in result.explanation { FileIO.printError("explain: \(l)") } }
    switch result.verdict {
    case .temperror(let why): fuzzFail("temperror on input: \(why)")
    case .pass(let coverage):
        counts.passes += 1
        counts.bodyChecked += 1
        judgePass(input, result, coverage)
    case .fail(let why):
        switch why {
        case .bodyAltered, .bodyShape, .bodyUnverifiable, .bodyRequired: counts.bodyChecked += 1
        default: break
        }
    default: break
    }
    if noChunkOracle { return }
    let h = inputHash(input)
    guard always || h % chunkSample == 0 else { return }
    counts.chunkChecks += 1
    let chunk = chunkSize(input, hash: h)
    let streamed = streamedCheck(input, chunk: chunk)
    if streamed.verdict != result.verdict {
        fuzzFail(
            "read in \(chunk)-byte chunks the verdict is \(streamed.verdict.keyword) (\(streamed.verdict.reason)),"
                + " in one piece \(result.verdict.keyword) (\(result.verdict.reason))")
    }
    // The same chunks read line by line, without runs (LineRun.swift).
    LineRun.enabled = false
    let lineByLine = streamedCheck(input, chunk: chunk)
    LineRun.enabled = true
    if lineByLine.verdict != result.verdict || lineByLine.report.recipients != result.report.recipients {
        fuzzFail(
            "read line by line the verdict is \(lineByLine.verdict.keyword) (\(lineByLine.verdict.reason)),"
                + " with runs \(result.verdict.keyword) (\(result.verdict.reason))")
    }
}

/// FNV-1a over the whole input (a hash of its first bytes alone would pick
/// every mutation of one seed alike).
func inputHash(_ input: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in input { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

/// A chunk size chosen by the input's hash (bits other than those that
/// sample it), small ones only for small inputs.
func chunkSize(_ input: [UInt8], hash h: UInt64) -> Int {
    let sizes = [1, 2, 3, 7, 13, 64, 255, 4096]
    let k = sizes[Int((h >> 8) % UInt64(sizes.count))]
    return input.count > 4096 && k < 7 ? k + 6 : k
}

func streamedCheck(_ input: [UInt8], chunk: Int) -> CheckResult {
    var scanner = MIMEScanner(visitor: BounceReader(limits: .standard), limits: .standard)
    input.withUnsafeBufferPointer { buf in
        var i = 0
        while i < buf.count {
            let n = Swift.min(chunk, buf.count - i)
            scanner.feed(UnsafeBufferPointer(rebasing: buf[i..<i + n]))
            i += n
        }
    }
    scanner.finish()
    var r = BounceChecker(verifier: Genuine.verifier, policy: fuzzPolicy).decide(scanner.visitor.outline)
    if breakLeafCheck, case .fail(let why) = r.verdict, isLeafMismatch(why) { r.verdict = .pass(.body) }
    return r
}

/// Everything a pass claims, held against what a reader sees.
func judgePass(_ input: [UInt8], _ result: CheckResult, _ coverage: Coverage) {
    guard let st = result.findings.statement, let g = Genuine.byMessageID[st.messageID], st == g.statement else {
        fuzzFail("pass (\(coverage.description)) on a statement that is not a genuine one")
    }
    // Recipients: the binding the pass names must be one the statement holds.
    let binding = result.findings.binding
    let named = result.report.recipients.flatMap { [$0.finalRecipient, $0.originalRecipient] }
        .map { $0.trimmingWhitespace.asciiLowercased }.filter { !$0.isEmpty }
    if st.hiddenRecipients == nil, binding == .recipients || binding == .bcc {
        fuzzFail("pass binds \"\(binding?.rawValue ?? "-")\" but the statement was signed without an envelope")
    }
    if binding == .recipients || st.hiddenRecipients == 0 {
        for r in result.report.recipients {
            let final = r.finalRecipient.trimmingWhitespace.asciiLowercased
            let original = r.originalRecipient.trimmingWhitespace.asciiLowercased
            if !g.visible.contains(final) && !g.visible.contains(original) {
                fuzzFail("pass binds \"\(binding?.rawValue ?? "-")\" but names \(final), not a recipient of the genuine message")
            }
        }
    }
    // Bound to the recipients (not "may be one of the Bcc"): each is an
    // envelope recipient.
    if let env = g.envelope, binding == .recipients {
        for a in named where !env.contains(a) && !g.visible.contains(a) {
            fuzzFail("pass binds \"recipients\" but names \(a), not an envelope recipient")
        }
    }
    // Every copy of the message in the bounce.
    let copies = ReturnedCopies.find(in: input).filter {
        ReaderView.read($0[...]).header["Message-ID"].flatMap(MessageID.normalize) == st.messageID
    }
    if debugExplain {
        for c in copies { FileIO.printError("copy: \(String(mailBytes: c.prefix(300)).debugDescription)") }
    }
    if copies.isEmpty { fuzzFail("pass (\(coverage.description)) but no copy of \(st.messageID) is to be found in the bounce") }
    var sawBody = false
    for (k, copy) in copies.enumerated() {
        let view = ReaderView.read(copy[...])
        let which = "copy \(k + 1) of \(copies.count)"
        // The checker verifies the first copy, and every other that brought
        // a body back; a further header block is not claimed verified.
        guard k == 0 || view.bodyCameBack else {
            counts.unverifiedHeaderCopies += 1
            continue
        }
        compareHeaders(view, g, which)
        guard view.bodyCameBack else { continue }
        sawBody = true
        var claim = LeafMatcher.judge(ReturnedMessage.read(copy[...], limits: .standard), st)
        if breakLeafCheck, case .failure(let why) = claim, isLeafMismatch(why) { claim = .success(.body) }
        counts.copiesCompared += 1
        switch claim {
        case .failure(let why):
            fuzzFail("pass (\(coverage.description)), but \(which) carries a body that does not verify: \(why)")
        case .success(.headersOnly):
            fuzzFail("pass, but \(which) brought a body back that was called headers only")
        case .success(.body):
            compareLeaves(view.leaves, g.view.leaves, count: g.view.leaves.count, which, exactCount: true)
            if view.shape != g.view.shape { fuzzFail("pass (body verified), but \(which) has another preamble or epilogue") }
        case .success(.partial(let n, _, _)):
            compareLeaves(view.leaves, g.view.leaves, count: n, which, exactCount: false)
            comparePrefix(view.leaves, g.view.leaves, at: n, which)
        case .success(.dkim):
            fuzzFail("the leaf matcher answered with a DKIM coverage")  // only DKIMProof does
        }
    }
    if coverage == .body && !sawBody { fuzzFail("pass (body verified), but no copy of the message has a body") }
}

/// The bound fields read as the genuine message's.
func compareHeaders(_ view: ReaderView, _ g: GenuineMessage, _ which: String) {
    for name in HeaderBinding.candidates {
        let want = Canonical.bound(name, g.view.header), got = Canonical.bound(name, view.header)
        if want.isEmpty && !got.isEmpty {
            counts.unboundFieldAdded += 1
            continue
        }
        if want != got {
            fuzzFail(
                "pass, but \(which) shows \(name): \(got.map { String(mailBytes: $0) }) where the genuine message has \(want.map { String(mailBytes: $0) })"
            )
        }
    }
}

func compareLeaves(_ got: [ReaderLeaf], _ want: [ReaderLeaf], count n: Int, _ which: String, exactCount: Bool) {
    if exactCount && got.count != want.count {
        fuzzFail("pass (body verified), but \(which) shows \(got.count) parts where the genuine message has \(want.count)")
    }
    if got.count < n || want.count < n { fuzzFail("pass claims \(n) parts verified, but \(which) shows \(got.count)") }
    for i in 0..<n {
        let a = got[i], b = want[i]
        if a.mediaType != b.mediaType || a.charset != b.charset {
            fuzzFail("pass, but \(which) part \(i + 1) is \(a.mediaType); charset=\(a.charset), genuine \(b.mediaType); charset=\(b.charset)")
        }
        if Canonical.lines(a.content) != Canonical.lines(b.content) {
            fuzzFail(
                "pass, but \(which) part \(i + 1) (\(a.mediaType)) reads \(String(mailBytes: Array(a.content.prefix(200))).debugDescription)"
            )
        }
    }
}

/// A leaf cut short is verified up to the last checkpoint it holds: its
/// text up to there (its last, perhaps cut, line left out) is the genuine one's.
func comparePrefix(_ got: [ReaderLeaf], _ want: [ReaderLeaf], at i: Int, _ which: String) {
    guard i < got.count, i < want.count else { return }
    var a = Canonical.lines(got[i].content)
    if let lastLF = a.dropLast().lastIndex(of: ASCII.lf) { a = Array(a[...lastLF]) } else { a = [] }
    let b = Canonical.lines(want[i].content)
    guard let c = (0..<CanonicalContent.maxCheckpoints).map(CanonicalContent.checkpoint).filter({ $0 < b.count && $0 <= a.count }).last
    else { return }
    if got[i].mediaType != want[i].mediaType || got[i].charset != want[i].charset || a.prefix(c) != b.prefix(c) {
        fuzzFail("pass, but \(which) part \(i + 1), cut short, differs from the genuine one within its first \(c) bytes")
    }
}

// MARK: bouncesign

/// The sign-side oracles for one input.
func signerOracles(_ input: [UInt8]) {
    let genuine = GenuineSignatures()
    let signer = MessageSigner(signer: StubSigner(genuine: genuine), hostname: "fuzz.example.org")
    let out: SignedMessage
    do { out = try signer.sign(input, now: fuzzSignedAt) } catch {
        counts.refused += 1
        return
    }
    counts.signed += 1
    copiedBodyOracle(input, signer)
    let before = ReaderView.read(input[...]), after = ReaderView.read(out.bytes[...])
    for name in HeaderBinding.candidates + ["message-id", "reply-to", "sender", "in-reply-to", "references"] {
        if name == "message-id" && out.addedMessageID { continue }
        let a = Canonical.fields(name, before.header), b = Canonical.fields(name, after.header)
        if a != b {
            fuzzFail("bouncesign changed \(name): \(a.map { String(mailBytes: $0) }) became \(b.map { String(mailBytes: $0) })")
        }
    }
    if before.leaves.count != after.leaves.count {
        fuzzFail("bouncesign changed the number of parts a reader sees from \(before.leaves.count) to \(after.leaves.count)")
    }
    for (i, (a, b)) in zip(before.leaves, after.leaves).enumerated() {
        let typed = !(before.untyped && before.leaves.count == 1)
        if a.mediaType != b.mediaType || (typed && a.charset != b.charset) {
            fuzzFail("bouncesign changed part \(i + 1) from \(a.mediaType); charset=\(a.charset) to \(b.mediaType); charset=\(b.charset)")
        }
        // Text, and any part the input sent as lines, is compared with its
        // line ends made LF: a bare CR in a 7bit part (RFC 2045 §2.7 allows
        // CR only in CRLF) is a line end to the reader view, and bouncesign,
        // re-encoding the part as base64, keeps it a CR byte (fuzz sign-004).
        let byLines = a.mediaType.hasPrefix("text/") || a.asLines
        let same = byLines ? Canonical.lineEnds(a.content) == Canonical.lineEnds(b.content) : a.content == b.content
        if !same { fuzzFail("bouncesign changed the decoded content of part \(i + 1) (\(a.mediaType))") }
    }
    // Round trip: bounced back whole, it passes with the body verified;
    // except a message with two Message-IDs, which bouncesign signs (the
    // first) and bouncecheck rightly never passes (noted, not a finding).
    if before.header.all("Message-ID").count > 1 { return }
    counts.roundTrips += 1
    var bounce = Array(
        ("Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"fuzz-bounce-9f3a\"\n\n"
            + "--fuzz-bounce-9f3a\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
            + "Action: failed\nStatus: 5.1.1\n\n--fuzz-bounce-9f3a\nContent-Type: message/rfc822\n\n").utf8)
    bounce += out.bytes
    bounce += Array("\n--fuzz-bounce-9f3a--\n".utf8)
    let verdict = BounceChecker(verifier: StubVerifier(genuine: genuine), policy: fuzzPolicy).check(bounce).verdict
    if verdict != .pass(.body) {
        if debugExplain { FileIO.printError("signed: \(String(mailBytes: out.bytes).debugDescription)") }
        fuzzFail("round trip: the signed message bounced back whole gives \(verdict.keyword) (\(verdict.reason))")
    }
}

/// A body that goes out as it came (one leaf that nothing changes: no second
/// reading of its lines, sendfile from a file) must be what BodyRewriter
/// writes line by line for the same plan, whole and as a milter's CRLF body.
func copiedBodyOracle(_ input: [UInt8], _ signer: MessageSigner) {
    guard let prepared = try? signer.prepare(MessageSource(bytes: input), now: fuzzSignedAt),
        prepared.plan.bodyOffset != nil, prepared.replacesBody
    else { return }
    counts.bodiesCopied += 1
    var plan = prepared.plan
    plan.bodyOffset = nil
    plan.lead = []
    let rewritten = PreparedMessage(
        statement: prepared.statement, addedMessageID: prepared.addedMessageID, headerEdits: prepared.headerEdits,
        source: prepared.source, head: prepared.head, plan: plan, limits: prepared.limits)
    func written(_ p: PreparedMessage, crlf: Bool) -> [UInt8] {
        var body: [UInt8] = []
        let out = MailOutput(crlf: crlf) { chunk in
            body.append(contentsOf: chunk)
            return nil
        }
        try? p.write(to: out)
        return body
    }
    for crlf in [false, true] where written(prepared, crlf: crlf) != written(rewritten, crlf: crlf) {
        fuzzFail("a body copied as it came differs from BodyRewriter's copy (crlf: \(crlf))")
    }
}
