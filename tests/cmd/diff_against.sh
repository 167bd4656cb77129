#!/usr/bin/env bash
# Runs the CLI cases of this checkout (tests/cmd/*.toml, over this
# checkout's fixtures) with the kdbman of another revision, and prints a
# unified diff of every case's status (in the .toml), standard output and
# standard error against the committed expectations. Nothing in this
# checkout is changed.
#
# Usage: tests/cmd/diff_against.sh REV
#   REV: any git revision (a commit, a branch, HEAD~3).
#   exit status: 0 the same, 1 some case differs, 2 trouble.
#
# The revision is exported (git archive) into a temporary directory and
# its kdbman is built there with `cargo build --bin kdbman`, by default
# into target/diff-against/ of this checkout (kept, so a second run
# rebuilds only what changed; set KDBMAN_DIFF_TARGET to use another target
# directory). Then this checkout's runner (tests/cli_cases.rs) runs every
# case with that binary (KDBMAN_CASES_BIN) in TRYCMD=overwrite mode into a
# staging copy (KDBMAN_CASES_STAGE), and the staged expectations are
# compared with tests/cmd/. Lines with trycmd wildcards ([..], ...) stay
# as they are when the other output still matches them.
#
# Needs: git, cargo, diff. Not ../shared.
set -euo pipefail

rev=${1:?usage: tests/cmd/diff_against.sh REV}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}") || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/kdbman-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== exporting $rev ($commit)" >&2
mkdir "$work/src"
git -C "$repo" archive "$commit" | tar -x -C "$work/src"
# git archive dates the files at the commit, older than any earlier build in
# the kept target directory: date them now, so cargo rebuilds this revision.
find "$work/src" -type f -exec touch {} +

target=${KDBMAN_DIFF_TARGET:-$repo/target/diff-against}
echo "== building its kdbman (target dir $target)" >&2
(cd "$work/src" && CARGO_TARGET_DIR="$target" cargo build --quiet --bin kdbman) || exit 2
# kdbman names itself by its file name (usage lines): keep it `kdbman`.
mkdir "$work/bin"
bin="$work/bin/kdbman"
cp "$target/debug/kdbman" "$bin"

echo "== running $(ls "$repo"/tests/cmd/*.toml | wc -l) cases with it" >&2
(cd "$repo" && TRYCMD=overwrite KDBMAN_CASES_BIN="$bin" KDBMAN_CASES_STAGE="$work/stage" \
    cargo test --quiet --test cli_cases >"$work/test.log" 2>&1) || {
    cat "$work/test.log" >&2
    exit 2
}

status=0
for expected in "$repo"/tests/cmd/*.toml "$repo"/tests/cmd/*.stdout "$repo"/tests/cmd/*.stderr; do
    name=${expected#"$repo"/}
    actual="$work/stage/$name"
    if ! diff -u --label "a/$name (committed)" --label "b/$name ($rev)" "$expected" "$actual"; then
        status=1
    fi
done
if [ "$status" = 0 ]; then
    echo "== every case is the same with $rev" >&2
fi
exit "$status"
