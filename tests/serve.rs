//! `kdbman serve` against real clients: curl and `openssl s_client`.
//!
//! Each test starts the binary on port 0, learns the port from the
//! readiness line, bounds every wait, and kills the server at the end.

mod common;
use common::servers::Serving;
use common::spki_of;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use kdbman::pki::{self, CertSpec, KeyType, keygen};
use kdbman::{Entry, Password, PrivateKey, Store};
use serde_json::Value;
use tempfile::TempDir;

const PW_VAR: &str = "KDBMAN_SERVE_TEST_PW";
const PW: &str = "serve-test-password";

fn password() -> Password {
    Password::new(PW)
}

/// A CA (certificate and key).
struct Ca {
    cert: Vec<u8>,
    key: PrivateKey,
}

fn new_ca(cn: &str) -> Ca {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new(format!("CN={cn}"), 30);
    spec.is_ca = true;
    Ca {
        cert: spec.self_signed(&key).unwrap(),
        key,
    }
}

/// A certificate for a new key of `kind`, signed by `ca`.
fn issue(
    ca: &Ca,
    kind: KeyType,
    cn: &str,
    hosts: &[&str],
    spec_edit: impl FnOnce(&mut CertSpec),
) -> (Vec<u8>, PrivateKey) {
    let key = keygen::generate(kind).unwrap();
    let mut spec = CertSpec::new(format!("CN={cn}"), 30);
    for h in hosts {
        spec.sans.push(h.parse().unwrap());
    }
    spec_edit(&mut spec);
    (
        spec.signed_by(&spki_of(&key), &ca.cert, &ca.key).unwrap(),
        key,
    )
}

fn server_entry(ca: &Ca, kind: KeyType, label: &str, host: &str) -> Entry {
    let (cert, key) = issue(
        ca,
        kind,
        host,
        &[&format!("dns:{host}"), "ip:127.0.0.1"],
        |_| {},
    );
    Entry::personal(label, vec![cert], key)
}

fn make_store(dir: &Path, entries: Vec<Entry>, default: Option<&str>) -> PathBuf {
    let path = dir.join("server.kdb");
    common::native_store(&path, PW, entries, default);
    path
}

fn write_pem(dir: &Path, name: &str, label: &str, der: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, pki::pem_encode(label, der)).unwrap();
    p
}

/// A running `kdbman serve` (stopped on drop) and its port.
struct Server {
    serving: Serving,
    port: u16,
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
    fn start(db: Option<&Path>, extra: &[&str]) -> Server {
        let mut cmd = Command::new(cargo_bin("kdbman"));
        cmd.arg("serve");
        if let Some(db) = db {
            cmd.args(["--db", db.to_str().unwrap(), "--pw-env", PW_VAR]);
        }
        cmd.args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env(PW_VAR, PW);
        let (serving, port) = Serving::on_loopback(cmd);
        // Later stdout lines (the demo's curl hint) are collected by the thread.
        std::thread::sleep(Duration::from_millis(50));
        Server { serving, port }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port)
    }

    fn resolve(&self, host: &str) -> String {
        format!("{host}:{}:127.0.0.1", self.port)
    }
}

fn curl(args: &[&str]) -> Output {
    Command::new("curl")
        .args(["-sS", "--max-time", "15"])
        .args(args)
        .output()
        .expect("curl is installed")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// `openssl s_client -verify_return_error` fetching the JSON page.
fn s_client(port: u16, ca: &Path, host: &str) -> Output {
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", host, "-verify_hostname", host])
        .args([
            "-CAfile",
            ca.to_str().unwrap(),
            "-verify_return_error",
            "-ign_eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!("GET /?format=json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

#[test]
fn curl_and_openssl_complete_handshakes_with_rsa_ecdsa_and_ed25519_stores() {
    for (kind, label) in [
        (KeyType::Rsa(2048), "www-rsa"),
        (KeyType::EcP256, "www-ecdsa"),
        (KeyType::Ed25519, "www-ed25519"),
    ] {
        let dir = TempDir::new().unwrap();
        let ca = new_ca("Serve Test CA");
        let ca_pem = write_pem(dir.path(), "ca.pem", "CERTIFICATE", &ca.cert);
        let db = make_store(
            dir.path(),
            vec![
                Entry::signer("test-ca", ca.cert.clone()),
                server_entry(&ca, kind, label, "localhost"),
            ],
            Some(label),
        );
        let server = Server::start(Some(&db), &[]);

        let page = json_of(&curl(&[
            "--cacert",
            ca_pem.to_str().unwrap(),
            &server.url("localhost", "/?format=json"),
        ]));
        assert_eq!(page["label"], label, "{page}");
        assert_eq!(page["sni"], "localhost");
        assert_eq!(page["alpn"], "http/1.1");
        assert!(page["subject"].as_str().unwrap().contains("CN=localhost"));
        assert!(
            page["sans"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "dns:localhost")
        );
        assert!(page["not_after"].as_str().unwrap().ends_with('Z'));
        assert!(page["client_subject"].is_null());

        let out = s_client(server.port, &ca_pem, "localhost");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Verify return code: 0 (ok)"),
            "{label}: s_client did not verify:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains(&format!("\"label\":\"{label}\"")),
            "{label}: {text}"
        );
    }
}

#[test]
fn sni_selects_the_entry_for_each_host_name() {
    let dir = TempDir::new().unwrap();
    let ca = new_ca("SNI CA");
    let ca_pem = write_pem(dir.path(), "ca.pem", "CERTIFICATE", &ca.cert);
    let db = make_store(
        dir.path(),
        vec![
            Entry::signer("sni-ca", ca.cert.clone()),
            server_entry(&ca, KeyType::EcP256, "site-a", "a.example"),
            server_entry(&ca, KeyType::EcP384, "site-b", "b.example"),
        ],
        Some("site-a"),
    );
    let server = Server::start(Some(&db), &["--sni", "b.example=site-b"]);
    let ca_arg = ca_pem.to_str().unwrap();
    for (host, label) in [("a.example", "site-a"), ("b.example", "site-b")] {
        let page = json_of(&curl(&[
            "--cacert",
            ca_arg,
            "--resolve",
            &server.resolve(host),
            &server.url(host, "/?format=json"),
        ]));
        assert_eq!(page["label"], label, "{host}: {page}");
        assert_eq!(page["sni"], host);
    }
    // An unknown name gets the default certificate (which does not name it).
    let unknown = curl(&[
        "--cacert",
        ca_arg,
        "--resolve",
        &server.resolve("c.example"),
        &server.url("c.example", "/?format=json"),
    ]);
    assert!(
        !unknown.status.success(),
        "curl accepted a certificate for another name"
    );
    let page = json_of(&curl(&[
        "--insecure",
        "--resolve",
        &server.resolve("c.example"),
        &server.url("c.example", "/?format=json"),
    ]));
    assert_eq!(page["label"], "site-a");
}

#[test]
fn client_auth_required_accepts_trusted_and_logs_missing_untrusted_and_expired() {
    let dir = TempDir::new().unwrap();
    let ca = new_ca("Client Auth CA");
    let ca_pem = write_pem(dir.path(), "ca.pem", "CERTIFICATE", &ca.cert);
    let db = make_store(
        dir.path(),
        vec![
            Entry::signer("auth-ca", ca.cert.clone()),
            server_entry(&ca, KeyType::EcP256, "web", "localhost"),
        ],
        Some("web"),
    );
    let client = |name: &str, issuer: &Ca, expired: bool| {
        let (cert, key) = issue(issuer, KeyType::EcP256, name, &[], |s| {
            if expired {
                s.not_before -= 10 * 86_400;
                s.not_after = s.not_before + 86_400;
            }
        });
        let c = write_pem(dir.path(), &format!("{name}.pem"), "CERTIFICATE", &cert);
        let k = write_pem(
            dir.path(),
            &format!("{name}.key"),
            "PRIVATE KEY",
            key.pkcs8_der(),
        );
        (c, k)
    };
    let (good_c, good_k) = client("client-one", &ca, false);
    let rogue = new_ca("Rogue CA");
    let (bad_c, bad_k) = client("client-rogue", &rogue, false);
    let (old_c, old_k) = client("client-old", &ca, true);

    let server = Server::start(Some(&db), &["--client-auth", "required"]);
    let url = server.url("localhost", "/?format=json");
    let ca_arg = ca_pem.to_str().unwrap();

    let page = json_of(&curl(&[
        "--cacert",
        ca_arg,
        "--cert",
        good_c.to_str().unwrap(),
        "--key",
        good_k.to_str().unwrap(),
        &url,
    ]));
    assert!(
        page["client_subject"]
            .as_str()
            .unwrap()
            .contains("CN=client-one"),
        "{page}"
    );

    let none = curl(&["--cacert", ca_arg, &url]);
    assert!(
        !none.status.success(),
        "served a client without a certificate"
    );
    assert!(server.wait_log("SSL0207E", 10), "log: {}", server.log());

    let untrusted = curl(&[
        "--cacert",
        ca_arg,
        "--cert",
        bad_c.to_str().unwrap(),
        "--key",
        bad_k.to_str().unwrap(),
        &url,
    ]);
    assert!(!untrusted.status.success(), "served an untrusted client");
    assert!(server.wait_log("SSL0208E", 10), "log: {}", server.log());

    let expired = curl(&[
        "--cacert",
        ca_arg,
        "--cert",
        old_c.to_str().unwrap(),
        "--key",
        old_k.to_str().unwrap(),
        &url,
    ]);
    assert!(
        !expired.status.success(),
        "served an expired client certificate"
    );
    assert!(server.wait_log("SSL0221E", 10), "log: {}", server.log());

    // Optional: no certificate is fine, a certificate sent is still verified.
    let optional = Server::start(Some(&db), &["--client-auth", "optional"]);
    let url = optional.url("localhost", "/?format=json");
    let page = json_of(&curl(&["--cacert", ca_arg, &url]));
    assert!(page["client_subject"].is_null(), "{page}");
    let untrusted = curl(&[
        "--cacert",
        ca_arg,
        "--cert",
        bad_c.to_str().unwrap(),
        "--key",
        bad_k.to_str().unwrap(),
        &url,
    ]);
    assert!(
        !untrusted.status.success(),
        "optional auth served an untrusted client"
    );
    assert!(optional.wait_log("SSL0208E", 10), "log: {}", optional.log());
}

/// Runs `kdbman serve` expected to refuse; its exit code and stderr.
fn refuse(db: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("kdbman")
        .unwrap()
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .args(extra)
        .env(PW_VAR, PW)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("listening on"), "it started: {stdout}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn one_ca_store(dir: &Path, expired: bool, default: bool) -> PathBuf {
    let ca = new_ca("Refusal CA");
    let (cert, key) = issue(&ca, KeyType::EcP256, "localhost", &["dns:localhost"], |s| {
        if expired {
            s.not_before -= 10 * 86_400;
            s.not_after = s.not_before + 86_400;
        }
    });
    make_store(
        dir,
        vec![
            Entry::signer("ca", ca.cert),
            Entry::personal("web", vec![cert], key),
        ],
        default.then_some("web"),
    )
}

#[test]
fn refuses_a_missing_label_with_ssl0227e() {
    let dir = TempDir::new().unwrap();
    let db = one_ca_store(dir.path(), false, true);
    let (code, err) = refuse(&db, &["--pw-env", PW_VAR, "--label", "no-such-label"]);
    assert_eq!(code, Some(8), "{err}");
    assert!(
        err.contains("SSL0227E") && err.contains("no-such-label"),
        "{err}"
    );
}

#[test]
fn refuses_a_store_without_default_and_label_with_ssl0223e() {
    let dir = TempDir::new().unwrap();
    let db = one_ca_store(dir.path(), false, false);
    let (code, err) = refuse(&db, &["--pw-env", PW_VAR]);
    assert_eq!(code, Some(8), "{err}");
    assert!(err.contains("SSL0223E"), "{err}");
}

#[test]
fn refuses_an_expired_certificate_with_ssl0219e() {
    let dir = TempDir::new().unwrap();
    let db = one_ca_store(dir.path(), true, true);
    let (code, err) = refuse(&db, &["--pw-env", PW_VAR]);
    assert_eq!(code, Some(8), "{err}");
    assert!(err.contains("SSL0219E") && err.contains("expired"), "{err}");
}

#[test]
fn refuses_a_stale_stash_found_beside_the_store_with_ssl0228e() {
    let dir = TempDir::new().unwrap();
    let db = one_ca_store(dir.path(), false, true);
    {
        let mut store = Store::open(&db, &password(), kdbman::Access::Update).unwrap();
        store
            .stash_at(&kdbman::stash::default_path(&db), &password())
            .write()
            .unwrap();
        store
            .change_password(&Password::new("a new password"), None, None)
            .unwrap();
        store.save().unwrap();
    }
    // No password option: the stash beside the store is used by default.
    let (code, err) = refuse(&db, &[]);
    assert_eq!(code, Some(7), "{err}");
    assert!(err.contains("SSL0228E") && err.contains("stale"), "{err}");
}

#[test]
fn refuses_cipher_lists_that_leave_nothing_usable() {
    let dir = TempDir::new().unwrap();
    let db = one_ca_store(dir.path(), false, true);
    let (code, err) = refuse(
        &db,
        &[
            "--pw-env",
            PW_VAR,
            "--ciphers",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("SSL0213E"), "{err}");
    let (code, err) = refuse(
        &db,
        &[
            "--pw-env",
            PW_VAR,
            "--min-tls",
            "1.3",
            "--ciphers",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("SSL0222W"), "{err}");
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

#[test]
fn hostile_clients_are_logged_with_their_codes_and_curl_is_still_served() {
    let dir = TempDir::new().unwrap();
    let ca = new_ca("Hostile CA");
    let ca_pem = write_pem(dir.path(), "ca.pem", "CERTIFICATE", &ca.cert);
    let db = make_store(
        dir.path(),
        vec![
            Entry::signer("ca", ca.cert.clone()),
            server_entry(&ca, KeyType::EcP256, "web", "localhost"),
        ],
        Some("web"),
    );
    let server = Server::start(Some(&db), &["--handshake-timeout", "1"]);

    // Plain HTTP on the TLS port: a plain 400 that says to use https.
    let mut s = connect(server.port);
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(answer.contains("use https://localhost/"), "{answer}");
    assert!(server.wait_log("SSL0273I", 10), "log: {}", server.log());

    // Bytes that are not TLS at all.
    let mut s = connect(server.port);
    let junk: Vec<u8> = (0u32..64)
        .map(|i| (i.wrapping_mul(97) % 251) as u8)
        .collect();
    s.write_all(&junk).unwrap();
    let _ = s.read(&mut [0u8; 64]);
    assert!(server.wait_log("SSL0253E", 10), "log: {}", server.log());

    // Connects and closes without a byte.
    drop(connect(server.port));
    assert!(server.wait_log("SSL0271I", 10), "log: {}", server.log());

    // Connects and says nothing until the handshake timeout.
    let silent = connect(server.port);
    assert!(server.wait_log("SSL0270I", 10), "log: {}", server.log());
    drop(silent);

    // Starts a ClientHello (a record announcing 200 bytes) and closes.
    let mut s = connect(server.port);
    s.write_all(&[
        0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03,
    ])
    .unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let _ = s.read(&mut [0u8; 64]);
    assert!(server.wait_log("SSL0240I", 10), "log: {}", server.log());

    // Each line: timestamp, peer, code.
    let line = server
        .log()
        .lines()
        .find(|l| l.contains("SSL0271I"))
        .unwrap()
        .to_string();
    let parts: Vec<&str> = line.split(' ').collect();
    assert!(parts[0].ends_with('Z') && parts[0].contains('T'), "{line}");
    assert!(parts[1].starts_with("127.0.0.1:"), "{line}");
    assert_eq!(parts[2], "SSL0271I", "{line}");

    let page = json_of(&curl(&[
        "--cacert",
        ca_pem.to_str().unwrap(),
        &server.url("localhost", "/?format=json"),
    ]));
    assert_eq!(page["label"], "web");
}

#[test]
fn keep_alive_pages_health_and_json_log_format() {
    let dir = TempDir::new().unwrap();
    let ca = new_ca("Page CA");
    let ca_pem = write_pem(dir.path(), "ca.pem", "CERTIFICATE", &ca.cert);
    let db = make_store(
        dir.path(),
        vec![
            Entry::signer("ca", ca.cert.clone()),
            server_entry(&ca, KeyType::EcP256, "web", "localhost"),
        ],
        Some("web"),
    );
    let server = Server::start(Some(&db), &["--log-format", "json", "--min-tls", "1.3"]);
    let ca_arg = ca_pem.to_str().unwrap();
    // Two URLs in one curl run share one connection when keep-alive works.
    let out = curl(&[
        "-v",
        "--cacert",
        ca_arg,
        &server.url("localhost", "/healthz"),
        "-H",
        "Accept: application/json",
        &server.url("localhost", "/"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body = String::from_utf8_lossy(&out.stdout);
    assert!(body.starts_with("ok\n"), "{body}");
    let page: Value = serde_json::from_str(body.trim_start_matches("ok\n")).unwrap();
    assert_eq!(page["protocol"], "TLSv1.3");
    assert!(page["cipher_suite"].as_str().unwrap().starts_with("TLS13_"));
    let verbose = String::from_utf8_lossy(&out.stderr);
    assert!(
        verbose.contains("Re-using existing connection"),
        "{verbose}"
    );

    let html = curl(&["--cacert", ca_arg, &server.url("localhost", "/")]);
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains("<html") && html.contains("<td>web</td>"),
        "{html}"
    );

    // TLS 1.2 is refused under --min-tls 1.3; the log line is JSON.
    let old = curl(&[
        "--cacert",
        ca_arg,
        "--tls-max",
        "1.2",
        &server.url("localhost", "/"),
    ]);
    assert!(!old.status.success());
    assert!(
        server.wait_log("\"code\":\"SSL0232W\"", 10),
        "log: {}",
        server.log()
    );
    let line = server
        .log()
        .lines()
        .find(|l| l.contains("SSL0232W"))
        .unwrap()
        .to_string();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert!(v["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert!(v["time"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn demo_needs_no_store_prints_a_working_curl_and_once_exits() {
    let mut server = Server::start(None, &["--demo", "--once"]);
    let lines = server.stdout.lock().unwrap().clone();
    let hint = lines
        .iter()
        .find_map(|l| l.strip_prefix("try: curl --cacert "))
        .unwrap_or_else(|| panic!("no curl hint in {lines:?}"))
        .to_string();
    let (ca, url) = hint.split_once(' ').unwrap();
    assert!(Path::new(ca).exists());
    let page = json_of(&curl(&["--cacert", ca, url]));
    assert_eq!(page["label"], kdbman_serve::DEMO_LABEL);
    assert_eq!(server.wait_exit(15), Some(0), "log: {}", server.log());
    assert!(
        !Path::new(ca).exists(),
        "the demo CA file outlived the server"
    );
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let mut server = Server::start(None, &["--demo"]);
    let st = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(server.wait_exit(15), Some(0), "log: {}", server.log());
}

/// Reads one answer with a Content-Length: its status line and body.
fn read_answer(r: &mut impl BufRead) -> (String, String) {
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).unwrap();
    (
        status.trim_end().to_string(),
        String::from_utf8(body).unwrap(),
    )
}

#[test]
fn repeated_and_changed_pipelined_requests_are_each_answered_and_a_client_resumes() {
    use rustls::pki_types::{CertificateDer, ServerName};
    use rustls::{ClientConfig, ClientConnection, HandshakeKind, RootCertStore, StreamOwned};

    let dir = TempDir::new().unwrap();
    let ca = new_ca("Repeat CA");
    let db = make_store(
        dir.path(),
        vec![
            Entry::signer("ca", ca.cert.clone()),
            server_entry(&ca, KeyType::EcP256, "web", "localhost"),
        ],
        Some("web"),
    );
    let server = Server::start(Some(&db), &["--access-log"]);
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(ca.cert.clone())).unwrap();
    let cfg = Arc::new(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let open = || {
        let name = ServerName::try_from("localhost").unwrap();
        let conn = ClientConnection::new(cfg.clone(), name).unwrap();
        BufReader::new(StreamOwned::new(conn, connect(server.port)))
    };

    // The same request three times, a different one, the first again,
    // then a changed Connection header: all in one write (pipelined).
    let page = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let health = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let last = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let all = [page, page, page, health, page, last].concat();
    let mut first = open();
    first.get_mut().write_all(all.as_bytes()).unwrap();
    let answers: Vec<(String, String)> = (0..6).map(|_| read_answer(&mut first)).collect();
    for (i, (status, body)) in answers.iter().enumerate() {
        assert_eq!(status, "HTTP/1.1 200 OK", "answer {i}");
        let is_page = body.contains("<td>web</td>");
        assert_eq!(is_page, matches!(i, 0 | 1 | 2 | 4), "answer {i}: {body}");
        assert_eq!(body == "ok\n", matches!(i, 3 | 5), "answer {i}: {body}");
    }
    // The server closed after the Connection: close request.
    let mut rest = Vec::new();
    let _ = first.read_to_end(&mut rest);
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    assert_eq!(
        first.get_ref().conn.handshake_kind(),
        Some(HandshakeKind::Full)
    );
    let log_lines = |path: &str| {
        server
            .log()
            .lines()
            .filter(|l| l.ends_with(&format!(" 200 GET {path}")))
            .count()
    };
    assert!(
        server.wait_log("200 GET /healthz", 10),
        "log: {}",
        server.log()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while (log_lines("/") < 4 || log_lines("/healthz") < 2) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        (log_lines("/"), log_lines("/healthz")),
        (4, 2),
        "log: {}",
        server.log()
    );

    // The ticket from the first connection resumes the next one.
    let mut second = open();
    second.get_mut().write_all(health.as_bytes()).unwrap();
    let (status, body) = read_answer(&mut second);
    assert_eq!(
        (status.as_str(), body.as_str()),
        ("HTTP/1.1 200 OK", "ok\n")
    );
    assert_eq!(
        second.get_ref().conn.handshake_kind(),
        Some(HandshakeKind::Resumed)
    );
}
