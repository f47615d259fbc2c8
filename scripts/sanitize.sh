#!/usr/bin/env bash
# Runs the test suite under a sanitizer, with every oracle required. The he-cli binary the CLI tests run is built
# with the same sanitizer, and a sanitizer report on its standard error fails the test that ran it.
#
#   scripts/sanitize.sh [--thread] [--release] [swift test arguments ...]
#
#   (default)   AddressSanitizer with LeakSanitizer, debug build in .build-asan/
#   --thread    ThreadSanitizer, debug build in .build-tsan/
#   --release   optimised build instead (.build-asan-release/, .build-tsan-release/): catches the same errors
#               and runs the heavy tests several times faster; scripts/test.sh runs the ASan suite this way
#   --fuzz-targets
#               (AddressSanitizer only) the same build also carries the libFuzzer targets (HE_FUZZ=1), with the
#               coverage instrumentation they need in every Swift module; scripts/test.sh then runs them from it
#               (scripts/fuzz.sh --bin), so that one build serves both
#
# Extra arguments go to `swift test`, for example `--filter PaillierTests`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The NTL oracle and the decryption trials are declared only when asked for (Package.swift).
export HE_TEST_TARGETS=1

sanitizer=address
config=debug
fuzz_targets=0
args=()
for a in "$@"; do
  case "$a" in
    --thread) sanitizer=thread ;;
    --address) sanitizer=address ;;
    --release) config=release ;;
    --fuzz-targets) fuzz_targets=1 ;;
    *) args+=("$a") ;;
  esac
done
build_flags=()
if [ "$fuzz_targets" = 1 ]; then
  if [ "$sanitizer" != address ]; then
    echo "--fuzz-targets needs the AddressSanitizer build (not --thread)" >&2
    exit 64
  fi
  export HE_FUZZ=1
  build_flags=(-Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table)
fi

scripts/deps.sh test
export HE_TEST_PYTHON="$PWD/.venv-test/bin/python"
export HE_REQUIRE_ORACLES=1
case "$sanitizer" in
  address)
    scratch=.build-asan
    # Leak checking at exit; the suppressions cover only allocations of the toolchain's own libraries.
    export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export LSAN_OPTIONS="suppressions=$PWD/Tests/lsan-toolchain.supp,print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    ;;
  thread)
    scratch=.build-tsan
    export TSAN_OPTIONS="suppressions=$PWD/Tests/tsan-toolchain.supp,print_suppressions=0${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    ;;
esac
[ "$config" = release ] && scratch="$scratch-release"
[ "$fuzz_targets" = 1 ] && scratch="$scratch-fuzz"

start=$(date +%s)
swift build -c "$config" --sanitize="$sanitizer" --build-tests --scratch-path "$scratch" ${build_flags[@]+"${build_flags[@]}"}
echo "$sanitizer-sanitizer $config build finished in $(( $(date +%s) - start )) s" >&2
start=$(date +%s)
status=0
swift test -c "$config" --sanitize="$sanitizer" --skip-build --scratch-path "$scratch" ${build_flags[@]+"${build_flags[@]}"} \
  ${args[@]+"${args[@]}"} || status=$?
echo "$sanitizer-sanitizer $config tests finished in $(( $(date +%s) - start )) s" >&2
exit "$status"
