#!/usr/bin/python3
# dkim-sign.py KEY SELECTOR DOMAIN ALGORITHM CANON [--t T] [--x X] [--l] [--headers h1:h2]
# DKIM-signs standard input with dkimpy (Debian python3-dkim) and writes the
# signed message with LF line ends. The message is signed in its CRLF form,
# as it travels. --t sets t= (dkimpy takes the clock), --x adds x=, --l adds
# l= (the whole body length). Used by Tests/mta/dkim-bounces and
# Tests/EndToEndTests/DKIMProofTests.swift.
import argparse, sys, time
import dkim

p = argparse.ArgumentParser()
for a in ("key", "selector", "domain", "algorithm", "canon"):
    p.add_argument(a)
p.add_argument("--t", type=int)
p.add_argument("--x", type=int)
p.add_argument("--l", action="store_true")
p.add_argument("--headers", default="from:to:subject:date:message-id")
o = p.parse_args()

if o.t is not None:
    time.time = lambda: o.t
if o.x is not None:
    gen = dkim.DKIM.gen_header
    def with_x(self, fields, *rest, **kw):
        i = [k for k, _ in fields].index(b"h")
        fields.insert(i, (b"x", str(o.x).encode()))
        return gen(self, fields, *rest, **kw)
    dkim.DKIM.gen_header = with_x

msg = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
c = o.canon.encode()
sig = dkim.sign(msg, o.selector.encode(), o.domain.encode(), open(o.key, "rb").read(),
                canonicalize=(c, c), signature_algorithm=o.algorithm.encode(),
                include_headers=[h.encode() for h in o.headers.split(":")], length=o.l)
sys.stdout.buffer.write((sig + msg).replace(b"\r\n", b"\n"))
