#!/usr/bin/env bash
# Installs what the benchmarks need beyond Python packages, where it can, and says what it
# skipped.
# - wrk (Debian package), the HTTP load generator of bench/bench_http.py.
set -u
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's wrk for bench/bench_http.py…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
      || echo "SKIPPED: could not install wrk; bench/bench_http.py will fail saying how to install it"
  else
    echo "SKIPPED: wrk is not installed and this user cannot apt-get it (install it: apt-get install wrk, brew install wrk); bench/bench_http.py will fail"
  fi
fi
exit 0
