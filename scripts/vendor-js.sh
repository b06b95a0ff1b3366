#!/usr/bin/env bash
# Refreshes the browser QR decoder the verify page loads where the browser has no
# BarcodeDetector (Firefox, Safari, desktop Chromium on Linux): jsQR from npm, copied into
# certpass/web/static/vendor/jsqr/ with its LICENSE and a SOURCE file naming package,
# version, the registry's integrity and the file's sha256. Served from /static: no CDN.
#   scripts/vendor-js.sh            # the pinned version
#   scripts/vendor-js.sh 1.4.0      # another version (then run the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=jsqr
VERSION=${1:-1.4.0}
DEST=certpass/web/static/vendor/jsqr

command -v npm >/dev/null || { echo "npm is needed to fetch $PACKAGE" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$work" && npm pack --silent "$PACKAGE@$VERSION")
integrity=$(npm view "$PACKAGE@$VERSION" dist.integrity)
got="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  echo "the tarball does not match the registry's integrity ($got != $integrity)" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"
licence=$(node -p "require('$work/package/package.json').license")
case "$licence" in
  Apache-2.0|MIT|BSD-2-Clause|BSD-3-Clause|ISC) ;;
  *) echo "$PACKAGE $VERSION is licensed $licence: not a permissive licence we vendor" >&2; exit 1 ;;
esac

mkdir -p "$DEST"
cp "$work/package/dist/jsQR.js" "$DEST/jsQR.js"
cp "$work/package/LICENSE" "$DEST/LICENSE"
cat > "$DEST/SOURCE" <<SOURCE
package: $PACKAGE
version: $VERSION
licence: $licence
tarball: https://registry.npmjs.org/$PACKAGE/-/$PACKAGE-$VERSION.tgz
integrity: $integrity
file: package/dist/jsQR.js -> jsQR.js
sha256: $(sha256sum "$DEST/jsQR.js" | cut -d' ' -f1)
refresh: scripts/vendor-js.sh [VERSION]
SOURCE
echo "vendored $PACKAGE $VERSION ($licence) into $DEST"
