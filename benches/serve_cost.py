#!/usr/bin/env python3
"""A fixed-count TLS client for benches/serve_syscalls.sh.

    serve_cost.py keepalive PORT CONNS ROUNDS
    serve_cost.py handshake PORT CONNS ROUNDS

keepalive: opens CONNS TLS 1.3 connections (no SNI, no ALPN, as wrk) and
sends one warm-up request on each; prints "ready" and waits for a line on
stdin; then, ROUNDS times, sends `GET /` on every connection and reads
every answer (so the server sees CONNS requests per round, as it would
from CONNS wrk connections); prints "done REQUESTS" and waits for a line
before closing.

handshake: prints "ready", waits for a line, then ROUNDS times opens CONNS
connections at once (full handshakes: no session reuse), sends
`GET /` with `Connection: close` on each and reads each answer to its end;
prints "done HANDSHAKES" and waits for a line.

The measured window is between the two lines, so that a script can read
the server's counters (CPU, system calls, instructions) around exactly
that many requests.
"""

import socket
import ssl
import sys


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    # Every connection a full handshake.
    ctx.options |= ssl.OP_NO_TICKET
    return ctx


def read_answer(s, buf):
    """Reads one HTTP answer (head + Content-Length body); returns leftover."""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("server closed the connection")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit("unexpected answer: %r" % head[:80])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("server closed the connection")
        rest += chunk
    return rest[length:]


def sync(line):
    print(line, flush=True)
    sys.stdin.readline()


def keepalive(port, conns, rounds):
    ctx = context()
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port
    socks = []
    for _ in range(conns):
        raw = socket.create_connection(("127.0.0.1", port))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append([ctx.wrap_socket(raw), b""])
    for s in socks:
        s[0].sendall(req)
        s[1] = read_answer(s[0], s[1])
    sync("ready")
    for _ in range(rounds):
        for s in socks:
            s[0].sendall(req)
        for s in socks:
            s[1] = read_answer(s[0], s[1])
    sync("done %d" % (conns * rounds))
    for s in socks:
        s[0].close()


def handshake(port, conns, rounds):
    ctx = context()
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port
    sync("ready")
    for _ in range(rounds):
        socks = []
        for _ in range(conns):
            raw = socket.create_connection(("127.0.0.1", port))
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            socks.append(ctx.wrap_socket(raw))
        for s in socks:
            s.sendall(req)
        for s in socks:
            buf = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (ssl.SSLEOFError, ConnectionResetError):
                    break
                if not chunk:
                    break
                buf += chunk
            if not buf.startswith(b"HTTP/1.1 200"):
                raise SystemExit("unexpected answer: %r" % buf[:80])
            s.close()
    sync("done %d" % (conns * rounds))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("keepalive", "handshake"):
        raise SystemExit(__doc__)
    mode, port, conns, rounds = sys.argv[1], *map(int, sys.argv[2:])
    (keepalive if mode == "keepalive" else handshake)(port, conns, rounds)


if __name__ == "__main__":
    main()
