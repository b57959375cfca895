#!/usr/bin/env bash
# Side-by-side benchmark of walkaway and the peer tools on the same generated WhatsApp exports.
#
#   bench/run.sh                     # sizes 10k 100k 1M, 3 runs each, walkaway + whatsapp-chat-parser + floor
#   bench/run.sh --all-peers         # also whatstk, whatsapp-chat-analyzer, chat-miner, chat-analytics (slow)
#   bench/run.sh --sizes 1000000 --runs 5
#
# It uses the shared harness (../shared/bench: generator, peer installs, runner under /usr/bin/time -v)
# from a writable copy in target/bench-work, registers walkaway's commands next to the peers', and
# prints a Markdown table (median wall time, peak RSS, MB/s) for BENCHMARKS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${WALKAWAY_SHARED_BENCH:-$root/../shared/bench}
work=$root/target/bench-work
[ -d "$shared" ] || { echo "bench: $shared not found (the shared benchmark harness)" >&2; exit 1; }

mkdir -p "$work"
# Refresh the harness scripts; keep installed peers and generated data between runs.
for f in "$shared"/*.py "$shared"/*.sh; do cp -f "$f" "$work/"; done
rm -rf "$work/peers" && cp -r "$shared/peers" "$work/peers"
chmod -R u+w "$work"

(cd "$root" && cargo build --release --quiet -p walkaway -p walkaway-import --examples --bins)
(cd "$work" && bash peers.sh install >/dev/null && bash peers.sh data)

exec python3 "$here/side_by_side.py" --work "$work" --root "$root" "$@"
