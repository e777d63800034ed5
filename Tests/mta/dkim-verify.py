#!/usr/bin/python3
"""dkim-verify.py DNS_TXT_FILE MESSAGE — verify MESSAGE's DKIM-Signature with
dkimpy (Debian's python3-dkim, hence /usr/bin/python3), the public key taken
from DNS_TXT_FILE (the record dknewkey writes) for any selector/domain: no DNS.
Prints one line, "pass d=DOMAIN s=SELECTOR c=CANON (N DKIM-Signature)" or
"fail: why", and exits 0 / 1 (2: no DKIM-Signature at all)."""
import re
import sys

import dkim

txt = open(sys.argv[1], "rb").read().strip()
msg = open(sys.argv[2], "rb").read()
head = msg.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
sigs = re.findall(rb"(?im)^DKIM-Signature:(.*(?:\n[ \t].*)*)", head)
if not sigs:
    print("fail: no DKIM-Signature")
    sys.exit(2)
tags = dict((k.strip().decode(), v.strip().decode()) for k, _, v in
            (t.partition(b"=") for t in re.sub(rb"\s+", b"", sigs[0]).split(b";")) if k.strip())
try:
    ok = dkim.verify(msg, dnsfunc=lambda name, timeout=5: txt)
    why = "" if ok else "signature does not verify"
except dkim.DKIMException as e:
    ok, why = False, str(e)
if ok:
    print("pass d=%s s=%s c=%s (%d DKIM-Signature)" % (tags.get("d"), tags.get("s"), tags.get("c", "simple/simple"), len(sigs)))
    sys.exit(0)
print("fail: %s" % why)
sys.exit(1)
