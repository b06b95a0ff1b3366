#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, where it can, and says what it skipped.
# - Chromium (Debian package) for the browser tests.
# - The independent JavaScript verifier (npm packages pinned in tests/js/package.json).
set -u
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "SKIPPED: could not install chromium; browser tests will be skipped"
  else
    echo "SKIPPED: chromium is not installed and this user cannot apt-get it; browser tests will be skipped"
  fi
fi

if [ -f tests/js/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    if [ ! -d tests/js/node_modules ] || [ tests/js/package.json -nt tests/js/node_modules ]; then
      echo "installing the JavaScript verifier (tests/js)…"
      (cd tests/js && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error) \
        && touch tests/js/node_modules \
        || echo "SKIPPED: npm install failed; the cross-verifier tests will be skipped"
    fi
  else
    echo "SKIPPED: npm is not installed; the cross-verifier tests will be skipped"
  fi
fi
exit 0
