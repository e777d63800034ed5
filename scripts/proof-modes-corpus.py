#!/usr/bin/env python3
"""proof-modes-corpus.py BIN_DIR [CORPUS_DIR] [--tsv FILE]

What "proof header" changes against "proof parts" on real mail: signs every
.eml of the corpus (default: the Sisimai set of
Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails/maildir, 832 files of
every shape: MIME trees, 8-bit, CRLF, bare CR, broken headers) in both modes
with BIN_DIR's bouncesign and a throwaway key, wraps each signed message in a
bounce with scripts/make-bounce.sh, returned whole (message/rfc822) and
headers only (text/rfc822-headers), and runs bouncecheck on both. The signed
copy is returned with LF line ends, as the servers of Tests/mta return CRLF
input.

Prints, per mode: how many messages were signed, the verdicts of each return,
and how many signed messages carry a body that only survives a relay that
leaves it alone (8-bit bytes, lines over 998 bytes, lines starting with "."
or "From ", bare CR) — the bytes header mode sends as they came
(bouncesign(1) CAVEATS). Then every file whose verdict differs between the
modes. --tsv FILE writes one line per file and mode. Exit 0 (a measurement,
not a test), 1 when the tools cannot run.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile
import time

args = [a for a in sys.argv[1:]]
tsv = None
if "--tsv" in args:
    i = args.index("--tsv")
    tsv = args[i + 1]
    del args[i:i + 2]
if not args:
    sys.exit(__doc__.strip().splitlines()[0])
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bindir = os.path.abspath(args[0])
corpus = args[1] if len(args) > 1 else os.path.join(
    repo, "Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails/maildir")
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".eml"))
work = tempfile.mkdtemp(prefix="proof-modes.")
t0 = time.monotonic()


def run(argv, data=None):
    return subprocess.run(argv, input=data, capture_output=True)


g = run([os.path.join(bindir, "bouncesign"), "--generate-key", "--homedir", os.path.join(work, "gnupg"),
         "--uid", "Corpus <sender@example.org>"])
if g.returncode != 0:
    sys.exit("bouncesign --generate-key: " + g.stderr.decode())
conf = [l for l in g.stdout.decode().splitlines() if l.split()[:1] in (["homedir"], ["key"], ["trust"])]
for mode in ("parts", "header"):
    with open(os.path.join(work, "conf." + mode), "w") as f:
        f.write("\n".join(conf) + "\n" + ("proof header\n" if mode == "header" else ""))


def verdict(bounce):
    r = run([os.path.join(bindir, "bouncecheck"), "-c", os.path.join(work, "conf.parts"), "--annotate"], bounce)
    head = r.stdout.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    head = re.sub(r"\n[ \t]+", " ", head)
    for l in head.splitlines():
        if l.startswith("Bounce-Check: "):
            return r.returncode, l[len("Bounce-Check: "):].split(";")[0].strip()
    return r.returncode, "(no Bounce-Check field)"


def klass(v):
    """Verdicts grouped: 'pass (2 of 3 parts verified, rest cut)' -> 'pass (N of M parts verified, rest cut)'."""
    return re.sub(r"\d+ of \d+", "N of M", re.sub(r"\(.*?<[^>]*>.*\)$", "(...)", v))


def risks(body):
    """What in a signed message's body a relay may change (header mode sends it as it is)."""
    out = []
    lines = body.replace(b"\r\n", b"\n").split(b"\n")
    if re.search(rb"[\x80-\xff]", body):
        out.append("8-bit")
    if any(len(l) > 998 for l in lines):
        out.append("line>998")
    if any(l.startswith(b".") for l in lines):
        out.append("leading-dot")
    if any(l.startswith(b"From ") for l in lines):
        out.append("From-line")
    if b"\r" in body.replace(b"\r\n", b""):
        out.append("bare-CR")
    return out


rows = {}      # (file, mode) -> dict
for n, path in enumerate(files):
    msg = open(path, "rb").read()
    for mode in ("parts", "header"):
        r = run([os.path.join(bindir, "bouncesign"), "-c", os.path.join(work, "conf." + mode)], msg)
        row = {"sign": r.returncode}
        out = r.stdout
        if r.returncode != 0 or not re.search(rb"(?m)^Bounce-Signature:", out.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n")):
            row["signed"] = False
            row["why"] = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        else:
            row["signed"] = True
            lf = out.replace(b"\r\n", b"\n")
            body = lf.split(b"\n\n", 1)[1] if b"\n\n" in lf else b""
            row["risks"] = risks(body)
            orig = os.path.join(work, "signed.eml")
            with open(orig, "wb") as f:
                f.write(lf)
            for ret, t in (("whole", "message/rfc822"), ("headers", "text/rfc822-headers")):
                b = run(["sh", os.path.join(repo, "scripts/make-bounce.sh"), orig, t]).stdout
                row[ret] = verdict(b)
        rows[(path, mode)] = row
    if sys.stderr.isatty():
        print("\r%d/%d" % (n + 1, len(files)), end="", file=sys.stderr)
if sys.stderr.isatty():
    print(file=sys.stderr)
subprocess.run(["gpgconf", "--homedir", os.path.join(work, "gnupg"), "--kill", "all"], capture_output=True)
subprocess.run(["rm", "-rf", work])

print("corpus: %s: %d messages, %.0f s" % (os.path.relpath(corpus, repo), len(files), time.monotonic() - t0))
for mode in ("parts", "header"):
    rs = [rows[(p, mode)] for p in files]
    signed = [r for r in rs if r["signed"]]
    print("\nproof %s: %d signed, %d not signed (sent on as they came)" % (mode, len(signed), len(rs) - len(signed)))
    for ret in ("whole", "headers"):
        c = collections.Counter(klass(r[ret][1]) for r in signed)
        print("  returned %-8s %s" % (ret + ":", "; ".join("%s %d" % (k, v) for k, v in c.most_common())))
    rk = collections.Counter(x for r in signed for x in r["risks"])
    atrisk = sum(1 for r in signed if r["risks"])
    print("  body at risk in transit: %d of %d (%s)" % (atrisk, len(signed), ", ".join("%s %d" % kv for kv in rk.most_common()) or "none"))
print("\nverdicts that differ between the modes:")
ndiff = 0
for p in files:
    a, b = rows[(p, "parts")], rows[(p, "header")]
    for ret in ("whole", "headers"):
        va = a[ret][1] if a["signed"] else "not signed"
        vb = b[ret][1] if b["signed"] else "not signed"
        if klass(va) != klass(vb):
            ndiff += 1
            print("  %s %s: parts %s | header %s" % (os.path.relpath(p, corpus), ret, va, vb))
print("  (%d)" % ndiff)
if tsv:
    with open(tsv, "w") as f:
        f.write("file\tmode\tsigned\twhole\theaders\trisks\n")
        for p in files:
            for mode in ("parts", "header"):
                r = rows[(p, mode)]
                f.write("%s\t%s\t%s\t%s\t%s\t%s\n" % (
                    os.path.relpath(p, corpus), mode, "yes" if r["signed"] else "no (exit %d: %s)" % (r["sign"], r["why"][0]),
                    r.get("whole", ("", ""))[1], r.get("headers", ("", ""))[1], ",".join(r.get("risks", []))))
