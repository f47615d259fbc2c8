#!/usr/bin/env bash
# Runs the whole he-toolkit test suite once, in an optimised build with AddressSanitizer and LeakSanitizer, with
# every oracle required: python-paillier (phe), scipy, numpy and msprime in the virtualenv .venv-test/, NTL,
# PLINK 1.9 and bcftools. The he-cli binary the CLI tests run carries the same instrumentation, and a sanitizer
# report from it fails the test that ran it. Installs what is missing (apt-get as root; pip into the virtualenv)
# and says what to run when it cannot.
#
# Why one sanitized pass and no separate plain one: ASan changes no result, only adds checks, so the plain
# release pass would run the same tests on the same code with less checking. The optimised ASan build takes about
# as long to build as the plain release build and runs the heavy tests several times faster than a debug ASan
# build. scripts/sanitize.sh runs the debug ASan and the ThreadSanitizer passes by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/sanitize.sh --release "$@"

# Fuzzing smoke run (docs/FUZZING.md): builds the libFuzzer targets with AddressSanitizer into .build-fuzz and runs
# each for 10 s on its committed seed corpus, two at a time; any crash, hang, leak or broken invariant fails.
fuzz_start=$(date +%s)
scripts/fuzz.sh --seconds 10 --jobs 2
echo "fuzz smoke run finished in $(( $(date +%s) - fuzz_start )) s" >&2
