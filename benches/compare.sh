#!/bin/bash
# kdbman against the tools users would pick instead, side by side in one
# run on loopback (issue 13):
#   serve: kdbman serve and nginx on the same ECDSA P-256 certificate,
#          wrk keep-alive requests/s and new handshakes/s (Connection:
#          close: every request a new TLS 1.3 handshake), and resident
#          memory with 1,000 idle TLS connections open;
#   list:  a 10,000-entry store listed by kdbman against keytool -list and
#          openssl pkcs12 -info on a PKCS#12 holding the same entries.
# Installs nginx and wrk (apt-get) where missing; stops everything it
# started. Environment: SECS (wrk seconds, default 10), N (entries,
# default 10000), CONNS (wrk connections, default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${SECS:-10}; N=${N:-10000}; CONNS=${CONNS:-50}; IDLE=1000

need=()
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q --bin kdbman --example bench_data
KDBMAN=$PWD/target/release/kdbman
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; echo "nothing on $1"; exit 1; }
rss_kib() { # summed VmRSS of the given pids
    local t=0; for p in "$@"; do t=$((t + $(awk '/VmRSS/{print $2}' /proc/$p/status))); done; echo $t; }

echo "preparing data ($N entries)..."
./target/release/examples/bench_data "$work" "$N" >/dev/null

# --- serve ---------------------------------------------------------------
kport=$(free_port)
"$KDBMAN" serve --db "$work/serve.kdb" --stashed --label localhost --listen 127.0.0.1:$kport \
    --max-connections $((IDLE + 100)) --idle-timeout 300 2>"$work/kdbman.log" &
kpid=$!; pids+=($kpid)
wait_port $kport
# nginx serves kdbman's own page as a static file: the same bytes.
mkdir -p "$work/html" "$work/nginx"
curl -sk https://127.0.0.1:$kport/ -o "$work/html/index.html"
nport=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$nport ssl;
        ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        root $work/html;
        location / { index index.html; }
    }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
npid=$!; pids+=($npid)
wait_port $nport
nginx_pids() { echo $npid $(pgrep -P $npid); }

reqs() { wrk -t2 -c"$CONNS" -d"${SECS}s" "$@" | awk '/Requests\/sec/{print $2}'; }
echo "serve: wrk -t2 -c$CONNS -d${SECS}s, TLS 1.3, ECDSA P-256, $(wc -c <"$work/html/index.html") byte page"
k_ka=$(reqs https://127.0.0.1:$kport/); n_ka=$(reqs https://127.0.0.1:$nport/)
k_hs=$(reqs -H 'Connection: close' https://127.0.0.1:$kport/)
n_hs=$(reqs -H 'Connection: close' https://127.0.0.1:$nport/)
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '  keep-alive req/s:      kdbman %10.0f  nginx %10.0f  ratio %sx\n' "$k_ka" "$n_ka" "$(ratio $k_ka $n_ka)"
printf '  new handshakes/s:      kdbman %10.0f  nginx %10.0f  ratio %sx\n' "$k_hs" "$n_hs" "$(ratio $k_hs $n_hs)"

# 1,000 idle TLS connections to each, then resident memory.
ulimit -n 8192
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
k_rss0=$(rss_kib $kpid); n_rss0=$(rss_kib $(nginx_pids))
idle $kport > "$work/idle-k" ; ipid=$!; pids+=($ipid)
idle $nport > "$work/idle-n" ; ipid2=$!; pids+=($ipid2)
for _ in $(seq 600); do grep -q open "$work/idle-k" && grep -q open "$work/idle-n" && break; sleep 0.1; done
sleep 1
k_rss=$(rss_kib $kpid); n_rss=$(rss_kib $(nginx_pids))
printf '  RSS with %d idle TLS connections: kdbman %d KiB (%d idle before)  nginx %d KiB (%d before, master + 2 workers)\n' \
    $IDLE "$k_rss" "$k_rss0" "$n_rss" "$n_rss0"
kill $ipid $ipid2 $kpid $npid 2>/dev/null || true
wait $ipid $ipid2 $kpid $npid 2>/dev/null || true
pids=()

# --- list ----------------------------------------------------------------
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
