#!/bin/sh
# make-bounce.sh MESSAGE [TYPE [RECIPIENT]] — wrap MESSAGE in an RFC 3464
# bounce, as a remote MTA would send it back. TYPE is the returned part's
# type: message/rfc822 (default, whole message) or text/rfc822-headers
# (headers only). RECIPIENT is the failed recipient the bounce names
# (default nobody@example.net).
set -eu
msg=$1
type=${2:-message/rfc822}
rcpt=${3:-nobody@example.net}
cat <<HEAD
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="demo-bounce"

--demo-bounce
Content-Type: text/plain

The message could not be delivered to <$rcpt>.

--demo-bounce
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $rcpt
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <$rcpt>: user unknown

--demo-bounce
Content-Type: $type

HEAD
if [ "$type" = text/rfc822-headers ]; then sed '/^$/q' "$msg"; else cat "$msg"; fi
printf '\n--demo-bounce--\n'
