#!/usr/bin/env python3
"""Registers walkaway's commands in the shared runner (run_bench.TOOLS), runs them side by side with
the peers, and prints a Markdown summary table. Called by bench/run.sh; see BENCHMARKS.md."""
import argparse
import json
import os
import statistics
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--work", required=True)
ap.add_argument("--root", required=True)
ap.add_argument("--sizes", nargs="+", type=int, default=[10000, 100000, 1000000])
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--all-peers", action="store_true")
a = ap.parse_args()

sys.path.insert(0, a.work)
os.chdir(a.work)
import run_bench  # noqa: E402  (the shared runner)

exe = os.path.join(a.root, "target", "release", "walkaway")
parse = os.path.join(a.root, "target", "release", "examples", "parse")
db = os.path.join(a.work, "data", "walkaway-bench.db")
run_bench.TOOLS["walkaway-report"] = (
    "import into a fresh database + full report (JSON)",
    ["sh", "-c", 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" report "$0" --json --db "$1" --me "Amélie Dubois" >/dev/null',
     "{f}", db, exe],
    "none",
)
run_bench.TOOLS["walkaway-parse"] = (
    "parse only (read + hash + parse to events)",
    [parse, "{f}"],
    "none",
)
tools = ["floor-cat", "whatsapp-chat-parser", "walkaway-parse", "walkaway-report"]
if a.all_peers:
    tools += ["whatsapp-chat-analyzer", "whatstk-parse", "chat-miner", "chat-analytics"]
results = os.path.join(a.work, "data", "walkaway_side_by_side.jsonl")
if os.path.exists(results):
    os.remove(results)
sys.argv = ["run_bench.py", "--sizes", *map(str, a.sizes), "--runs", str(a.runs), "--tools", ",".join(tools),
            "--results", results]
run_bench.main()

rows = [json.loads(l) for l in open(results, encoding="utf-8")]
print("\n| size | tool | what | runs | median wall s (min–max) | peak RSS MB | RSS / file | MB/s |")
print("|---|---|---|---|---|---|---|---|")
for n in a.sizes:
    for t in tools:
        rs = [r for r in rows if r["size"] == n and r["tool"] == t and r["exit"] == 0]
        if not rs:
            continue
        walls = [r["wall_s"] for r in rs]
        rss = max(r.get("rss_kb", 0) for r in rs) / 1024
        mb = rs[0]["file_bytes"] / 1e6
        med = statistics.median(walls)
        print(f"| {n:,} | {t} | {run_bench.TOOLS[t][0]} | {len(rs)} | {med:.3f} ({min(walls):.3f}–{max(walls):.3f}) "
              f"| {rss:.0f} | {rss / (rs[0]['file_bytes'] / 2**20):.1f}× | {mb / med:.1f} |")
