#!/bin/sh
# make demo: a throwaway key, a signed message, a genuine bounce of it that
# passes, a forged bounce that fails, an ordinary message that is left alone.
set -eu
BIN=${BIN:-.build/release}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bouncesign-demo.XXXXXX")
trap 'gpgconf --homedir "$work/gnupg" --kill all 2>/dev/null; rm -rf "$work"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Create a throwaway signing key (bouncesign --generate-key)"
"$BIN/bouncesign" --generate-key --homedir "$work/gnupg" --uid "Demo <postmaster@example.org>" | tee "$work/keyinfo"
grep -v '^#' "$work/keyinfo" > "$work/bouncesign.conf"

step "1b. Check the set-up before any bounce arrives (bouncesign --check)"
"$BIN/bouncesign" -c "$work/bouncesign.conf" --check

step "2. Sign an outgoing message (bouncesign < message > signed)"
cat > "$work/message" <<'MSG'
From: Alice <alice@example.org>
To: Bob <nobody@example.net>
Subject: Lunch on Friday?
Date: Sun, 29 Nov 2026 10:00:00 +0000

Hi Bob, are we still on for Friday? — Alice
MSG
"$BIN/bouncesign" -c "$work/bouncesign.conf" < "$work/message" > "$work/signed"
sed -n '1,12p' "$work/signed"; echo "[... $(wc -l < "$work/signed") lines in all]"

step "3. The message bounces back whole: bouncecheck --explain"
sh "$here/make-bounce.sh" "$work/signed" > "$work/bounce"
set +e
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --explain "$work/bounce"; echo "exit status $? (0 = pass)"

step "4. Only the headers come back (as Postfix does above 50 kB)"
sh "$here/make-bounce.sh" "$work/signed" text/rfc822-headers > "$work/bounce-headers"
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --explain "$work/bounce-headers"; echo "exit status $? (0 = pass)"

step "5. Backscatter: a bounce of spam that forged our address"
printf 'Message-ID: <spam.123@example.org>\n' | cat - "$work/message" > "$work/spam"
sh "$here/make-bounce.sh" "$work/spam" > "$work/forged"
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --explain "$work/forged"; echo "exit status $? (1 = fail)"

step "6. A forger copies our proof but changes the returned text"
sed 's/still on/not on/' "$work/bounce" > "$work/tampered"
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --explain "$work/tampered"; echo "exit status $? (1 = fail)"

step "7. An ordinary message is left alone"
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --explain "$work/message"; echo "exit status $? (2 = none)"

step "8. --annotate, as a procmail filter would use it"
"$BIN/bouncecheck" -c "$work/bouncesign.conf" --annotate "$work/forged" | head -1
