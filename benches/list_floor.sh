#!/bin/bash
# How close `cert list` and `lint` come to the floor of reading a store
# (issue 24 part 2), all figures from one run on the same files:
#   CMS:    the floor is reading the file and checking its integrity MAC,
#           `openssl dgst -sha384 -hmac PASSWORD big.kdb` (a process too);
#   native: the floor is reading the file, the KDF and one AES-256-GCM
#           pass over the payload (examples/native_floor.rs, in-process,
#           plus the start-up cost of a process measured with `true`).
# Then `cert list --stashed --json` and `lint --stashed` on each, and the
# ratios (goals: CMS list <= 1.5x, lint <= 3x). Wall times are the best of
# RUNS runs (default 7; hyperfine's minimum when it is installed). The
# machine may be busy: the best of several runs is the least disturbed.
# Environment: N (entries, default 10000), RUNS, KEEP=DIR (reuse data).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}; RUNS=${RUNS:-7}
PW=bench-password

cargo build --release -q --bin kdbman --example bench_data --example native_floor
KDBMAN=$PWD/target/release/kdbman
if [ -n "${KEEP:-}" ]; then
    work=$KEEP; mkdir -p "$work"
else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
if [ ! -s "$work/big.kdb" ]; then
    echo "preparing data ($N entries)..."
    ./target/release/examples/bench_data "$work" "$N" >/dev/null
fi

best() { # best wall time in seconds of RUNS runs of a command
    if command -v hyperfine >/dev/null; then
        hyperfine -N -i -w 1 -r "$RUNS" --export-json "$work/h.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 \
            || { echo "failed: $*" >&2; exit 1; }
        python3 -c "import json; print(min(json.load(open('$work/h.json'))['results'][0]['times']))"
        return
    fi
    local b=999
    for _ in $(seq "$RUNS"); do
        local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || [ $? -le 3 ] || { echo "failed: $*" >&2; exit 1; }
        e=$(date +%s.%N)
        b=$(python3 -c "print(min($b, $e - $s))")
    done
    echo "$b"
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

size=$(stat -c %s "$work/big.kdb")
echo "CMS: $work/big.kdb, $N entries, $((size / 1000000)) MB; native: bignative.kdbx ($(stat -c %s "$work/bignative.kdbx") bytes)"
echo "timing: $(command -v hyperfine >/dev/null && echo "hyperfine, minimum of $RUNS runs" || echo "best of $RUNS runs (date)")"

f_cms=$(best openssl dgst -sha384 -hmac "$PW" "$work/big.kdb")
t_list=$(best "$KDBMAN" cert list --db "$work/big.kdb" --stashed --json)
t_lint=$(best "$KDBMAN" lint --db "$work/big.kdb" --stashed)
t_true=$(best true)
f_nat_in=$(./target/release/examples/native_floor "$work/bignative.kdbx" "$PW" "$RUNS")
f_nat=$(python3 -c "print($f_nat_in + $t_true)")
t_nlist=$(best "$KDBMAN" cert list --db "$work/bignative.kdbx" --stashed --json)
t_nlint=$(best "$KDBMAN" lint --db "$work/bignative.kdbx" --stashed)

printf 'CMS .kdb\n'
printf '  floor: openssl dgst -sha384 -hmac   %6.3f s\n' "$f_cms"
printf '  kdbman cert list --stashed --json   %6.3f s   %sx the floor (goal <= 1.5x)\n' "$t_list" "$(ratio "$t_list" "$f_cms")"
printf '  kdbman lint --stashed               %6.3f s   %sx the floor (goal <= 3x)\n' "$t_lint" "$(ratio "$t_lint" "$f_cms")"
printf 'native store\n'
printf '  floor: KDF + one AEAD pass          %6.3f s   (%.3f s in-process + %.3f s process start)\n' "$f_nat" "$f_nat_in" "$t_true"
printf '  kdbman cert list --stashed --json   %6.3f s   %sx the floor\n' "$t_nlist" "$(ratio "$t_nlist" "$f_nat")"
printf '  kdbman lint --stashed               %6.3f s   %sx the floor\n' "$t_nlint" "$(ratio "$t_nlint" "$f_nat")"
