#!/usr/bin/env bash
# The fuzzing campaign of docs/security.md: every target in turn (never two at once), each for
# SECS seconds from its working corpus fuzz/corpus/<target>/ (git-ignored; started as a copy of
# fuzz/seeds/<target>/ and kept between runs), its dictionary, and the limits below. Logs go to
# fuzz/logs/<target>.log (git-ignored); one summary line per target is printed:
# target, executions, exec/s, cov, ft, corpus files, seconds, exit status.
# Usage: [RUNS=N] fuzz/tools/campaign.sh SECS [target ...]
# RUNS stops a target after N executions (docs/security.md's goal: RUNS=10000000 with SECS=3600,
# "10^7 executions or one hour, whichever comes first"); without it each runs SECS seconds.
set -uo pipefail
cd "$(dirname "$0")/.."
secs="$1"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
mkdir -p logs
for t in "${targets[@]}"; do
    [ -d "corpus/$t" ] || { mkdir -p "corpus/$t" && cp -r "seeds/$t/." "corpus/$t/"; }
    dict=()
    [ -f "dicts/$t.dict" ] && dict=("-dict=dicts/$t.dict")
    start=$(date +%s)
    cargo +nightly fuzz run -O -a -s none "$t" "corpus/$t" -- -runs="${RUNS:--1}" -max_total_time="$secs" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 "${dict[@]}" >"logs/$t.log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
    last=$(grep -E '^#[0-9]+.*cov: ' "logs/$t.log" | tail -n 1)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
    n=$(ls "corpus/$t" | wc -l)
    echo "$t execs=${execs:-?} exec/s=${eps:-?} cov=${cov:-?} ft=${ft:-?} corpus=$n secs=$took rc=$rc"
done
