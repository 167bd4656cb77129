#!/bin/sh
# Crash-test loop (issues 13, 18): 200 SIGKILLed writers per store format
# (native; CMS with its .rdb and stash; PKCS#12), writers that rename an
# entry or change the password and stash; each kill must leave a store that
# opens, through its stash, with its old or new password and contents, and
# the next write must clear the killed writer's temporary files. Prints one
# line per format and exits non-zero when any loop fails. The short loop
# (30 kills per format) runs in every `cargo test`.
set -eu
# POSIX sh has no pipefail everywhere: keep cargo's status by hand.
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --release --test crash_loop -- --ignored --nocapture --test-threads 1 >"$log" 2>&1 || status=$?
grep -E '^(native|cms|pkcs12):|test result|panicked' "$log" || true
if [ "$status" -ne 0 ]; then
    echo "crash loop FAILED (cargo test exit $status); full log:" >&2
    cat "$log" >&2
fi
exit "$status"
