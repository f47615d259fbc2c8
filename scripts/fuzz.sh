#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, with AddressSanitizer and coverage instrumentation) and runs each for a while
# on a scratch copy of its committed seed corpus. Prints one summary line per target and exits non-zero on any crash,
# hang, leak or out-of-memory; the offending inputs are kept under fuzz-out/<target>/ (not committed). See
# docs/FUZZING.md.
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--merge] [--no-build | --bin DIR] [target ...]
#
#   --seconds N   run time per target (default 60)
#   --jobs J      targets run at the same time (default 1)
#   --merge       minimise the inputs found into Fuzz/corpus/<target>/ afterwards (the committed corpus grows)
#   --no-build    use the existing build in .build-fuzz
#   --bin DIR     use the fuzz targets already built in DIR (scripts/test.sh: its sanitized test build)
#   target        container keyfile ciphertext phe-json csv phenotype panel vcf bfv-serialization merkle-log
#                 results totals-json (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(container keyfile ciphertext phe-json csv phenotype panel vcf bfv-serialization merkle-log results totals-json)
seconds=60 jobs=1 merge=0 build=1 bin= targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --no-build) build=0; shift ;;
    --bin) [ $# -ge 2 ] || { echo "--bin needs a directory" >&2; exit 64; }; build=0; bin=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 64 ;;
    *)
      if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
        echo "unknown target '$1' (known: ${all_targets[*]})" >&2; exit 64
      fi
      targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Coverage for libFuzzer in every Swift module (edges as inline 8-bit counters with their PC table, comparison
# operands, indirect calls), AddressSanitizer everywhere; Package.swift links libFuzzer into the fuzz targets only.
scratch_path=.build-fuzz
flags=(-c release --scratch-path "$scratch_path" --sanitize=address
  -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table)
if [ "$build" = 1 ]; then
  start=$(date +%s)
  for t in "${targets[@]}"; do
    HE_FUZZ=1 swift build "${flags[@]}" --product "fuzz-$t" >&2
  done
  echo "fuzz build finished in $(( $(date +%s) - start )) s" >&2
fi
[ -n "$bin" ] || bin=$(HE_FUZZ=1 swift build "${flags[@]}" --show-bin-path)
for t in "${targets[@]}"; do
  [ -x "$bin/fuzz-$t" ] || { echo "no fuzz target $bin/fuzz-$t: build it first (see --help)" >&2; exit 66; }
done

out=$PWD/fuzz-out
run=$(mktemp -d "${TMPDIR:-/tmp}/he-fuzz-run.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$out"

# Inputs of a whole container or key can be large (BFV keys are ~56 KB): allow the largest seed plus some room.
max_len() { local m; m=$(find "Fuzz/corpus/$1" -type f -printf '%s\n' | sort -n | tail -1); echo $(( ${m:-0} + 4096 )); }

run_one() {
  local t=$1 dict=() log="$run/$t.log"
  mkdir -p "$run/$t" "$out/$t"
  cp -R "Fuzz/corpus/$t/." "$run/$t/"
  [ -f "Fuzz/dict/$t.dict" ] && dict=(-dict="Fuzz/dict/$t.dict")
  local status=0
  HE_FUZZ_SCRATCH="$run" "$bin/fuzz-$t" "$run/$t" "${dict[@]}" -max_total_time="$seconds" -timeout=25 \
    -rss_limit_mb=4096 -malloc_limit_mb=4096 -max_len="$(max_len "$t")" -print_final_stats=1 \
    -artifact_prefix="$out/$t/" >"$log" 2>&1 || status=$?
  cp "$log" "$out/$t/last-run.log"
  local execs rate cov ft result
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  ft=$( (grep -oE 'ft: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  if [ "$status" = 0 ]; then
    result=ok
  else
    result="FAILED ($(grep -m1 -oE 'ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+|ERROR: LeakSanitizer: [a-z ]+|INVARIANT FAILED[^:]*' "$log" || echo "exit $status"); see fuzz-out/$t/)"
  fi
  printf '%-18s %6ss %12s execs %8s exec/s  cov %-6s ft %-6s %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$result" > "$run/$t.summary"
  if [ "$merge" = 1 ] && [ "$status" = 0 ]; then
    "$bin/fuzz-$t" -merge=1 -max_len="$(max_len "$t")" "Fuzz/corpus/$t" "$run/$t" >"$run/$t.merge.log" 2>&1
  fi
  echo "$status" > "$run/$t.status"
}

for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
done
wait
failed=0
for t in "${targets[@]}"; do
  cat "$run/$t.summary" 2>/dev/null || echo "$t: no result"
  [ "$(cat "$run/$t.status" 2>/dev/null)" = 0 ] || failed=1
done
if [ "$failed" != 0 ]; then
  echo "fuzzing found a problem: inputs and logs are in fuzz-out/ (docs/FUZZING.md: reproducing a crash)" >&2
  exit 1
fi
