#!/bin/bash
# How close `cert list` and `lint` come to the floor of reading a store
# (issue 24 part 2), all figures from one run on the same files:
#   CMS:    the floor is reading the file and checking its integrity MAC,
#           `openssl dgst -sha384 -hmac PASSWORD big.kdb` (a process too);
#   native: the floor is reading the file, the KDF and one AES-256-GCM
#           pass over the payload (examples/native_floor.rs, in-process,
#           plus the start-up cost of a process measured with `true`).
# Then `cert list --stashed --json` and `lint --stashed` on each, and the
# ratios (goals: CMS list <= 1.5x, lint <= 3x). Lint runs twice: with
# `--label host0` (the server's certificate is known, as with a default
# or an IHS configuration), and as bench_data writes the store, with no
# default mark, so that each of its 9,999 personal certificates is
# checked as if it were in use (KDB0009W). What lint cannot skip is
# printed too: one ECDSA verification per chain checked and one P-256
# public-from-private per key proved, timed with ring on this machine. Wall times are the best of
# RUNS runs (default 7; hyperfine's minimum when it is installed). The
# machine may be busy: the best of several runs is the least disturbed.
# Environment: N (entries, default 10000), RUNS, KEEP=DIR (reuse data).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}; RUNS=${RUNS:-7}
PW=bench-password

cargo build --release -q --bin kdbman --example bench_data --example native_floor --example lint_crypto
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
        python3 -c "import json; r=json.load(open('$work/h.json'))['results'][0]; print(min(r['times']), r['user'] + r['system'])"
        return
    fi
    local b=999
    for _ in $(seq "$RUNS"); do
        local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || [ $? -le 3 ] || { echo "failed: $*" >&2; exit 1; }
        e=$(date +%s.%N)
        b=$(python3 -c "print(min($b, $e - $s))")
    done
    echo "$b nan"
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
# "WALL CPU" pairs: the best wall time and the mean CPU time (user +
# system, all threads) of the runs; CPU time is the steadier figure on a
# busy machine, wall time the one a user waits for.
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
line() { # label, "WALL CPU", floor "WALL CPU", goal
    printf '  %-36s %6.3f s  %sx   (CPU %6.3f s  %sx)%s\n' "$1" "$(wall "$2")" "$(ratio "$(wall "$2")" "$(wall "$3")")" \
        "$(cpu "$2")" "$(ratio "$(cpu "$2")" "$(cpu "$3")")" "${4:+   goal <= $4}"
}

size=$(stat -c %s "$work/big.kdb")
echo "CMS: $work/big.kdb, $N entries, $((size / 1000000)) MB; native: bignative.kdbx ($(stat -c %s "$work/bignative.kdbx") bytes)"
echo "timing: $(command -v hyperfine >/dev/null && echo "hyperfine, minimum of $RUNS runs" || echo "best of $RUNS runs (date)")"

f_cms=$(best openssl dgst -sha384 -hmac "$PW" "$work/big.kdb")
t_list=$(best "$KDBMAN" cert list --db "$work/big.kdb" --stashed --json)
t_lint=$(best "$KDBMAN" lint --db "$work/big.kdb" --stashed)
t_lint_label=$(best "$KDBMAN" lint --db "$work/big.kdb" --stashed --label host0)
t_true=$(best true)
f_nat_in=$(./target/release/examples/native_floor "$work/bignative.kdbx" "$PW" "$RUNS")
# In-process (wall = CPU: one thread), plus a process start.
f_nat="$(python3 -c "print($f_nat_in + $(wall "$t_true"))") $(python3 -c "print($f_nat_in + $(cpu "$t_true" | sed 's/nan/0/'))")"
t_nlist=$(best "$KDBMAN" cert list --db "$work/bignative.kdbx" --stashed --json)
t_nlint=$(best "$KDBMAN" lint --db "$work/bignative.kdbx" --stashed)

echo "                                        wall     ratio        CPU      ratio"
echo "CMS .kdb"
line "floor: openssl dgst -sha384 -hmac" "$f_cms" "$f_cms"
line "kdbman cert list --stashed --json" "$t_list" "$f_cms" 1.5x
line "kdbman lint --stashed --label host0" "$t_lint_label" "$f_cms" 3x
line "kdbman lint --stashed (no default)" "$t_lint" "$f_cms" 3x
echo "native store"
line "floor: KDF + one AEAD pass" "$f_nat" "$f_nat"
line "kdbman cert list --stashed --json" "$t_nlist" "$f_nat"
line "kdbman lint --stashed" "$t_nlint" "$f_nat"

# The cryptography lint does and the floor does not, timed with the
# primitives lint calls (examples/lint_crypto.rs): every key proved against
# its certificate (ring derives its public key, SSL0209E) and, with no
# default known, every chain validated (one ECDSA verification, SSL0208E).
read -r key_us verify_us < <(./target/release/examples/lint_crypto "$RUNS")
python3 - "$N" "$key_us" "$verify_us" "$(wall "$f_cms")" <<'PY'
import sys
n, key_us, verify_us, floor = int(sys.argv[1]) - 1, float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
keys, chains = n * key_us / 1e6, n * verify_us / 1e6
print(f"what lint proves and the floor does not (CPU on one core; {key_us} and {verify_us} us each):")
print(f"  {n} keys against their certificates   {keys:.3f} s  ({keys / floor:.1f}x the floor; half that on 2 cores)")
print(f"  {n} chains (no default known)          {chains:.3f} s  ({chains / floor:.1f}x the floor; half that on 2 cores)")
PY
