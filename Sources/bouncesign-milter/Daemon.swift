// The daemon's life: open the socket (as root, if started so), detach
// unless -f, write the pid file, switch to the configured user, then serve.
//
// Signals. libmilter's own signal thread takes SIGHUP and SIGTERM as "stop".
// smfi_main therefore runs on a second thread, and the main thread waits
// for the signals itself: Linux hands a signal sent to the process to its
// main thread first when that thread is waiting for it, so SIGHUP reloads
// (settings and keys; sessions under way finish with the settings they
// started with) and SIGTERM or SIGINT call smfi_stop, then wait for the
// open sessions to finish.
import BounceKit
import CMilter
import Glibc

struct Daemon {
    let options: Options
    let settings: Configuration

    func run() -> Int32 {
        // swift-format-ignore: NeverForceUnwrap
        let socket = MilterSocket(settings.socket)!  // Configuration.set checked it
        services = ServiceHolder(MilterService.live(settings, hostname: Host.name))
        let desc = Callbacks.description()
        guard smfi_register(desc) == MI_SUCCESS else { return fail("bouncesign-milter: smfi_register failed", 70) }
        _ = desc
        var spec = Array(socket.spec.utf8CString)
        _ = spec.withUnsafeMutableBufferPointer { smfi_setconn($0.baseAddress) }
        if let path = socket.path, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            // /run/bouncesign: systemd's RuntimeDirectory makes it; by hand, we do.
            try? FileIO.makeDirectory(String(path[..<slash]), mode: 0o755)
        }
        // The socket file: owner and group may connect (the MTA's group).
        let oldMask = umask(0o007)
        let opened = smfi_opensocket(true)
        umask(oldMask)
        guard opened == MI_SUCCESS else {
            return fail(
                "bouncesign-milter: cannot open socket \(socket.spec) (in use, or no permission)", BounceSignMilter.osError)
        }
        // TCP: no Nagle, or every multi-packet reply waits ~40 ms for the MTA's delayed ACK (shim.h).
        _ = bouncesign_milter_nodelay()
        if !options.foreground, !detach() {
            return fail("bouncesign-milter: cannot detach: \(errnoText)", BounceSignMilter.osError)
        }
        if let pidfile = settings.pidfile {
            let fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                return fail("bouncesign-milter: cannot write pid file \(pidfile): \(errnoText)", BounceSignMilter.osError)
            }
            try? FileIO.writeAll(fd, Array("\(getpid())\n".utf8))
            close(fd)
        }
        if let user = settings.user {
            if let why = switchUser(user, socketPath: socket.path) {
                return fail("bouncesign-milter: \(why)", BounceSignMilter.osError)
            }
        } else if geteuid() == 0 {
            SystemLog.log(.warning, "running as root: set user in \(options.configPath)")
        }
        SystemLog.log(.info, "started (\(BounceKitVersion.string)) on \(socket.spec)")
        let status = serve()
        if let pidfile = settings.pidfile { unlink(pidfile) }
        if let path = socket.path { unlink(path) }
        SystemLog.log(.info, "stopped")
        return status
    }

    /// Runs smfi_main on a thread and the signal loop here.
    private func serve() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGHUP, SIGTERM, SIGINT, SIGUSR2] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)  // inherited by every thread from here on
        signal(SIGPIPE, SIG_IGN)
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { _ in
                MainLoop.result = smfi_main()
                // Wake the signal loop: smfi_main ended on its own.
                kill(getpid(), SIGUSR2)
                return nil
            }, nil)
        guard created == 0 else {
            return fail("bouncesign-milter: cannot start: \(FileIO.errorText(created))", BounceSignMilter.osError)
        }
        while true {
            var sig: Int32 = 0
            guard sigwait(&set, &sig) == 0 else { continue }
            if sig == SIGHUP {
                reload()
                continue
            }
            if sig != SIGUSR2 { SystemLog.log(.info, "stopping: letting \(services.openSessions) open session(s) finish") }
            _ = smfi_stop()
            break
        }
        pthread_join(thread, nil)
        // libmilter's session threads are detached: wait for them (5 minutes at most).
        for _ in 0..<3000 where services.openSessions > 0 { usleep(100_000) }
        return MainLoop.result == MI_SUCCESS ? 0 : BounceSignMilter.osError
    }

    private func reload() {
        do {
            let new = try options.load()
            if new.socket != settings.socket || new.user != settings.user || new.pidfile != settings.pidfile {
                SystemLog.log(.warning, "reload: socket, user and pidfile change only on restart")
            }
            services.replace(MilterService.live(new, hostname: Host.name))
            SystemLog.log(.info, "reloaded \(options.configPath)")
        } catch {
            SystemLog.log(.error, "reload failed, old settings kept: \(error.description)")
        }
    }

    /// Forks into the background: the parent exits, the child leads a new session.
    private func detach() -> Bool {
        let pid = fork()
        if pid < 0 { return false }
        if pid > 0 { _exit(0) }
        setsid()
        chdir("/")
        let null = open("/dev/null", O_RDWR)
        if null >= 0 {
            for fd: Int32 in 0...2 { dup2(null, fd) }
            if null > 2 { close(null) }
        }
        return true
    }

    /// Becomes `user` (its groups too); the socket file becomes theirs first.
    private func switchUser(_ user: String, socketPath: String?) -> String? {
        guard let pw = getpwnam(user) else { return "user \(user) does not exist" }
        let uid = pw.pointee.pw_uid, gid = pw.pointee.pw_gid
        if let socketPath { chown(socketPath, uid, gid) }
        guard initgroups(user, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            return "cannot switch to user \(user): \(errnoText)"
        }
        return nil
    }

    private var errnoText: String { FileIO.errorText(errno) }
}

/// What smfi_main returned.
enum MainLoop {
    nonisolated(unsafe) static var result: Int32 = MI_SUCCESS
}
