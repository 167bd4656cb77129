#!/bin/sh
# Crash-test loop (issue 13): 200 SIGKILLed writers per store format; each
# kill must leave a store that opens, through its stash, with its old or
# new contents, and the next write must remove the killed writer's
# temporary files. Prints one line per format.
set -eu
cd "$(dirname "$0")/.."
cargo test --release --test crash_loop -- --ignored --nocapture --test-threads 1 2>&1 |
    grep -E '^(native|cms)|test result|panicked'
