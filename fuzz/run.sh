#!/bin/sh
# Runs fuzz targets one after another for SECONDS each (default 600) on
# the stable toolchain, logging to fuzz/logs/<target>.log and printing a
# summary line per target (time, executions, coverage, features, result).
# Usage: fuzz/run.sh [SECONDS] TARGET...
# FUZZ_BUILD sets the build mode (default -O; -a for debug assertions).
set -u
cd "$(dirname "$0")"
secs=${1:-600}; shift
build=${FUZZ_BUILD:--O}
mkdir -p logs corpus
for t in "$@"; do
    mkdir -p "corpus/$t"
    start=$(date +%s)
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$build" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 > "logs/$t.log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
    last=$(grep -E '^#[0-9]+' "logs/$t.log" | tail -n 1)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
    result=ok
    [ "$rc" -ne 0 ] && result="FOUND (exit $rc): $(grep -m1 -E 'ERROR: libFuzzer|panicked at|Test unit written' "logs/$t.log" | head -c 200)"
    echo "$t: $((end - start)) s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "corpus/$t" | wc -l), $result" | tee -a logs/summary.txt
done
