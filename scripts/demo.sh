#!/usr/bin/env bash
# Builds he-cli and runs the three-role flow (sites encrypt, aggregator sums, key holder decrypts) on the
# built-in example tables, for both schemes. Installs the system libraries it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1; then
  echo "The Swift toolchain (6.1 or newer) is not on PATH: install it from swift.org, then run this again." >&2
  exit 69
fi
scripts/deps.sh build
swift build -c release --product he-cli
exec .build/release/he-cli demo "$@"
