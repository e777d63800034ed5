#!/usr/bin/env python3
"""Send messages to an MTA on 127.0.0.1 by SMTP, one transaction each, on one
connection (for the MTA test harness). Standard library only.

usage: smtp-send.py --port P --from ADDR --to ADDR [--to ADDR...] FILE...
  --from ''  sends MAIL FROM:<> (a bounce). Line ends are sent as CRLF.
Exit 0 when every message was accepted; 1 otherwise (the server's reply on stderr).
"""
import argparse
import re
import smtplib
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--from", dest="sender", required=True)
    ap.add_argument("--to", action="append", required=True)
    ap.add_argument("--helo", default="client.test")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--source", default=None,
                    help="connect from this local address (e.g. 127.0.0.2: a client other than the host)")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    try:
        with smtplib.SMTP("127.0.0.1", args.port, local_hostname=args.helo, timeout=args.timeout,
                          source_address=(args.source, 0) if args.source else None) as s:
            for name in args.files:
                with open(name, "rb") as f:
                    data = re.sub(rb"\r?\n", b"\r\n", f.read())   # smtplib leaves bytes as they are
                refused = s.sendmail(args.sender, args.to, data)
                if refused:
                    print("smtp-send: %s: refused %r" % (name, refused), file=sys.stderr)
                    return 1
    except (smtplib.SMTPException, OSError) as e:
        print("smtp-send: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
