//! Acceptance 2: OpenSSL accepts every certificate `cert create` makes, with
//! the requested key, SANs, key usage, extended key usage and validity.
//! Needs `openssl` on PATH (installed by .ci/run); never skipped.

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]);
use common::openssl_status;

use std::path::{Path, PathBuf};

const PW: &str = "openssl interop";

fn store(dir: &Path) -> PathBuf {
    let db = dir.join("interop.kdb");
    KDBMAN.stdout(&[
        "keydb",
        "create",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--kdf-floor",
        "--type",
        "kdbman",
    ]);
    db
}

/// `cert create` with `extra` options, then `cert extract` to PEM.
fn create(dir: &Path, label: &str, extra: &[&str]) -> PathBuf {
    let db = dir.join("interop.kdb");
    if !db.exists() {
        store(dir);
    }
    let d = db.to_str().unwrap();
    let mut args = vec![
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", label,
    ];
    args.extend_from_slice(extra);
    KDBMAN.stdout(&args);
    let pem = dir.join(format!("{label}.pem"));
    KDBMAN.stdout(&[
        "cert",
        "extract",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        label,
        "--target",
        pem.to_str().unwrap(),
    ]);
    pem
}

fn text_of(pem: &Path) -> String {
    let (ok, text) = openssl_status(&["x509", "-in", pem.to_str().unwrap(), "-noout", "-text"]);
    assert!(ok, "openssl x509 rejects the certificate:\n{text}");
    text
}

/// The certificate, trusted as its own anchor, verifies with its self
/// signature checked.
fn assert_verifies(pem: &Path) {
    let p = pem.to_str().unwrap();
    let (ok, text) =
        openssl_status(&["verify", "-partial_chain", "-check_ss_sig", "-CAfile", p, p]);
    assert!(ok && text.contains(": OK"), "openssl verify:\n{text}");
}

/// Valid for `days` days from now (certificates start five minutes back,
/// so they end five minutes short of now + days).
fn assert_validity(pem: &Path, days: i64) {
    let p = pem.to_str().unwrap();
    let secs = days * 86_400;
    let (ok, text) = openssl_status(&[
        "x509",
        "-in",
        p,
        "-noout",
        "-checkend",
        &(secs - 3600).to_string(),
    ]);
    assert!(ok, "still valid an hour short of {days} days:\n{text}");
    let (ok, text) = openssl_status(&["x509", "-in", p, "-noout", "-checkend", &secs.to_string()]);
    assert!(!ok, "expired by {days} days from now:\n{text}");
    let (ok, text) = openssl_status(&["x509", "-in", p, "-noout", "-checkend", "0"]);
    assert!(ok, "valid now:\n{text}");
}

/// Every key type: the key, SANs (DNS and IP), default usages, validity.
fn leaf(key: &str, key_text: &[&str], ku: &str) {
    let dir = tempfile::tempdir().unwrap();
    let label = key.replace(':', "-");
    let pem = create(
        dir.path(),
        &label,
        &[
            "--dn",
            "CN=www.example.com,O=Example Org,C=US",
            "--key",
            key,
            "--san",
            "dns:www.example.com",
            "--san",
            "dns:api.example.com",
            "--san",
            "ip:192.0.2.10",
            "--san",
            "ip:2001:db8::1",
            "--days",
            "47",
        ],
    );
    let text = text_of(&pem);
    for want in key_text {
        assert!(text.contains(want), "{key}: expected `{want}` in:\n{text}");
    }
    for want in [
        // openssl's default text shows the DER order: `--dn` is read as
        // RFC 4514, most specific first, so the DER holds C, O, CN.
        "Subject: C = US, O = Example Org, CN = www.example.com",
        "Issuer: C = US, O = Example Org, CN = www.example.com",
        "DNS:www.example.com",
        "DNS:api.example.com",
        "IP Address:192.0.2.10",
        "IP Address:2001:DB8:0:0:0:0:0:1",
        "CA:FALSE",
        ku,
        "TLS Web Server Authentication, TLS Web Client Authentication",
    ] {
        assert!(text.contains(want), "{key}: expected `{want}` in:\n{text}");
    }
    assert!(
        !text.contains("Certificate Sign"),
        "a leaf cannot sign certificates:\n{text}"
    );
    assert_verifies(&pem);
    assert_validity(&pem, 47);
}

#[test]
fn rsa_2048() {
    leaf(
        "rsa:2048",
        &["Public-Key: (2048 bit)", "sha256WithRSAEncryption"],
        "Digital Signature, Key Encipherment",
    );
}

#[test]
fn rsa_3072() {
    leaf(
        "rsa:3072",
        &["Public-Key: (3072 bit)", "sha256WithRSAEncryption"],
        "Digital Signature, Key Encipherment",
    );
}

#[test]
fn rsa_4096() {
    leaf(
        "rsa:4096",
        &["Public-Key: (4096 bit)", "sha256WithRSAEncryption"],
        "Digital Signature, Key Encipherment",
    );
}

#[test]
fn ec_p256() {
    leaf(
        "ec:p256",
        &[
            "Public-Key: (256 bit)",
            "NIST CURVE: P-256",
            "ecdsa-with-SHA256",
        ],
        "Digital Signature",
    );
}

#[test]
fn ec_p384() {
    leaf(
        "ec:p384",
        &[
            "Public-Key: (384 bit)",
            "NIST CURVE: P-384",
            "ecdsa-with-SHA384",
        ],
        "Digital Signature",
    );
}

#[test]
fn ed25519() {
    leaf(
        "ed25519",
        &["ED25519 Public-Key", "Signature Algorithm: ED25519"],
        "Digital Signature",
    );
}

#[test]
fn ca_certificate_verifies_as_a_root() {
    let dir = tempfile::tempdir().unwrap();
    let pem = create(
        dir.path(),
        "root",
        &[
            "--dn",
            "CN=Example Root CA,O=Example Org",
            "--key",
            "ec:p384",
            "--ca",
            "--days",
            "3650",
        ],
    );
    let text = text_of(&pem);
    assert!(text.contains("CA:TRUE"), "{text}");
    assert!(
        text.contains("Certificate Sign") && text.contains("CRL Sign"),
        "{text}"
    );
    assert!(
        !text.contains("TLS Web Server Authentication"),
        "no EKU on a CA by default:\n{text}"
    );
    // A real root: no -partial_chain needed.
    let p = pem.to_str().unwrap();
    let (ok, out) = openssl_status(&["verify", "-check_ss_sig", "-CAfile", p, p]);
    assert!(ok, "openssl verify of the root:\n{out}");
    assert_validity(&pem, 3650);
    // OpenSSL sees a CA fit for issuing server certificates.
    let (ok, out) = openssl_status(&["x509", "-in", p, "-noout", "-purpose"]);
    assert!(ok && out.contains("SSL server CA : Yes"), "{out}");
}

#[test]
fn explicit_key_usage_and_eku() {
    let dir = tempfile::tempdir().unwrap();
    let pem = create(
        dir.path(),
        "client",
        &[
            "--dn",
            "CN=client",
            "--key",
            "ec:p256",
            "--key-usage",
            "digitalSignature,keyAgreement",
            "--eku",
            "clientAuth",
            "--days",
            "1",
        ],
    );
    let text = text_of(&pem);
    assert!(text.contains("Digital Signature, Key Agreement"), "{text}");
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    assert!(!text.contains("TLS Web Server Authentication"), "{text}");
    assert_verifies(&pem);
    assert_validity(&pem, 1);
}

#[test]
fn der_extract_matches_pem_and_serials_differ() {
    let dir = tempfile::tempdir().unwrap();
    let a = create(dir.path(), "a", &["--dn", "CN=same", "--key", "ed25519"]);
    let b = create(dir.path(), "b", &["--dn", "CN=same", "--key", "ed25519"]);
    let serial =
        |p: &Path| openssl_status(&["x509", "-in", p.to_str().unwrap(), "-noout", "-serial"]).1;
    assert_ne!(serial(&a), serial(&b), "random serials");
    let db = dir.path().join("interop.kdb");
    let der = dir.path().join("a.der");
    KDBMAN.stdout(&[
        "cert",
        "extract",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--label",
        "a",
        "--target",
        der.to_str().unwrap(),
        "--format",
        "der",
    ]);
    let (ok, out) = openssl_status(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        der.to_str().unwrap(),
        "-outform",
        "PEM",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out, std::fs::read_to_string(&a).unwrap());
}
