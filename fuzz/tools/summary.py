#!/usr/bin/env python3
"""One Markdown table row per target from fuzz/logs/<target>.log (campaign.sh's logs):
executions, exec/s, cov, ft, corpus files, seconds. Usage: python3 fuzz/tools/summary.py [target ...]"""
import os, re, sys

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
targets = sys.argv[1:] or sorted(f[:-4] for f in os.listdir(os.path.join(here, "logs")) if f.endswith(".log"))
print("| target | executions | exec/s | cov | ft | corpus (files) | time (s) | findings |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for t in targets:
    log = open(os.path.join(here, "logs", t + ".log"), errors="replace").read()
    g = lambda k: (re.search(r"stat::%s:\s*(\d+)" % k, log) or [None, "?"])[1]
    last = [l for l in log.splitlines() if re.match(r"#\d+\s.*cov: ", l)]
    cov = re.search(r"cov: (\d+)", last[-1])[1] if last else "?"
    ft = re.search(r"ft: (\d+)", last[-1])[1] if last else "?"
    done = re.search(r"Done \d+ runs in (\d+) second", log)
    corpus = len(os.listdir(os.path.join(here, "corpus", t)))
    crash = "crash" if "deadly signal" in log or "panicked" in log else ("timeout" if "ALARM" in log else ("oom" if "out-of-memory" in log else "none"))
    print(f"| {t} | {g('number_of_executed_units')} | {g('average_exec_per_sec')} | {cov} | {ft} | {corpus} | {done[1] if done else '?'} | {crash} |")
