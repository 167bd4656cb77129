//! PKCS#12 friendly names as other tools write them (issue 19,
//! deliverable 8 and acceptance 7): a trailing NUL (`6BC162DA\0`, the C
//! string's terminator copied into the BMPString) is removed; a name that
//! cannot be a label gives way to one derived from the certificate, and
//! the output says which. No import fails because of its friendly name.
//!
//! The files are written here with kdbman's own PKCS#12 writer, which
//! takes any name: `openssl pkcs12 -name` cannot carry a NUL.

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW), ("P12PW", P12_PW)]).stdin_null();

use std::path::Path;

use kdbman::Password;
use kdbman::pki::pkcs12::{Profile, write};
use kdbman::pki::{CertSpec, KeyType, keygen};
use serde_json::Value;
use tempfile::TempDir;

const PW: &str = "Friendly-Names-2026";
const P12_PW: &str = "p12-password";

fn labels(dir: &Path, db: &str, pw_env: &str) -> Vec<(String, String)> {
    let (out, _) = KDBMAN.ok_text_in(
        dir,
        &["cert", "list", "--db", db, "--pw-env", pw_env, "--json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["label"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A PKCS#12 file holding one key (its certificate with CN `cn`) under
/// the friendly name `key_name`, and optionally a CA certificate (CN
/// `Names CA`) under `ca_name`.
fn p12(dir: &Path, file: &str, cn: &str, key_name: &str, ca_name: Option<&str>) {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new(format!("CN={cn}"), 30)
        .self_signed(&key)
        .unwrap();
    let ca_key = keygen::generate(KeyType::EcP256).unwrap();
    let ca = CertSpec::new("CN=Names CA", 30)
        .self_signed(&ca_key)
        .unwrap();
    let certs: Vec<(&str, &[u8])> = ca_name.map(|n| (n, ca.as_slice())).into_iter().collect();
    let bytes = write(
        &[(key_name, &key, std::slice::from_ref(&cert))],
        &certs,
        &Password::new(P12_PW),
        Profile::Modern,
    )
    .unwrap();
    std::fs::write(dir.join(file), &bytes[..]).unwrap();
}

/// The BMPString bytes of a name (UTF-16BE), to prove the file holds it.
fn bmp(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

#[test]
fn a_friendly_name_ending_in_nul_imports_without_it() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    p12(d, "nul.p12", "nul.example", "6BC162DA\0", None);
    let raw = std::fs::read(d.join("nul.p12")).unwrap();
    let with_nul = bmp("6BC162DA\0");
    assert!(
        raw.windows(with_nul.len()).any(|w| w == with_nul),
        "the fixture must carry the NUL in its BMPString"
    );

    // kdbman's own import prints the label it used.
    KDBMAN.ok_text_in(d, &["keydb", "create", "--db", "k.kdb", "--pw-env", "KPW"]);
    let (out, err) = KDBMAN.ok_text_in(
        d,
        &[
            "cert",
            "import",
            "--db",
            "k.kdb",
            "--pw-env",
            "KPW",
            "--file",
            "nul.p12",
            "--file-pw-env",
            "P12PW",
        ],
    );
    assert_eq!(out, "imported personal certificate `6BC162DA`\n");
    assert!(!err.contains("not usable"), "{err}");
    assert_eq!(
        labels(d, "k.kdb", "KPW"),
        [("6BC162DA".to_string(), "personal".to_string())]
    );

    // gsk8capicmd's line, as MQ admins run it.
    KDBMAN.ok_text_in(d, &["keydb", "create", "--db", "g.kdb", "--pw-env", "KPW"]);
    KDBMAN.ok_text_in(
        d,
        &[
            "-cert",
            "-import",
            "-file",
            "nul.p12",
            "-pw",
            P12_PW,
            "-target",
            "g.kdb",
            "-target_pw",
            PW,
        ],
    );
    assert_eq!(
        labels(d, "g.kdb", "KPW"),
        [("6BC162DA".to_string(), "personal".to_string())]
    );
    let (list, _) = KDBMAN.ok_text_in(d, &["-cert", "-list", "-db", "g.kdb", "-pw", PW]);
    assert!(list.contains("\n-\t6BC162DA\n"), "{list}");

    // Opened as a store, the file shows the same label.
    assert_eq!(
        labels(d, "nul.p12", "P12PW"),
        [("6BC162DA".to_string(), "personal".to_string())]
    );
}

#[test]
fn a_name_that_cannot_be_a_label_gives_way_to_a_derived_one() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    let long = "x".repeat(200);
    p12(
        d,
        "bad.p12",
        "bad.example",
        "web\u{7}server",
        Some(long.as_str()),
    );
    KDBMAN.ok_text_in(d, &["keydb", "create", "--db", "k.kdb", "--pw-env", "KPW"]);
    let (out, err) = KDBMAN.ok_text_in(
        d,
        &[
            "cert",
            "import",
            "--db",
            "k.kdb",
            "--pw-env",
            "KPW",
            "--file",
            "bad.p12",
            "--file-pw-env",
            "P12PW",
        ],
    );
    // The certificates' CNs became the labels, and both outputs say so.
    assert!(
        out.contains("imported personal certificate `bad.example`")
            && out.contains("imported signer certificate `Names CA`"),
        "{out}"
    );
    assert!(
        err.contains("\"web\\x07server\"")
            && err.contains("it contains control characters")
            && err.contains("imported as `bad.example`"),
        "{err}"
    );
    assert!(
        err.contains("it is longer than 128 characters") && err.contains("imported as `Names CA`"),
        "{err}"
    );
    let mut got = labels(d, "k.kdb", "KPW");
    got.sort();
    assert_eq!(
        got,
        [
            ("Names CA".to_string(), "signer".to_string()),
            ("bad.example".to_string(), "personal".to_string()),
        ]
    );

    // The derived label is unique in the store: a second file whose key
    // has the same CN and an unusable name does not fail either.
    p12(d, "bad2.p12", "bad.example", "\u{1}", None);
    let (out, err) = KDBMAN.ok_text_in(
        d,
        &[
            "cert",
            "import",
            "--db",
            "k.kdb",
            "--pw-env",
            "KPW",
            "--file",
            "bad2.p12",
            "--file-pw-env",
            "P12PW",
        ],
    );
    assert!(out.contains("`bad.example (2)`"), "{out}");
    assert!(err.contains("imported as `bad.example (2)`"), "{err}");

    // The gsk8capicmd front end is silent on success but says this.
    KDBMAN.ok_text_in(d, &["keydb", "create", "--db", "g.kdb", "--pw-env", "KPW"]);
    let (out, err) = KDBMAN.ok_text_in(
        d,
        &[
            "-cert",
            "-import",
            "-file",
            "bad.p12",
            "-pw",
            P12_PW,
            "-target",
            "g.kdb",
            "-target_pw",
            PW,
        ],
    );
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("imported as `bad.example`"), "{err}");
    assert!(
        labels(d, "g.kdb", "KPW")
            .iter()
            .any(|(l, k)| l == "bad.example" && k == "personal")
    );
}
