#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer with LeakSanitizer (debug build in .build-asan/), with every oracle
# required. Extra arguments go to `swift test` (for example `--filter PaillierTests`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
export HE_TEST_PYTHON="$PWD/.venv-test/bin/python"
export HE_REQUIRE_ORACLES=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS="suppressions=$PWD/Tests/lsan-toolchain.supp,print_suppressions=0"
swift build --sanitize=address --build-tests --scratch-path .build-asan
swift test --sanitize=address --skip-build --scratch-path .build-asan "$@"
