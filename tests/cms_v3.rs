//! IBM CMS format version 3 (old iKeyman and GSKit 7, z/OS gskkyman):
//! issue 19, acceptance 1 and 2.
//!
//! Acceptance 1 uses the two 80-byte files, made by IBM's tools.
//! Acceptance 2 uses `fixtures/cms-v3/`: a populated v3 store written by
//! `fixtures/cms-v3/make.py` from the formulas alone (Python's MD5, keys
//! encrypted by `openssl pkcs8 -v1 PBE-MD5-DES`), never by kdbman.

mod common;
use common::Kdbman;
use common::s;
use common::servers::Serving;
use common::text;

const KDBMAN: Kdbman = Kdbman::new(&[(PW_VAR, FIXTURE_PW)]).stdin_null();

use std::path::{Path, PathBuf};
use std::process::Command;

use kdbman::store::cms::record::{self, Body};
use kdbman::{Access, ErrorClass, Password, Store};
use md5::{Digest, Md5};
use serde_json::Value;

const FIXTURE_PW: &str = "v3-fixture-pw";
const PW_VAR: &str = "KDBMAN_CMS_V3_TEST_PW";
/// The DER of OID 1.2.840.113549.1.5.3, pbeWithMD5AndDES-CBC.
const PBES1_MD5_DES: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03,
];
/// The DER of OID 1.2.840.113549.1.5.13, PBES2.
const PBES2: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];

/// Issue 19's appendix: an empty v3 request database that IBM's Java
/// tooling wrote beside a v6 .kdb (password `mq-lab`), and an empty v3
/// key database (password `123`).
const RDB_VECTOR: &str = "3748030100000000583530394b595000\
                          00001388000000000000000000000000\
                          00000000000000000000000000000000\
                          3540aaee1a2529cc415c7ee76ee3c990\
                          f782fa61598beb965a2f756b30ab7a0b";
const KDB_VECTOR: &str = "3748030200000000583530394b455900\
                          00001388000000000000000000000000\
                          00000000000000000000000000000000\
                          4efcfb320183f93baf180d8e10011749\
                          fb2368e55a2973e2e9c064cb479ab50f";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn write_private(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `MD5(parts ‖ password)`, the v3 building block, by the md-5 crate.
fn md5_pw(parts: &[&[u8]], pw: &[u8]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.update(pw);
    h.finalize().into()
}

/// Checks a v3 file against the formulas, recomputed here: version byte
/// 3, the verifier, the XOR integrity, and record numbers 1..n at +4 and
/// after the label. Returns the records.
fn check_v3_bytes(bytes: &[u8], kind: u8, pw: &str) -> Vec<record::Record> {
    let pw = pw.as_bytes();
    assert_eq!(
        bytes[..4],
        [0x37, 0x48, 0x03, kind],
        "magic, version 3, kind"
    );
    assert_eq!(md5_pw(&[&bytes[..0x30]], pw), bytes[0x30..0x40], "verifier");
    let slot = be32(&bytes[0x10..]) as usize;
    let count = be32(&bytes[0x14..]) as usize;
    assert_eq!(bytes.len(), 0x50 + count * slot, "length");
    let mut acc = md5_pw(&[&bytes[..0x40]], pw);
    let mut records = Vec::new();
    for (i, s) in bytes[0x50..].chunks(slot).enumerate() {
        for (a, b) in acc.iter_mut().zip(md5_pw(&[s], pw)) {
            *a ^= b;
        }
        assert_eq!(be32(&s[4..]) as usize, i + 1, "record number of slot {i}");
        let der_len = be32(&s[8..]) as usize;
        let label_len = be32(&s[12 + der_len..]) as usize;
        let after_label = be32(&s[12 + der_len + 4 + label_len..]);
        assert_eq!(after_label as usize, i + 1, "u32 after the label, slot {i}");
        records.push(record::decode_slot(s).unwrap());
    }
    assert_eq!(acc, bytes[0x40..0x50], "integrity");
    records
}

// ---------------------------------------------------------------------
// Acceptance 1: the two IBM-made vectors.

/// An empty v3 key database beside the .rdb vector, made with the .rdb's
/// password so the pair opens as a store.
fn kdb_for_rdb_vector(dir: &Path) -> PathBuf {
    use kdbman::store::cms::container::{self, Kind, Version};
    let kdb = container::encode(
        Version::V3,
        Kind::Keys,
        &[0; 24],
        5000,
        &[],
        &Password::new("mq-lab"),
    );
    let path = dir.join("mq.kdb");
    write_private(&path, &kdb);
    write_private(&dir.join("mq.rdb"), &unhex(RDB_VECTOR));
    path
}

#[test]
fn ibm_vectors_open_with_their_passwords() {
    let d = tempfile::tempdir().unwrap();
    // The key database vector: opens, empty, CMS v3.
    let kdb = d.path().join("key.kdb");
    write_private(&kdb, &unhex(KDB_VECTOR));
    let store = Store::open(&kdb, &Password::new("123"), Access::Read).unwrap();
    assert!(store.entries().is_empty());
    assert_eq!(store.format().to_string(), "CMS v3");
    let out = KDBMAN
        .std()
        .args([
            "cert",
            "list",
            "--json",
            "--db",
            s(&kdb),
            "--pw-env",
            "V3PW",
        ])
        .env("V3PW", "123")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 0, "{v}");
    // The request database vector verifies under its password (both MD5
    // values recomputed here), and a store beside it opens.
    check_v3_bytes(&unhex(RDB_VECTOR), 1, "mq-lab");
    check_v3_bytes(&unhex(KDB_VECTOR), 2, "123");
    let mq = kdb_for_rdb_vector(d.path());
    let store = Store::open(&mq, &Password::new("mq-lab"), Access::Read).unwrap();
    assert!(store.cms_facts().unwrap().request_db);
}

#[test]
fn ibm_vectors_refuse_a_wrong_password_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let kdb = d.path().join("key.kdb");
    write_private(&kdb, &unhex(KDB_VECTOR));
    // An empty store holds no key to prove the password wrong: undecided.
    for wrong in ["1234", "mq-lab", "", "12"] {
        let e = Store::open(&kdb, &Password::new(wrong), Access::Read).unwrap_err();
        assert_eq!(e.class(), ErrorClass::Undecided, "{wrong:?}: {e}");
    }
    let out = KDBMAN
        .std()
        .args(["cert", "list", "--db", s(&kdb), "--pw-env", "V3PW"])
        .env("V3PW", "124")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("key.kdb") && !t.contains("format version"),
        "{t}"
    );
    // The .rdb vector with another password: its verifier says no.
    use kdbman::store::cms::container;
    let rdb = unhex(RDB_VECTOR);
    let l = container::parse(Path::new("mq.rdb"), &rdb).unwrap();
    assert!(l.password_matches(&Password::new("mq-lab")));
    assert!(!l.password_matches(&Password::new("mq-lab2")));
}

#[test]
fn every_flipped_byte_of_the_vectors_is_damage_never_success() {
    use kdbman::store::cms::container;
    let d = tempfile::tempdir().unwrap();
    let kdb = d.path().join("key.kdb");
    let original = unhex(KDB_VECTOR);
    let pw = Password::new("123");
    for i in 0..original.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = original.clone();
            b[i] ^= mask;
            write_private(&kdb, &b);
            let e = match Store::open(&kdb, &pw, Access::Read) {
                Ok(_) => panic!("byte {i:#x} ^ {mask:#x} opened"),
                Err(e) => e,
            };
            // The verifier covers 0x00..0x30 and is itself 0x30..0x40: a
            // change there may honestly read as "wrong password or
            // damaged" (no key to decide); past it, the password is
            // proven and only damage remains.
            match e.class() {
                ErrorClass::Damaged => {}
                ErrorClass::Undecided if i < 0x40 => {}
                other => panic!("byte {i:#x} ^ {mask:#x}: {other:?}: {e}"),
            }
        }
    }
    // The .rdb vector: every flip fails the structure or a MAC.
    let rdb = unhex(RDB_VECTOR);
    let mq = Password::new("mq-lab");
    for i in 0..rdb.len() {
        let mut b = rdb.clone();
        b[i] ^= 0x01;
        let accepted = container::parse(Path::new("mq.rdb"), &b)
            .is_ok_and(|l| l.password_matches(&mq) && l.integrity_matches(&mq));
        assert!(!accepted, "rdb byte {i:#x} flipped still verifies");
    }
}

// ---------------------------------------------------------------------
// Acceptance 2: a populated v3 store built from the formulas.

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cms-v3")
}

/// A private copy of the fixture store (and its .rdb).
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    for f in ["v3.kdb", "v3.rdb"] {
        write_private(
            &d.path().join(f),
            &std::fs::read(fixture_dir().join(f)).unwrap(),
        );
    }
    let kdb = d.path().join("v3.kdb");
    (d, kdb)
}

fn pw_args(kdb: &Path) -> Vec<String> {
    vec![
        "--db".into(),
        s(kdb).into(),
        "--pw-env".into(),
        PW_VAR.into(),
    ]
}

fn k(args: &[&str], kdb: &Path) -> String {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(pw_args(kdb));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    KDBMAN.stdout(&refs)
}

const LABELS: [(&str, &str); 7] = [
    ("rsa-server", "personal"),
    ("rsa-root", "signer"),
    ("rsa-intermediate", "signer"),
    ("ec-root", "signer"),
    ("ec-server", "personal"),
    ("old-md5-ca", "signer"),
    ("old-md2-ca", "signer"),
];

#[test]
fn fixture_is_what_the_formulas_say() {
    // The committed bytes pass this test's own MD5 recomputation, and the
    // keys are the PBES1 ones openssl wrote: the fixture is independent.
    let bytes = std::fs::read(fixture_dir().join("v3.kdb")).unwrap();
    let recs = check_v3_bytes(&bytes, 2, FIXTURE_PW);
    assert_eq!(recs.len(), LABELS.len());
    let keys: Vec<_> = recs
        .iter()
        .filter_map(|r| match &r.body {
            Body::Personal { key, .. } => Some(key),
            _ => None,
        })
        .collect();
    assert_eq!(keys.len(), 2);
    for key in keys {
        assert!(key.windows(11).any(|w| w == PBES1_MD5_DES), "PBES1 key");
    }
    check_v3_bytes(
        &std::fs::read(fixture_dir().join("v3.rdb")).unwrap(),
        1,
        FIXTURE_PW,
    );
}

#[test]
fn fixture_lists_and_details_old_cas_included() {
    let (_d, kdb) = fixture();
    let v: Value = serde_json::from_str(&k(&["cert", "list", "--json"], &kdb)).unwrap();
    let got: Vec<(String, String)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["label"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = LABELS
        .iter()
        .map(|(l, k)| (l.to_string(), k.to_string()))
        .collect();
    assert_eq!(got, want);
    for (label, alg) in [
        ("old-md5-ca", "md5WithRSAEncryption"),
        ("old-md2-ca", "md2WithRSAEncryption"),
    ] {
        let d = k(&["cert", "details", "--label", label], &kdb);
        assert!(d.contains(alg), "{d}");
        assert!(d.contains("serial:       00"), "{d}");
    }
    // A personal entry's chain is assembled from the signers.
    let d = k(
        &["cert", "details", "--label", "rsa-server", "--json"],
        &kdb,
    );
    let d: Value = serde_json::from_str(&d).unwrap();
    let chain = d["chain"].as_array().map_or(0, Vec::len);
    assert_eq!(chain, 2, "intermediate and root beyond the leaf: {d:#}");
    assert_eq!(d["private_key"], "RSA 2048", "{d:#}");
    let details = k(&["keydb", "details"], &kdb);
    assert!(details.contains("CMS v3"), "{details}");
    // A wrong password is proven wrong on a key (not "or damaged").
    let out = KDBMAN
        .std()
        .args(["cert", "list", "--db", s(&kdb), "--pw-env", "V3PW"])
        .env("V3PW", "v3-fixture-pW")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
}

/// The public key of a PEM certificate and of a PEM private key, by
/// openssl, must be the same.
fn assert_key_matches_cert(dir: &Path, cert: &str, key: &str, extra: &[&str]) {
    let from_cert = common::tool_text(dir, "openssl", &["x509", "-in", cert, "-noout", "-pubkey"]);
    let mut args = vec!["pkey", "-in", key, "-pubout"];
    args.extend_from_slice(extra);
    let from_key = common::tool_text(dir, "openssl", &args);
    assert!(from_cert.contains("BEGIN PUBLIC KEY"), "{from_cert}");
    assert_eq!(from_cert, from_key, "{cert} / {key}");
}

#[test]
fn fixture_exports_keys_that_match_their_certificates() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let (d, kdb) = fixture();
    let dir = d.path();
    for label in ["rsa-server", "ec-server"] {
        let pem = dir.join(format!("{label}.pem"));
        k(
            &[
                "cert",
                "extract",
                "--label",
                label,
                "--with-key",
                "--chain",
                "--target",
                s(&pem),
            ],
            &kdb,
        );
        assert_key_matches_cert(dir, s(&pem), s(&pem), &[]);
        // PKCS#12 export, opened by openssl.
        let p12 = dir.join(format!("{label}.p12"));
        k(
            &[
                "cert",
                "export",
                "--label",
                label,
                "--target",
                s(&p12),
                "--target-pw-env",
                PW_VAR,
            ],
            &kdb,
        );
        let pass = format!("pass:{FIXTURE_PW}");
        let key = dir.join(format!("{label}.key.pem"));
        let cert = dir.join(format!("{label}.crt.pem"));
        common::tool(
            dir,
            "openssl",
            &[
                "pkcs12",
                "-in",
                s(&p12),
                "-passin",
                &pass,
                "-nocerts",
                "-nodes",
                "-out",
                s(&key),
            ],
        );
        common::tool(
            dir,
            "openssl",
            &[
                "pkcs12",
                "-in",
                s(&p12),
                "-passin",
                &pass,
                "-clcerts",
                "-nokeys",
                "-out",
                s(&cert),
            ],
        );
        assert_key_matches_cert(dir, s(&cert), s(&key), &[]);
    }
    // The chain in the RSA export verifies up to the fixture's root.
    let root = fixture_dir().join("rsa-root.pem");
    let pem = std::fs::read_to_string(dir.join("rsa-server.pem")).unwrap();
    let certs: Vec<&str> = pem
        .split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|c| c.contains("BEGIN CERTIFICATE"))
        .collect();
    assert!(certs.len() >= 2, "leaf and intermediate at least: {pem}");
    std::fs::write(dir.join("leaf.pem"), certs[0].trim_start()).unwrap();
    std::fs::write(dir.join("inter.pem"), certs[1].trim_start()).unwrap();
    let v = common::tool_text(
        dir,
        "openssl",
        &[
            "verify",
            "-CAfile",
            s(&root),
            "-untrusted",
            "inter.pem",
            "leaf.pem",
        ],
    );
    assert!(v.contains("leaf.pem: OK"), "{v}");
}

#[test]
fn fixture_lint_reports_v3_weaknesses_with_the_upgrade() {
    let (_d, kdb) = fixture();
    let out = KDBMAN
        .std()
        .args(["lint", "--format", "json", "--label", "rsa-server"])
        .args(pw_args(&kdb))
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let findings = v["findings"].as_array().unwrap();
    let v3 = findings
        .iter()
        .find(|f| f["code"] == "KDB0012W")
        .unwrap_or_else(|| panic!("no KDB0012W: {v:#}"));
    let msg = v3["message"].as_str().unwrap();
    assert!(
        msg.contains("MD5") && msg.contains("DES") && msg.contains("2 private keys"),
        "{msg}"
    );
    assert!(
        v3["fix"].as_str().unwrap().contains("keydb convert --db")
            && v3["fix"].as_str().unwrap().contains("--cms-version 6"),
        "{v3}"
    );
    // The store opened: no open/format/password finding.
    for f in findings {
        let code = f["code"].as_str().unwrap();
        assert!(!["SSL0215E", "SSL0218E", "SSL0214E"].contains(&code), "{f}");
    }
    // Explained like every other code.
    let e = KDBMAN.stdout(&["explain", "KDB0012W"]);
    assert!(
        e.contains("CMS v3 key database") && e.contains("--cms-version 6"),
        "{e}"
    );
    // A v6 store has no KDB0012W.
    let d = tempfile::tempdir().unwrap();
    let v6 = d.path().join("v6.kdb");
    KDBMAN
        .std()
        .args([
            "keydb",
            "convert",
            "--target",
            s(&v6),
            "--target-type",
            "cms",
        ])
        .args(["--target-pw-env", PW_VAR])
        .args(pw_args(&kdb))
        .output()
        .unwrap();
    let out = KDBMAN
        .std()
        .args(["lint", "--format", "json", "--label", "rsa-server"])
        .args(pw_args(&v6))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "KDB0012W"),
        "{v:#}"
    );
}

#[test]
fn fixture_old_roots_are_warnings_not_errors() {
    // The fixture holds 1990s-style roots as real IBM stores do:
    // `old-md5-ca` (serial 0, MD5) and `old-md2-ca` (v1, MD2). A trust
    // anchor's serial and self-signature are never processed: KDB0014W,
    // never SSL0210E, and lint passes on a store whose server is fine.
    let (_d, kdb) = fixture();
    let out = KDBMAN
        .std()
        .args(["lint", "--format", "json", "--label", "rsa-server"])
        .args(pw_args(&kdb))
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["severity"] != "error"), "{v:#}");
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    for (label, what) in [
        ("old-md5-ca", &["serial number is zero", "MD5"][..]),
        ("old-md2-ca", &["MD2", "version 1"][..]),
    ] {
        let w: Vec<&Value> = findings
            .iter()
            .filter(|f| f["code"] == "KDB0014W" && f["label"] == label)
            .collect();
        assert_eq!(w.len(), 1, "{label}: {v:#}");
        assert_eq!(w[0]["severity"], "warning");
        let msg = w[0]["message"].as_str().unwrap();
        assert!(msg.contains("Old Trust"), "{msg}");
        for x in what {
            assert!(msg.contains(x), "{label}: {x}: {msg}");
        }
        let fix = w[0]["fix"].as_str().unwrap();
        assert!(fix.contains(&format!("--label {label}")), "{fix}");
    }
    // The modern roots are not reported.
    assert_eq!(
        findings.iter().filter(|f| f["code"] == "KDB0014W").count(),
        2,
        "{v:#}"
    );
    let e = KDBMAN.stdout(&["explain", "KDB0014W"]);
    assert!(e.contains("RFC 5280") && e.contains("cert delete"), "{e}");
}

/// `kdbman serve --label LABEL` on port 0: the server (stopped on drop)
/// and its port.
fn serve(kdb: &Path, label: &str) -> (Serving, u16) {
    let mut cmd = KDBMAN.std();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--label", label])
        .args(pw_args(kdb));
    Serving::on_loopback(cmd)
}

#[test]
fn fixture_serves_each_personal_entry_by_label() {
    if !common::require_tool("curl", "--version") {
        return;
    }
    let (_d, kdb) = fixture();
    for (label, host, root) in [
        ("rsa-server", "rsa.v3.test", "rsa-root.pem"),
        ("ec-server", "ec.v3.test", "ec-root.pem"),
    ] {
        let (server, port) = serve(&kdb, label);
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "15", "--cacert"])
            .arg(fixture_dir().join(root))
            .args(["--resolve", &format!("{host}:{port}:127.0.0.1")])
            .arg(format!("https://{host}:{port}/?format=json"))
            .output()
            .unwrap();
        drop(server);
        assert!(out.status.success(), "{label}: {}", text(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.to_string().contains(&format!("\"{label}\"")), "{v:#}");
    }
}

#[test]
fn a_change_keeps_v3_its_md5_values_and_its_key_scheme() {
    let (d, kdb) = fixture();
    k(
        &[
            "cert",
            "create",
            "--label",
            "added-ec",
            "--dn",
            "CN=added.v3.test",
            "--key",
            "ec:p256",
        ],
        &kdb,
    );
    k(
        &[
            "cert",
            "rename",
            "--label",
            "rsa-root",
            "--new-label",
            "root-renamed",
        ],
        &kdb,
    );
    let ca = fixture_dir().join("ec-root.pem");
    k(&["cert", "delete", "--label", "ec-root"], &kdb);
    k(
        &["cert", "add", "--label", "ec-root-again", "--file", s(&ca)],
        &kdb,
    );
    let bytes = std::fs::read(&kdb).unwrap();
    let recs = check_v3_bytes(&bytes, 2, FIXTURE_PW);
    check_v3_bytes(
        &std::fs::read(d.path().join("v3.rdb")).unwrap(),
        1,
        FIXTURE_PW,
    );
    // Every key, the new one included, is pbeWithMD5AndDES-CBC.
    let mut new_key = None;
    for r in &recs {
        if let Body::Personal { key, .. } = &r.body {
            assert!(key.windows(11).any(|w| w == PBES1_MD5_DES), "PBES1");
            assert!(!key.windows(11).any(|w| w == PBES2), "no PBES2");
            if r.label == b"added-ec" {
                new_key = Some(key.clone());
            }
        }
    }
    // openssl decrypts the key kdbman wrote (an independent PBES1).
    if common::require_tool("openssl", "version") {
        let dir = d.path();
        std::fs::write(dir.join("added.der"), new_key.expect("added-ec has a key")).unwrap();
        let pass = format!("pass:{FIXTURE_PW}");
        common::tool(
            dir,
            "openssl",
            &[
                "pkcs8",
                "-inform",
                "DER",
                "-in",
                "added.der",
                "-passin",
                &pass,
                "-out",
                "added.key",
                "-provider",
                "legacy",
                "-provider",
                "default",
            ],
        );
        k(
            &[
                "cert",
                "extract",
                "--label",
                "added-ec",
                "--target",
                s(&dir.join("added.crt")),
            ],
            &kdb,
        );
        assert_key_matches_cert(dir, "added.crt", "added.key", &[]);
    }
    let listed = k(&["cert", "list"], &kdb);
    for label in ["root-renamed", "added-ec", "ec-root-again"] {
        assert!(listed.contains(label), "{listed}");
    }
    assert!(!listed.contains("ec-root "), "{listed}");
}

#[test]
fn swapped_slots_are_damage() {
    let (_d, kdb) = fixture();
    let mut bytes = std::fs::read(&kdb).unwrap();
    let slot = be32(&bytes[0x10..]) as usize;
    let (a, b) = (0x50, 0x50 + slot);
    let first = bytes[a..a + slot].to_vec();
    bytes.copy_within(b..b + slot, a);
    bytes[b..b + slot].copy_from_slice(&first);
    write_private(&kdb, &bytes);
    // The XOR still matches: only the record numbers show the swap.
    let e = Store::open(&kdb, &Password::new(FIXTURE_PW), Access::Read).unwrap_err();
    assert_eq!(e.class(), ErrorClass::Damaged, "{e}");
    let out = KDBMAN
        .std()
        .args(["cert", "list"])
        .args(pw_args(&kdb))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(text(&out).contains("record number 2"), "{}", text(&out));
}

#[test]
fn verifier_damage_is_proved_by_a_key() {
    let (_d, kdb) = fixture();
    let mut bytes = std::fs::read(&kdb).unwrap();
    for at in [0x19, 0x35, 0x45, 0x50 + 100] {
        let mut b = bytes.clone();
        b[at] ^= 0x20;
        write_private(&kdb, &b);
        let e = Store::open(&kdb, &Password::new(FIXTURE_PW), Access::Read).unwrap_err();
        // The password is right (a key decrypts): the file is damaged.
        assert_eq!(e.class(), ErrorClass::Damaged, "{at:#x}: {e}");
    }
    bytes[0x30] ^= 1;
    write_private(&kdb, &bytes);
    let e = Store::open(&kdb, &Password::new("wrong"), Access::Read).unwrap_err();
    assert_eq!(e.class(), ErrorClass::WrongPassword, "{e}");
}

#[test]
fn convert_upgrades_v3_to_v6_with_pbes2_keys() {
    let (d, kdb) = fixture();
    let v6 = d.path().join("v6.kdb");
    k(
        &[
            "keydb",
            "convert",
            "--target",
            s(&v6),
            "--target-type",
            "cms",
            "--cms-version",
            "6",
            "--target-pw-env",
            PW_VAR,
        ],
        &kdb,
    );
    let gsk = d.path().join("gsk.kdb");
    let out = KDBMAN
        .std()
        .args(["-keydb", "-convert", "-db", s(&kdb), "-pw", FIXTURE_PW])
        .args(["-new_format", "cms", "-target", s(&gsk)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    for path in [&v6, &gsk] {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(bytes[2], 6, "{}", path.display());
        let store = Store::open(path, &Password::new(FIXTURE_PW), Access::Read).unwrap();
        let mut labels: Vec<&str> = store.entries().iter().map(|e| e.label()).collect();
        labels.sort_unstable();
        let mut want = LABELS.map(|(l, _)| l);
        want.sort_unstable();
        assert_eq!(labels, want, "{}", path.display());
        let l = kdbman::store::cms::container::parse(path, &bytes).unwrap();
        let mut keys = 0;
        for slot in l.slots() {
            if let Body::Personal { key, .. } = record::decode_slot(slot).unwrap().body {
                assert!(key.windows(11).any(|w| w == PBES2), "PBES2 in v6");
                keys += 1;
            }
        }
        assert_eq!(keys, 2);
    }
    // The source is untouched.
    check_v3_bytes(&std::fs::read(&kdb).unwrap(), 2, FIXTURE_PW);
}

#[test]
fn changepw_keeps_v3_and_re_encrypts_keys_with_des() {
    let (d, kdb) = fixture();
    let new_pw = "Another-v3-Passw0rd";
    let out = KDBMAN
        .std()
        .args(["keydb", "changepw", "--new-pw-env", "V3NEW"])
        .args(pw_args(&kdb))
        .env("V3NEW", new_pw)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let recs = check_v3_bytes(&std::fs::read(&kdb).unwrap(), 2, new_pw);
    check_v3_bytes(&std::fs::read(d.path().join("v3.rdb")).unwrap(), 1, new_pw);
    let mut keys = 0;
    for r in &recs {
        if let Body::Personal { key, .. } = &r.body {
            assert!(key.windows(11).any(|w| w == PBES1_MD5_DES), "PBES1");
            keys += 1;
        }
    }
    assert_eq!(keys, 2);
    let store = Store::open(&kdb, &Password::new(new_pw), Access::Read).unwrap();
    assert_eq!(store.entries().len(), LABELS.len());
    let e = Store::open(&kdb, &Password::new(FIXTURE_PW), Access::Read).unwrap_err();
    assert_eq!(e.class(), ErrorClass::WrongPassword, "{e}");
}

/// `keydb convert` without `--target` upgrades the store where it lies:
/// .kdb and its v3 .rdb become v6 with PBES2 keys, in one change that keeps
/// the password, the stash, and (run as root) each file's owner, group and
/// mode; a downgrade is refused and changes nothing.
#[test]
fn convert_in_place_upgrades_v3_keeping_password_stash_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (d, kdb) = fixture();
    let rdb = d.path().join("v3.rdb");
    let sth = d.path().join("v3.sth");
    k(&["keydb", "stashpw"], &kdb);
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    for f in [&kdb, &rdb, &sth] {
        if as_root {
            std::os::unix::fs::chown(f, Some(12345), Some(12345)).unwrap();
        }
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let attrs = |f: &Path| {
        let m = std::fs::metadata(f).unwrap();
        (m.uid(), m.gid(), m.mode() & 0o7777)
    };
    let before: Vec<_> = [&kdb, &rdb, &sth].map(|f| attrs(f)).to_vec();
    let stash_bytes = std::fs::read(&sth).unwrap();
    let said = KDBMAN.stdout(&["keydb", "convert", "--db", s(&kdb), "--stashed"]);
    assert!(said.contains("CMS v3 to CMS v6"), "{said}");
    assert!(said.contains(".rdb: CMS v3 to v6"), "{said}");
    let after: Vec<_> = [&kdb, &rdb, &sth].map(|f| attrs(f)).to_vec();
    assert_eq!(before, after, "owner, group and mode kept");
    assert_eq!(
        std::fs::read(&sth).unwrap(),
        stash_bytes,
        "the stash is not rewritten"
    );
    let bytes = std::fs::read(&kdb).unwrap();
    assert_eq!(bytes[2], 6);
    assert_eq!(std::fs::read(&rdb).unwrap()[2], 6);
    let l = kdbman::store::cms::container::parse(&kdb, &bytes).unwrap();
    let mut keys = 0;
    for slot in l.slots() {
        if let Body::Personal { key, .. } = record::decode_slot(slot).unwrap().body {
            assert!(
                key.windows(11).any(|w| w == PBES2),
                "PBES2 after the upgrade"
            );
            keys += 1;
        }
    }
    assert_eq!(keys, 2);
    // The same password opens it, and so does the untouched stash.
    let store = Store::open(&kdb, &Password::new(FIXTURE_PW), Access::Read).unwrap();
    assert_eq!(store.entries().len(), LABELS.len());
    let listed = KDBMAN.stdout(&["cert", "list", "--db", s(&kdb), "--stashed"]);
    assert!(
        listed.contains("rsa-server") && listed.contains("old-md2-ca"),
        "{listed}"
    );
    // No way down in place: refused, nothing written.
    let out = KDBMAN.output(&[
        "keydb",
        "convert",
        "--db",
        s(&kdb),
        "--stashed",
        "--cms-version",
        "4",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not converted down"), "{}", text(&out));
    assert_eq!(std::fs::read(&kdb).unwrap(), bytes);
}
