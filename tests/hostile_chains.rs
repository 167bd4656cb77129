//! Issue 21, acceptance 1 and 2: chains built by an attacker.
//!
//! 1. A client presenting its certificate with 20 (or 10) self-issued CA
//!    certificates all named `CN=A` (different keys, signed in a ring) to
//!    `serve --client-auth required --threads 1` is refused within a
//!    second, and an honest client connecting meanwhile gets its answer;
//!    `lint` of a store holding 20 such signers finishes with a finding
//!    (path building has a budget; before, both ran for minutes).
//! 2. root → intermediate (EKU serverAuth only) → client (EKU clientAuth)
//!    is refused by serve's client authentication and by `cert validate
//!    --purpose client`, as `openssl verify -purpose sslclient` refuses it.

mod common;
use common::Kdbman;
use common::servers::Serving;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]);

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

const PW: &str = "hostile-chains-password";

fn key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

fn name(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, cn);
    d
}

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = name(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn leaf(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(vec!["localhost".into()]).unwrap();
    p.distinguished_name = name(cn);
    p
}

/// `subject` (its own key) signed with `by` under the issuer name `issuer`.
fn signed(subject: CertificateParams, key: &KeyPair, issuer: &str, by: &KeyPair) -> String {
    subject
        .signed_by(key, &Issuer::new(ca(issuer), by))
        .unwrap()
        .pem()
}

/// `n` CA certificates named `CN=A`, each with its own key, each signed
/// by the next one's key (a ring): every one is a candidate issuer of
/// every other. Returns the keys and the PEMs.
fn namesakes(n: usize) -> (Vec<KeyPair>, Vec<String>) {
    let keys: Vec<KeyPair> = (0..n).map(|_| key()).collect();
    let pems = (0..n)
        .map(|i| signed(ca("A"), &keys[i], "A", &keys[(i + 1) % n]))
        .collect();
    (keys, pems)
}

/// A kdbman store with a server certificate for localhost.
fn server_store(d: &Path) -> String {
    let db = d.join("server.kdbx");
    let s = db.to_str().unwrap().to_string();
    KDBMAN.ok(&[
        "keydb",
        "create",
        "--db",
        &s,
        "--pw-env",
        "KPW",
        "--type",
        "kdbman",
        "--kdf-floor",
    ]);
    KDBMAN.ok(&[
        "cert",
        "create",
        "--db",
        &s,
        "--pw-env",
        "KPW",
        "--label",
        "web",
        "--dn",
        "CN=localhost",
        "--san",
        "dns:localhost",
        "--key",
        "ec:p256",
        "--default",
    ]);
    s
}

fn add_signer(db: &str, label: &str, file: &Path, trusted: bool) {
    KDBMAN.ok(&[
        "cert",
        "add",
        "--db",
        db,
        "--pw-env",
        "KPW",
        "--label",
        label,
        "--file",
        file.to_str().unwrap(),
        "--trust",
        if trusted { "enable" } else { "disable" },
    ]);
}

/// A running `kdbman serve` (stopped on drop) and its port.
struct Server {
    serving: Serving,
    port: u16,
}

fn serve(db: &str) -> Server {
    let mut cmd = Command::new(cargo_bin("kdbman"));
    cmd.args(["serve", "--db", db, "--pw-env", "KPW", "--threads", "1"])
        .args(["--listen", "127.0.0.1:0", "--client-auth", "required"])
        .env("KPW", PW);
    let (serving, port) = Serving::on_loopback(cmd);
    Server { serving, port }
}

/// Starts curl with a client certificate (chain) and key; `--max-time`
/// bounds it, so a hung server fails the test instead of hanging it.
fn curl(server: &Server, dir: &Path, cert: &str, key: &str) -> Child {
    Command::new("curl")
        .current_dir(dir)
        .args(["-sS", "-k", "--fail", "--max-time", "10"])
        .args(["--cert", cert, "--key", key])
        .arg(format!("https://localhost:{}/healthz", server.port))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits for curl: whether it succeeded, and how long it took from `t`.
fn finish(mut c: Child, t: Instant) -> (bool, Duration) {
    let ok = c.wait().unwrap().success();
    (ok, t.elapsed())
}

fn wait_for_log(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !server.serving.log().contains(needle) {
        std::thread::sleep(Duration::from_millis(50));
    }
    server.serving.log()
}

#[test]
fn namesake_cas_from_a_client_are_refused_at_once_and_others_are_served() {
    if !common::require_tool("curl", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = server_store(d);
    // The store trusts a root that is itself named CN=A: every namesake
    // the attacker sends is a candidate issuer up to it, the worst case.
    let root_key = key();
    let root = ca("A").self_signed(&root_key).unwrap();
    std::fs::write(d.join("root.pem"), root.pem()).unwrap();
    add_signer(&db, "client-root", &d.join("root.pem"), true);

    let good_key = key();
    std::fs::write(d.join("good.key"), good_key.serialize_pem()).unwrap();
    std::fs::write(
        d.join("good.pem"),
        signed(leaf("good client"), &good_key, "A", &root_key),
    )
    .unwrap();

    let (keys, cas) = namesakes(20);
    let evil_key = key();
    std::fs::write(d.join("evil.key"), evil_key.serialize_pem()).unwrap();
    let evil = signed(leaf("evil client"), &evil_key, "A", &keys[0]);
    std::fs::write(d.join("evil20.pem"), format!("{evil}{}", cas.concat())).unwrap();
    // At the cap of intermediates: the search itself is what is bounded.
    std::fs::write(
        d.join("evil10.pem"),
        format!("{evil}{}", cas[..10].concat()),
    )
    .unwrap();

    let server = serve(&db);
    let (good, _) = finish(curl(&server, d, "good.pem", "good.key"), Instant::now());
    assert!(good, "the honest client: {}", server.serving.log());

    for chain in ["evil20.pem", "evil10.pem"] {
        let t = Instant::now();
        let attackers: Vec<Child> = (0..3)
            .map(|_| curl(&server, d, chain, "evil.key"))
            .collect();
        // An honest client connecting meanwhile, on the one event loop.
        let honest = curl(&server, d, "good.pem", "good.key");
        for a in attackers {
            let (ok, took) = finish(a, t);
            eprintln!("{chain}: refused after {took:?}");
            assert!(!ok, "{chain} accepted");
            assert!(
                took < Duration::from_secs(1),
                "{chain}: refused only after {took:?}"
            );
        }
        let (ok, took) = finish(honest, t);
        assert!(ok, "the honest client was not served: {}", {
            server.serving.log()
        });
        assert!(took < Duration::from_secs(2), "honest client: {took:?}");
    }
    let log = wait_for_log(&server, "could not build a path");
    assert!(
        log.contains("20 intermediate certificates were sent; at most 10 are considered"),
        "{log}"
    );
    assert!(log.contains("could not build a path"), "{log}");
}

#[test]
fn lint_of_a_store_with_twenty_namesake_signers_finishes_with_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("victim.kdbx");
    let s = db.to_str().unwrap();
    KDBMAN.ok(&[
        "keydb",
        "create",
        "--db",
        s,
        "--pw-env",
        "KPW",
        "--type",
        "kdbman",
        "--kdf-floor",
    ]);
    let (keys, cas) = namesakes(20);
    // The certificate in use, issued by one of them.
    let web_key = key();
    std::fs::write(d.join("web.key"), web_key.serialize_pem()).unwrap();
    std::fs::write(
        d.join("web.pem"),
        signed(leaf("localhost"), &web_key, "A", &keys[0]),
    )
    .unwrap();
    let (web_pem, web_key_file) = (d.join("web.pem"), d.join("web.key"));
    KDBMAN.ok(&[
        "cert",
        "import",
        "--db",
        s,
        "--pw-env",
        "KPW",
        "--file",
        web_pem.to_str().unwrap(),
        "--key",
        web_key_file.to_str().unwrap(),
        "--label",
        "web",
        "--default",
    ]);
    std::fs::write(d.join("namesakes.pem"), cas.concat()).unwrap();
    add_signer(s, "A", &d.join("namesakes.pem"), false);
    // A trusted CN=A that signed none of them: all reach it by name.
    let anchor = ca("A").self_signed(&key()).unwrap();
    std::fs::write(d.join("anchor.pem"), anchor.pem()).unwrap();
    add_signer(s, "anchor", &d.join("anchor.pem"), true);

    let t = Instant::now();
    let mut child = Command::new(cargo_bin("kdbman"))
        .args(["lint", "--db", s, "--pw-env", "KPW", "--format", "json"])
        .env("KPW", PW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let limit = Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lint still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = t.elapsed();
    eprintln!("lint: {took:?}");
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let text = v.to_string();
    assert!(text.contains("SSL0208E"), "{text}");
    assert!(
        text.contains("could not build a path to a trusted signer within 100 signature checks"),
        "{text}"
    );
    // Issue 21: within 2 s (store opening included).
    assert!(took < Duration::from_secs(2), "lint took {took:?}");
}

fn eku_ca(cn: &str, eku: Vec<ExtendedKeyUsagePurpose>) -> CertificateParams {
    let mut p = ca(cn);
    p.extended_key_usages = eku;
    p
}

#[test]
fn a_server_only_intermediate_cannot_issue_a_client_certificate() {
    if !common::require_tool("openssl", "version") || !common::require_tool("curl", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root_key = key();
    let root = ca("EKU Root").self_signed(&root_key).unwrap();
    let int_key = key();
    let int_params = eku_ca("Server Only CA", vec![ExtendedKeyUsagePurpose::ServerAuth]);
    let int = int_params
        .clone()
        .signed_by(&int_key, &Issuer::new(ca("EKU Root"), &root_key))
        .unwrap();
    let client_key = key();
    let mut lp = leaf("eku client");
    lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = lp
        .signed_by(&client_key, &Issuer::new(int_params, &int_key))
        .unwrap();
    std::fs::write(d.join("root.pem"), root.pem()).unwrap();
    std::fs::write(d.join("int.pem"), int.pem()).unwrap();
    std::fs::write(d.join("client.pem"), client.pem()).unwrap();
    std::fs::write(
        d.join("chain.pem"),
        format!("{}{}", client.pem(), int.pem()),
    )
    .unwrap();
    std::fs::write(d.join("client.key"), client_key.serialize_pem()).unwrap();

    // OpenSSL refuses it for a TLS client, accepts the same path without
    // a purpose (so the refusal is the EKU's, not a broken chain).
    let verify = |purpose: Option<&str>| {
        let mut c = Command::new("openssl");
        c.current_dir(d)
            .args(["verify", "-CAfile", "root.pem", "-untrusted", "int.pem"]);
        if let Some(p) = purpose {
            c.args(["-purpose", p]);
        }
        c.arg("client.pem").output().unwrap()
    };
    let refused = verify(Some("sslclient"));
    assert!(!refused.status.success(), "openssl accepted it");
    assert!(
        verify(None).status.success(),
        "openssl: the chain itself is fine"
    );

    // cert validate --purpose client: refused, naming the intermediate.
    let db = d.join("eku.kdbx");
    let s = db.to_str().unwrap();
    KDBMAN.ok(&[
        "keydb",
        "create",
        "--db",
        s,
        "--pw-env",
        "KPW",
        "--type",
        "kdbman",
        "--kdf-floor",
    ]);
    add_signer(s, "root", &d.join("root.pem"), true);
    let chain = d.join("chain.pem");
    let key_file = d.join("client.key");
    KDBMAN.ok(&[
        "cert",
        "import",
        "--db",
        s,
        "--pw-env",
        "KPW",
        "--file",
        chain.to_str().unwrap(),
        "--key",
        key_file.to_str().unwrap(),
        "--label",
        "client",
    ]);
    let validate = |purpose: &str| {
        KDBMAN.output(&[
            "cert",
            "validate",
            "--db",
            s,
            "--pw-env",
            "KPW",
            "--label",
            "client",
            "--purpose",
            purpose,
        ])
    };
    let out = validate("client");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Server Only CA") && text.contains("clientAuth"),
        "{text}"
    );
    // The same chain is fine for any purpose: the EKU is the reason.
    assert!(validate("any").status.success());

    // serve --client-auth required: the handshake fails, logged SSL0208E.
    let db = server_store(d);
    add_signer(&db, "client-root", &d.join("root.pem"), true);
    let server = serve(&db);
    let (accepted, _) = finish(curl(&server, d, "chain.pem", "client.key"), Instant::now());
    assert!(
        !accepted,
        "serve accepted a clientAuth leaf under a serverAuth-only CA"
    );
    let log = wait_for_log(&server, "SSL0208E");
    assert!(
        log.contains("SSL0208E")
            && log.contains(
                "the extended key usage of `CN=Server Only CA` does not include clientAuth"
            ),
        "{log}"
    );
}

/// 2030-01-01, inside rcgen's default validity.
const AT: i64 = 1_893_456_000;

#[test]
fn a_trusted_root_with_server_only_eku_cannot_anchor_a_client_path() {
    use kdbman::pki::validate::{ChainProblem, Purpose, validate_chain};
    let root_key = key();
    let rp = eku_ca("Server Root", vec![ExtendedKeyUsagePurpose::ServerAuth]);
    let root = rp.clone().self_signed(&root_key).unwrap();
    let client = leaf("plain client")
        .signed_by(&key(), &Issuer::new(rp, &root_key))
        .unwrap();
    let (root_der, client_der) = (root.der().to_vec(), client.der().to_vec());
    match validate_chain(
        std::slice::from_ref(&client_der),
        &[&root_der],
        &[],
        AT,
        Purpose::ClientAuth,
    ) {
        Err(ChainProblem::WrongUsage { subject, needed }) => {
            assert_eq!((subject.as_str(), needed), ("CN=Server Root", "clientAuth"))
        }
        other => panic!("{other:?}"),
    }
    validate_chain(&[client_der], &[&root_der], &[], AT, Purpose::ServerAuth)
        .expect("the root allows serverAuth");
    // OpenSSL reads the trust anchor's EKU the same way.
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.pem"), root.pem()).unwrap();
    std::fs::write(dir.path().join("client.pem"), client.pem()).unwrap();
    let verify = |purpose: &str| {
        Command::new("openssl")
            .current_dir(dir.path())
            .args(["verify", "-CAfile", "root.pem", "-purpose", purpose])
            .arg("client.pem")
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(!verify("sslclient"));
    assert!(verify("sslserver"));
}

#[test]
fn the_rfc5280_fallback_checks_the_eku_of_every_ca_too() {
    // The client names its issuer in other case and spacing: webpki finds
    // no issuer, and the RFC 5280 fallback (§7.1) builds the path; it must
    // still refuse the serverAuth-only intermediate for a client.
    use kdbman::pki::validate::{ChainProblem, Purpose, validate_chain};
    let root_key = key();
    let root = ca("Fallback Root").self_signed(&root_key).unwrap();
    let int_key = key();
    let int = eku_ca("Server Only CA", vec![ExtendedKeyUsagePurpose::ServerAuth])
        .signed_by(&int_key, &Issuer::new(ca("Fallback Root"), &root_key))
        .unwrap();
    let alias = eku_ca("server  ONLY ca", vec![ExtendedKeyUsagePurpose::ServerAuth]);
    let mut lp = leaf("eku client");
    lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = lp.signed_by(&key(), &Issuer::new(alias, &int_key)).unwrap();
    let chain = [client.der().to_vec(), int.der().to_vec()];
    let root_der = root.der().to_vec();
    match validate_chain(&chain, &[&root_der], &[], AT, Purpose::ClientAuth) {
        Err(ChainProblem::WrongUsage { subject, .. }) => {
            assert!(subject.contains("Server Only CA"), "{subject}")
        }
        other => panic!("{other:?}"),
    }
    // The same path for a server: the leaf's own EKU is the reason.
    match validate_chain(&chain, &[&root_der], &[], AT, Purpose::ServerAuth) {
        Err(ChainProblem::WrongUsage { subject, .. }) => assert_eq!(subject, "CN=eku client"),
        other => panic!("{other:?}"),
    }
    // And without EKUs in the way, the §7.1 path is valid.
    let int2 = ca("Plain CA")
        .signed_by(&int_key, &Issuer::new(ca("Fallback Root"), &root_key))
        .unwrap();
    let client2 = leaf("plain client")
        .signed_by(&key(), &Issuer::new(ca("PLAIN  ca"), &int_key))
        .unwrap();
    validate_chain(
        &[client2.der().to_vec(), int2.der().to_vec()],
        &[&root_der],
        &[],
        AT,
        Purpose::ClientAuth,
    )
    .expect("names match per RFC 5280 §7.1");
}
