#!/usr/bin/env bash
# Runs the whole he-toolkit test suite in one release build, with every oracle required:
# python-paillier (phe), scipy, numpy and msprime in the virtualenv .venv-test/, NTL, PLINK 1.9 and bcftools.
# Installs what is missing (apt-get as root; pip into the virtualenv) and says what to run when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/deps.sh test

export HE_TEST_PYTHON="$PWD/.venv-test/bin/python"
export HE_REQUIRE_ORACLES=1
start=$(date +%s)
swift build -c release --build-tests
echo "build finished in $(( $(date +%s) - start )) s" >&2
swift test -c release --skip-build

# Fuzzing smoke run (docs/FUZZING.md): builds the libFuzzer targets with AddressSanitizer into .build-fuzz and runs
# each for 10 s on its committed seed corpus, two at a time; any crash, hang, leak or broken invariant fails.
fuzz_start=$(date +%s)
scripts/fuzz.sh --seconds 10 --jobs 2
echo "fuzz smoke run finished in $(( $(date +%s) - fuzz_start )) s" >&2
