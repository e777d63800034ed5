#!/bin/sh
# fuzz.sh [SECONDS]   fuzz for SECONDS (default 60) and print a summary line
# fuzz.sh --smoke     prove the targets build and the oracles fire (make fuzz-smoke)
# fuzz.sh --seeds     rewrite the stored smoke input fuzz/seeds/altered-leaf.eml
#
# The libFuzzer targets in fuzz/*.swift are compiled in one module with
# Sources/BounceKit (outside SwiftPM) into .build-fuzz/: fuzz-asan with
# -sanitize=fuzzer,address, fuzz-fast with -sanitize=fuzzer only (for
# throughput). A run starts one job per entry TARGET:BUILD in FUZZ_JOBS
# (default "check:fast all:asan": the checker target unsanitised, and both
# the checker's and the signer's oracles under ASan, side by side), seeded with the genuine signed bounces the
# binary makes at start (FUZZ_WRITE_SEEDS), the real bounces in
# Tests/BounceKitTests/Fixtures/thirdparty and the malformed fixtures.
# Inputs are capped at FUZZ_MAX_LEN bytes (default 8192: every genuine
# bounce, 7 KB at most, fits whole, and the cut shapes need 4.6 KB; larger
# real bounces are read up to there, which is a cut return). The working
# corpus grows in .build-fuzz/corpus; findings (oracle violations, crashes,
# timeouts) go to .build-fuzz/findings/.
# The chunk-size oracle reads 1 input in FUZZ_CHUNK_SAMPLE (default 8) again
# in chunks, chosen by a hash of the input (fuzz/Oracles.swift).
# Exits 0 when the run found nothing, 1 on a finding, 2 when it cannot build.
set -eu
cd "$(dirname "$0")/.."
out=.build-fuzz
findings=$out/findings
mkdir -p "$out" "$out/corpus" "$findings"
export SWIFT_BACKTRACE=enable=no  # else a crash leaves no crash file (FACTS.md)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
maxlen=${FUZZ_MAX_LEN:-8192}

# build VARIANT: compile .build-fuzz/fuzz-VARIANT unless it is newer than
# every source. -parse-as-library: libFuzzer supplies main. -wmo as in
# SwiftPM release builds: without it the generic byte helpers are not
# specialised across files and every subscript read goes through a witness.
build() {
  bin=$out/fuzz-$1
  case $1 in
    asan) sanitize=fuzzer,address ;;
    fast) sanitize="fuzzer -sanitize-coverage=edge,inline-8bit-counters,pc-table" ;;
  esac
  if [ -x "$bin" ] && [ -z "$(find Sources/BounceKit fuzz -name '*.swift' -newer "$bin" | head -1)" ]; then
    return 0
  fi
  echo "fuzz: building $bin (log in $out/build-$1.log; takes minutes)"
  # shellcheck disable=SC2046
  if ! swiftc -sanitize=$sanitize -parse-as-library -O -wmo -g \
      -module-name BounceKit -module-cache-path "$out/module-cache" \
      -I Sources/CGPGME -I Sources/CGcrypt -I Sources/CDKIM -I Sources/CLibc \
      -Xcc -fmodule-map-file=Sources/CGPGME/module.modulemap \
      -Xcc -fmodule-map-file=Sources/CGcrypt/module.modulemap \
      -Xcc -fmodule-map-file=Sources/CDKIM/module.modulemap \
      -Xcc -fmodule-map-file=Sources/CLibc/module.modulemap \
      $(find Sources/BounceKit fuzz -name '*.swift' | LC_ALL=C sort) \
      -lgpgme -lgcrypt -o "$bin.tmp" > "$out/build-$1.log" 2>&1; then
    grep -v 'warning: Cannot export local symbol' "$out/build-$1.log" | tail -40 >&2
    echo "fuzz: build failed" >&2
    exit 2
  fi
  mv "$bin.tmp" "$bin"
}

# seeds BIN DIR: the genuine messages and their bounces, made by the binary.
seeds() {
  rm -rf "$2"
  mkdir -p "$2"
  FUZZ_WRITE_SEEDS=$2 "$1" > /dev/null 2>&1 || { echo "fuzz: cannot write seeds" >&2; exit 2; }
}

thirdparty=Tests/BounceKitTests/Fixtures/thirdparty/set-of-emails/maildir
malformed=Tests/BounceKitTests/Fixtures/malformed

case ${1:-60} in
--seeds)
  build fast
  seeds "$out/fuzz-fast" "$out/seeds"
  mkdir -p fuzz/seeds
  cp "$out/seeds/altered-leaf.eml" fuzz/seeds/altered-leaf.eml
  echo "fuzz: wrote fuzz/seeds/altered-leaf.eml"
  exit 0 ;;
--smoke)
  build asan
  bin=$out/fuzz-asan
  log=$out/smoke.log
  seeds "$bin" "$out/seeds"
  if ! cmp -s "$out/seeds/altered-leaf.eml" fuzz/seeds/altered-leaf.eml; then
    echo "fuzz-smoke: fuzz/seeds/altered-leaf.eml is stale (the genuine messages changed): run scripts/fuzz.sh --seeds" >&2
    exit 1
  fi
  # Every stored input and seed, every target: no finding.
  if ! FUZZ_TARGET=all FUZZ_CHUNK_SAMPLE=1 "$bin" fuzz/seeds/altered-leaf.eml "$malformed"/*.eml fuzz/findings-fixed/* \
      "$out/seeds"/*.eml > "$log" 2>&1; then
    grep -E 'FINDING|ERROR' "$log" >&2 || tail -20 "$log" >&2
    echo "fuzz-smoke: FAILED: a stored input is a finding (log in $log)" >&2
    exit 1
  fi
  # With the checker's leaf comparison broken, the oracle reports the stored input.
  if FUZZ_BREAK=leaf-check "$bin" fuzz/seeds/altered-leaf.eml > "$log.break" 2>&1 || ! grep -q 'fuzz: FINDING' "$log.break"; then
    tail -20 "$log.break" >&2
    echo "fuzz-smoke: FAILED: the oracle did not report a pass on an altered body with the leaf check broken" >&2
    exit 1
  fi
  echo "fuzz-smoke: broken leaf check caught: $(grep -m1 'fuzz: FINDING' "$log.break" | cut -c1-100)..."
  # A short run of the checker target (SMOKE_TARGET), from the seeds, in a
  # throwaway corpus.
  rm -rf "$out/smoke-corpus"
  mkdir -p "$out/smoke-corpus"
  if ! FUZZ_TARGET=${SMOKE_TARGET:-check} "$bin" -max_total_time="${SMOKE_SECONDS:-10}" -max_len="$maxlen" -timeout=10 \
      -artifact_prefix="$out/smoke-" "$out/smoke-corpus" "$out/seeds" "$malformed" > "$log" 2>&1; then
    grep -E 'FINDING|ERROR' "$log" >&2 || tail -20 "$log" >&2
    echo "fuzz-smoke: FAILED: a finding in the short run (log in $log)" >&2
    exit 1
  fi
  line=$(grep 'fuzz: oracle:' "$log" | tail -1)
  case $line in
    *" pass=0 "*|"") echo "fuzz-smoke: FAILED: no input reached a pass ($line)" >&2; exit 1 ;;
  esac
  echo "fuzz-smoke: ok: ${line#fuzz: }"
  exit 0 ;;
*[!0-9]*|'') echo "usage: $0 [SECONDS | --smoke | --seeds]" >&2; exit 64 ;;
esac
seconds=$1

jobs=${FUZZ_JOBS:-check:fast all:asan}
for j in $jobs; do build "${j#*:}"; done
seeds "$out/fuzz-${j#*:}" "$out/seeds"

# A dictionary of the tokens the parsers look for, so that mutations hit them.
dict=$out/mail.dict
cat > "$dict" <<'DICT'
"\x0A\x0A"
"\x0D\x0A"
"\x0D"
"\x0A--"
"--\x0A"
"From "
"Content-Type: "
"Content-Transfer-Encoding: "
"MIME-Version: 1.0"
"Message-ID: "
"Return-Path: <>"
"From: MAILER-DAEMON@"
"Subject: "
"To: "
"Cc: "
"Bcc: "
"Date: "
"Auto-Submitted: auto-replied"
"X-Failed-Recipients: "
"Received: "
"multipart/mixed"
"multipart/alternative"
"multipart/report"
"multipart/digest"
"multipart/signed"
"report-type=delivery-status"
"; boundary="
"; charset="
"charset=utf-8"
"message/rfc822"
"message/global"
"message/partial"
"message/delivery-status"
"text/rfc822-headers"
"text/plain"
"text/html"
"application/octet-stream"
"quoted-printable"
"base64"
"8bit"
"binary"
"=3D"
"=\x0A"
"Final-Recipient: rfc822; "
"Original-Recipient: rfc822; "
"Action: failed"
"Action: delayed"
"Status: 5.1.1"
"------ This is a copy of the message, including all the headers. ------"
"Bounce-Signature: v=2; "
"application/x-bouncesign-statement"
"application/x-bouncesign-clearsign"
"-----BEGIN PGP SIGNED MESSAGE-----"
"-----BEGIN PGP SIGNATURE-----"
"-----END PGP SIGNATURE-----"
"Hash: SHA512"
"bouncesign-statement: 2"
DICT

marker=$out/run-started
: > "$marker"
echo "fuzz: running $jobs for ${seconds}s each, inputs up to $maxlen bytes"
pids=
for j in $jobs; do
  t=${j%%:*} v=${j#*:}
  FUZZ_TARGET=$t "$out/fuzz-$v" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -max_len="$maxlen" -dict="$dict" -print_final_stats=1 -artifact_prefix="$findings/" \
    "$out/corpus" "$out/seeds" "$thirdparty" "$malformed" > "$out/fuzz-$t-$v.log" 2>&1 &
  pids="$pids $!"
done
status=0
for p in $pids; do wait "$p" || status=1; done

total=0 pass=0 body=0
for j in $jobs; do
  t=${j%%:*} v=${j#*:}
  log=$out/fuzz-$t-$v.log
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  o=$(grep 'fuzz: oracle:' "$log" | tail -1 | sed 's/^fuzz: oracle: //')
  echo "fuzz: $t ($v): ${n:-?} executions, ${r:-?}/s; $o"
  total=$((total + ${n:-0}))
  pass=$((pass + $(echo "$o" | sed -n 's/.* pass=\([0-9]*\).*/\1/p' | grep . || echo 0)))
  body=$((body + $(echo "$o" | sed -n 's/.*body-check=\([0-9]*\).*/\1/p' | grep . || echo 0)))
done
found=$(find "$findings" -type f -newer "$marker" | wc -l)
echo "fuzz: SUMMARY: $total executions in ${seconds}s ($((total / seconds))/s), $pass reached pass, $body reached the body check, $found findings"
if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
  echo "fuzz: FINDING; new inputs in $findings/:" >&2
  find "$findings" -type f -newer "$marker" -exec ls -l {} + >&2
  grep -h -E 'fuzz: FINDING|ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|SUMMARY: ' "$out"/fuzz-*.log | head -5 >&2 || true
  echo "fuzz: reproduce with: FUZZ_TARGET=all SWIFT_BACKTRACE=enable=no $out/fuzz-asan FILE" >&2
  exit 1
fi
echo "fuzz: no findings"
