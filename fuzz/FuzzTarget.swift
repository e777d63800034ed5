// libFuzzer entry points. One binary, several targets chosen by FUZZ_TARGET
// (so that one build serves them all):
//   check  (default) the checker and its oracles, on bounces: the main target
//   sign   bouncesign's output against its input, and the round trip
//   all    both
// FUZZ_BREAK=leaf-check makes the checker's leaf comparison look skipped
// (the smoke run proves the oracle then reports a stored input).
// FUZZ_WRITE_SEEDS=DIR writes the genuine messages and their bounces there
// and exits. At start-up every genuine bounce must pass as its shape says,
// under the oracles, or the run stops before fuzzing.

import Glibc

private enum Target { case check, sign, all }
nonisolated(unsafe) private var target = Target.check

private func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

@_cdecl("LLVMFuzzerInitialize")
public func LLVMFuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    switch env("FUZZ_TARGET") ?? "check" {
    case "check": target = .check
    case "sign": target = .sign
    case "all": target = .all
    case let t: fuzzFail("unknown FUZZ_TARGET \(t) (check, sign or all)")
    }
    if let dir = env("FUZZ_WRITE_SEEDS") {
        let extra = [("altered-leaf.eml", Genuine.alteredBounce)]
        for (name, bytes) in Genuine.seeds + extra {
            let path = "\(dir)/\(name)"
            guard let f = fopen(path, "wb"), fwrite(bytes, 1, bytes.count, f) == bytes.count, fclose(f) == 0 else {
                fuzzFail("cannot write \(path)")
            }
        }
        exit(0)
    }
    selfCheck()
    breakLeafCheck = env("FUZZ_BREAK") == "leaf-check"
    debugExplain = env("FUZZ_DEBUG") == "1"
    noChunkOracle = env("FUZZ_NO_CHUNKS") == "1"
    if let n = env("FUZZ_CHUNK_SAMPLE").flatMap({ UInt64($0) }), n > 0 { chunkSample = n }
    atexit { FileIO.printError("fuzz: \(counts.line)") }
    return 0
}

/// Every genuine bounce passes as its shape says, and the oracles agree.
private func selfCheck() {
    for g in Genuine.messages {
        for shape in Genuine.Shape.allCases where shape != .cut || Genuine.cutPoint(g) != nil {
            let bounce = Genuine.bounce(g, shape)
            let v = checkBounce(bounce).verdict
            let ok: Bool
            switch (shape, v) {
            case (.whole, .pass(.body)), (.inline, .pass(.body)), (.headers, .pass(.headersOnly)), (.cut, .pass(.partial)): ok = true
            // OpenSMTPD's 64 KiB chunks can cut inside the proof parts: the
            // header proof passes, every content part verified, rest cut.
            case (.cutInProof, .pass(.partial(let n, let of, _))): ok = n == of && v.reason.hasSuffix("rest cut")
            default: ok = false
            }
            if !ok { fuzzFail("genuine bounce \(g.name) (\(shape.rawValue)) gives \(v.keyword) (\(v.reason))") }
            checkerOracles(bounce, always: true)
        }
        signerOracles(Array(g.signed))
    }
    FileIO.printError("fuzz: \(Genuine.messages.count) genuine messages, each bounced whole, headers only, inline, cut and cut in its proof: all pass")
    counts = OracleCounts()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case .check: checkerOracles(input)
    case .sign: signerOracles(input)
    case .all:
        checkerOracles(input)
        signerOracles(input)
    }
    return 0
}
