// libFuzzer target for every parser in BounceKit. Not part of the SwiftPM
// package: scripts/fuzz.sh compiles it together with Sources/BounceKit/**
// in one module (hence no `import BounceKit`), with
// -sanitize=fuzzer,address. No GnuPG is involved: the verifier and signer
// are stubs, so that each run is fast and deterministic apart from nonces.
import Glibc

/// Throws, as GnuPG does on garbage.
private struct ThrowingVerifier: ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        throw .invalidSignatureData("fuzz stub")
    }
}

private let fuzzFingerprint = "7AECA5AC0EC5BE4CCF59958E35A8106D9BB8FF9D"
private let fuzzNow = 1_764_387_660

/// Reports one good signature by a trusted key over the text between the
/// armor header's blank line and the signature block, so that the checker
/// goes on to the statement, Message-ID, age and body hash.
private struct AcceptingVerifier: ClearsignVerifying {
    func verify(clearsigned: [UInt8]) throws(GPGError) -> Verification {
        let sep: [UInt8] = [ASCII.lf, ASCII.lf]
        let sigLine = Array("-----BEGIN PGP SIGNATURE-----".utf8)
        let start = clearsigned.firstIndex(of: sep, from: 0).map { $0 + 2 } ?? 0
        let end = clearsigned.firstIndex(of: sigLine, from: start) ?? clearsigned.endIndex
        return Verification(plaintext: Array(clearsigned[start..<max(start, end)]),
                            signatures: [SignatureReport(fingerprint: fuzzFingerprint, status: .good)])
    }
}

/// Wraps the statement in fixed armor lines, as gpg --clearsign would.
private struct FixedSigner: StatementSigning {
    func clearsign(_ text: [UInt8]) throws(GPGError) -> [UInt8] {
        Array("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n".utf8) + text
            + Array("-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQR67KWsDsW+TM9ZlY41qBBtm7j/nQUCaSqLzAAKCRA1qBBt\n=AAAA\n-----END PGP SIGNATURE-----\n".utf8)
    }
}

private let policy = CheckPolicy(trusted: [fuzzFingerprint], maxAge: 7 * 86_400, clockSkew: 900,
                                 requireBody: false, now: fuzzNow)

private let roundTrip = getenv("FUZZ_ROUNDTRIP").map { String(cString: $0) == "1" } ?? false

@inline(never)
private func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

private func fuzzOne(_ input: [UInt8]) {
    // Message and bounce parsing.
    let message = MIMEEntity.parse(input)
    blackHole(message.allEntities.count)
    for e in message.allEntities.prefix(64) { blackHole(e.decodedBody.count) }
    let report = BounceClassifier.classify(message)
    blackHole(report)
    blackHole(CanonicalBody.hash(input[...]))

    // The checker, as bouncecheck runs it, with a verifier that throws and
    // one that accepts (to reach the statement and body-hash checks).
    let failing = BounceChecker(verifier: ThrowingVerifier(), policy: policy).check(input)
    blackHole(failing.summary)
    blackHole(failing.explanation)
    let accepting = BounceChecker(verifier: AcceptingVerifier(), policy: policy).check(input)
    blackHole(accepting.summary)
    blackHole(Annotation.annotate(input, summary: accepting.summary))

    // The proof's own parsers.
    blackHole(try? Statement(parsing: input))
    blackHole(try? ProofHeader.clearsigned(from: HeaderField(name: ProofNames.header, raw: input[...])))
    for f in message.header.fields where f.is(ProofNames.header) {
        blackHole(try? ProofHeader.clearsigned(from: f))
    }
    blackHole(ClearsignShape.problem(input))
    blackHole(DeliveryStatusParser.recipients(input[...]))
    blackHole(ContentType(String(mailBytes: input.prefix(1024))))
    blackHole(MessageID.normalize(String(mailBytes: input.prefix(1024))))

    // Transfer encodings, both ways.
    blackHole(QuotedPrintable.decode(input[...]))
    let qp = QuotedPrintable.encode(input[...])
    blackHole(QuotedPrintable.decode(qp[...]))
    blackHole(Base64.decode(input))
    blackHole(Base64.encodeLines(input))

    // Signing, with a stub in place of GnuPG; then check the signed message
    // as if it had bounced whole.
    let signer = MessageSigner(signer: FixedSigner(), hostname: "fuzz.example.org")
    if let signed = try? signer.sign(input, now: fuzzNow) {
        // Always on: bouncesign hashes the message as given, so the canonical
        // form must not change under its re-encoding and wrapping (short of
        // the nesting and part limits, which the wrapping can cross).
        let limited = MIMEScanner.scan(input[...], visitor: CanonicalHasher()).defects.contains(.tooComplex)
        if !limited, CanonicalBody.hash(signed.bytes[...]) != signed.statement.bodyHash {
            fatalError("the signed message does not hash to its statement")
        }
        var bounce = Array("""
            Return-Path: <>
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="fuzz-bounce-9f3a"

            --fuzz-bounce-9f3a
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; nobody@example.net
            Action: failed
            Status: 5.1.1

            --fuzz-bounce-9f3a
            Content-Type: message/rfc822


            """.utf8)
        bounce += signed.bytes
        bounce += Array("\n--fuzz-bounce-9f3a--\n".utf8)
        let verdict = BounceChecker(verifier: AcceptingVerifier(), policy: policy).check(bounce).verdict
        // The same bounce as bouncecheck reads one larger than its parse limit,
        // cut in its closing delimiter: the return looks cut short until the
        // rest, streamed on demand, shows it whole.
        var cutLimits = Limits.standard
        cutLimits.maxParsedBytes = bounce.count - 10
        let streamed = BounceChecker(verifier: AcceptingVerifier(), policy: policy, limits: cutLimits)
            .check(Array(bounce.prefix(bounce.count - 9)), complete: false,
                   rest: MessageSource(bytes: Array(bounce.suffix(9)))).verdict
        if roundTrip, streamed != verdict {
            FileIO.printError("round trip: streamed past the limit gives \(streamed.keyword) (\(streamed.reason)), in memory \(verdict.keyword)")
            fatalError("streamed check differs")
        }
        // Opt-in oracle (FUZZ_ROUNDTRIP=1): what bouncesign signs must pass
        // bouncecheck, body verified, when it bounces back whole.
        // A signed message that holds an unclosed multipart (copied as it
        // came) reads as truncated, so only its headers are checked.
        let truncated = MIMEEntity.parse(signed.bytes).contains(.missingClosingDelimiter)
        if roundTrip, verdict != .pass(.body), !(truncated && verdict == .pass(.headersOnly)) {
            FileIO.printError("round trip: signed message bounced back gives \(verdict.keyword) (\(verdict.reason))")
            fatalError("round trip failed")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzOne(input)
    return 0
}
