# Shared code of the isolated-MTA harness (sourced, not run).
# Each MTA lives in its own chroot built by mmdebstrap from Debian's packages,
# under $BOUNCESIGN_MTA_CACHE/<mta>/root. Nothing outside that folder is touched
# except: the host package mmdebstrap (installed by mta-setup if missing) and
# listening sockets on 127.0.0.1 ports (see mta_ports).

MTA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MTA_REPO=$(cd "$MTA_HERE/../.." && pwd)
MTA_CACHE=${BOUNCESIGN_MTA_CACHE:-/var/cache/bouncesign-mta}
MTA_SUITE=${BOUNCESIGN_MTA_SUITE:-bookworm}
MTA_TIMEOUT=${BOUNCESIGN_MTA_TIMEOUT:-60}
MTA_HOSTNAME=mail.example.org
MTA_SENDER=sender@example.org
MTA_SENDER_USER=sender
# Bump when the chroot contents (package list, build steps) change: forces a rebuild.
MTA_SETUP_VERSION=1
MTA_ALL="postfix exim sendmail opensmtpd"
# Configuration variant: empty for the bounce scenarios; "outbound" (Tests/mta/outbound)
# lays conf/outbound/<mta>/ over conf/<mta>/ (see mta_configure).
MTA_VARIANT=${MTA_VARIANT:-}

log() { printf '%s\n' "$*" >&2; }
die() { log "$(basename "$0"): $*"; exit 1; }
unavailable() { printf '%s: unavailable: %s\n' "$(basename "$0")" "$*" >&2; exit 77; }

mta_check_name() {
    case "$1" in postfix|exim|sendmail|opensmtpd) ;; *) die "unknown MTA '$1' (postfix, exim, sendmail or opensmtpd)";; esac
}

# Packages of each chroot (on top of Debian's Essential set). MTA_SIGNING: what a
# bouncesign built with -static-stdlib needs to run inside (outbound tests), and
# procmail behind the bouncecheck delivery hook.
MTA_SIGNING=libgpgme11,gpg,gpg-agent,libstdc++6
# MTA_MILTER: what bouncesign-milter (linked to libmilter) needs beyond that, in
# the chroots of the MTAs that speak the milter protocol (milter-mta); they
# also get OpenDKIM, the second milter there (it also verifies: opendkim -t).
MTA_MILTER=libmilter1.0.1
mta_packages() {
    case "$1" in
        # opendkim: the DKIM milter that signs after bouncesign (outbound, milter-mta).
        postfix)  echo postfix,procmail,opendkim,$MTA_SIGNING,$MTA_MILTER ;;
        exim)     echo exim4-daemon-light,procmail,$MTA_SIGNING ;;
        sendmail) echo sendmail-bin,sendmail-cf,sensible-mda,procmail,opendkim,$MTA_SIGNING,$MTA_MILTER ;;
        opensmtpd) echo opensmtpd,procmail,$MTA_SIGNING ;;
    esac
}

# Ports on 127.0.0.1: LISTEN (the MTA's own SMTP server, for later tests),
# PEER (where smtp-peer.py plays the remote server), SUBMIT (a second SMTP
# server in the role of the submission port, only in the outbound and milter
# variants), MILTER (OpenDKIM: Postfix's outbound variant, and the milter
# variant of Postfix and sendmail) and BSMILTER (bouncesign-milter, milter
# variant).
# Base moves with BOUNCESIGN_MTA_PORT_BASE (default 10020):
# postfix +5..+9, exim +15/+16/+17, sendmail +25..+29, opensmtpd +35/+36/+37.
mta_ports() {
    local base=${BOUNCESIGN_MTA_PORT_BASE:-10020} off
    case "$1" in postfix) off=5;; exim) off=15;; sendmail) off=25;; opensmtpd) off=35;; esac
    LISTEN_PORT=$((base + off)); PEER_PORT=$((base + off + 1)); SUBMIT_PORT=$((base + off + 2))
    MILTER_PORT=$((base + off + 3)); BSMILTER_PORT=$((base + off + 4))
}

mta_dir()  { echo "$MTA_CACHE/$1"; }
mta_root() { echo "$MTA_CACHE/$1/root"; }
mta_run()  { echo "$MTA_CACHE/$1/run"; }
mta_stamp_text() { echo "version=$MTA_SETUP_VERSION suite=$MTA_SUITE packages=$(mta_packages "$1")"; }
mta_ready() { [ -d "$(mta_root "$1")" ] && [ "$(cat "$(mta_dir "$1")/stamp" 2>/dev/null)" = "$(mta_stamp_text "$1")" ]; }

# Run a command inside the MTA's chroot, in a private UTS namespace whose host
# name is $MTA_HOSTNAME (sendmail insists on a qualified host name; the others get
# a stable one too). Falls back to a plain chroot where unshare is refused.
# With MTA_PROC=yes (the outbound tests), also in a private mount namespace with
# /proc mounted in the chroot: Swift programs (bouncesign) find their command
# line arguments through /proc. That mount is seen by nothing outside the
# namespace and goes away with its last process.
MTA_UTS=
MTA_PROC=${MTA_PROC:-}
in_root() {
    local mta=$1; shift
    local root; root=$(mta_root "$mta")
    if [ -z "$MTA_UTS" ]; then
        if unshare --uts true 2>/dev/null; then MTA_UTS=yes; else MTA_UTS=no; fi
    fi
    if [ "$MTA_PROC" = yes ]; then
        unshare --uts --mount --propagation private -- /bin/sh -c \
            'hostname "$0" && mount -t proc proc "$1/proc" && exec chroot "$@"' "$MTA_HOSTNAME" "$root" "$@"
    elif [ "$MTA_UTS" = yes ]; then
        unshare --uts -- /bin/sh -c 'hostname "$0" && exec chroot "$@"' "$MTA_HOSTNAME" "$root" "$@"
    else
        chroot "$root" "$@"
    fi
}

# PIDs of processes whose root directory is the MTA's chroot (that is: ours).
mta_pids() {
    local root; root=$(readlink -f "$(mta_root "$1")")
    find /proc/[0-9]*/root -maxdepth 0 -lname "$root" 2>/dev/null | cut -d/ -f3
}

# Kill (by PID) every process still running inside the MTA's chroot.
mta_kill_leftovers() {
    local mta=$1 pids i
    pids=$(mta_pids "$mta")
    [ -z "$pids" ] && return 0
    kill -TERM $pids 2>/dev/null
    for i in 1 2 3 4 5 6 7 8 9 10; do
        pids=$(mta_pids "$mta"); [ -z "$pids" ] && return 0
        sleep 0.3
    done
    kill -KILL $pids 2>/dev/null
    sleep 0.2
}

# Is the MTA's daemon running?
mta_daemon_running() {
    local mta=$1 root pidf pid; root=$(mta_root "$mta")
    case "$mta" in
        postfix)  pidf=$root/var/spool/postfix/pid/master.pid ;;
        sendmail) pidf=$root/run/sendmail/mta/sendmail.pid ;;
        exim)     pidf=$root/run/exim4/exim.pid ;;
        opensmtpd) pidf=$root/run/smtpd.pid ;;
    esac
    [ -f "$pidf" ] || return 1
    pid=$(head -n1 "$pidf" | tr -dc 0-9)
    [ -n "$pid" ] && mta_pids "$mta" | grep -qx "$pid"
}

# Does this MTA need a daemon for local submission and bounces?
mta_needs_daemon() { [ "$1" != exim ]; }

# Files named by "#@include PATH" lines (PATH relative to the repository) in a conf tree.
mta_includes() {
    [ -d "$1" ] && grep -rh '^#@include ' "$1" | awk '{print $2}' | sort -u
}

# Copy one config file into the chroot: "#@include PATH" lines are replaced by
# that file of the repository (so examples/ are tested as shipped; only the
# milter examples' ports change: 8891, bouncesign-milter, and 8892, OpenDKIM,
# become @BSMILTER_PORT@ and @MILTER_PORT@), then the @LISTEN_PORT@,
# @PEER_PORT@, @SUBMIT_PORT@, @MILTER_PORT@, @BSMILTER_PORT@ and @HOSTNAME@
# placeholders are filled in.
mta_render() {  # SOURCE >> or > target
    local inc
    for inc in $(grep '^#@include ' "$1" | awk '{print $2}'); do
        [ -r "$MTA_REPO/$inc" ] || { log "$1: cannot read $MTA_REPO/$inc"; return 1; }
    done
    awk -v repo="$MTA_REPO" '/^#@include / { f = repo "/" $2; while ((getline l < f) > 0) { gsub(/8891/, "@BSMILTER_PORT@", l); gsub(/8892/, "@MILTER_PORT@", l); print l }; close(f); next } { print }' "$1" |
        sed -e "s/@LISTEN_PORT@/$LISTEN_PORT/g" -e "s/@PEER_PORT@/$PEER_PORT/g" \
            -e "s/@SUBMIT_PORT@/$SUBMIT_PORT/g" -e "s/@MILTER_PORT@/$MILTER_PORT/g" -e "s/@BSMILTER_PORT@/$BSMILTER_PORT/g" \
            -e "s/@HOSTNAME@/$MTA_HOSTNAME/g"
}

# Write the harness's configuration into the chroot (cheap; done at every start).
# With MTA_VARIANT set, conf/$MTA_VARIANT/<mta>/ is laid over conf/<mta>/: a file
# replaces the base file of the same path, FILE.append is added to the end of the
# base FILE. Files only a variant has are listed in run/variant-files and removed
# when the chroot is configured again, so the base scenarios see the base set.
mta_configure() {
    local mta=$1 root conf over run f sum; root=$(mta_root "$mta"); conf=$MTA_HERE/conf/$mta
    run=$(mta_run "$mta"); mkdir -p "$run"
    over=
    if [ -n "$MTA_VARIANT" ]; then
        over=$MTA_HERE/conf/$MTA_VARIANT/$mta
        [ -d "$over" ] || { log "no configuration variant $MTA_VARIANT for $mta ($over)"; return 1; }
    fi
    mta_ports "$mta"
    # Skip when this exact configuration is already in place.
    sum=$( { echo "$LISTEN_PORT $PEER_PORT $SUBMIT_PORT $MILTER_PORT $BSMILTER_PORT $MTA_HOSTNAME variant=$MTA_VARIANT"; cat "$MTA_HERE/lib.sh"
             find "$conf" ${over:+"$over"} -type f | sort | xargs cat
             for f in $(mta_includes "$over"); do cat "$MTA_REPO/$f"; done; } 2>&1 | sha256sum | cut -c1-64)
    [ "$(cat "$run/configured" 2>/dev/null)" = "$sum" ] && return 0
    rm -f "$run/configured"
    printf '127.0.0.1\t%s mail localhost\n127.0.0.2\texample.org\n::1\tip6-localhost\n' "$MTA_HOSTNAME" > "$root/etc/hosts"
    : > "$root/etc/resolv.conf"          # no name server: any DNS query fails at once
    echo "$MTA_HOSTNAME" > "$root/etc/mailname"
    sed -i 's/^hosts:.*/hosts:          files/' "$root/etc/nsswitch.conf"
    if ! grep -q "^$MTA_SENDER_USER:" "$root/etc/passwd"; then
        chroot "$root" useradd -m -s /bin/sh "$MTA_SENDER_USER" || return 1
    fi
    if [ -f "$run/variant-files" ]; then
        while read -r f; do [ -n "$f" ] && rm -f "$root/$f"; done < "$run/variant-files"
        rm -f "$run/variant-files"
    fi
    for f in $(cd "$conf" && find . -type f | sort); do
        mkdir -p "$root/$(dirname "$f")"
        mta_render "$conf/$f" > "$root/$f" || return 1
    done
    if [ -n "$over" ]; then
        for f in $(cd "$over" && find . -type f | sort); do
            case "$f" in
                *.append)
                    [ -f "$conf/${f%.append}" ] || echo "${f%.append}" >> "$run/variant-files"
                    mkdir -p "$root/$(dirname "$f")"
                    mta_render "$over/$f" >> "$root/${f%.append}" || return 1 ;;
                *)
                    [ -f "$conf/$f" ] || echo "$f" >> "$run/variant-files"
                    mkdir -p "$root/$(dirname "$f")"
                    mta_render "$over/$f" > "$root/$f" || return 1 ;;
            esac
        done
    fi
    case "$mta" in
        postfix)
            # Postfix commands that drop privileges write this log themselves when
            # postlogd is not running; unwritable, they die after a 1 s pause.
            touch "$root/var/log/postfix.log"
            chroot "$root" chown postfix:adm /var/log/postfix.log
            in_root postfix /usr/sbin/postfix check >/dev/null 2>&1 || in_root postfix /usr/sbin/postfix check
            ;;
        exim)
            mkdir -p "$root/var/log/exim4" "$root/run/exim4"
            chroot "$root" chown -R Debian-exim:adm /var/log/exim4
            chroot "$root" chown Debian-exim:Debian-exim /run/exim4
            in_root exim /usr/sbin/exim4 -bV >/dev/null || return 1
            ;;
        sendmail)
            mkdir -p "$root/run/sendmail/mta" "$root/run/sendmail/msp"
            chroot "$root" chown smmta:smmsp /run/sendmail/mta
            chroot "$root" chown smmsp:smmsp /run/sendmail/msp
            in_root sendmail /bin/sh -c 'cd /etc/mail && m4 sendmail.mc > sendmail.cf.new && m4 submit.mc > submit.cf.new && mv sendmail.cf.new sendmail.cf && mv submit.cf.new submit.cf && /usr/sbin/newaliases >/dev/null' || return 1
            ;;
        opensmtpd)
            # OpenSMTPD resolves with its own libasr, which reads resolv.conf's
            # OpenBSD-style "lookup" line (glibc ignores it): files only, no DNS.
            echo 'lookup file' > "$root/etc/resolv.conf"
            touch "$root/var/log/smtpd.log"
            in_root opensmtpd /usr/sbin/smtpd -n -f /etc/smtpd.conf >"$run/check.out" 2>&1 || { cat "$run/check.out" >&2; return 1; }
            ;;
    esac
    echo "$sum" > "$run/configured"
}

mta_log_file() {
    local root; root=$(mta_root "$1")
    case "$1" in
        postfix)  echo "$root/var/log/postfix.log" ;;
        exim)     echo "$root/var/log/exim4/mainlog" ;;
        sendmail) echo "(sendmail logs only to syslog, which the chroot lacks; its queue follows)" ;;
        opensmtpd) echo "$root/var/log/smtpd.log" ;;
    esac
}

mta_log_tail() {
    local f; f=$(mta_log_file "$1")
    log "---- last lines of $f ----"
    if [ "$1" = sendmail ]; then
        in_root sendmail /usr/sbin/sendmail -Am -bp >&2 2>&1
        in_root sendmail /usr/sbin/sendmail -Ac -bp >&2 2>&1
    else
        tail -n "${2:-25}" "$f" >&2 2>/dev/null || log "(no log)"
    fi
    if [ "$1" = exim ]; then
        log "---- paniclog ----"; tail -n 5 "$(mta_root exim)/var/log/exim4/paniclog" >&2 2>/dev/null
    fi
}

mta_start_daemon() {
    local mta=$1 i
    mta_daemon_running "$mta" && return 0
    # Daemons get no terminal, no pipe of the caller and not the lock (fd 9).
    local out; out=$(mta_run "$mta")/daemon.out
    case "$mta" in
        postfix)  in_root postfix /usr/sbin/postfix start ;;
        sendmail) in_root sendmail /usr/sbin/sendmail -bd -q5m ;;
        exim)     in_root exim /usr/sbin/exim4 -bd -q5m ;;
        # smtpd -d: foreground, logging to stderr (the chroot has no syslog); the
        # shell puts it in the background and records its PID.
        opensmtpd) in_root opensmtpd /bin/sh -c '/usr/sbin/smtpd -d -f /etc/smtpd.conf >>/var/log/smtpd.log 2>&1 </dev/null & echo $! > /run/smtpd.pid' ;;
    esac </dev/null >"$out" 2>&1 9>&- || { cat "$out" >&2; return 1; }
    for i in $(seq 1 50); do
        mta_daemon_running "$mta" && return 0
        sleep 0.1
    done
    log "$mta: daemon did not come up"; return 1
}

mta_stop_daemon() {
    local mta=$1
    case "$mta" in
        postfix)
            mta_daemon_running postfix && in_root postfix /usr/sbin/postfix stop >/dev/null 2>&1 ;;
        sendmail|exim|opensmtpd)
            local root pidf; root=$(mta_root "$mta")
            case "$mta" in
                sendmail)  pidf=$root/run/sendmail/mta/sendmail.pid ;;
                exim)      pidf=$root/run/exim4/exim.pid ;;
                opensmtpd) pidf=$root/run/smtpd.pid ;;
            esac
            if mta_daemon_running "$mta"; then kill -TERM "$(head -n1 "$pidf" | tr -dc 0-9)"; fi
            rm -f "$pidf" ;;
    esac
    mta_kill_leftovers "$mta"
}

# Empty the queue and the sender's mailbox (the MTA must be idle).
mta_reset() {
    local mta=$1 root; root=$(mta_root "$mta")
    case "$mta" in
        postfix)  in_root postfix /usr/sbin/postsuper -d ALL >/dev/null 2>&1 ;;
        exim)     rm -f "$root"/var/spool/exim4/input/* "$root"/var/spool/exim4/msglog/* ;;
        sendmail) rm -f "$root"/var/spool/mqueue/* "$root"/var/spool/mqueue-client/* ;;
        opensmtpd)
            if mta_daemon_running opensmtpd; then
                in_root opensmtpd /usr/sbin/smtpctl remove all >/dev/null 2>&1
            else
                rm -rf "$root"/var/spool/smtpd/{queue,incoming,offline,corrupt,temporary}/*
            fi
            rm -f "$root/root/dead.letter" ;;   # where its enqueuer saves a refused message
    esac
    rm -f "$root/home/$MTA_SENDER_USER"/Maildir/{new,cur,tmp}/* "$root/var/mail/$MTA_SENDER_USER"
}

# Exclusive use of one MTA's chroot across concurrent harness runs (fd 9).
mta_lock() {
    mkdir -p "$MTA_CACHE"
    exec 9>"$MTA_CACHE/$1.lock"
    flock -w 600 9 || die "could not lock $MTA_CACHE/$1.lock"
}

# ---- building chroots (mta-setup; Tests/pkg/deb-test uses these too) ----

# The host package mmdebstrap, installed with apt when missing; exit 77 if it cannot be.
mta_need_mmdebstrap() {
    command -v mmdebstrap >/dev/null && return 0
    log "$(basename "$0"): installing mmdebstrap (host package, builds the chroots)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/tmp/mta-setup-apt.$$ 2>&1; then
        apt-get update -q >>/tmp/mta-setup-apt.$$ 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >>/tmp/mta-setup-apt.$$ 2>&1 \
            || { tail -5 /tmp/mta-setup-apt.$$ >&2; rm -f /tmp/mta-setup-apt.$$; unavailable "cannot install mmdebstrap with apt-get"; }
    fi
    rm -f /tmp/mta-setup-apt.$$
}

# Debian mirrors: from BOUNCESIGN_DEBIAN_MIRROR / _SECURITY_MIRROR, else apt's
# sources, else deb.debian.org. Sets MTA_MIRROR and MTA_SECMIRROR.
mta_mirror_of() {  # $1 = path suffix: debian or debian-security
    grep -hoE '(https?://[^ ]+/'"$1"')/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | tr -d ' ' | sed 's:/$::'
}
mta_mirrors() {
    MTA_MIRROR=${BOUNCESIGN_DEBIAN_MIRROR:-$(mta_mirror_of debian)}
    MTA_MIRROR=${MTA_MIRROR:-http://deb.debian.org/debian}
    MTA_SECMIRROR=${BOUNCESIGN_DEBIAN_SECURITY_MIRROR:-$(mta_mirror_of debian-security)}
    MTA_SECMIRROR=${MTA_SECMIRROR:-http://deb.debian.org/debian-security}
}

# Remove a chroot tree, refusing one that still has something mounted in it.
mta_safe_rm() {
    local d; d=$(readlink -f "$1")
    [ -e "$d" ] || return 0
    if awk '{print $2}' /proc/mounts | grep -q "^$d/"; then
        awk '{print $2}' /proc/mounts | grep "^$d/" | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
    fi
    awk '{print $2}' /proc/mounts | grep -q "^$d/" && die "$d still has mounts; not removing it"
    rm -rf --one-file-system "$d"
}
