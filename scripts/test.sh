#!/usr/bin/env bash
# Runs the whole he-toolkit test suite, with every oracle required: python-paillier (phe), scipy, numpy and msprime
# in the virtualenv .venv-test/, NTL, PLINK 1.9 and bcftools. Installs what is missing (apt-get as root; pip into
# the virtualenv) and says what to run when it cannot. Three stages:
#
# 1. The test suite in one optimised build with AddressSanitizer and LeakSanitizer (.build-asan-release-fuzz/).
#    The he-cli binary the CLI tests run carries the same instrumentation, and a sanitizer report from it fails
#    the test that ran it. The build also carries the libFuzzer targets (coverage instrumentation in every Swift
#    module), so stage 2 needs no build of its own.
# 2. Fuzzing smoke run (docs/FUZZING.md): each fuzz target of that build for 10 s on its committed seed corpus, two
#    at a time; any crash, hang, leak or broken invariant fails.
# 3. BFV decryption trials (docs/RLWE.md): 10,000 fresh public-key encryptions per preset, each decrypted exactly,
#    with switched ciphertexts, aggregates at capacity and products, in a plain release build of bfv-trials
#    (.build-trials/). Stage 1 runs the same trials a few hundred times per preset under the sanitizer. Then the
#    multi-party trials (docs/MULTIPARTY.md): 10 parties decrypt fresh ciphertexts and 100-site aggregates under
#    their collective key from their shares, per preset (71 s measured under load, 55 CPU-seconds).
#
# Why no plain release pass of the whole suite: ASan changes no result, only adds checks, so it would run the same
# tests on the same code with less checking. scripts/sanitize.sh runs the debug ASan and the ThreadSanitizer passes
# by hand. Arguments (for example `--filter PaillierTests`) go to `swift test` in stage 1, and a run with arguments
# stops after stage 1.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/sanitize.sh --release --fuzz-targets "$@"
if [ $# -gt 0 ]; then
  echo "stages 2 and 3 (fuzz smoke run, BFV decryption trials) run only without arguments" >&2
  exit 0
fi

fuzz_start=$(date +%s)
fuzz_bin=$(HE_FUZZ=1 swift build -c release --scratch-path .build-asan-release-fuzz --show-bin-path)
scripts/fuzz.sh --seconds 10 --jobs 2 --bin "$fuzz_bin"
echo "fuzz smoke run finished in $(( $(date +%s) - fuzz_start )) s" >&2

trials_start=$(date +%s)
swift build -c release --product bfv-trials --scratch-path .build-trials
"$(swift build -c release --scratch-path .build-trials --show-bin-path)/bfv-trials" --trials 10000
"$(swift build -c release --scratch-path .build-trials --show-bin-path)/bfv-trials" --multiparty 10
echo "BFV decryption trials (build and run) finished in $(( $(date +%s) - trials_start )) s" >&2
