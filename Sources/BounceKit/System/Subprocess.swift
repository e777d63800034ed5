// Running the sendmail command bouncesign re-injects into: posix_spawn with
// the argv as given (never a shell), the message on its standard input.
import Glibc

/// A command and its fate.
enum Subprocess {
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Runs `argv`, hands its standard input to `writeInput`, waits for it.
    /// If `writeInput` fails the command is killed before it sees the end
    /// of its input: it must never take a cut message for a whole one.
    static func run(
        _ argv: [String], writeInput: (Int32) throws(FileIO.Failure) -> Void
    ) throws(FileIO.Failure) -> Outcome {
        guard let path = argv.first else { throw .failed("no command given") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw FileIO.lastError() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc =
            path.contains("/")
            ? posix_spawn(&pid, path, &actions, nil, &cArgs, environ)
            : posix_spawnp(&pid, path, &actions, nil, &cArgs, environ)
        close(fds[0])
        guard rc == 0 else {
            close(fds[1])
            throw .failed("cannot run \(path): \(FileIO.errorText(rc))")
        }
        // A command that exits early closes the pipe: its exit status says why.
        let oldPipe = signal(SIGPIPE, SIG_IGN)
        var writeFailure: FileIO.Failure? = nil
        do { try writeInput(fds[1]) } catch { writeFailure = error }
        if writeFailure != nil { kill(pid, SIGKILL) }
        close(fds[1])
        signal(SIGPIPE, oldPipe)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw FileIO.lastError() }
        }
        let outcome: Outcome = (status & 0x7F) == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
        if let writeFailure, outcome == .exited(0) || outcome == .signalled(SIGKILL) { throw writeFailure }
        return outcome
    }
}
