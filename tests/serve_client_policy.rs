//! Issue 12: `serve`'s client authentication applies the one chain policy
//! that `cert validate` and lint's SSL0208E apply. A client certificate
//! whose issuer name matches its CA only by RFC 5280 §7.1 (case, spaces,
//! UTF8String against PrintableString) is accepted, which webpki alone
//! refuses; one from an unknown issuer is refused and logged as SSL0208E
//! with the policy's reason.

mod common;
use common::Kdbman;
use common::servers::Serving;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "client-policy-password")]);

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

fn dn(value: DnValue) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, value);
    d
}

fn ca_params(name: DnValue) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

/// A running `kdbman serve` (stopped on drop) and its port.
struct Server {
    serving: Serving,
    port: u16,
}

fn serve(db: &Path) -> Server {
    let mut cmd = Command::new(cargo_bin("kdbman"));
    cmd.args(["serve", "--db", db.to_str().unwrap(), "--pw-env", "KPW"])
        .args(["--listen", "127.0.0.1:0", "--client-auth", "required"])
        .env("KPW", "client-policy-password");
    let (serving, port) = Serving::on_loopback(cmd);
    Server { serving, port }
}

fn curl(server: &Server, dir: &Path, cert: &str) -> bool {
    Command::new("curl")
        .current_dir(dir)
        .args(["-sS", "-k", "--fail", "--cert", cert, "--key", "client.key"])
        .arg(format!("https://localhost:{}/healthz", server.port))
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn client_auth_follows_the_shared_chain_policy() {
    if !common::require_tool("curl", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let rp = ca_params(DnValue::PrintableString(
        "Client  Root CA".try_into().unwrap(),
    ));
    let root = rp.self_signed(&root_key).unwrap();
    std::fs::write(d.join("root.pem"), root.pem()).unwrap();
    // The client's certificate names its issuer in UTF8String, other case
    // and spacing: the same name under RFC 5280 §7.1.
    let client_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    std::fs::write(d.join("client.key"), client_key.serialize_pem()).unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name = dn(DnValue::Utf8String("client one".into()));
    let alias = ca_params(DnValue::Utf8String(" client root   ca ".into()));
    let client = lp
        .signed_by(&client_key, &Issuer::new(alias, &root_key))
        .unwrap();
    std::fs::write(d.join("client.pem"), client.pem()).unwrap();
    // A client from a CA the store does not know.
    let stranger_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let stranger_ca = ca_params(DnValue::Utf8String("Stranger CA".into()));
    let mut sp = CertificateParams::default();
    sp.distinguished_name = dn(DnValue::Utf8String("client two".into()));
    let stranger = sp
        .signed_by(&client_key, &Issuer::new(stranger_ca, &stranger_key))
        .unwrap();
    std::fs::write(d.join("stranger.pem"), stranger.pem()).unwrap();

    let db = d.join("server.kdbx");
    let s = db.to_str().unwrap();
    KDBMAN.stdout(&[
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
    KDBMAN.stdout(&[
        "cert",
        "create",
        "--db",
        s,
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
    let root_pem = d.join("root.pem");
    KDBMAN.stdout(&[
        "cert",
        "add",
        "--db",
        s,
        "--pw-env",
        "KPW",
        "--label",
        "client-root",
        "--file",
        root_pem.to_str().unwrap(),
    ]);
    let server = serve(&db);
    assert!(
        curl(&server, d, "client.pem"),
        "log: {}",
        server.serving.log()
    );
    assert!(!curl(&server, d, "stranger.pem"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !server.serving.log().contains("SSL0208E") {
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = server.serving.log();
    assert!(log.contains("SSL0208E"), "{log}");
}
