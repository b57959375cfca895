#!/usr/bin/env bash
# Browser tests of the in-browser app (crates/web/browser/test.mjs): builds the site, builds
# walkaway with it embedded, installs playwright-core from npm (never a browser: it drives
# Debian's /usr/bin/chromium) and runs the test against `walkaway app --no-open`.
# Screenshots: target/app-1280.png, target/app-390.png.
#
# Needs Chromium (Debian: apt-get install -y chromium) and Node.js with npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser-test: no Chromium at $chromium; install it (Debian: apt-get install -y chromium)" >&2
  exit 1
fi

crates/web/build-site.sh
# The test profile, so that the artifacts of `cargo test` are reused.
cargo build --profile test -p walkaway --locked
(cd crates/web/browser && { [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --loglevel=error; })
WALKAWAY_BIN="${WALKAWAY_BIN:-$root/target/debug/walkaway}" CHROMIUM="$chromium" \
  timeout 300 node crates/web/browser/test.mjs
