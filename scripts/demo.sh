#!/usr/bin/env bash
# Builds he-cli and runs the three-role flow (sites encrypt, aggregator sums, key holder decrypts) on the
# built-in example tables, for both schemes, then the multi-party BFV flow with three decryption parties. Installs the system libraries it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/deps.sh build
swift build -c release --product he-cli
if [ $# -gt 0 ]; then exec .build/release/he-cli demo "$@"; fi
# Both schemes with one key holder, then BFV with three decryption parties and no key holder.
.build/release/he-cli demo
exec .build/release/he-cli demo --parties 3
