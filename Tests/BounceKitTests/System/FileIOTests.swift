// FileIO: the few file-system helpers the programs share.
import Testing

@testable import BounceKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite("FileIO")
struct FileIOTests {
    @Test("makeDirectory gives the mode to the last directory only; new parents are 0755 as with mkdir -p")
    func makeDirectoryModes() throws {
        var template = Array("/tmp/fileio-test.XXXXXX".utf8CString)
        let base = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { for d in ["/etc/bouncesign/gnupg", "/etc/bouncesign", "/etc", ""] { rmdir(base + d) } }
        let old = umask(0o022)
        defer { umask(old) }
        try FileIO.makeDirectory(base + "/etc/bouncesign/gnupg", mode: 0o700)
        for (path, want) in [(base + "/etc", 0o755), (base + "/etc/bouncesign", 0o755), (base + "/etc/bouncesign/gnupg", 0o700)] {
            var st = stat()
            #expect(stat(path, &st) == 0, "\(path): missing")
            #expect(
                Int(st.st_mode & 0o777) == want,
                "\(path): got \(String(st.st_mode & 0o777, radix: 8)), want \(String(want, radix: 8))")
        }
        // An existing directory is left as it is.
        try FileIO.makeDirectory(base + "/etc/bouncesign/gnupg", mode: 0o750)
    }

    @Test("system error texts read lower case inside our messages, as HOUSE-STYLE spells them")
    func errorTextIsLowerCase() {
        for (name, code, want) in [
            ("EACCES", EACCES, "permission denied"), ("ENOENT", ENOENT, "no such file or directory"),
            ("ENOSPC", ENOSPC, "no space left on device"),
        ] {
            let got = FileIO.errorText(code)
            #expect(got == want, "\(name): got \(got), want \(want)")
        }
        #expect(FileIO.Failure.failed(FileIO.errorText(EACCES)).description == "permission denied")
        let texts = [("Bad signature", "bad signature"), ("EOF", "EOF"), ("RPC struct is bad", "RPC struct is bad"), ("", "")]
        for (input, want) in texts {
            #expect(input.lowercasingFirst == want, "\(input): got \(input.lowercasingFirst), want \(want)")
        }
    }
}
