#!/usr/bin/env bash
# Short, bounded fuzzing of every parser from the committed seeds: fails on any crash, panic,
# timeout or out-of-memory. Installs the nightly toolchain and cargo-fuzz when missing.
# Usage: fuzz/ci.sh [seconds per target, default 15] [target ...]
# One target at a time, one process: libFuzzer's default (no -jobs/-workers/-fork, which would
# spawn child processes and log to fuzz-N.log) is a single job; nothing runs in parallel.
# Build: release with debug assertions (-a: integer overflow and debug_assert! panic, as in the
# test builds) and no sanitizer (-s none: the parsers are safe Rust; AddressSanitizer would only
# watch SQLite's C code, fuzzed upstream, at about half the speed).
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-15}"
shift || true

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)

cargo +nightly fuzz build -O -a -s none
failed=()
for t in "${targets[@]}"; do
    # A scratch copy of the seeds: the committed seeds never grow, a run's finds are dropped.
    work="$(mktemp -d)"
    cp -r "seeds/$t/." "$work/"
    dict=()
    [ -f "dicts/$t.dict" ] && dict=("-dict=dicts/$t.dict")
    echo "== $t (${secs}s)"
    if ! cargo +nightly fuzz run -O -a -s none "$t" "$work" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "${dict[@]}" 2>"$work.log"; then
        failed+=("$t")
        # The panic message and the input, not only the end of a long backtrace.
        grep -a -A3 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$work.log" | head -n 40 || true
        grep -a -E 'Test unit written|Base64:' "$work.log" || true
    fi
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec)|Done [0-9]+ runs' "$work.log" || true
    rm -rf "$work" "$work.log"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (see fuzz/artifacts/<target>/)" >&2
    exit 1
fi
echo "fuzzing: no finding in ${#targets[@]} targets"
