#!/bin/bash
# What one request costs the server, counted rather than timed, for kdbman
# serve and nginx (configured as in benches/compare.sh): a fixed number of
# keep-alive requests (benches/serve_cost.py) and of full handshakes
# (examples/tls_load new, the client of benches/compare.sh, with a count),
# and around exactly that window
#   - system calls per request (strace -c on every server thread);
#   - server CPU per request: on-CPU time of every thread from
#     /proc/PID/task/*/schedstat (ns), and utime/stime from /proc/PID/stat;
#   - with INSTR=1, kdbman's user-space instructions per request
#     (valgrind --tool=callgrind, collection switched on for the window
#     only; the summary goes to $OUT/callgrind.*).
# System calls and instructions do not depend on what else the machine is
# doing; CPU time does somewhat (caches, wakeups), throughput a lot, so no
# throughput is printed. Use it to compare builds, not to claim a ratio
# (benches/compare.sh is that).
#
# Usage: benches/serve_syscalls.sh [kdbman|nginx|both]   (default both)
# Environment: CONNS (connections, default 50), ROUNDS (keep-alive requests
# per connection, default 400), CLIENTS (handshake client threads, default
# 4), HS (full handshakes per client thread, default 250), KDBMAN (binary, default target/release/kdbman),
# PROBES (default "strace cpu"; "cpu" alone to repeat CPU figures quickly),
# INSTR=1, OUT (where to keep strace/callgrind output; default a temporary
# directory, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/nginx_tuned.sh
WHO=${1:-both}
case "$WHO" in kdbman | nginx | both) ;; *) echo "usage: $0 [kdbman|nginx|both]" >&2; exit 2 ;; esac
CONNS=${CONNS:-50}; ROUNDS=${ROUNDS:-400}; CLIENTS=${CLIENTS:-4}; HS=${HS:-250}
KDBMAN=${KDBMAN:-$PWD/target/release/kdbman}
CLIENT=$PWD/benches/serve_cost.py
LOAD=$PWD/target/release/examples/tls_load
[ -x "$KDBMAN" ] || cargo build --release -q --bin kdbman
[ -x "$LOAD" ] || cargo build --release -q --example tls_load
command -v strace >/dev/null || { echo "needs strace (apt-get install strace)"; exit 1; }
work=$(mktemp -d)
chmod 711 "$work" # nginx's workers run as nobody
OUT=${OUT:-$work}
mkdir -p "$OUT"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; echo "nothing on $1"; exit 1; }
ulimit -n 8192

# Counters of a set of processes: on-CPU ns (all threads), utime and stime ticks.
counters() {
    local ns=0 u=0 s=0 p t f
    for p in "$@"; do
        for t in /proc/$p/task/*/schedstat; do read -r f _ <"$t"; ns=$((ns + f)); done
        read -r -a f < <(sed 's/^.*) //' /proc/$p/stat)
        u=$((u + f[11])); s=$((s + f[12]))
    done
    echo "$ns $u $s"
}
HZ=$(getconf CLK_TCK)

# Runs the client (MODE PORT) against PIDS with a probe around its window:
#   probe start|stop NAME PIDS...
run_window() { # NAME MODE PORT ROUNDS PIDS...
    local name=$1 mode=$2 port=$3 rounds=$4; shift 4
    local line n
    if [ "$mode" = handshake ]; then
        probe start "$name" "$@"
        line=$("$LOAD" new "$port" 600 "$CLIENTS" "$rounds")
        probe stop "$name" "$@"
        n=$(sed 's/.*handshakes=\([0-9]*\).*/\1/' <<<"$line")
        grep -q ' errors=0 ' <<<"$line" || echo "  (tls_load: $line)"
        report "$name" "$n"
        return
    fi
    coproc CL { python3 "$CLIENT" "$mode" "$port" "$CONNS" "$rounds"; }
    read -r line <&"${CL[0]}"
    [ "$line" = ready ] || { echo "client: $line"; exit 1; }
    probe start "$name" "$@"
    echo go >&"${CL[1]}"
    read -r line <&"${CL[0]}"
    n=${line#done }
    probe stop "$name" "$@"
    echo end >&"${CL[1]}"
    wait "$CL_PID" 2>/dev/null || true
    report "$name" "$n"
}

probe() { # start|stop NAME PIDS...
    local what=$1 name=$2; shift 2
    case "$PROBE" in
    strace)
        if [ "$what" = start ]; then
            local args=()
            for p in "$@"; do args+=(-p "$p"); done
            strace -f -c -o "$OUT/$name.strace" "${args[@]}" 2>/dev/null &
            spid=$!
            sleep 1 # attached to every thread
        else
            kill -INT $spid; wait $spid 2>/dev/null || true
        fi ;;
    cpu)
        if [ "$what" = start ]; then c0=$(counters "$@"); else c1=$(counters "$@"); fi ;;
    callgrind)
        if [ "$what" = start ]; then
            callgrind_control -i on "$1" >/dev/null; callgrind_control -z "$1" >/dev/null
        else
            callgrind_control -i off "$1" >/dev/null
            callgrind_control -d "$name" "$1" >/dev/null
        fi ;;
    esac
}

report() { # NAME COUNT
    local name=$1 n=$2
    case "$PROBE" in
    strace)
        python3 - "$OUT/$name.strace" "$n" "$name" <<'PY'
import sys
path, n, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = []
for line in open(path):
    f = line.split()
    if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
        calls = int(f[3]); errors = int(f[4]) if len(f) == 6 else 0
        rows.append((calls, errors, f[-1]))
total = sum(c for c, _, _ in rows)
detail = ", ".join(
    f"{s} {c / n:.3f}" + (f" ({e / n:.3f} failed)" if e else "")
    for c, e, s in sorted(rows, reverse=True) if c / n >= 0.001)
print(f"  {name:<24} syscalls/unit {total / n:6.3f}   {detail}   [{n} units]")
PY
        ;;
    cpu)
        read -r ns0 u0 s0 <<<"$c0"; read -r ns1 u1 s1 <<<"$c1"
        python3 -c "
n=$n; print(f'  {\"$name\":<24} CPU µs/unit {($ns1-$ns0)/1e3/n:7.2f}   (user {($u1-$u0)/$HZ*1e6/n:.2f}, system {($s1-$s0)/$HZ*1e6/n:.2f}, from ticks)   [{n} units]')"
        ;;
    callgrind)
        # The newest dump holds the window only (zeroed at its start).
        local f ir
        f=$(ls -t "$OUT"/callgrind.out.* | head -1)
        ir=$(awk '/^totals:/{print $2; exit}' "$f")
        python3 -c "print(f'  {\"$name\":<24} instructions/unit {$ir/$n:10.0f}   [{$n} units; $f]')"
        ;;
    esac
}

start_kdbman() { # [wrapper...]
    kport=$(free_port)
    "$@" "$KDBMAN" serve --demo --listen 127.0.0.1:$kport 2>"$work/kdbman.log" >/dev/null &
    kpid=$!; pids+=($kpid)
    wait_port $kport
}
stop_kdbman() { kill -INT $kpid 2>/dev/null || true; wait $kpid 2>/dev/null || true; }

start_nginx() {
    local NGINX
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    [ -x "$NGINX" ] || { echo "needs nginx (apt-get install nginx-light)"; exit 1; }
    mkdir -p "$work/html" "$work/nginx"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 2>/dev/null
    # kdbman's page as wrk and serve_cost.py see it (no SNI, no ALPN).
    start_kdbman
    curl -sk --http1.1 --no-alpn https://127.0.0.1:$kport/ >"$work/html/index.html"
    stop_kdbman
    nport=$(free_port)
    write_nginx_conf "$work" "$nport"
    "$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
    npid=$!; pids+=($npid)
    wait_port $nport
    sleep 0.3
}

measure() { # LABEL PORT PIDS...
    local label=$1 port=$2; shift 2
    echo "$label"
    for PROBE in ${PROBES:-strace cpu}; do
        run_window "$label-keepalive" keepalive "$port" "$ROUNDS" "$@"
        run_window "$label-handshake" handshake "$port" "$HS" "$@"
    done
}

echo "units: keep-alive requests ($CONNS connections x $ROUNDS rounds) and full handshakes ($CLIENTS clients x $HS); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$WHO" != nginx ]; then
    start_kdbman
    measure kdbman $kport $kpid
    stop_kdbman
    if [ -n "${INSTR:-}" ]; then
        command -v valgrind >/dev/null || { echo "INSTR=1 needs valgrind"; exit 1; }
        start_kdbman valgrind --tool=callgrind --instr-atstart=no \
            --callgrind-out-file="$OUT/callgrind.out.%p"
        PROBE=callgrind
        ROUNDS=$((ROUNDS / 4)) run_window kdbman-keepalive keepalive $kport $((ROUNDS / 4)) $kpid
        run_window kdbman-handshake handshake $kport $((HS / 10 + 1)) $kpid
        stop_kdbman
    fi
fi
if [ "$WHO" != kdbman ]; then
    start_nginx
    measure nginx $nport $npid $(pgrep -P $npid)
fi
