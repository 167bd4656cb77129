//! Benchmark of `kdbman serve` beside `openssl s_server -www` on the same
//! certificate and key (ECDSA P-256, TLS 1.3), on loopback.
//!
//! Measures, with an in-process rustls client (no session resumption, so
//! every connection is a full handshake):
//! - new connections per second: connect, handshake, one GET, close;
//! - keep-alive requests per second on one connection (kdbman only:
//!   `s_server -www` answers HTTP/1.0 and closes after each response);
//! - the server's resident memory before and after the load.
//!
//! Run: `cargo bench --bench serve` (seconds per phase: KDBMAN_BENCH_SECS).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kdbman::pki::{self, CertSpec, KeyType, keygen};
use kdbman::{CreateOptions, Entry, Kdf, Password, Store};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

const PW: &str = "bench-password";

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listens on {port}");
}

fn client_config(ca: &[u8]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(ca.to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.resumption = rustls::client::Resumption::disabled();
    Arc::new(cfg)
}

fn connect(cfg: &Arc<ClientConfig>, port: u16) -> StreamOwned<ClientConnection, TcpStream> {
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_nodelay(true).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    StreamOwned::new(ClientConnection::new(cfg.clone(), name).unwrap(), sock)
}

/// One new connection: full handshake, one GET, read to the end.
fn one_connection(cfg: &Arc<ClientConfig>, port: u16) -> bool {
    let mut s = connect(cfg, port);
    if s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut body = Vec::new();
    let _ = s.read_to_end(&mut body);
    body.starts_with(b"HTTP/1.")
}

/// Reads one response with a Content-Length from a kept-alive stream.
fn read_response(r: &mut impl BufRead) -> bool {
    let mut len = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return false;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).is_ok()
}

fn rate(secs: f64, threads: usize, work: impl Fn() -> bool + Sync) -> f64 {
    let total = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| {
                while start.elapsed().as_secs_f64() < secs {
                    if work() {
                        total.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    total.into_inner() as f64 / start.elapsed().as_secs_f64()
}

fn keep_alive_rate(cfg: &Arc<ClientConfig>, port: u16, secs: f64, threads: usize) -> f64 {
    let total = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| {
                let mut r = BufReader::new(connect(cfg, port));
                while start.elapsed().as_secs_f64() < secs {
                    let req = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
                    if r.get_mut().write_all(req).is_err() || !read_response(&mut r) {
                        break;
                    }
                    total.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    total.into_inner() as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let secs: f64 = std::env::var("KDBMAN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();

    let ca_key = keygen::generate(KeyType::EcP256).unwrap();
    let mut ca_spec = CertSpec::new("CN=Bench CA", 30);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).unwrap();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let spki = pki::cert_spki(&CertSpec::new("CN=x", 1).self_signed(&key).unwrap()).unwrap();
    let mut spec = CertSpec::new("CN=localhost", 30);
    spec.sans.push("dns:localhost".parse().unwrap());
    let leaf = spec.signed_by(&spki, &ca, &ca_key).unwrap();

    let db = d.join("bench.kdb");
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::ARGON2_FLOOR,
        password_expires: None,
    };
    let mut store = Store::create(&db, &Password::new(PW), &opts).unwrap();
    store.add(Entry::signer("ca", ca.clone())).unwrap();
    store
        .add(Entry::personal("bench", vec![leaf.clone()], key.clone()))
        .unwrap();
    store.set_default("bench").unwrap();
    store.save().unwrap();
    drop(store);
    let cert_pem = d.join("leaf.pem");
    let key_pem = d.join("leaf.key");
    std::fs::write(&cert_pem, pki::pem_encode("CERTIFICATE", &leaf)).unwrap();
    std::fs::write(&key_pem, pki::pem_encode("PRIVATE KEY", key.pkcs8_der())).unwrap();

    let cfg = client_config(&ca);
    println!(
        "kdbman serve vs openssl s_server -www: ECDSA P-256, TLS 1.3, loopback, {secs} s per phase"
    );
    println!("{:<46} {:>12} {:>12}", "", "kdbman", "s_server");

    let kport = free_port();
    let kdbman = Proc(
        Command::new(env!("CARGO_BIN_EXE_kdbman"))
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--pw-env",
                "KDBMAN_BENCH_PW",
            ])
            .args(["--listen", &format!("127.0.0.1:{kport}")])
            .env("KDBMAN_BENCH_PW", PW)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("kdbman runs"),
    );
    wait_port(kport);
    let sport = free_port();
    let _s_server = Proc(
        Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept", &sport.to_string()])
            .args([
                "-cert",
                cert_pem.to_str().unwrap(),
                "-key",
                key_pem.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl runs"),
    );
    wait_port(sport);
    assert!(one_connection(&cfg, kport), "kdbman does not answer");
    assert!(one_connection(&cfg, sport), "s_server does not answer");

    let rss0 = rss_kib(kdbman.0.id());
    for threads in [1usize, 4] {
        let k = rate(secs, threads, || one_connection(&cfg, kport));
        let s = rate(secs, threads, || one_connection(&cfg, sport));
        println!(
            "{:<46} {:>12.0} {:>12.0}   ratio {:.2}",
            format!("new connections/s ({threads} client thread(s))"),
            k,
            s,
            k / s
        );
    }
    for threads in [1usize, 4] {
        let k = keep_alive_rate(&cfg, kport, secs, threads);
        println!(
            "{:<46} {:>12.0} {:>12}",
            format!("keep-alive requests/s ({threads} connection(s))"),
            k,
            "n/a"
        );
    }
    let rss1 = rss_kib(kdbman.0.id());
    println!(
        "kdbman resident memory: {} KiB before the load, {} KiB after",
        rss0.map_or("?".into(), |v| v.to_string()),
        rss1.map_or("?".into(), |v| v.to_string())
    );
    println!(
        "(s_server -www answers HTTP/1.0 and closes after each response: no keep-alive figure)"
    );
}
