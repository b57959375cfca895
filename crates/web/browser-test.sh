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
export WALKAWAY_BIN="${WALKAWAY_BIN:-$root/target/debug/walkaway}" CHROMIUM="$chromium"
# In a fresh network namespace with only loopback where one can be made (issue 10 §6): the app,
# the browser and the HTML report must work with no network at all.
if unshare -n true 2>/dev/null && command -v ip >/dev/null 2>&1; then
  echo "browser-test: running in a network namespace with only loopback" >&2
  unshare -n sh -c 'ip link set lo up && exec timeout 300 node crates/web/browser/test.mjs'
else
  if [ "${WALKAWAY_REQUIRE_NETNS:-}" = 1 ]; then
    echo "browser-test: WALKAWAY_REQUIRE_NETNS=1 but no network namespace can be made here" >&2
    exit 1
  fi
  echo "browser-test: no network namespace here (unshare -n); running with the network" >&2
  timeout 300 node crates/web/browser/test.mjs
fi
