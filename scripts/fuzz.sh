#!/bin/sh
# fuzz.sh [SECONDS] — build the libFuzzer target fuzz/FuzzMessage.swift
# (compiled in one module with Sources/BounceKit, outside SwiftPM) into
# .build-fuzz/ and run it for SECONDS (default 60), seeded from the corpus
# of real bounces. The working corpus grows in .build-fuzz/corpus; crash,
# timeout and out-of-memory inputs are written to .build-fuzz/findings/.
# FUZZ_ROUNDTRIP=1 also fails when a message bouncesign signed does not pass
# bouncecheck once bounced back whole (a logic oracle, off by default).
# Exits 0 when the run found nothing, 1 on a finding, 2 when it cannot build.
set -eu
seconds=${1:-60}
case $seconds in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 64 ;; esac
cd "$(dirname "$0")/.."
out=.build-fuzz
bin=$out/fuzz-message
corpus=$out/corpus
findings=$out/findings
mkdir -p "$out" "$corpus" "$findings"

# Build. One -sanitize=fuzzer,address flag (FACTS.md: separate flags have
# been seen to give no coverage). -parse-as-library because the target has
# no main; libFuzzer supplies it. -wmo as in SwiftPM release builds: without
# it the generic byte helpers (Bytes.swift) are not specialised across files
# and every subscript read goes through a witness, ~20x slower.
echo "fuzz: building $bin (log in $out/build.log)"
find Sources/BounceKit -name '*.swift' | LC_ALL=C sort > "$out/sources.txt"
# shellcheck disable=SC2046
if ! swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -g \
    -module-name BounceKit -module-cache-path "$out/module-cache" \
    -I Sources/CGPGME -I Sources/CGcrypt \
    -Xcc -fmodule-map-file=Sources/CGPGME/module.modulemap \
    -Xcc -fmodule-map-file=Sources/CGcrypt/module.modulemap \
    $(cat "$out/sources.txt") fuzz/FuzzMessage.swift \
    -lgpgme -lgcrypt -o "$bin" > "$out/build.log" 2>&1; then
  grep -v 'warning: Cannot export local symbol' "$out/build.log" | tail -40 >&2
  echo "fuzz: build failed" >&2
  exit 2
fi

# Seed the working corpus once from the real bounces (libFuzzer keeps
# adding to it across runs).
seeds=Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails/maildir
if [ -z "$(ls -A "$corpus")" ]; then
  for f in "$seeds"/*/*.eml; do
    [ -f "$f" ] || continue
    cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  for f in Tests/BounceKitTests/Fixtures/malformed/*.eml; do
    [ -f "$f" ] && cp "$f" "$corpus/malformed-$(basename "$f")"
  done
fi
# A dictionary of the tokens the parsers look for, so that mutations hit them.
dict=$out/mail.dict
cat > "$dict" <<'DICT'
"\x0A\x0A"
"\x0D\x0A"
"\x0A--"
"--\x0A"
"From "
"Content-Type: "
"Content-Transfer-Encoding: "
"MIME-Version: 1.0"
"Message-ID: "
"Return-Path: <>"
"From: MAILER-DAEMON@"
"Subject: Undelivered Mail"
"Auto-Submitted: auto-replied"
"X-Failed-Recipients: "
"Received: "
"Date: "
"multipart/mixed"
"multipart/report"
"multipart/digest"
"multipart/signed"
"report-type=delivery-status"
"; boundary="
"boundary=\"b\""
"message/rfc822"
"message/global"
"message/partial"
"message/delivery-status"
"text/rfc822-headers"
"text/plain"
"quoted-printable"
"base64"
"8bit"
"=3D"
"=\x0A"
"Final-Recipient: rfc822; "
"Action: failed"
"Status: 5.1.1"
"original message follows"
"------ This is a copy of the message"
"Bounce-Signature: v=1; a=openpgp-clearsign; b="
"application/x-bouncesign-statement"
"application/x-bouncesign-clearsign"
"-----BEGIN PGP SIGNED MESSAGE-----"
"-----BEGIN PGP SIGNATURE-----"
"-----END PGP SIGNATURE-----"
"Hash: SHA512"
"bouncesign-statement: 1"
"timestamp: "
"nonce: "
"message-id: "
"canonicalization: mime-leaves/1"
"body-hash: sha256:"
DICT
before=$(ls "$corpus" | wc -l)
echo "fuzz: corpus $corpus: $before inputs; running ${seconds}s"

# Run. SWIFT_BACKTRACE=enable=no: with Swift's backtracer on, a crash leaves
# no crash file and ASan can report a false stack-buffer-underflow.
log=$out/fuzz.log
marker=$out/run-started
: > "$marker"
status=0
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
  -max_len=${FUZZ_MAX_LEN:-131072} -dict="$dict" -print_final_stats=1 \
  -artifact_prefix="$findings/" "$corpus" > "$log" 2>&1 || status=$?

after=$(ls "$corpus" | wc -l)
grep -E '^#[0-9]+.*(INITED|DONE)' "$log" | sed 's/^/fuzz: /' || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed 's/^/fuzz: /' || true
echo "fuzz: corpus grew from $before to $after inputs; log in $log"
found=$(find "$findings" -type f -newer "$marker" | wc -l)
if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
  echo "fuzz: FINDING (libFuzzer exit $status); new inputs in $findings/:" >&2
  find "$findings" -type f -newer "$marker" -exec ls -l {} + >&2
  grep -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|SUMMARY' "$log" | head -5 >&2 || true
  echo "fuzz: reproduce with: SWIFT_BACKTRACE=enable=no $bin FILE" >&2
  exit 1
fi
echo "fuzz: no findings"
