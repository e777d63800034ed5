#!/usr/bin/env python3
"""Print one line about a bounce message: outer Content-Type, how the original
came back, and the DSN Status code(s). Standard library only."""
import email
import email.policy
import sys


def main(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    # OpenSMTPD above 64 KiB: the outer closing boundary follows each 64 KiB
    # chunk and the text goes on; a MIME parser sees only the first chunk.
    boundary = msg.get_boundary()
    cut = bool(msg.is_multipart() and boundary and msg.epilogue and ("--" + boundary) in msg.epilogue)
    outer = msg.get_content_type()
    rtype = msg.get_param("report-type")
    if rtype:
        outer += "; report-type=" + rtype
    returned, status = "nothing returned", []
    for part in msg.walk():
        ct = part.get_content_type()
        if ct == "message/rfc822" and returned == "nothing returned":
            inner = part.get_payload()
            body = inner[0].get_payload() if inner else ""
            size = len(body) if isinstance(body, str) else -1
            returned = "message/rfc822 (whole, body %d bytes)" % size
        elif ct == "text/rfc822-headers" and returned == "nothing returned":
            # OpenSMTPD labels the whole original text/rfc822-headers: say so
            # when a body follows the header block.
            text = part.get_payload()
            text = text if isinstance(text, str) else ""
            body = text.replace("\r\n", "\n").partition("\n\n")[2]
            if body.strip():
                returned = "text/rfc822-headers (%s, body %d bytes)" % (
                    "cut by a closing boundary" if cut else "whole message", len(body))
            else:
                returned = "text/rfc822-headers (headers only)"
        elif ct == "message/delivery-status":
            for block in part.get_payload():
                if block.get("Status"):
                    status.append(block.get("Status").strip())
    notes = []
    if cut:
        notes.append("cut: %d more bytes after the closing boundary" % len(msg.epilogue))
    if b"X-Exim-DSN-Information:" in open(path, "rb").read():
        notes.append("X-Exim-DSN-Information")
    print("%-45s | %-40s | Status %s%s" % (outer, returned, ",".join(status) or "?",
                                              (" | " + " ".join(notes)) if notes else ""))


if __name__ == "__main__":
    main(sys.argv[1])
