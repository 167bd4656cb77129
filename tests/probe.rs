//! `kdbman probe` against real servers: nginx, `openssl s_server` and
//! `kdbman serve` (issue 23's acceptance). Certificates are made at test
//! time with kdbman's library; servers listen on free ports (bind :0)
//! and are killed at the end, even when a test panics (Drop guards).

mod common;
use common::codes;
use common::python_has;
use common::spki_of;

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use kdbman::pki::{self, CertSpec, ExtKeyUsage, KeyType, keygen};
use kdbman::{Entry, PrivateKey};
use serde_json::Value;
use tempfile::TempDir;

const PW_VAR: &str = "KDBMAN_PROBE_TEST_PW";
const PW: &str = "probe-test-password";

struct Ca {
    cert: Vec<u8>,
    key: PrivateKey,
}

fn root(cn: &str) -> Ca {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new(format!("CN={cn},O=kdbman probe test"), 3650);
    spec.is_ca = true;
    Ca {
        cert: spec.self_signed(&key).unwrap(),
        key,
    }
}

fn intermediate(parent: &Ca, cn: &str) -> Ca {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new(format!("CN={cn},O=kdbman probe test"), 1825);
    spec.is_ca = true;
    Ca {
        cert: spec
            .signed_by(&spki_of(&key), &parent.cert, &parent.key)
            .unwrap(),
        key,
    }
}

/// A leaf for localhost and 127.0.0.1, signed by `ca`.
fn leaf(ca: &Ca, cn: &str, eku: Option<Vec<ExtKeyUsage>>) -> (Vec<u8>, PrivateKey) {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new(format!("CN={cn},O=kdbman probe test"), 365);
    spec.sans = vec![
        "dns:localhost".parse().unwrap(),
        "ip:127.0.0.1".parse().unwrap(),
    ];
    spec.ext_key_usage = eku;
    (
        spec.signed_by(&spki_of(&key), &ca.cert, &ca.key).unwrap(),
        key,
    )
}

fn pem(dir: &Path, name: &str, ders: &[&[u8]]) -> PathBuf {
    let p = dir.join(name);
    let text: String = ders
        .iter()
        .map(|d| pki::pem_encode("CERTIFICATE", d))
        .collect();
    std::fs::write(&p, text).unwrap();
    p
}

fn key_pem(dir: &Path, name: &str, key: &PrivateKey) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, pki::pem::private_key_pem(key).as_bytes()).unwrap();
    p
}

fn sha256(der: &[u8]) -> String {
    pki::hex(&pki::sha256(der))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `port`.
fn wait_port(port: u16, what: &str, log: &dyn Fn() -> String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on {port}: {}", log());
}

/// A server process, killed (and reaped) on drop, even on panic.
struct Guard {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Guard {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// nginx as a non-daemon with its own prefix and configuration.
fn nginx(dir: &Path, name: &str, server_block: &str) -> Guard {
    let prefix = dir.join(format!("nginx-{name}"));
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let port = free_port();
    let conf = prefix.join("nginx.conf");
    let p = prefix.display();
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  server {{\n    listen 127.0.0.1:{port}{ssl};\n{server_block}\n    location / {{ return 200 \"ok\\n\"; }}\n  }}\n}}\n",
            ssl = if server_block.contains("ssl_certificate") { " ssl" } else { "" },
        ),
    )
    .unwrap();
    let log = prefix.join("logs/error.log");
    let child = Command::new("nginx")
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx runs");
    let g = Guard { child, port, log };
    wait_port(port, "nginx", &|| g.log());
    g
}

fn nginx_tls(dir: &Path, name: &str, chain: &Path, key: &Path, protocols: &str) -> Guard {
    nginx(
        dir,
        name,
        &format!(
            "    ssl_certificate {};\n    ssl_certificate_key {};\n    ssl_protocols {protocols};",
            chain.display(),
            key.display()
        ),
    )
}

/// `openssl s_server` answering HTTP (-www), with extra options.
fn s_server(dir: &Path, args: &[&str]) -> Guard {
    let port = free_port();
    let log = dir.join(format!("s_server-{port}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .expect("openssl runs");
    let g = Guard { child, port, log };
    wait_port(port, "openssl s_server", &|| g.log());
    g
}

/// `kdbman serve` on a free port.
fn kdbman_serve(dir: &Path, db: &Path, extra: &[&str]) -> Guard {
    let log = dir.join(format!("serve-{}.log", free_port()));
    let mut child = Command::new(cargo_bin("kdbman"))
        .args(["serve", "--db", db.to_str().unwrap(), "--pw-env", PW_VAR])
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env(PW_VAR, PW)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("kdbman runs");
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut g = Guard {
        child,
        port: 0,
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while g.port == 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no readiness line: {}", g.log()));
        if let Some(rest) = line.strip_prefix("listening on https://127.0.0.1:") {
            g.port = rest
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap();
        }
    }
    g
}

fn probe(args: &[&str]) -> Output {
    Command::new(cargo_bin("kdbman"))
        .arg("probe")
        .args(args)
        .env(PW_VAR, PW)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn errors(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

fn needs(tools: &[(&str, &str)]) -> bool {
    tools.iter().all(|(t, p)| common::require_tool(t, p))
}

/// A PKI: root → intermediate → localhost leaf, and the server's store
/// (`web`: leaf + intermediate; signer: the root).
struct Pki {
    dir: TempDir,
    root: Ca,
    inter: Ca,
    leaf: Vec<u8>,
    leaf_key: PrivateKey,
    db: PathBuf,
}

fn pki_setup() -> Pki {
    let dir = TempDir::new().unwrap();
    let root = root("Probe Root CA");
    let inter = intermediate(&root, "Probe Issuing CA");
    let (leaf, leaf_key) = leaf(&inter, "localhost", None);
    let db = dir.path().join("server.kdb");
    common::native_store(
        &db,
        PW,
        vec![
            Entry::personal(
                "web",
                vec![leaf.clone(), inter.cert.clone()],
                leaf_key.clone(),
            ),
            Entry::signer("root", root.cert.clone()),
        ],
        Some("web"),
    );
    Pki {
        dir,
        root,
        inter,
        leaf,
        leaf_key,
        db,
    }
}

fn target(port: u16) -> String {
    format!("localhost:{port}")
}

/// Acceptance 1: nginx serving the store's certificate and chain.
#[test]
fn nginx_serving_the_stores_chain_passes_and_json_chain_matches() {
    if !needs(&[("nginx", "-v")]) {
        return;
    }
    let p = pki_setup();
    let chain = pem(p.dir.path(), "chain.pem", &[&p.leaf, &p.inter.cert]);
    let key = key_pem(p.dir.path(), "key.pem", &p.leaf_key);
    let n = nginx_tls(p.dir.path(), "good", &chain, &key, "TLSv1.2 TLSv1.3");
    let db = p.db.to_str().unwrap();
    let out = probe(&[
        &target(n.port),
        "--db",
        db,
        "--pw-env",
        PW_VAR,
        "--label",
        "web",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}\nnginx: {}", n.log());
    assert!(errors(&v).is_empty(), "{v:#}");
    let served: Vec<&str> = v["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(served, vec![sha256(&p.leaf), sha256(&p.inter.cert)]);
    assert_eq!(v["chain"][0]["subject"], "CN=localhost,O=kdbman probe test");
    assert_eq!(
        v["chain"][0]["issuer"],
        "CN=Probe Issuing CA,O=kdbman probe test"
    );
    assert!(v["chain"][0]["not_after"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["store"]["chain_complete"], true);
    assert_eq!(v["store"]["label"], "web");
    assert_eq!(v["protocol"], "TLSv1.3");
    assert!(
        v["cipher_suite"].as_str().unwrap().starts_with("TLS13_"),
        "{v:#}"
    );
    assert_eq!(v["target"], target(n.port));
    assert_eq!(v["ocsp_stapled"], false);
    assert!(v["client_auth"].is_null());
    // Text for people says the same.
    let out = probe(&[&target(n.port), "--db", db, "--pw-env", PW_VAR]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&sha256(&p.leaf)), "{text}");
    assert!(text.contains("no findings"), "{text}");
}

/// Acceptance 2: nginx serving another certificate with the same subject.
#[test]
fn nginx_serving_another_certificate_is_named_with_both_fingerprints() {
    if !needs(&[("nginx", "-v")]) {
        return;
    }
    let p = pki_setup();
    // Same subject, another key: what a server not restarted after a
    // renewal (or one reading another store) serves.
    let (other, other_key) = leaf(&p.inter, "localhost", None);
    let chain = pem(p.dir.path(), "other.pem", &[&other, &p.inter.cert]);
    let key = key_pem(p.dir.path(), "other.key", &other_key);
    let n = nginx_tls(p.dir.path(), "other", &chain, &key, "TLSv1.2 TLSv1.3");
    let out = probe(&[
        &target(n.port),
        "--db",
        p.db.to_str().unwrap(),
        "--pw-env",
        PW_VAR,
        "--label",
        "web",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KDBP0001E")
        .unwrap_or_else(|| panic!("no KDBP0001E: {v:#}"));
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("`web`"), "{msg}");
    assert!(msg.contains(&sha256(&other)), "{msg}");
    assert!(msg.contains(&sha256(&p.leaf)), "{msg}");
    assert_eq!(f["label"], "web");
    assert!(!f["fix"].as_str().unwrap().is_empty());
    // The chain itself is fine: only the identity is wrong.
    assert_eq!(codes(&v), vec!["KDBP0001E"], "{v:#}");
    // explain knows the code.
    let e = Command::new(cargo_bin("kdbman"))
        .args(["explain", "KDBP0001E"])
        .output()
        .unwrap();
    assert!(e.status.success());
    assert!(String::from_utf8_lossy(&e.stdout).contains("restart"));
}

/// Acceptance 3: leaf without its intermediate; the store holds only the
/// root; a client store with the intermediate accepts the server.
#[test]
fn leaf_without_intermediate_is_incomplete_and_trust_db_decides_the_client_view() {
    if !needs(&[("nginx", "-v")]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let only_root = dir.join("only-root.kdb");
    common::native_store(
        &only_root,
        PW,
        vec![
            Entry::personal("web", vec![p.leaf.clone()], p.leaf_key.clone()),
            Entry::signer("root", p.root.cert.clone()),
        ],
        Some("web"),
    );
    let client = dir.join("client.kdb");
    common::native_store(
        &client,
        PW,
        vec![Entry::signer("issuing-ca", p.inter.cert.clone())],
        None,
    );
    let client_root = dir.join("client-root.kdb");
    common::native_store(
        &client_root,
        PW,
        vec![Entry::signer("root", p.root.cert.clone())],
        None,
    );
    let chain = pem(dir, "leaf-only.pem", &[&p.leaf]);
    let key = key_pem(dir, "key.pem", &p.leaf_key);
    let n = nginx_tls(dir, "leafonly", &chain, &key, "TLSv1.2 TLSv1.3");
    let out = probe(&[
        &target(n.port),
        "--db",
        only_root.to_str().unwrap(),
        "--pw-env",
        PW_VAR,
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(v["chain"].as_array().unwrap().len(), 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KDBP0002E")
        .unwrap_or_else(|| panic!("no KDBP0002E: {v:#}"));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("incomplete") || msg.contains("neither sent"),
        "{msg}"
    );
    assert!(
        msg.contains("CN=Probe Issuing CA,O=kdbman probe test"),
        "names the missing intermediate: {msg}"
    );
    assert_eq!(v["store"]["chain_complete"], false);

    // A client holding the intermediate accepts the server.
    let out = probe(&[
        &target(n.port),
        "--trust-db",
        client.to_str().unwrap(),
        "--trust-pw-env",
        PW_VAR,
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["client_views"][0]["accepts"], true, "{v:#}");
    assert!(!codes(&v).contains(&"KDBP0003E".to_string()));

    // One holding only the root does not, and is told which certificate
    // to add from where.
    let out = probe(&[
        &target(n.port),
        "--trust-db",
        client_root.to_str().unwrap(),
        "--trust-pw-env",
        PW_VAR,
        "--db",
        p.db.to_str().unwrap(),
        "--pw-env",
        PW_VAR,
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(v["client_views"][0]["accepts"], false);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KDBP0003E")
        .unwrap_or_else(|| panic!("no KDBP0003E: {v:#}"));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("CN=Probe Issuing CA"),
        "{f:#}"
    );
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("kdbman cert add --db"), "{fix}");
    assert!(fix.contains("client-root.kdb"), "{fix}");

    // The system bundle does not hold this test PKI's CAs.
    if Path::new("/etc/ssl/certs/ca-certificates.crt").is_file() {
        let out = probe(&[&target(n.port), "--trust-system", "--format", "json"]);
        let v = json_of(&out);
        assert_eq!(out.status.code(), Some(1), "{v:#}");
        assert_eq!(v["client_views"][0]["accepts"], false, "{v:#}");
        assert!(
            v["client_views"][0]["trust"]
                .as_str()
                .unwrap()
                .contains("system CA bundle"),
            "{v:#}"
        );
        assert!(codes(&v).contains(&"KDBP0003E".to_string()), "{v:#}");
    }
}

/// Acceptance 4: `openssl s_server -Verify 1` with --client-label.
#[test]
fn s_server_requiring_client_certificates_accepts_the_right_one_and_refuses_an_untrusted_one() {
    if !needs(&[("openssl", "version")]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let client_ca = root("Probe Client CA");
    let rogue_ca = root("Rogue CA");
    let (good, good_key) = leaf(&client_ca, "mq client", Some(vec![ExtKeyUsage::ClientAuth]));
    let (bad, bad_key) = leaf(&rogue_ca, "mq client", Some(vec![ExtKeyUsage::ClientAuth]));
    let client = dir.join("client.kdb");
    common::native_store(
        &client,
        PW,
        vec![
            Entry::personal("good", vec![good, client_ca.cert.clone()], good_key),
            Entry::personal("untrusted", vec![bad], bad_key),
            Entry::signer("root", p.root.cert.clone()),
        ],
        None,
    );
    let cert = pem(dir, "leaf.pem", &[&p.leaf]);
    let chain = pem(dir, "inter.pem", &[&p.inter.cert]);
    let key = key_pem(dir, "key.pem", &p.leaf_key);
    let ca = pem(dir, "client-ca.pem", &[&client_ca.cert]);
    let s = s_server(
        dir,
        &[
            "-cert",
            cert.to_str().unwrap(),
            "-key",
            key.to_str().unwrap(),
            "-cert_chain",
            chain.to_str().unwrap(),
            "-CAfile",
            ca.to_str().unwrap(),
            "-Verify",
            "1",
            // Without it s_server logs a failed verification and goes on.
            "-verify_return_error",
        ],
    );
    let run = |label: Option<&str>| {
        let mut args = vec![
            target(s.port),
            "--trust-db".into(),
            client.to_str().unwrap().into(),
            "--trust-pw-env".into(),
            PW_VAR.into(),
            "--format".into(),
            "json".into(),
        ];
        if let Some(l) = label {
            args.extend(["--client-label".into(), l.to_string()]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = probe(&refs);
        (out.status.code(), json_of(&out))
    };
    let (code, v) = run(Some("good"));
    assert_eq!(code, Some(0), "{v:#}\ns_server: {}", s.log());
    assert_eq!(v["client_certificate"]["result"], "accepted", "{v:#}");
    assert_eq!(v["client_certificate"]["label"], "good");
    assert_eq!(v["client_auth"]["requested"], true);
    assert!(
        v["client_auth"]["ca_names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("CN=Probe Client CA")),
        "{v:#}"
    );
    assert_eq!(v["client_views"][0]["accepts"], true, "{v:#}");

    let (code, v) = run(Some("untrusted"));
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["client_certificate"]["result"], "refused", "{v:#}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KDBP0005E")
        .unwrap_or_else(|| panic!("no KDBP0005E: {v:#}"));
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("`untrusted`"), "{msg}");
    assert!(msg.contains("CN=Rogue CA"), "names the issuer: {msg}");
    assert!(msg.contains("alert"), "names the alert: {msg}");
    // Both versions refused it: TLS 1.2 in the handshake, TLS 1.3 after.
    assert!(msg.contains("TLSv1.2") && msg.contains("TLSv1.3"), "{msg}");

    // Without a certificate: the request and its CA names are reported.
    let (code, v) = run(None);
    assert_eq!(code, Some(0), "an info finding does not fail: {v:#}");
    assert!(codes(&v).contains(&"KDBP0006I".to_string()), "{v:#}");

    // nginx completes the handshake and answers 400 to a refused or
    // missing client certificate: probe reads that answer.
    if !common::require_tool("nginx", "-v") {
        return;
    }
    let full = pem(dir, "full.pem", &[&p.leaf, &p.inter.cert]);
    let n = nginx(
        dir,
        "clientauth",
        &format!(
            "    ssl_certificate {};\n    ssl_certificate_key {};\n    ssl_client_certificate {};\n    ssl_verify_client on;",
            full.display(),
            key.display(),
            ca.display()
        ),
    );
    let run = |label: &str| {
        let out = probe(&[
            &target(n.port),
            "--trust-db",
            client.to_str().unwrap(),
            "--trust-pw-env",
            PW_VAR,
            "--client-label",
            label,
            "--format",
            "json",
        ]);
        (out.status.code(), json_of(&out))
    };
    let (code, v) = run("good");
    assert_eq!(code, Some(0), "{v:#}\nnginx: {}", n.log());
    assert_eq!(v["client_certificate"]["result"], "accepted", "{v:#}");
    let (code, v) = run("untrusted");
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["client_certificate"]["result"], "refused", "{v:#}");
    let reason = v["client_certificate"]["reason"].as_str().unwrap();
    assert!(reason.contains("400"), "{reason}");
}

/// Acceptance 5: TLS 1.2-only and 1.3-only servers, an unreachable port
/// and a plain-HTTP port.
#[test]
fn protocol_versions_and_unreachable_targets_are_reported() {
    if !needs(&[("nginx", "-v"), ("openssl", "version")]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let chain = pem(dir, "chain.pem", &[&p.leaf, &p.inter.cert]);
    let key = key_pem(dir, "key.pem", &p.leaf_key);
    let only12 = nginx_tls(dir, "tls12", &chain, &key, "TLSv1.2");
    let cert = pem(dir, "leaf.pem", &[&p.leaf]);
    let inter = pem(dir, "inter.pem", &[&p.inter.cert]);
    let only13 = s_server(
        dir,
        &[
            "-tls1_3",
            "-cert",
            cert.to_str().unwrap(),
            "-key",
            key.to_str().unwrap(),
            "-cert_chain",
            inter.to_str().unwrap(),
        ],
    );
    let v = json_of(&probe(&[&target(only12.port), "--format", "json"]));
    assert_eq!(v["protocol"], "TLSv1.2", "{v:#}");
    assert_eq!(v["protocols"]["TLSv1.2"]["accepted"], true);
    assert_eq!(v["protocols"]["TLSv1.3"]["accepted"], false);
    assert!(
        v["protocols"]["TLSv1.3"]["error"]
            .as_str()
            .unwrap()
            .contains("alert"),
        "{v:#}"
    );
    assert!(
        v["cipher_suite"]
            .as_str()
            .unwrap()
            .starts_with("TLS_ECDHE_"),
        "{v:#}"
    );
    assert!(codes(&v).contains(&"KDBP0008I".to_string()));

    let out = probe(&[&target(only13.port), "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["protocol"], "TLSv1.3", "{v:#}");
    assert_eq!(v["protocols"]["TLSv1.3"]["accepted"], true);
    assert_eq!(v["protocols"]["TLSv1.2"]["accepted"], false);
    assert!(v["key_exchange"].as_str().is_some(), "{v:#}");

    // A closed port: exit 3, with the socket error.
    let closed = free_port();
    let out = probe(&[&format!("127.0.0.1:{closed}")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(text.contains("KDBP0007E"), "{text}");

    // A plain-HTTP port: exit 3, saying it is not TLS.
    let plain = nginx(dir, "plain", "");
    let out = probe(&[&target(plain.port), "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(3), "{v:#}");
    assert_eq!(v["reachable"], false);
    let err = v["error"].as_str().unwrap();
    assert!(err.contains("does not speak TLS"), "{err}");
    assert!(err.contains("HTTP/1.1 400"), "{err}");
}

/// Acceptance 6: Prometheus output passes promtool, and the expiry
/// series carry the x509-certificate-exporter's names and labels (probe
/// and lint alike).
#[test]
fn prometheus_output_passes_promtool_with_exporter_names() {
    if !needs(&[
        ("nginx", "-v"),
        ("promtool", "--version"),
        ("openssl", "version"),
    ]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let chain = pem(dir, "chain.pem", &[&p.leaf, &p.inter.cert]);
    let key = key_pem(dir, "key.pem", &p.leaf_key);
    let n = nginx_tls(dir, "prom", &chain, &key, "TLSv1.2 TLSv1.3");
    // The leaf's serial as openssl prints it (hex), in decimal as the
    // exporter labels it.
    let serial_hex = common::tool_text(
        dir,
        "openssl",
        &["x509", "-in", "chain.pem", "-noout", "-serial"],
    );
    let serial_hex = serial_hex.trim().trim_start_matches("serial=");
    let serial = u128::from_str_radix(serial_hex, 16).unwrap().to_string();
    let targets = dir.join("targets.txt");
    let closed = free_port();
    std::fs::write(
        &targets,
        format!("# fleet\n{} web\n127.0.0.1:{closed}\n", target(n.port)),
    )
    .unwrap();
    let out = probe(&[
        "--targets",
        targets.to_str().unwrap(),
        "--db",
        p.db.to_str().unwrap(),
        "--pw-env",
        PW_VAR,
        "--format",
        "prometheus",
    ]);
    assert_eq!(out.status.code(), Some(3), "one target is unreachable");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    promtool(&text);
    let tgt = target(n.port);
    let line = text
        .lines()
        .find(|l| l.starts_with("x509_cert_not_after{") && l.contains("position=\"0\""))
        .unwrap_or_else(|| panic!("{text}"));
    for want in [
        "subject_CN=\"localhost\"",
        "issuer_CN=\"Probe Issuing CA\"",
        "subject_O=\"kdbman probe test\"",
        &format!("serial_number=\"{serial}\""),
        &format!("target=\"{tgt}\""),
    ] {
        assert!(line.contains(want), "{want} in {line}");
    }
    let not_after = pki::cert::cert_info(&p.leaf).unwrap().not_after;
    assert!(line.ends_with(&format!(" {not_after}")), "{line}");
    assert!(text.contains("# TYPE x509_cert_not_before gauge"));
    assert!(text.contains("# TYPE x509_cert_expired gauge"));
    assert!(text.contains(&format!("kdbman_probe_success{{target=\"{tgt}\"}} 1")));
    assert!(text.contains(&format!(
        "kdbman_probe_success{{target=\"127.0.0.1:{closed}\"}} 0"
    )));
    assert!(text.contains("kdbman_probe_findings{"), "{text}");

    // lint's Prometheus output carries the same series for the store.
    let lint = Command::new(cargo_bin("kdbman"))
        .args(["lint", "--db", p.db.to_str().unwrap(), "--pw-env", PW_VAR])
        .args(["--format", "prometheus"])
        .env(PW_VAR, PW)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&lint.stdout).into_owned();
    promtool(&text);
    let line = text
        .lines()
        .find(|l| l.starts_with("x509_cert_not_after{") && l.contains("kind=\"personal\""))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains(&format!("serial_number=\"{serial}\"")),
        "{line}"
    );
    assert!(line.contains("subject_CN=\"localhost\""), "{line}");
    assert!(line.contains("filename=\"server.kdb\""), "{line}");
    assert!(text.contains("x509_cert_expired{"), "{text}");
    assert!(text.contains("kdbman_lint_findings") || text.contains("kdbman_store_opened"));
}

fn promtool(text: &str) {
    common::promtool_check(text, false);
}

/// kdbman serve with an SNI mapping: probe uses the same mapping to pick
/// the label, and names the wrong one when the mapping says otherwise.
#[test]
fn kdbman_serve_sni_mapping_picks_the_label() {
    let p = pki_setup();
    let dir = p.dir.path();
    let (b, b_key) = leaf(&p.inter, "b.example", None);
    let db = dir.join("sni.kdb");
    common::native_store(
        &db,
        PW,
        vec![
            Entry::personal(
                "a",
                vec![p.leaf.clone(), p.inter.cert.clone()],
                p.leaf_key.clone(),
            ),
            Entry::personal("b", vec![b.clone(), p.inter.cert.clone()], b_key),
            Entry::signer("root", p.root.cert.clone()),
        ],
        Some("a"),
    );
    let s = kdbman_serve(dir, &db, &["--sni", "b.example=b"]);
    let db = db.to_str().unwrap();
    let t = format!("127.0.0.1:{}", s.port);
    // No SNI for an IP address: the default entry `a`.
    let v = json_of(&probe(&[
        &t, "--db", db, "--pw-env", PW_VAR, "--format", "json",
    ]));
    assert_eq!(v["store"]["label"], "a", "{v:#}");
    assert!(errors(&v).is_empty(), "{v:#}");
    assert!(v["servername"].is_null());
    // SNI b.example, with serve's mapping: entry `b`; its name is
    // b.example only, so the name check passes for that name.
    let out = probe(&[
        &t,
        "--db",
        db,
        "--pw-env",
        PW_VAR,
        "--servername",
        "b.example",
        "--sni",
        "b.example=b",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["store"]["label"], "b", "{v:#}");
    assert_eq!(v["chain"][0]["sha256"], sha256(&b));
    assert!(!codes(&v).contains(&"KDBP0001E".to_string()), "{v:#}");
    // Without the mapping, `a` (the default) is expected: the served `b`
    // is named as the store's other entry.
    let out = probe(&[
        &t,
        "--db",
        db,
        "--pw-env",
        PW_VAR,
        "--servername",
        "b.example",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KDBP0001E")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        f["message"].as_str().unwrap().contains("entry `b`"),
        "{f:#}"
    );
    // A name the certificate does not carry.
    let v = json_of(&probe(&[
        &t,
        "--servername",
        "c.example",
        "--format",
        "json",
    ]));
    assert!(codes(&v).contains(&"KDBP0004E".to_string()), "{v:#}");
}

/// An expired leaf is still probed and shown; the finding is lint's
/// SSL0219E. A server that accepts and says nothing is exit 3 within
/// the handshake timeout.
#[test]
fn expired_leaf_and_silent_server() {
    if !needs(&[("openssl", "version")]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new("CN=localhost,O=kdbman probe test", 10);
    spec.sans = vec!["dns:localhost".parse().unwrap()];
    spec.not_before = common::now() - 40 * 86_400;
    spec.not_after = common::now() - 10 * 86_400;
    let old = spec
        .signed_by(&spki_of(&key), &p.inter.cert, &p.inter.key)
        .unwrap();
    let cert = pem(dir, "old.pem", &[&old]);
    let inter = pem(dir, "inter.pem", &[&p.inter.cert]);
    let k = key_pem(dir, "old.key", &key);
    let s = s_server(
        dir,
        &[
            "-cert",
            cert.to_str().unwrap(),
            "-key",
            k.to_str().unwrap(),
            "-cert_chain",
            inter.to_str().unwrap(),
        ],
    );
    let out = probe(&[
        &target(s.port),
        "--db",
        p.db.to_str().unwrap(),
        "--pw-env",
        PW_VAR,
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(v["chain"][0]["sha256"], sha256(&old));
    let c = codes(&v);
    assert!(c.contains(&"SSL0219E".to_string()), "{v:#}");
    assert!(c.contains(&"KDBP0001E".to_string()), "{v:#}");

    // Accepts, never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let out = probe(&[&format!("127.0.0.1:{port}"), "--handshake-timeout", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("handshake timeout"), "{text}");
    drop(silent);
}

#[test]
fn usage_errors_exit_2() {
    let out = probe(&["host:99999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("port"));
    let out = probe(&[]);
    assert_eq!(out.status.code(), Some(2));
    let dir = TempDir::new().unwrap();
    let t = dir.path().join("t.txt");
    std::fs::write(&t, "a.example:443 web extra\n").unwrap();
    let out = probe(&["--targets", t.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

/// Acceptance 4 (reports like lint's): over a --targets file, SARIF
/// validates against the 2.1.0 schema with each result at its target, and
/// JUnit is read by junitparser with one suite per target.
#[test]
fn sarif_and_junit_over_many_targets() {
    if !needs(&[("nginx", "-v")]) {
        return;
    }
    let p = pki_setup();
    let dir = p.dir.path();
    let chain = pem(dir, "leaf-only.pem", &[&p.leaf]);
    let key = key_pem(dir, "key.pem", &p.leaf_key);
    let n = nginx_tls(dir, "reports", &chain, &key, "TLSv1.2 TLSv1.3");
    let closed = free_port();
    let targets = dir.join("targets.txt");
    std::fs::write(
        &targets,
        format!("{} web\n127.0.0.1:{closed}\n", target(n.port)),
    )
    .unwrap();
    let run = |format: &str| {
        let out = probe(&[
            "--targets",
            targets.to_str().unwrap(),
            "--db",
            p.db.to_str().unwrap(),
            "--pw-env",
            PW_VAR,
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(3));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let sarif = run("sarif");
    let s: Value = serde_json::from_str(&sarif).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let at = |code: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == code)
            .unwrap_or_else(|| panic!("{code}: {s:#}"))["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(at("KDBP0002E").contains(&n.port.to_string()));
    assert!(at("KDBP0007E").contains(&closed.to_string()));
    let rules = s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "KDBP0005E"));
    let json = run("json");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "kdbman-probe-fleet/1");
    assert_eq!(v["summary"]["targets"], 2);
    assert_eq!(v["summary"]["unreachable"], 1);
    assert_eq!(v["targets"][0]["store"]["label"], "web");
    common::validate_sarif_schema(dir, sarif.as_bytes());
    if python_has("junitparser") {
        let file = dir.join("probe.junit.xml");
        std::fs::write(&file, run("junit")).unwrap();
        let script = r#"
import sys, json
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
out = {}
for suite in xml:
    cases = {}
    for case in suite:
        cases[case.name] = [{"kind": type(r).__name__, "type": r.type} for r in case.result]
    out[suite.name] = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "skipped": suite.skipped, "cases": cases}
print(json.dumps(out))
"#;
        let out = Command::new("python3")
            .args(["-c", script, file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let up = &v[target(n.port)];
        assert_eq!(up["errors"], 0, "{v:#}");
        assert_eq!(up["failures"], 1, "{v:#}");
        let chain_case = up["cases"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.starts_with("chain"))
            .unwrap()
            .1;
        assert_eq!(chain_case[0]["kind"], "Failure");
        assert_eq!(chain_case[0]["type"], "KDBP0002E");
        let down = &v[format!("127.0.0.1:{closed}")];
        assert_eq!(down["errors"], 1, "{v:#}");
        assert!(down["skipped"].as_u64().unwrap() > 0);
    }
}
