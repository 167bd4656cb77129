#!/bin/bash
# kdbman against the tools users would pick instead, side by side in one
# run on loopback (issues 13 and 24):
#   serve: kdbman serve in its default configuration and nginx tuned as its
#          users deploy it for a static page (open_file_cache, sendfile,
#          shared session cache and tickets, a worker per core), the same
#          ECDSA P-256 certificate, the same page bytes, TLS 1.3 with
#          X25519 for both. For each: keep-alive requests/s (wrk) and
#          server CPU per request; full handshakes/s with a client that
#          never resumes and server CPU per handshake; resumed handshakes/s
#          (tickets) and server CPU per handshake; resident memory with
#          1,000 idle TLS connections. Server CPU is utime+stime from
#          /proc/PID/stat (all threads of kdbman; nginx's master and
#          workers) before and after each run. Each figure alternates
#          the two servers over ROUNDS windows (kdbman, nginx, kdbman,
#          ...) of SECS/ROUNDS seconds and sums them, so that a disturbance
#          of the machine falls on both rather than on one.
#   list:  a 10,000-entry store listed by kdbman against keytool -list and
#          openssl pkcs12 -info on a PKCS#12 holding the same entries.
#
# Usage: benches/compare.sh [serve|list|all]   (default all)
# Environment: SECS (seconds per figure and server, default 10), ROUNDS
# (alternating windows, default 5), CONNS (wrk connections,
# default 50), CLIENTS (handshake client threads, default 4), N (entries
# for list, default 10000), KEEP=1 (keep the work directory).
# Installs nginx and wrk (apt-get) where missing; stops everything it
# started. Figures from a machine that is busy with other work are noise.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/nginx_tuned.sh
WHAT=${1:-all}
case "$WHAT" in serve | list | all) ;; *) echo "usage: $0 [serve|list|all]" >&2; exit 2 ;; esac
SECS=${SECS:-10}; ROUNDS=${ROUNDS:-5}; N=${N:-10000}; CONNS=${CONNS:-50}; CLIENTS=${CLIENTS:-4}; IDLE=1000
[ "$WHAT" = serve ] && N=1

need=()
if [ "$WHAT" != list ]; then
    command -v wrk >/dev/null || need+=(wrk)
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q --bin kdbman --example bench_data --example tls_load
KDBMAN=$PWD/target/release/kdbman
LOAD=$PWD/target/release/examples/tls_load
work=$(mktemp -d)
chmod 711 "$work" # nginx's workers run as nobody
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; echo "nothing on $1"; exit 1; }
rss_kib() { # summed VmRSS of the given pids
    local t=0; for p in "$@"; do t=$((t + $(awk '/VmRSS/{print $2}' /proc/$p/status))); done; echo $t; }
HZ=$(getconf CLK_TCK)
cpu_ticks() { # utime+stime of the given processes, all their threads (live and ended)
    local t=0 f
    for p in "$@"; do
        read -r -a f < <(sed 's/^.*) //' /proc/$p/stat)
        t=$((t + f[11] + f[12])) # fields 14 and 15 of proc(5)
    done
    echo $t
}
calc() { python3 -c "print(f'{$1}')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }

echo "preparing data ($N entries)..."
./target/release/examples/bench_data "$work" "$N" >/dev/null

if [ "$WHAT" != list ]; then
# --- serve ---------------------------------------------------------------
ulimit -n 8192
kport=$(free_port)
kcmd=("$KDBMAN" serve --db "$work/serve.kdb" --stashed --label localhost --listen 127.0.0.1:$kport
      --max-connections $((IDLE + 100)))
"${kcmd[@]}" 2>"$work/kdbman.log" &
kpid=$!; pids+=($kpid)
wait_port $kport
kdbman_pids() { echo $kpid; }
# nginx serves kdbman's own page as a static file: the same bytes.
mkdir -p "$work/html" "$work/nginx"
# (the page shows the handshake: fetched as the handshake client connects,
# TLS 1.3, SNI localhost, ALPN http/1.1)
get() { curl -sk --http1.1 --tlsv1.3 --resolve localhost:$1:127.0.0.1 https://localhost:$1/; }
get $kport >"$work/html/index.html"
nport=$(free_port)
write_nginx_conf "$work" "$nport"
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
npid=$!; pids+=($npid)
wait_port $nport
nginx_pids() { echo $npid $(pgrep -P $npid); }
sleep 0.5
workers=$(pgrep -P $npid | wc -l)

page=$(wc -c <"$work/html/index.html")
cmp -s <(get $nport) "$work/html/index.html" || { echo "nginx does not serve the same page"; exit 1; }
echo
echo "== serve: same certificate (ECDSA P-256, self-signed, localhost), same $page-byte page, TLS 1.3 + X25519, loopback, $(nproc) cores"
echo "-- kdbman $("$KDBMAN" --version | awk '{print $2}'), its default configuration:"
echo "   ${kcmd[*]##*/}" | sed "s|$work/||g"
echo "   (--max-connections raised from 256 so that it holds the 1,000 idle connections;"
echo "    defaults: one event loop per core, idle timeout 30 s, TLS 1.2 and 1.3, rustls with ring,"
echo "    TLS 1.3 resumption by tickets; see kdbman serve --help)"
echo "-- $("$NGINX" -v 2>&1 | sed 's/.*: //') with $(openssl version | awk '{print $1, $2}'), $workers workers, configuration:"
sed "s|$work/||g; s/^/   /" "$work/nginx/nginx.conf"
echo

# Server CPU over a window: ticks before and after. A window prints
# "units seconds ticks [full resumed errors]"; `alternate` runs ROUNDS
# windows of each server in turn and prints, per server, "rate
# cpu_us_per_unit [full F resumed R errors E]".
WIN=$(( SECS / ROUNDS > 1 ? SECS / ROUNDS : 1 ))
window_wrk() { # PIDS-FUNCTION URL
    local who=$1 url=$2 c0 c1 out
    c0=$(cpu_ticks $($who))
    out=$(wrk -t2 -c"$CONNS" -d"${WIN}s" "$url")
    c1=$(cpu_ticks $($who))
    awk -v t=$((c1 - c0)) '/requests in/{sub(/s,$/, "", $4); print $1, $4, t}' <<<"$out"
}
window_load() { # PIDS-FUNCTION MODE PORT
    local who=$1 mode=$2 port=$3 c0 c1 out
    c0=$(cpu_ticks $($who))
    out=$("$LOAD" "$mode" "$port" "$WIN" "$CLIENTS")
    c1=$(cpu_ticks $($who))
    echo "$out" >>"$work/load.log"
    echo "$(sed 's/.*handshakes=\([0-9]*\).*/\1/' <<<"$out") $WIN $((c1 - c0))" \
        "$(sed 's/.*full=\([0-9]*\) resumed=\([0-9]*\).*errors=\([0-9]*\).*/\1 \2 \3/' <<<"$out")"
}
alternate() { # WINDOW-FUNCTION ARGS-FOR-KDBMAN... -- ARGS-FOR-NGINX...
    local fn=$1; shift
    local -a ka=() na=(); while [ "$1" != -- ]; do ka+=("$1"); shift; done; shift; na=("$@")
    local k="" n=""
    for _ in $(seq "$ROUNDS"); do
        k+="$("$fn" "${ka[@]}")"$'\n'
        n+="$("$fn" "${na[@]}")"$'\n'
    done
    for sums in "$k" "$n"; do
        awk -v hz="$HZ" 'NF { u += $1; s += $2; t += $3; f += $4; r += $5; e += $6; x = (NF > 3) }
            END { printf "%.2f %.2f", u / s, t / hz * 1e6 / u
                  if (x) printf " full %d resumed %d errors %d", f, r, e
                  print "" }' <<<"$sums"
    done
}

line() { # LABEL UNIT K N  (higher is better for rates, lower for CPU)
    printf '  %-34s kdbman %10s  nginx %10s  %-8s ratio %sx\n' "$1" "$3" "$4" "$2" "$(ratio "$3" "$4")"
}

echo "(a) keep-alive: wrk -t2 -c$CONNS, $ROUNDS windows of ${WIN}s each, alternating, GET / over kept-alive connections"
echo "    (kdbman's page as wrk sees it, with no ALPN: $(curl -sk --http1.1 --no-alpn https://127.0.0.1:$kport/ | wc -c) bytes; nginx's file: $page)"
{ read -r k_ka k_kacpu; read -r n_ka n_kacpu; } < <(alternate window_wrk kdbman_pids https://127.0.0.1:$kport/ -- nginx_pids https://127.0.0.1:$nport/)
line "requests/s" "" "$k_ka" "$n_ka"
line "server CPU per request" "µs" "$k_kacpu" "$n_kacpu"

echo "(b) full handshakes: examples/tls_load new, $CLIENTS client threads, $ROUNDS windows of ${WIN}s: connect, full handshake"
echo "    (resumption off in the client), GET / with Connection: close, read to the end"
{ read -r k_new k_newcpu k_newkinds; read -r n_new n_newcpu n_newkinds; } < <(alternate window_load kdbman_pids new $kport -- nginx_pids new $nport)
line "handshakes/s" "" "$k_new" "$n_new"
line "server CPU per handshake" "µs" "$k_newcpu" "$n_newcpu"
echo "    kdbman: $k_newkinds; nginx: $n_newkinds"

echo "(c) resumed handshakes: examples/tls_load resume, the same, offering the last ticket (PSK + X25519)"
{ read -r k_res k_rescpu k_reskinds; read -r n_res n_rescpu n_reskinds; } < <(alternate window_load kdbman_pids resume $kport -- nginx_pids resume $nport)
line "handshakes/s" "" "$k_res" "$n_res"
line "server CPU per handshake" "µs" "$k_rescpu" "$n_rescpu"
echo "    kdbman: $k_reskinds; nginx: $n_reskinds"
echo "    negotiated: $(sort -u <(sed 's/.*\(suite=.*\)/\1/' "$work/load.log") | tr '\n' ' ')"
echo "    (the client shares the $(nproc) cores: when the servers' CPU is below 100% per core, the client is the"
echo "     limit of the rate; server CPU per handshake is the figure that compares the servers)"

# 1,000 idle TLS connections to each, then resident memory.
idle() {
    python3 - "$1" "$IDLE" <<'PY' &
import socket, ssl, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
conns = []
for _ in range(n):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
    conns.append(s)
print("open", flush=True)
time.sleep(600)
PY
}
k_rss0=$(rss_kib $(kdbman_pids)); n_rss0=$(rss_kib $(nginx_pids))
idle $kport > "$work/idle-k" ; ipid=$!; pids+=($ipid)
idle $nport > "$work/idle-n" ; ipid2=$!; pids+=($ipid2)
for _ in $(seq 600); do grep -q open "$work/idle-k" && grep -q open "$work/idle-n" && break; sleep 0.1; done
sleep 1
k_rss=$(rss_kib $(kdbman_pids)); n_rss=$(rss_kib $(nginx_pids))
echo "(d) resident memory (VmRSS; nginx: master + $workers workers), KiB"
line "before the idle connections" "KiB" "$k_rss0" "$n_rss0"
line "with $IDLE idle TLS connections" "KiB" "$k_rss" "$n_rss"
line "per idle connection" "KiB" "$(calc "($k_rss-$k_rss0)/$IDLE:.1f")" "$(calc "($n_rss-$n_rss0)/$IDLE:.1f")"
echo "(ratios are kdbman/nginx: above 1 is better for rates, below 1 for CPU and memory)"
kill $ipid $ipid2 $kpid $npid 2>/dev/null || true
wait $ipid $ipid2 $kpid $npid 2>/dev/null || true
pids=()
fi

if [ "$WHAT" != serve ]; then
# --- list ----------------------------------------------------------------
echo
echo "list: $N entries (kdbman: a CMS .kdb, and a native store with the default Argon2id KDF; PKCS#12: PBES2/AES-256, 10,000 PBKDF2 iterations)"
best() { # best wall time in seconds of 3 runs of a command
    local b=999
    for _ in 1 2 3; do
        local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
        b=$(python3 -c "print(min($b, $e - $s))")
    done
    echo "$b"
}
t_k=$(best "$KDBMAN" cert list --db "$work/big.kdb" --stashed)
t_kn=$(best "$KDBMAN" cert list --db "$work/bignative.kdbx" --stashed)
t_kt=$(best keytool -list -storetype PKCS12 -keystore "$work/big.p12" -storepass bench-password)
t_o=$(best openssl pkcs12 -info -nokeys -in "$work/big.p12" -passin pass:bench-password)
printf '  kdbman cert list, CMS .kdb       %6.3f s\n' "$t_k"
printf '  kdbman cert list, native store   %6.3f s\n' "$t_kn"
printf '  keytool -list                    %6.3f s   (kdbman on CMS %sx faster, native %sx)\n' "$t_kt" "$(ratio $t_kt $t_k)" "$(ratio $t_kt $t_kn)"
printf '  openssl pkcs12 -info -nokeys     %6.3f s   (kdbman on CMS %sx faster, native %sx)\n' "$t_o" "$(ratio $t_o $t_k)" "$(ratio $t_o $t_kn)"
fi
