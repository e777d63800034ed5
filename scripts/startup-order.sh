#!/bin/sh
# Rewrites scripts/startup-order.txt: the functions bouncecheck runs to check
# an ordinary message, for the linker to place side by side (make
# startup-order; needs valgrind and BIN, the release build).
#
# Checking an ordinary message takes about 2 ms, and most of it is start-up:
# the kernel maps each page of the program in when it is first touched. The
# functions a check runs lie scattered over 6 MB of code, so without an order
# each one costs a page fault of its own. The release build (Makefile
# SWIFTFLAGS) puts every function in a section of its own and hands this list
# to gold (--section-ordering-file), which places these first, together.
#
# The list is what valgrind saw bouncecheck run for an ordinary message, a
# multipart one and a bounce with no proof (the backscatter case). A stale list
# costs speed, never correctness: names that no longer exist are skipped.
# Run it again after changes to the code an ordinary check runs, and commit
# the list with that code.
set -eu
: "${BIN:?set BIN to the release build directory (make startup-order does)}"
command -v valgrind > /dev/null || { echo "startup-order: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=$here/startup-order.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Settings: a trusted key is all an ordinary check needs (no keyring is read).
echo "trust 0123456789ABCDEF0123456789ABCDEF01234567" > "$tmp/conf"

header() {
  printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\n'
  printf 'Subject: A message\nDate: Sun, 29 Nov 2026 10:00:00 +0000\n'
  printf 'Message-ID: <order.%s@example.org>\nMIME-Version: 1.0\n' "$1"
}
body() {
  awk 'BEGIN { for (i = 0; i < 250; i++) printf "Line %07d of the body: the quick brown fox jumps over the lazy dog\n", i }'
}
{ header plain; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; body; } > "$tmp/plain.eml"
{
  header mixed
  printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
  printf 'Content-Type: text/plain; charset=us-ascii\n\nThe report is attached.\n--b1\n'
  printf 'Content-Type: text/plain; name="report.txt"\nContent-Disposition: attachment\n\n'
  body
  printf -- '--b1--\n'
} > "$tmp/mixed.eml"
bounce=$here/../Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails/maildir/bsd/lhost-postfix-01.eml

n=0
for input in "$tmp/plain.eml" "$tmp/mixed.eml" "$bounce"; do
  n=$((n + 1))
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg.$n" \
    "$BIN/bouncecheck" -c "$tmp/conf" "$input" > /dev/null 2>&1 || true
done

# Callgrind names an object or function once, as "ob=(id) name" or
# "fn=(id) name" (also as cob=/cfn= when called), then by "(id)" alone.
# Kept: the functions run ("fn=") inside bouncecheck itself, as ".text.NAME",
# those of the ordinary message first, so that they lie closest together;
# each input's new ones sorted, so that the list changes only with the code.
for f in "$tmp"/cg.1 "$tmp"/cg.2 "$tmp"/cg.3; do
  awk '
    /^c?ob=\(/ { id = $1; sub(/^c?ob=/, "", id); if (NF > 1) obj[id] = $2; if ($0 ~ /^ob=/) cur = obj[id]; next }
    /^c?fn=\(/ {
      id = $1; sub(/^c?fn=/, "", id)
      if (NF > 1) { name = $2; sub(/'"'"'[0-9]+$/, "", name); fn[id] = name }
      if ($0 ~ /^fn=/ && cur ~ /\/bouncecheck$/ && fn[id] !~ /^(0x|\()/) print ".text." fn[id]
    }' "$f" | LC_ALL=C sort -u | awk -v seen="$tmp/seen" '
    BEGIN { while ((getline l < seen) > 0) had[l] = 1 }
    !had[$0] { print; print >> seen }'
done > "$tmp/order"
[ -s "$tmp/order" ] || { echo "startup-order: valgrind saw no function of $BIN/bouncecheck" >&2; exit 1; }
mv "$tmp/order" "$out"
echo "startup-order: $(wc -l < "$out") functions in $out"
