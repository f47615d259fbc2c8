#!/usr/bin/env bash
# Installs what he-toolkit needs on Debian 12, idempotently.
#   scripts/deps.sh build   system libraries needed to build and run he-cli
#   scripts/deps.sh test    also the test oracles: NTL, PLINK 1.9, bcftools and a Python virtualenv
#                           (.venv-test/) with phe, gmpy2, scipy, numpy, msprime, opendp
#   scripts/deps.sh bench   also the benchmark peers (pypaillier, seal-python, hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-build}
pkgs=(pkg-config libgmp-dev libhts-dev)
case "$mode" in
  build) ;;
  test) pkgs+=(libntl-dev plink1.9 bcftools tabix python3-venv python3-pip) ;;
  bench) pkgs+=(libntl-dev plink1.9 bcftools tabix python3-venv python3-pip hyperfine) ;;
  *) echo "usage: scripts/deps.sh build|test|bench" >&2; exit 64 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "he-toolkit needs these Debian packages: ${missing[*]}" >&2
    echo "Install them as root, then run this command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 69
  fi
  if ! command -v apt-get >/dev/null; then
    echo "apt-get was not found: install ${missing[*]} with your system's package manager." >&2
    exit 69
  fi
  echo "Installing ${missing[*]} ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$mode" != build ]; then
  venv=.venv-test
  py_pkgs=(phe==1.5.0 gmpy2 scipy numpy msprime opendp==0.16.0 cryptography)
  [ "$mode" = bench ] && py_pkgs+=(pypaillier==0.8.0 seal-python==4.4.0)
  # Prefer the Debian interpreter the virtualenv package belongs to; fall back to python3 on PATH.
  py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)
  if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv" || { echo "could not create the Python virtualenv $venv (is python3-venv installed?)" >&2; exit 69; }
  fi
  # The stamp names the package list, so that adding a package to it installs that package into an existing venv.
  stamp="$venv/.installed-$mode-$(printf '%s\n' "${py_pkgs[@]}" | sha256sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${py_pkgs[@]}" \
      || { echo "pip could not install ${py_pkgs[*]} into $venv: PyPI must be reachable." >&2; exit 69; }
    touch "$stamp"
  fi
fi
