#!/usr/bin/env bash
# Runs the whole he-toolkit test suite, with every oracle required: python-paillier (phe), scipy, numpy, msprime and
# opendp in the virtualenv .venv-test/, NTL, PLINK 1.9 and bcftools. Installs what is missing (apt-get as root; pip
# into the virtualenv) and says what to run when it cannot. Four stages:
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
#    their collective key from their shares, per preset.
# 4. Sampler goodness of fit (docs/PRIVACY.md): 10^6 samples of the exact discrete Gaussian (sigma 0.5, 3, 1000)
#    and discrete Laplace (scale 1, 10, 1000) for each of three fixed seeds, chi-square against the exact pmf
#    (scipy), in a plain release build of dp-sampler-trials (same .build-trials/); fails when any p <= 0.001.
#    Stage 1 runs 20,000 samples per case.
#
# Why no plain release pass of the whole suite: ASan changes no result, only adds checks, so it would run the same
# tests on the same code with less checking. scripts/sanitize.sh runs the debug ASan and the ThreadSanitizer passes
# by hand. Arguments (for example `--filter PaillierTests`) go to `swift test` in stage 1, and a run with arguments
# stops after stage 1.
set -euo pipefail
cd "$(dirname "$0")/.."
# The NTL oracle and the decryption trials are declared only when asked for (Package.swift).
export HE_TEST_TARGETS=1

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/sanitize.sh --release --fuzz-targets "$@"
if [ $# -gt 0 ]; then
  echo "stages 2 to 4 (fuzz smoke run, BFV decryption trials, sampler trials) run only without arguments" >&2
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

sampler_start=$(date +%s)
swift build -c release --product dp-sampler-trials --scratch-path .build-trials
for seed in 1 2 3; do
  "$(swift build -c release --scratch-path .build-trials --show-bin-path)/dp-sampler-trials" --seed "$seed" \
    --python "$PWD/.venv-test/bin/python"
done
echo "DP sampler trials (build and run) finished in $(( $(date +%s) - sampler_start )) s" >&2
