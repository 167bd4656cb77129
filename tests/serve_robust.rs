//! `kdbman serve` under hostile and heavy use: timeouts, the connection
//! bound, slow and oversized requests, hostile HTTP after a good
//! handshake, IPv6, SIGINT and memory over thousands of connections.
//!
//! Every test talks only to 127.0.0.1 or ::1, puts a timeout on every read,
//! bounds every loop by a count, and kills its server when done. The TLS
//! client is rustls itself, trusting the demo CA the server prints.

mod common;
use common::servers::Serving;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

/// A running `kdbman serve --demo` (stopped on drop), its address and CA.
struct Server {
    serving: Serving,
    addr: SocketAddr,
    ca: PathBuf,
}

impl std::ops::Deref for Server {
    type Target = Serving;
    fn deref(&self) -> &Serving {
        &self.serving
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Serving {
        &mut self.serving
    }
}

impl Server {
    fn start(listen: &str, extra: &[&str]) -> Server {
        let mut cmd = Command::new(cargo_bin("kdbman"));
        cmd.args(["serve", "--demo", "--listen", listen])
            .args(extra);
        let (mut addr, mut ca) = (None, None);
        let serving = Serving::start(cmd, |line| {
            if let Some(rest) = line.strip_prefix("listening on https://") {
                let a = rest.split('/').next().unwrap();
                addr = Some(a.parse::<SocketAddr>().unwrap());
            } else if let Some(rest) = line.strip_prefix("try: curl --cacert ") {
                ca = Some(PathBuf::from(rest.split(' ').next().unwrap()));
            }
            addr.is_some() && ca.is_some()
        });
        Server {
            serving,
            addr: addr.unwrap(),
            ca: ca.unwrap(),
        }
    }

    /// Threads of connection work (named `kdbman-conn`) right now.
    fn conn_threads(&self) -> usize {
        let Ok(dir) = std::fs::read_dir(format!("/proc/{}/task", self.pid())) else {
            return 0;
        };
        dir.filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
            .filter(|c| c.trim() == "kdbman-conn")
            .count()
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    fn client_config(&self) -> Arc<ClientConfig> {
        let pem = std::fs::read_to_string(&self.ca).unwrap();
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64_decode(&b64);
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from(der)).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Arc::new(
            ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        )
    }

    fn tcp(&self) -> TcpStream {
        let s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// A TLS connection with the handshake finished.
    fn tls(&self, config: &Arc<ClientConfig>) -> Tls {
        let mut t = self.tls_started(config);
        while t.conn.is_handshaking() {
            t.conn.complete_io(&mut t.sock).expect("handshake");
        }
        t
    }

    /// A TLS connection whose handshake has not been driven yet.
    fn tls_started(&self, config: &Arc<ClientConfig>) -> Tls {
        let name = ServerName::IpAddress(self.addr.ip().into());
        let conn = ClientConnection::new(config.clone(), name).unwrap();
        StreamOwned::new(conn, self.tcp())
    }

    fn curl_ok(&self) {
        let host = match self.addr {
            SocketAddr::V4(a) => a.to_string(),
            SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        };
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "15", "--cacert"])
            .arg(&self.ca)
            .arg(format!("https://{host}/healthz"))
            .output()
            .expect("curl is installed");
        assert!(
            out.status.success() && out.stdout == b"ok\n",
            "curl: {} {}\nlog: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }
}

type Tls = StreamOwned<ClientConnection, TcpStream>;

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(val).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= u32::from(b) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Reads until EOF, a reset, the read timeout or `cap` bytes.
/// Returns what arrived and whether the stream ended (EOF or reset).
fn read_all(r: &mut impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while out.len() < cap {
        match r.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return (out, false),
            // A reset, or a TLS stream cut without close_notify: ended.
            Err(_) => return (out, true),
        }
    }
    (out, false)
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Sends a request and reads one response (head + Content-Length body).
fn request(t: &mut Tls, raw: &[u8]) -> String {
    t.write_all(raw).unwrap();
    t.flush().unwrap();
    read_response(t).unwrap_or_else(|| panic!("no response to {:?}", String::from_utf8_lossy(raw)))
}

fn read_response(t: &mut Tls) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..1000 {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                return Some(String::from_utf8_lossy(&got[..end + 4 + len]).into_owned());
            }
        }
        match t.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    None
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[test]
fn idle_timeout_closes_a_quiet_keep_alive_connection_and_logs_it() {
    let server = Server::start("127.0.0.1:0", &["--idle-timeout", "1"]);
    let cfg = server.client_config();
    let mut t = server.tls(&cfg);
    let me = t.sock.local_addr().unwrap().to_string();
    // Kept alive: two requests on one connection.
    for _ in 0..2 {
        let r = request(&mut t, HEALTH);
        assert!(r.starts_with("HTTP/1.1 200 ") && r.ends_with("ok\n"), "{r}");
        assert!(r.contains("Connection: keep-alive"), "{r}");
    }
    // Then quiet: the server closes it (close_notify, then EOF).
    let (rest, ended) = read_all(&mut t, 1 << 16);
    assert!(ended && rest.is_empty(), "still open: {rest:?}");
    assert!(
        server.wait_line(&[&me, "idle", "2 requests"], 10),
        "log: {}",
        server.log()
    );
    server.curl_ok();
}

#[test]
fn handshake_timeout_cuts_off_half_a_client_hello() {
    let server = Server::start("127.0.0.1:0", &["--handshake-timeout", "1"]);
    let mut s = server.tcp();
    let me = s.local_addr().unwrap().to_string();
    // A handshake record announcing 200 bytes, of which 9 arrive.
    s.write_all(&[
        0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03,
    ])
    .unwrap();
    let (got, ended) = read_all(&mut s, 1 << 16);
    assert!(ended, "the server kept a stalled handshake open: {got:?}");
    assert!(
        server.wait_line(&[&me, "SSL0226I", "did not finish within 1 s"], 10),
        "log: {}",
        server.log()
    );
    server.curl_ok();
}

#[test]
fn at_the_bound_silent_connections_make_room_oldest_first() {
    let server = Server::start(
        "127.0.0.1:0",
        &["--max-connections", "2", "--handshake-timeout", "30"],
    );
    let cfg = server.client_config();
    // Two clients that connect and say nothing hold both slots; the
    // listen queue hands them to the server in this order.
    let mut silent: Vec<TcpStream> = (0..2).map(|_| server.tcp()).collect();
    assert!(
        server.conn_threads() <= 2,
        "{} threads",
        server.conn_threads()
    );
    // A third is served anyway, long before the 30 s handshake timeout:
    // the oldest silent connection gives up its slot.
    let mut third = server.tls(&cfg);
    let r = request(&mut third, HEALTH);
    assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
    silent[0]
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        matches!(silent[0].read(&mut byte), Ok(0) | Err(_)),
        "the oldest silent connection was not closed"
    );
    // The younger one keeps its slot: one eviction per waiting client.
    silent[1]
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let still = silent[1].read(&mut byte);
    assert!(
        matches!(&still, Err(e) if is_timeout(e)),
        "the younger silent connection was closed too: {still:?}; log: {}",
        server.log()
    );
    assert!(
        server.wait_line(&["closed to make room", "--max-connections 2"], 10),
        "log: {}",
        server.log()
    );
    assert!(
        server.conn_threads() <= 2,
        "{} threads",
        server.conn_threads()
    );
}

/// Issue 18, acceptance 5: silent sockets holding every slot do not keep
/// a real client waiting.
#[test]
fn eight_silent_sockets_at_max_connections_8_do_not_delay_curl() {
    let server = Server::start(
        "127.0.0.1:0",
        &["--max-connections", "8", "--handshake-timeout", "30"],
    );
    let _silent: Vec<TcpStream> = (0..8).map(|_| server.tcp()).collect();
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "1", "--cacert"])
        .arg(&server.ca)
        .arg(format!("https://{}/healthz", server.addr))
        .output()
        .expect("curl is installed");
    assert!(
        out.status.success() && out.stdout == b"ok\n",
        "curl got no answer within 1 s: {} {}\nlog: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
}

#[test]
fn at_the_bound_idle_keep_alive_connections_make_room() {
    let server = Server::start(
        "127.0.0.1:0",
        &["--max-connections", "2", "--idle-timeout", "60"],
    );
    let cfg = server.client_config();
    let mut idle: Vec<Tls> = (0..2).map(|_| server.tls(&cfg)).collect();
    for t in &mut idle {
        assert!(request(t, HEALTH).starts_with("HTTP/1.1 200 "));
    }
    // Both slots hold kept-alive connections waiting for a next request;
    // a new client is served anyway, well before the 60 s idle timeout.
    let mut t = server.tls(&cfg);
    assert!(request(&mut t, HEALTH).starts_with("HTTP/1.1 200 "));
    let mut closed = 0;
    for t in &mut idle {
        t.sock
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        if read_all(t, 1024).1 {
            closed += 1;
        }
    }
    assert!(closed >= 1, "no idle connection made room");
    assert!(
        server.wait_line(&["idle", "room"], 10),
        "log: {}",
        server.log()
    );
    for _ in 0..50 {
        assert!(
            server.conn_threads() <= 2,
            "{} threads",
            server.conn_threads()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_request_dribbled_one_byte_at_a_time_is_cut_off() {
    let server = Server::start("127.0.0.1:0", &["--idle-timeout", "2"]);
    let cfg = server.client_config();
    let mut t = server.tls(&cfg);
    let me = t.sock.local_addr().unwrap().to_string();
    t.sock
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let head = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    let mut sent = 0;
    let mut answer = Vec::new();
    let mut ended = false;
    // At most 100 bytes, one per 200 ms read timeout: 20 s at the very most.
    for i in 0..100 {
        let byte = head.get(i).copied().unwrap_or(b'a');
        if t.write_all(&[byte]).and_then(|()| t.flush()).is_err() {
            ended = true;
            break;
        }
        sent += 1;
        let (got, end) = read_all(&mut t, 4096);
        answer.extend_from_slice(&got);
        if end {
            ended = true;
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(ended, "held open for {sent} bytes: {answer}");
    assert!(
        sent < 60,
        "the dribble kept the connection for {sent} bytes"
    );
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(
        server.wait_line(&[&me, "request head incomplete"], 10),
        "log: {}",
        server.log()
    );
    server.curl_ok();
}

#[test]
fn an_oversized_head_gets_431_and_a_huge_body_413_unread() {
    let server = Server::start("127.0.0.1:0", &[]);
    let cfg = server.client_config();

    let mut t = server.tls(&cfg);
    let mut big = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad: ".to_vec();
    big.resize(40 * 1024, b'a');
    t.write_all(&big).unwrap();
    t.flush().unwrap();
    let (got, ended) = read_all(&mut t, 1 << 16);
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 431 "), "{got}");
    assert!(got.contains("Connection: close") && ended, "{got}");

    // Many small headers past the cap: the same.
    let mut t = server.tls(&cfg);
    let mut many = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for i in 0..2000 {
        many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    t.write_all(&many).unwrap();
    t.flush().unwrap();
    let (got, _) = read_all(&mut t, 1 << 16);
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 431 "), "{got}");

    for length in ["10000000000", "18446744073709551616", "1048576"] {
        let mut t = server.tls(&cfg);
        let req = format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: {length}\r\n\r\nonly a few bytes"
        );
        t.write_all(req.as_bytes()).unwrap();
        t.flush().unwrap();
        // Answered at once although the body never comes.
        let (got, ended) = read_all(&mut t, 1 << 16);
        let got = String::from_utf8_lossy(&got);
        assert!(got.starts_with("HTTP/1.1 413 "), "{length}: {got}");
        assert!(ended, "{length}: connection kept after 413");
    }
    server.curl_ok();
}

#[test]
fn hostile_http_after_a_good_handshake_is_answered_or_closed() {
    let server = Server::start("127.0.0.1:0", &["--idle-timeout", "2", "--access-log"]);
    let cfg = server.client_config();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage request line",
            b"\x01\x02 garbage !!\r\n\r\n".to_vec(),
        ),
        ("no version", b"GET /\r\n\r\n".to_vec()),
        (
            "NUL bytes",
            b"GET /\0\0 HTTP/1.1\r\nHost: \0localhost\r\n\r\n".to_vec(),
        ),
        (
            "invalid UTF-8 header",
            b"GET / HTTP/1.1\r\nHost: local\xff\xfehost\r\n\r\n".to_vec(),
        ),
        (
            "bare LF in the target",
            b"GET /\nINJECTED HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "header without colon",
            b"GET / HTTP/1.1\r\nHost\r\n\r\n".to_vec(),
        ),
        (
            "bad Content-Length",
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_vec(),
        ),
        (
            "chunked body",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
        ),
        ("only line ends", b"\r\n\r\n\r\n\r\n".to_vec()),
    ];
    for (what, raw) in &cases {
        let mut t = server.tls(&cfg);
        t.write_all(raw).unwrap();
        t.flush().unwrap();
        let (got, ended) = read_all(&mut t, 1 << 16);
        let got = String::from_utf8_lossy(&got);
        assert!(
            got.starts_with("HTTP/1.1 400 ") || (got.is_empty() && ended),
            "{what}: {got}"
        );
        assert!(ended, "{what}: kept open after a bad request");
    }
    // The access log line for a hostile target stays one line.
    assert!(
        !server.log().lines().any(|l| l.starts_with("INJECTED")),
        "log: {}",
        server.log()
    );

    // Pipelined: three requests in one write, three answers in order.
    let mut t = server.tls(&cfg);
    let mut three = Vec::new();
    three.extend_from_slice(HEALTH);
    three.extend_from_slice(b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
    three.extend_from_slice(
        b"GET /?format=json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    t.write_all(&three).unwrap();
    t.flush().unwrap();
    let (got, ended) = read_all(&mut t, 1 << 20);
    let got = String::from_utf8_lossy(&got);
    let statuses: Vec<&str> = got
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &got[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["200", "404", "200"], "{got}");
    assert!(got.contains("\"label\":\"kdbman-demo\"") && ended, "{got}");

    // Random bytes after the handshake, 40 times: a 400, never a panic.
    let mut x: u32 = 0x2545_f491;
    for round in 0..40 {
        let len = 1 + (round * 97) % 3000;
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let mut t = server.tls(&cfg);
        // Ended like a head, so each is judged at once, not at the timeout.
        let junk = [&junk[..], b"\r\n\r\n"].concat();
        t.write_all(&junk).unwrap();
        t.flush().unwrap();
        let (got, _) = read_all(&mut t, 1 << 16);
        assert!(
            got.starts_with(b"HTTP/1.1 400 ") || got.starts_with(b"HTTP/1.1 431 "),
            "round {round}: {}",
            String::from_utf8_lossy(&got)
        );
    }
    assert!(
        !server.log().contains("internal error"),
        "log: {}",
        server.log()
    );
    server.curl_ok();
}

fn has_ipv6_loopback() -> bool {
    let out = Command::new("ip").args(["-6", "addr"]).output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).contains("::1/128"),
        Err(_) => {
            std::path::Path::new("/proc/net/if_inet6").exists()
                && std::fs::read_to_string("/proc/net/if_inet6")
                    .unwrap_or_default()
                    .contains("00000000000000000000000000000001")
        }
    }
}

#[test]
fn ipv6_loopback_serves_curl() {
    if !has_ipv6_loopback() {
        common::skipped("this machine has no ::1");
        return;
    }
    let server = Server::start("[::1]:0", &[]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let out = Command::new("curl")
        .args(["-6", "-sS", "--max-time", "15", "--cacert"])
        .arg(&server.ca)
        .arg(format!("https://[::1]:{}/?format=json", server.addr.port()))
        .output()
        .expect("curl is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["label"], kdbman_serve::DEMO_LABEL);
    // Log lines name IPv6 peers the usual way.
    drop(server.tcp());
    assert!(
        server.wait_line(&["[::1]:", "SSL0271I"], 10),
        "log: {}",
        server.log()
    );
}

#[test]
fn sigint_stops_the_server_gracefully_with_a_connection_open() {
    let mut server = Server::start("127.0.0.1:0", &[]);
    let cfg = server.client_config();
    let mut t = server.tls(&cfg);
    assert!(request(&mut t, HEALTH).starts_with("HTTP/1.1 200 "));
    server.signal("-INT");
    assert_eq!(server.wait_exit(15), Some(0), "log: {}", server.log());
    // The kept-alive connection was closed, not left hanging.
    let (_, ended) = read_all(&mut t, 1024);
    assert!(ended);
}

#[test]
fn memory_stays_flat_over_two_thousand_connections() {
    // Four clients at once against a bound of three: the bound is busy.
    let server = Server::start(
        "127.0.0.1:0",
        &["--handshake-timeout", "5", "--max-connections", "3"],
    );
    let cfg = server.client_config();
    let most_threads = std::sync::atomic::AtomicUsize::new(0);
    let round = |n: usize| {
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let (server, most, done) = (&server, &most_threads, &done);
            s.spawn(move || {
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    most.fetch_max(server.conn_threads(), std::sync::atomic::Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            let mut clients = Vec::new();
            for w in 0..4 {
                let cfg = cfg.clone();
                clients.push(s.spawn(move || {
                    for i in 0..n / 4 {
                        match (i + w) % 10 {
                            // A plain HTTP request and a closed-at-once client.
                            0 => {
                                let mut s = server.tcp();
                                let _ = s.write_all(b"GET / HTTP/1.1\r\n\r\n");
                                let _ = read_all(&mut s, 4096);
                            }
                            1 => drop(server.tcp()),
                            // Half a handshake, then gone.
                            2 => {
                                let mut s = server.tcp();
                                let _ = s.write_all(&[0x16, 0x03, 0x01, 0x00, 0xc8, 0x01]);
                                let _ = s.shutdown(Shutdown::Both);
                            }
                            _ => {
                                let mut t = server.tls(&cfg);
                                let r = request(
                                    &mut t,
                                    b"GET /?format=json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                );
                                assert!(r.starts_with("HTTP/1.1 200 "), "{r}");
                            }
                        }
                    }
                }));
            }
            let results: Vec<_> = clients.into_iter().map(|c| c.join()).collect();
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            for r in results {
                if let Err(p) = r {
                    std::panic::resume_unwind(p);
                }
            }
        });
    };
    round(400);
    let before = server.rss_kib();
    round(2000);
    let after = server.rss_kib();
    eprintln!("VmRSS before {before} KiB, after 2,000 more connections {after} KiB");
    assert!(
        after < before + 8 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    let most = most_threads.into_inner();
    eprintln!("at most {most} connection threads at once");
    assert!((1..=3).contains(&most), "{most} connection threads at once");
    server.curl_ok();
}

#[test]
fn a_second_sigint_exits_at_once_while_a_request_is_in_flight() {
    let mut server = Server::start("127.0.0.1:0", &[]);
    let cfg = server.client_config();
    let mut t = server.tls(&cfg);
    // Half a request head keeps the connection busy through shutdown.
    t.write_all(b"GET / HTTP/1.1\r\nHost: local").unwrap();
    t.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("-INT");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.child.try_wait().unwrap(),
        None,
        "the first SIGINT did not wait for the request in flight"
    );
    server.signal("-INT");
    assert_eq!(server.wait_exit(15), Some(130), "log: {}", server.log());
}

#[test]
fn tls_shaped_garbage_before_the_handshake_never_stops_the_server() {
    let server = Server::start("127.0.0.1:0", &["--handshake-timeout", "5"]);
    let mut x: u32 = 0x9e37_79b9;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for round in 0..60u32 {
        let body_len = (next() % 6000) as usize;
        let announced = match round % 3 {
            0 => body_len as u16,
            1 => (next() % 0x10000) as u16,
            _ => 0x4000 + (next() % 0x800) as u16,
        };
        let mut rec = vec![0x16, 0x03, (round % 4) as u8];
        rec.extend_from_slice(&announced.to_be_bytes());
        if round % 2 == 0 {
            // The start of a ClientHello: type 1, a length, version 3.3.
            rec.extend_from_slice(&[0x01, 0x00, (next() % 256) as u8, 0x40, 0x03, 0x03]);
        }
        rec.extend((0..body_len).map(|_| next() as u8));
        let mut s = server.tcp();
        let _ = s.write_all(&rec);
        let _ = s.shutdown(Shutdown::Write);
        let (_, ended) = read_all(&mut s, 1 << 16);
        assert!(ended, "round {round}: not closed");
    }
    assert!(
        !server.log().contains("internal error"),
        "log: {}",
        server.log()
    );
    server.curl_ok();
}

#[test]
fn forty_kept_alive_connections_share_one_loop_per_core() {
    let server = Server::start("127.0.0.1:0", &[]);
    let cfg = server.client_config();
    let mut conns: Vec<Tls> = (0..40).map(|_| server.tls(&cfg)).collect();
    // Every connection is answered, round after round, while all stay open.
    for round in 0..3 {
        for (i, t) in conns.iter_mut().enumerate() {
            let r = request(t, HEALTH);
            assert!(
                r.starts_with("HTTP/1.1 200 "),
                "round {round}, connection {i}: {r}"
            );
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        (1..=cores).contains(&server.conn_threads()),
        "{} connection threads for 40 connections on {cores} cores",
        server.conn_threads()
    );

    // `--threads 1`: one loop for all of them.
    let server = Server::start("127.0.0.1:0", &["--threads", "1"]);
    let cfg = server.client_config();
    let mut conns: Vec<Tls> = (0..10).map(|_| server.tls(&cfg)).collect();
    for t in &mut conns {
        assert!(request(t, HEALTH).starts_with("HTTP/1.1 200 "));
    }
    assert_eq!(server.conn_threads(), 1);
}

#[test]
fn requests_sent_with_the_last_handshake_flight_are_answered_in_order() {
    let server = Server::start("127.0.0.1:0", &[]);
    let cfg = server.client_config();
    let mut t = server.tls_started(&cfg);
    // Queued before the handshake: rustls sends them right behind the
    // client's Finished, so the server finds them decrypted at once.
    t.conn
        .writer()
        .write_all(
            b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n\
              GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n\
              HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    while t.conn.is_handshaking() || t.conn.wants_write() {
        t.conn.complete_io(&mut t.sock).expect("handshake");
    }
    let (got, ended) = read_all(&mut t, 1 << 16);
    let got = String::from_utf8_lossy(&got);
    assert!(ended, "kept open after Connection: close: {got}");
    let statuses: Vec<&str> = got
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &got[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["200", "404", "200"], "{got}");
    assert!(got.ends_with("Connection: close\r\n\r\n"), "{got}");
}
