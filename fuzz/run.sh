#!/usr/bin/env bash
# Builds the libFuzzer harnesses (KCBXCore and its dependencies instrumented with
# -sanitize=fuzzer,address) and runs each for SECONDS. New crashes go to fuzz/crashes/<harness>/,
# new corpus entries to fuzz/.build/corpus/<harness>/ (the committed seeds in fuzz/corpus are
# read only). Prints executions per harness; exits 1 when any harness crashed.
#
#   bash fuzz/run.sh SECONDS [harness ...]     (default: every harness)
#   bash fuzz/run.sh --build                   (build only)
#   fuzz/.build/bin/fuzz-<harness> CRASH_FILE   (reproduce one input)
set -uo pipefail
cd "$(dirname "$0")"
HARNESSES=(policy calendar roster marks registry notice filter identity bulk)
SCRATCH=.build
BIN=$SCRATCH/bin
# swiftc's -sanitize=fuzzer alone adds no coverage counters when -g is on (SwiftPM always passes
# -g; Swift 6.3): name the coverage explicitly so the Swift code is instrumented, not only C.
FLAGS=(-c release --sanitize=fuzzer --sanitize=address --product KCBXFuzz --scratch-path "$SCRATCH"
       -Xswiftc -enable-testing -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)

build() {
  swift build "${FLAGS[@]}" 2>&1 | grep -E 'error:|Build .*complete' || true
  local exe
  exe=$(swift build "${FLAGS[@]}" --show-bin-path)/KCBXFuzz
  [[ -x $exe ]] || { echo "fuzz: build failed" >&2; exit 2; }
  mkdir -p "$BIN"
  for h in "${HARNESSES[@]}"; do ln -sf "$(realpath "$exe")" "$BIN/fuzz-$h"; done
}

build
[[ ${1:-} == --build ]] && exit 0
SECONDS_EACH=${1:-600}; shift || true
(( $# )) && HARNESSES=("$@")

status=0
# Inputs that once crashed (fuzz/regressions/<harness>/, committed with their fix) must pass first.
for h in "${HARNESSES[@]}"; do
  [[ -d regressions/$h ]] || continue
  if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$BIN/fuzz-$h" regressions/$h/* >"$SCRATCH/logs-regressions-$h.log" 2>&1; then
    echo "fuzz: a committed regression input of $h crashes again: fuzz/$SCRATCH/logs-regressions-$h.log"; status=1
  fi
done
printf '%-10s %12s %10s %8s  %s\n' harness executions exec/s corpus result
for h in "${HARNESSES[@]}"; do
  work=$SCRATCH/corpus/$h crashes=crashes/$h log=$SCRATCH/logs/$h.log
  mkdir -p "$work" "$crashes" "$SCRATCH/logs"
  dict=(); [[ -f dict/$h.dict ]] && dict=(-dict="dict/$h.dict")
  # Swift keeps runtime caches alive for the process: leaks are checked by `make sanitize`, not here.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$BIN/fuzz-$h" "$work" "corpus/$h" "${dict[@]}" \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=3072 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$crashes/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$work" -type f | wc -l)
  if (( rc == 0 )); then result=ok; else
    result="CRASH (exit $rc): $(ls -t "$crashes" | head -1) — see fuzz/$log"; status=1
  fi
  printf '%-10s %12s %10s %8s  %s\n' "$h" "${execs:-?}" "${rate:-?}" "$size" "$result"
done
exit $status
