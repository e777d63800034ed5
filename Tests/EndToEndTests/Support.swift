// Shared helpers for tests that drive the built programs and real GnuPG.
import BounceKit
import Foundation
import Testing

/// The repository root, from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Where `swift build` put the programs (BOUNCESIGN_BIN overrides).
let binDir =
    ProcessInfo.processInfo.environment["BOUNCESIGN_BIN"].map { URL(fileURLWithPath: $0) }
    ?? repoRoot.appendingPathComponent(".build/debug")

/// What a finished process left.
struct Outcome {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program with `input` on standard input; no shell involved.
@discardableResult
func run(_ path: String, _ args: [String], input: [UInt8] = [], env: [String: String] = [:]) throws -> Outcome {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    // Standard input and error go through files: no threads, no deadlock.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bouncesign-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let inURL = scratch.appendingPathComponent("in"), errURL = scratch.appendingPathComponent("err")
    try Data(input).write(to: inURL)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let inHandle = try FileHandle(forReadingFrom: inURL), errHandle = try FileHandle(forWritingTo: errURL)
    defer { try? inHandle.close(); try? errHandle.close() }
    let outPipe = Pipe()
    p.standardInput = inHandle
    p.standardOutput = outPipe
    p.standardError = errHandle
    try p.run()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return Outcome(status: p.terminationStatus, stdout: [UInt8](out), stderr: String(decoding: errData, as: UTF8.self))
}

func bouncesign(_ args: [String], input: [UInt8] = [], env: [String: String] = [:]) throws -> Outcome {
    try run(binDir.appendingPathComponent("bouncesign").path, args, input: input, env: env)
}

func bouncecheck(_ args: [String], input: [UInt8] = [], env: [String: String] = [:]) throws -> Outcome {
    try run(binDir.appendingPathComponent("bouncecheck").path, args, input: input, env: env)
}

/// Where this test process keeps its temporary directories: removed when
/// it exits, with those its shared fixtures (the keyring) keep for its
/// whole run, and those a failed test left.
let testRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bouncesign-tests-\(getpid())")
    try? FileManager.default.removeItem(at: url)  // a process long gone with the same pid
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    atexit { try? FileManager.default.removeItem(at: testRoot) }
    return url
}()

/// A private temporary directory, under `testRoot`.
func temporaryDirectory(_ name: String) throws -> URL {
    let url = testRoot.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
        at: url, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
    return url
}

/// One GnuPG home with two signing keys, shared by every test in the process
/// (GPGME reads the home from the environment, so one home avoids races).
final class TestKeyring: Sendable {
    static let shared: TestKeyring = {
        do { return try TestKeyring() } catch { fatalError("cannot create the test keyring: \(error)") }
    }()

    let dir: URL
    var home: String { dir.appendingPathComponent("gnupg").path }
    /// The trusted key.
    let trusted: String
    /// A second key in the same keyring that is not trusted.
    let other: String
    /// Config file: sign with `trusted`, trust only `trusted`.
    let config: String

    private init() throws {
        dir = try temporaryDirectory("keyring")
        let home = dir.appendingPathComponent("gnupg").path
        trusted = try TestKeyring.generate(home: home, uid: "Trusted <postmaster@example.org>")
        other = try TestKeyring.generate(home: home, uid: "Other <other@example.org>")
        config = dir.appendingPathComponent("bouncesign.conf").path
        try "homedir \(home)\nkey \(trusted)\ntrust \(trusted)\n".write(toFile: config, atomically: true, encoding: .utf8)
        atexit { _ = try? run("/usr/bin/gpgconf", ["--homedir", TestKeyring.shared.home, "--kill", "all"]) }
    }

    private static func generate(home: String, uid: String) throws -> String {
        let out = try bouncesign(["--generate-key", "--force", "--homedir", home, "--uid", uid])
        guard out.status == 0, let line = out.text.split(separator: "\n").first(where: { $0.hasPrefix("key ") }) else {
            throw TestFailure("generate-key failed: \(out.stderr)")
        }
        return String(line.dropFirst(4))
    }

    /// Writes a config that signs with `key` and trusts `trust`.
    func config(named name: String, key: String? = nil, trust: [String], extra: String = "") throws -> String {
        let path = dir.appendingPathComponent(name).path
        var text = "homedir \(home)\n"
        if let key { text += "key \(key)\n" }
        for t in trust { text += "trust \(t)\n" }
        try (text + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The header block of `message`, with the blank line that ends it.
func headerBlock(_ message: [UInt8]) -> [UInt8] {
    Array(message[..<MailPart.parse(message).body.startIndex])
}

/// Wraps `message` in an RFC 3464 bounce for `recipient`, returned as
/// `type` (text/rfc822-headers: its header block only).
func bounce(of message: [UInt8], type: String = "message/rfc822", recipient: String = "nobody@example.net") -> [UInt8] {
    let returned = type == "text/rfc822-headers" ? headerBlock(message) : message
    let head = """
        Return-Path: <>
        From: MAILER-DAEMON@mx.example.net
        To: sender@example.org
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="test-bounce"

        --test-bounce
        Content-Type: text/plain

        Your message could not be delivered.

        --test-bounce
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; \(recipient)
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 user unknown

        --test-bounce
        Content-Type: \(type)


        """
    return Array(head.utf8) + returned + Array("\n--test-bounce--\n".utf8)
}

/// Signs with the shared keyring's trusted key through the real program.
func signed(_ message: [UInt8], config: String = TestKeyring.shared.config) throws -> [UInt8] {
    let out = try bouncesign(["-c", config], input: message)
    guard out.status == 0 else { throw TestFailure("bouncesign exited \(out.status): \(out.stderr)") }
    return out.stdout
}

/// bouncecheck's exit status and annotation line for a message.
func check(_ message: [UInt8], config: String = TestKeyring.shared.config, args: [String] = []) throws -> (Int32, String) {
    let status = try bouncecheck(["-c", config] + args, input: message).status
    let annotated = try bouncecheck(["-c", config, "--annotate"] + args, input: message)
    let first =
        annotated.text.split(separator: "\n").first.map(String.init)
        ?? "(annotate exited \(annotated.status): \(annotated.stderr))"
    return (status, first)
}

extension Array where Element == UInt8 {
    /// Replaces the first occurrence of `old` by `new` (same length or not).
    func replacingFirst(_ old: String, with new: String) -> [UInt8] {
        let o = Array(old.utf8)
        guard let i = firstRange(of: o) else { return self }
        var copy = self
        copy.replaceSubrange(i, with: Array(new.utf8))
        return copy
    }

    func contains(_ s: String) -> Bool { firstRange(of: Array(s.utf8)) != nil }

    /// Every LF not already after a CR made CRLF (bare CRs are kept).
    var crlf: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + count / 16)
        var previous: UInt8 = 0
        for b in self {
            if b == 0x0A, previous != 0x0D { out.append(0x0D) }
            out.append(b)
            previous = b
        }
        return out
    }
}
