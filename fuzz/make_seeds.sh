#!/bin/sh
# Regenerates the seed corpora under fuzz/seeds/<target>/ from the
# fixtures, openssl and kdbman itself. Needs openssl on PATH.
# Usage: fuzz/make_seeds.sh   (from anywhere)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fuzz/seeds
pw=fuzz-password
rm -rf "$out"
mkdir -p "$out/store" "$out/stash" "$out/pkcs12" "$out/cert" "$out/key" "$out/csr" "$out/http_head" "$out/cms" "$out/gskit_stash" "$out/gsk_args" \
    "$out/serve_session"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Store and stash fixtures.
cp "$root"/fixtures/golden/v1/*.kdb "$out/store/"
cp "$root"/fixtures/golden/v1/*.sth "$out/stash/"
for f in SSL0218E-damaged SSL0206E; do
    cp "$root/fixtures/lint/$f.kdb" "$out/store/lint-$f.kdb"
done

cd "$tmp"
o() { openssl "$@" 2>/dev/null; }
o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=ec.example \
    -addext subjectAltName=DNS:ec.example -days 30 -keyout ec.key -out ec.crt
o req -x509 -newkey rsa:2048 -nodes -subj /CN=rsa.example -days 30 -keyout rsa.key -out rsa.crt
o req -x509 -newkey ed25519 -nodes -subj /CN=ed.example -days 30 -keyout ed.key -out ed.crt
o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -subj /CN=p384.example -days 30 \
    -keyout p384.key -out p384.crt
# Certificates: PEM, DER, a bundle.
cp ec.crt "$out/cert/ec.pem"
o x509 -in rsa.crt -outform DER -out "$out/cert/rsa.der"
o x509 -in ed.crt -outform DER -out "$out/cert/ed.der"
cat ec.crt rsa.crt > "$out/cert/bundle.pem"
# Keys in every form.
cp ec.key "$out/key/ec-pkcs8.pem"
o pkey -in ed.key -outform DER -out "$out/key/ed-pkcs8.der"
o pkey -in p384.key -outform DER -out "$out/key/p384-pkcs8.der"
o ec -in ec.key -out "$out/key/ec-sec1.pem"
o ec -in ec.key -outform DER -out "$out/key/ec-sec1.der"
o rsa -in rsa.key -traditional -out "$out/key/rsa-pkcs1.pem"
o rsa -in rsa.key -traditional -outform DER -out "$out/key/rsa-pkcs1.der"
o pkcs8 -topk8 -in ec.key -v2 aes-256-cbc -iter 1 -passout pass:$pw -out "$out/key/ec-enc-pbkdf2.pem"
o pkcs8 -topk8 -in ec.key -scrypt -scrypt_N 2 -scrypt_r 1 -scrypt_p 1 -passout pass:$pw \
    -outform DER -out "$out/key/ec-enc-scrypt.der"
cat ec.crt ec.key > "$out/key/cert-and-key.pem"
# Requests.
o req -new -key ec.key -subj /CN=req.example -out "$out/csr/ec.pem"
o req -new -key rsa.key -subj /CN=req.example -outform DER -out "$out/csr/rsa.der"
# PKCS#12: modern, legacy, no MAC, unencrypted, certificates only.
o pkcs12 -export -inkey ec.key -in ec.crt -certfile rsa.crt -passout pass:$pw -iter 1 -maciter \
    -out "$out/pkcs12/modern.p12" || o pkcs12 -export -inkey ec.key -in ec.crt -certfile rsa.crt \
    -passout pass:$pw -out "$out/pkcs12/modern.p12"
o pkcs12 -export -legacy -inkey ed.key -in ed.crt -passout pass:$pw -out "$out/pkcs12/legacy.p12" || true
o pkcs12 -export -inkey ec.key -in ec.crt -nomac -passout pass:$pw -out "$out/pkcs12/nomac.p12"
o pkcs12 -export -inkey ec.key -in ec.crt -keypbe NONE -certpbe NONE -nomac -passout pass: \
    -out "$out/pkcs12/plain.p12"
o pkcs12 -export -nokeys -in rsa.crt -passout pass:$pw -out "$out/pkcs12/nokeys.p12"

cd "$root"
# gsk8capicmd command lines: one seed a line, arguments split as a shell
# would and joined by NUL (the gsk_args target's input).
python3 - "$root/fuzz/gsk_args_seeds.txt" "$out/gsk_args" <<'PY'
import shlex, sys
for i, line in enumerate(open(sys.argv[1])):
    args = shlex.split(line)
    open(f"{sys.argv[2]}/seed{i:02}", "wb").write(b"\0".join(a.encode() for a in args))
PY
cargo run -q --example fuzz_seeds -- "$out"
# serve_session: the ClientHello openssl s_client sends, caught by a
# listener that answers nothing, as a raw stream (flags 0, one data chunk
# with a u16 length; layout in crates/kdbman-serve/src/fuzz.rs).
python3 - "$out/serve_session/raw-openssl-hello" <<'PY'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                      "-servername", "localhost", "-alpn", "http/1.1"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
c, _ = s.accept()
c.settimeout(10)
data = b""
while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
    b = c.recv(65536)
    if not b:
        break
    data += b
c.close()
p.kill()
p.wait()
open(sys.argv[1], "wb").write(b"\0" + len(data).to_bytes(2, "big") + data + b"\xf0\x14")
PY
echo "seeds:"; for d in "$out"/*; do echo "  $(basename "$d"): $(ls "$d" | wc -l) files, $(du -sk "$d" | cut -f1) KiB"; done
