#!/usr/bin/env python3
"""A tiny, bounded SMTP responder on 127.0.0.1 for the MTA test harness.

Modes:
  refuse-rcpt  answer RCPT TO with "550 5.1.1 no such user"
  refuse-data  accept RCPT, answer the end of DATA with "554 5.7.1 rejected after data"
  accept       accept everything; write each message into --outdir, one file each,
               byte-exact as received after dot-unstuffing (CRLF line ends as on the
               wire), plus a NAME.env file with the envelope (MAIL FROM / RCPT TO lines)

It binds only 127.0.0.1 (no option to change that), serves connections in threads,
and exits by itself after --timeout seconds (or on SIGTERM/SIGINT).
Standard library only.
"""
import argparse
import os
import signal
import socket
import socketserver
import sys
import threading
import time

HOST = "127.0.0.1"
MAX_LINE = 64 * 1024          # longest command / data line accepted
MAX_MESSAGE = 64 * 1024 * 1024  # bytes of DATA accepted per message


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, mode, outdir, idle):
        super().__init__((HOST, port), Handler)
        self.mode = mode
        self.outdir = outdir
        self.idle = idle
        self.counter = 0
        self.lock = threading.Lock()

    def next_name(self):
        with self.lock:
            self.counter += 1
            return "%d.%06d" % (int(time.time()), self.counter)


class Handler(socketserver.StreamRequestHandler):
    def setup(self):
        super().setup()
        self.request.settimeout(self.server.idle)

    def send(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(MAX_LINE + 2)
        if not line:
            raise EOFError
        return line

    def handle(self):
        srv = self.server
        try:
            self.send("220 peer.test ESMTP smtp-peer (%s)" % srv.mode)
            mail_from, rcpts = None, []
            while True:
                raw = self.readline()
                line = raw.rstrip(b"\r\n").decode("latin-1")
                verb = line[:4].upper()
                if verb == "EHLO":
                    self.wfile.write(b"250-peer.test\r\n250-PIPELINING\r\n"
                                     b"250-8BITMIME\r\n250 SIZE %d\r\n" % MAX_MESSAGE)
                    self.wfile.flush()
                elif verb == "HELO":
                    self.send("250 peer.test")
                elif verb == "MAIL":
                    mail_from, rcpts = line[5:].strip(), []
                    self.send("250 2.1.0 ok")
                elif verb == "RCPT":
                    if mail_from is None:
                        self.send("503 5.5.1 need MAIL first")
                    elif srv.mode == "refuse-rcpt":
                        self.send("550 5.1.1 no such user")
                    else:
                        rcpts.append(line[5:].strip())
                        self.send("250 2.1.5 ok")
                elif verb == "DATA":
                    if not rcpts:
                        self.send("554 5.5.1 no valid recipients")
                        continue
                    self.send("354 go ahead")
                    data = self.read_data()
                    if srv.mode == "refuse-data":
                        self.send("554 5.7.1 rejected after data")
                    elif data is None:
                        self.send("552 5.3.4 message too big")
                    else:
                        name = srv.next_name()
                        self.store(name, mail_from, rcpts, data)
                        self.send("250 2.0.0 ok queued as %s" % name)
                    mail_from, rcpts = None, []
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    self.send("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.send("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.send("221 2.0.0 bye")
                    return
                else:
                    self.send("502 5.5.2 command not implemented")
        except (EOFError, OSError, socket.timeout):
            return

    def read_data(self):
        """Read DATA up to the lone dot; undo dot-stuffing; keep bytes as sent."""
        parts, size, too_big = [], 0, False
        while True:
            raw = self.readline()
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b"."):
                raw = raw[1:]
            size += len(raw)
            if size > MAX_MESSAGE:
                too_big = True
            elif not too_big:
                parts.append(raw)
        return None if too_big else b"".join(parts)

    def store(self, name, mail_from, rcpts, data):
        outdir = self.server.outdir
        if not outdir:
            return
        tmp = os.path.join(outdir, ".%s.tmp" % name)
        with open(tmp, "wb") as f:
            f.write(data)
        with open(os.path.join(outdir, name + ".env"), "w") as f:
            f.write("MAIL %s\n" % mail_from)
            for r in rcpts:
                f.write("RCPT %s\n" % r)
        os.rename(tmp, os.path.join(outdir, name + ".eml"))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", choices=["refuse-rcpt", "refuse-data", "accept"], required=True)
    ap.add_argument("--outdir", help="accept mode: directory for received messages")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="exit after this many seconds (default 120)")
    ap.add_argument("--idle", type=float, default=30.0,
                    help="per-connection idle timeout in seconds (default 30)")
    ap.add_argument("--ready-file", help="created once the port is listening")
    args = ap.parse_args()
    if args.mode == "accept" and not args.outdir:
        ap.error("accept mode needs --outdir")
    if args.outdir:
        os.makedirs(args.outdir, exist_ok=True)

    srv = Server(args.port, args.mode, args.outdir, args.idle)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("%d\n" % os.getpid())
    stop.wait(args.timeout)
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
