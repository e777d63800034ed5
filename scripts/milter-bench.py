#!/usr/bin/env python3
"""milter-bench.py — drive a milter as an MTA does, for scripts/bench.sh.

usage: milter-bench.py --port PORT|--local PATH --message FILE --count N [--sessions K]
                       [--client IP] [--expect sign|pass|none] [--pid PID]

Opens K connections to 127.0.0.1:PORT (milter protocol 6), each sends
N messages (the same FILE: headers one by one, the body in 64 KiB chunks
with CRLF line ends, as Postfix and sendmail do) from client IP, and waits
for the milter's answer at the end of each. Checks the first answer (sign:
a Bounce-Signature field is inserted; pass / none: the Bounce-Check field
added says so). Prints one line:

    messages=M wall_s=W per_s=R median_ms=T p90_ms=T90 cpu_ms_per_msg=C rss_kb=K

median/p90: the time from MAIL FROM to the final answer, one message;
cpu: the milter's user+system time (from /proc/PID/stat, PID given) over
the run, divided by the messages; rss: its VmHWM. Standard library only.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

SMFIP = dict(NOCONNECT=0x1, NOHELO=0x2, NOMAIL=0x4, NORCPT=0x8, NOBODY=0x10, NOHDRS=0x20,
             NOEOH=0x40, NR_HDR=0x80, NOUNKNOWN=0x100, NODATA=0x200, NR_CONN=0x1000,
             NR_HELO=0x2000, NR_MAIL=0x4000, NR_RCPT=0x8000, NR_DATA=0x10000, NR_EOH=0x40000,
             NR_BODY=0x80000)
FINAL = set(b"acrtdy")


class Conn:
    def __init__(self, target):
        if isinstance(target, int):
            self.s = socket.create_connection(("127.0.0.1", target))
            self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        else:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.connect(target)
        self.buf = b""

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def recv(self):
        while len(self.buf) < 4 or len(self.buf) < 4 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("milter closed the connection")
            self.buf += chunk
        n = struct.unpack(">I", self.buf[:4])[0]
        p, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
        return p[:1], p[1:]

    def step(self, cmd, data, skip, noreply):
        """Send one event unless the milter asked to skip it; wait for its reply unless it asked not to."""
        if self.proto & skip:
            return
        self.send(cmd, data)
        if not (self.proto & noreply):
            c, d = self.recv()
            if c not in (b"c", b"a"):
                raise RuntimeError("milter answered %r %r to %r" % (c, d[:80], cmd))

    def negotiate(self):
        self.send(b"O", struct.pack(">III", 6, 0x1FF, 0x1FFFFF))
        c, d = self.recv()
        if c != b"O":
            raise RuntimeError("no option negotiation: %r" % c)
        _, self.actions, self.proto = struct.unpack(">III", d[:12])


def parse(path):
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    head, _, body = raw.partition(b"\n\n")
    fields = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b"\r\n" + line
        elif b":" in line:
            name, _, value = line.partition(b":")
            fields.append([name, value.lstrip(b" ")])
    body = body.replace(b"\n", b"\r\n")
    sender = b"<>" if b"multipart/report" in head.lower() else b"<alice@example.org>"
    return fields, body, sender


def session(args, fields, body, sender, times, first, errors):
    try:
        c = Conn(args.local or args.port)
        c.negotiate()
        P = SMFIP
        c.send(b"D", b"C" + b"j\0mail.example.org\0{daemon_name}\0bench\0")
        c.step(b"C", b"client.test\0" + b"4" + struct.pack(">H", 25) + args.client.encode() + b"\0",
               P["NOCONNECT"], P["NR_CONN"])
        c.step(b"H", b"client.test\0", P["NOHELO"], P["NR_HELO"])
        for i in range(args.count):
            t0 = time.perf_counter()
            c.send(b"D", b"M" + b"i\0BENCH%d\0" % i)
            c.step(b"M", sender + b"\0", P["NOMAIL"], P["NR_MAIL"])
            c.step(b"R", b"<bob@example.net>\0", P["NORCPT"], P["NR_RCPT"])
            c.step(b"T", b"", P["NODATA"], P["NR_DATA"])
            for name, value in fields:
                c.step(b"L", name + b"\0" + value + b"\0", P["NOHDRS"], P["NR_HDR"])
            c.step(b"N", b"", P["NOEOH"], P["NR_EOH"])
            for k in range(0, len(body), 65535):
                c.step(b"B", body[k:k + 65535], P["NOBODY"], P["NR_BODY"])
            c.send(b"E")
            edits = []
            while True:
                cmd, d = c.recv()
                if cmd[0] in FINAL:
                    break
                edits.append((cmd, d))
            times.append(time.perf_counter() - t0)
            if not first:
                first.append((cmd, d, edits))
        c.send(b"Q")
        c.s.close()
    except Exception as e:  # reported by the main thread
        errors.append(repr(e))


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])   # utime, stime (fields 14 and 15)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int)
    ap.add_argument("--local", help="the milter's unix socket instead of --port")
    ap.add_argument("--message", required=True)
    ap.add_argument("--count", type=int, default=50, help="messages per session")
    ap.add_argument("--sessions", type=int, default=1)
    ap.add_argument("--client", default="192.0.2.1")
    ap.add_argument("--expect", choices=["sign", "pass", "none"], required=True)
    ap.add_argument("--pid", type=int)
    args = ap.parse_args()
    fields, body, sender = parse(args.message)
    times, first, errors = [], [], []
    c0 = cpu_ticks(args.pid) if args.pid else 0
    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(args, fields, body, sender, times, first, errors))
               for _ in range(args.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = (cpu_ticks(args.pid) - c0) / os.sysconf("SC_CLK_TCK") if args.pid else 0.0
    if errors:
        print("milter-bench: %s" % errors[0], file=sys.stderr)
        return 1
    cmd, d, edits = first[0]
    added = {}
    for e, v in edits:
        if e in (b"h", b"i"):
            parts = (v[4:] if e == b"i" else v).split(b"\0")
            added[parts[0].lower()] = parts[1]
    if cmd not in (b"c", b"a"):
        print("milter-bench: final answer %r %r" % (cmd, d[:100]), file=sys.stderr)
        return 1
    if args.expect == "sign" and b"bounce-signature" not in added:
        print("milter-bench: not signed (edits: %r)" % sorted(added), file=sys.stderr)
        return 1
    if args.expect in ("pass", "none") and not added.get(b"bounce-check", b"").lstrip().startswith(args.expect.encode()):
        print("milter-bench: Bounce-Check %r, wanted %s" % (added.get(b"bounce-check"), args.expect), file=sys.stderr)
        return 1
    times.sort()
    n = len(times)
    print("messages=%d wall_s=%.3f per_s=%.1f median_ms=%.3f p90_ms=%.3f cpu_ms_per_msg=%.4f rss_kb=%d" % (
        n, wall, n / wall, times[n // 2] * 1000, times[int(n * 0.9)] * 1000, cpu * 1000 / n,
        rss_kb(args.pid) if args.pid else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
