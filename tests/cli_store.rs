//! Acceptance 1 through the CLI: a store's whole life (create, stash,
//! certificates of every key family, a signer, default, rename, delete,
//! reopen by password and by stash), password sources, and exit statuses.

mod common;
use common::floor;
use common::{Kdbman, new_store, run_with};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)])
    .without(&["KDBMAN_PW"])
    .never_prints(PW);

use std::path::Path;

use kdbman::pki::{CertSpec, KeyType, keygen};
use serde_json::{Value, json};

const PW: &str = "round trip password";

use common::now;

fn list_json(db: &Path, source: &[&str]) -> Value {
    let mut args = vec!["cert", "list", "--db", db.to_str().unwrap(), "--json"];
    args.extend_from_slice(source);
    let mut v: Value = serde_json::from_str(&KDBMAN.stdout(&args)).unwrap();
    // These tests are about a native store; serial and trust are checked
    // in tests/cms.rs.
    assert_eq!(v["format"], "kdbman");
    let obj = v.as_object_mut().unwrap();
    obj.remove("format");
    for e in obj["entries"].as_array_mut().unwrap() {
        let e = e.as_object_mut().unwrap();
        assert!(e.remove("serial").is_some() && e.remove("trusted").is_some());
    }
    v
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sha256_hex(b: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, b).as_ref())
}

/// The certificate of `label`, as `cert extract --format der` writes it.
fn extract_der(db: &Path, label: &str, dir: &Path) -> Vec<u8> {
    let target = dir.join(format!("{label}.der"));
    KDBMAN.stdout(&[
        "cert",
        "extract",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--label",
        label,
        "--target",
        target.to_str().unwrap(),
        "--format",
        "der",
        "--force",
    ]);
    std::fs::read(target).unwrap()
}

fn not_after(der: &[u8]) -> i64 {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    c.validity().not_after.timestamp()
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The `cert list --json` row we expect for an entry, built from the
/// certificate read back independently (x509-parser, ring).
fn row(label: &str, kind: &str, default: bool, subject: &str, der: &[u8]) -> Value {
    json!({
        "label": label,
        "kind": kind,
        "default": default,
        "subject": subject,
        "not_after": rfc3339(not_after(der)),
        "sha256": sha256_hex(der),
    })
}

#[test]
fn round_trip_list_shows_exactly_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "rt.kdb", true);
    let d = db.to_str().unwrap();
    assert!(
        dir.path().join("rt.sth").exists(),
        "--stash writes STORE.sth"
    );
    assert_eq!(list_json(&db, &["--pw-env", "KPW"]), json!({"entries": []}));

    let t0 = now();
    for (label, key, days) in [
        ("rsa", "rsa:2048", "30"),
        ("ec", "ec:p256", "90"),
        ("ed", "ed25519", "400"),
    ] {
        let dn = format!("CN={label}.example.com,O=Example");
        let san = format!("dns:{label}.example.com");
        let mut args = vec![
            "cert",
            "create",
            "--db",
            d,
            "--pw-env",
            "KPW",
            "--label",
            label,
            "--dn",
            &dn,
            "--key",
            key,
            "--san",
            &san,
            "--san",
            "ip:192.0.2.7",
            "--days",
            days,
        ];
        // The last one made is made the default.
        if label == "ed" {
            args.push("--default");
        }
        KDBMAN.stdout(&args);
    }
    let t1 = now();
    assert_eq!(
        KDBMAN
            .stdout(&["cert", "getdefault", "--db", d, "--pw-env", "KPW"])
            .trim(),
        "ed",
        "cert create --default"
    );

    // A signer from PEM, made independently of the CLI.
    let ca_key = keygen::generate(KeyType::EcP384).unwrap();
    let mut spec = CertSpec::new("CN=Test Root CA", 3650);
    spec.is_ca = true;
    let ca_der = spec.self_signed(&ca_key).unwrap();
    let pem = kdbman::pki::pem_encode("CERTIFICATE", &ca_der);
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, pem).unwrap();
    KDBMAN.stdout(&[
        "cert",
        "add",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "Root CA",
        "--file",
        ca_file.to_str().unwrap(),
    ]);

    KDBMAN.stdout(&[
        "cert",
        "setdefault",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "ec",
    ]);
    KDBMAN.stdout(&[
        "cert",
        "rename",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "rsa",
        "--new-label",
        "web-rsa",
    ]);
    KDBMAN.stdout(&[
        "cert", "delete", "--db", d, "--pw-env", "KPW", "--label", "ed",
    ]);
    assert_eq!(
        KDBMAN
            .stdout(&["cert", "getdefault", "--db", d, "--stashed"])
            .trim(),
        "ec"
    );

    let rsa = extract_der(&db, "web-rsa", dir.path());
    let ec = extract_der(&db, "ec", dir.path());
    let ca = extract_der(&db, "Root CA", dir.path());
    assert_eq!(ca, ca_der, "the signer is stored byte for byte");
    // Validity: --days from creation (certificates start five minutes back).
    for (der, days) in [(&rsa, 30), (&ec, 90)] {
        let na = not_after(der);
        let lo = t0 - 300 + days * 86_400;
        let hi = t1 - 300 + days * 86_400;
        assert!(
            (lo..=hi).contains(&na),
            "not_after {na} outside {lo}..={hi}"
        );
    }

    let expected = json!({"entries": [
        row("web-rsa", "personal", false, "CN=web-rsa.example.com,O=Example", &rsa),
        row("ec", "personal", true, "CN=ec.example.com,O=Example", &ec),
        row("Root CA", "signer", false, "CN=Test Root CA", &ca),
    ]});
    // The renamed certificate keeps its subject.
    let mut expected = expected;
    expected["entries"][0]["subject"] = json!("CN=rsa.example.com,O=Example");

    assert_eq!(
        list_json(&db, &["--pw-env", "KPW"]),
        expected,
        "opened with the password"
    );
    assert_eq!(
        list_json(&db, &["--stashed"]),
        expected,
        "opened with the stash beside it"
    );
    let sth = dir.path().join("rt.sth");
    assert_eq!(
        list_json(&db, &["--stash", sth.to_str().unwrap()]),
        expected,
        "opened with --stash PATH"
    );

    // Kind filter and details agree with the list.
    let signers = list_json(&db, &["--stashed", "--kind", "signer"]);
    assert_eq!(signers["entries"], json!([expected["entries"][2]]));
    let details: Value = serde_json::from_str(&KDBMAN.stdout(&[
        "cert",
        "details",
        "--db",
        d,
        "--stashed",
        "--label",
        "web-rsa",
        "--json",
    ]))
    .unwrap();
    assert_eq!(details["kind"], "personal");
    assert_eq!(details["has_private_key"], true);
    assert_eq!(
        details["certificate"]["sha256"],
        expected["entries"][0]["sha256"]
    );
    assert_eq!(
        details["certificate"]["subject_alt_names"],
        json!(["dns:rsa.example.com", "ip:192.0.2.7"])
    );
    // keydb details counts what is there.
    let kd: Value = serde_json::from_str(&KDBMAN.stdout(&[
        "keydb",
        "details",
        "--db",
        d,
        "--stashed",
        "--json",
    ]))
    .unwrap();
    assert_eq!(
        kd["entries"],
        json!({"total": 3, "personal": 2, "signer": 1, "request": 0})
    );
    assert_eq!(kd["default"], "ec");
    assert_eq!(kd["stash"]["state"], "good");
}

#[test]
fn labels_are_unique_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "dup.kdb", false);
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "Web", "--dn", "CN=a", "--key",
        "ec:p256",
    ]);
    let (code, _, err) = KDBMAN.run(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "web", "--dn", "CN=b", "--key",
        "ec:p256",
    ]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("SSL0217E"), "{err}");
    // Lookup is case-insensitive too.
    KDBMAN.stdout(&[
        "cert", "details", "--db", d, "--pw-env", "KPW", "--label", "WEB",
    ]);
    // Renaming onto a taken label is refused.
    KDBMAN.stdout(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "other", "--dn", "CN=c",
        "--key", "ec:p256",
    ]);
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "rename",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "other",
        "--new-label",
        "WEB",
    ]);
    assert_eq!(code, 8, "{err}");
    let list = list_json(&db, &["--pw-env", "KPW"]);
    let labels: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Web", "other"]);
}

#[test]
fn the_same_certificate_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "dupkey.kdb", false);
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "a", "--dn", "CN=a", "--key",
        "ec:p256",
    ]);
    let der = extract_der(&db, "a", dir.path());
    let f = dir.path().join("a.der");
    std::fs::write(&f, &der).unwrap();
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "add",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "copy",
        "--file",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("SSL0216E") && err.contains("`a`"), "{err}");
    // A bundle whose second certificate is a duplicate adds nothing at all.
    let other = CertSpec::new("CN=other CA", 30)
        .self_signed(&keygen::generate(KeyType::EcP256).unwrap())
        .unwrap();
    let bundle = dir.path().join("bundle.pem");
    let text = kdbman::pki::pem_encode("CERTIFICATE", &other)
        + &kdbman::pki::pem_encode("CERTIFICATE", &der);
    std::fs::write(&bundle, text).unwrap();
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "add",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "ca",
        "--file",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(code, 8, "{err}");
    let list = list_json(&db, &["--pw-env", "KPW"]);
    assert_eq!(list["entries"].as_array().unwrap().len(), 1, "{list}");
}

#[test]
fn password_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "pw.kdb", false);
    let d = db.to_str().unwrap();
    let empty = json!({"entries": []});

    // --pw-file: the first line.
    let f = dir.path().join("pw.txt");
    std::fs::write(&f, format!("{PW}\nignored second line\n")).unwrap();
    assert_eq!(list_json(&db, &["--pw-file", f.to_str().unwrap()]), empty);

    // --pw-stdin.
    let mut c = KDBMAN.cmd();
    c.write_stdin(format!("{PW}\n"));
    let (code, out, err) = run_with(c, &["cert", "list", "--db", d, "--pw-stdin", "--json"]);
    assert_eq!(code, 0, "{err}");
    let mut v = serde_json::from_str::<Value>(&out).unwrap();
    assert_eq!(
        v.as_object_mut().unwrap().remove("format"),
        Some(json!("kdbman"))
    );
    assert_eq!(v, empty);

    // --pw works, warns, and does not echo the value.
    let (code, out, err) = KDBMAN.run(&["cert", "list", "--db", d, "--pw", PW, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning") && err.contains("visible to other processes"),
        "{err}"
    );
    assert!(!err.contains(PW) && !out.contains(PW));

    // No source and no terminal: a usage error, not a hang.
    let (code, _, err) = KDBMAN.run(&["cert", "list", "--db", d]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no password given"), "{err}");

    // Two sources: a usage error.
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "list",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--pw-file",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");

    // changepw reading both passwords from stdin, one per line.
    let mut c = KDBMAN.cmd();
    c.write_stdin(format!("{PW}\nthe new one\n"));
    let (code, _, err) = run_with(
        c,
        &[
            "keydb",
            "changepw",
            "--db",
            d,
            "--pw-stdin",
            "--new-pw-stdin",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = KDBMAN.run(&["cert", "list", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(code, 6, "the old password no longer opens: {err}");
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "the new one");
    let (code, _, err) = run_with(c, &["cert", "list", "--db", d, "--pw-env", "NEWPW"]);
    assert_eq!(code, 0, "{err}");

    // changepw with --new-pw-env and --new-pw-file.
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "the new one");
    let (code, _, err) = run_with(
        c,
        &[
            "keydb",
            "changepw",
            "--db",
            d,
            "--pw-env",
            "NEWPW",
            "--new-pw-file",
            f.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "third");
    let (code, _, err) = run_with(
        c,
        &[
            "keydb",
            "changepw",
            "--db",
            d,
            "--pw-env",
            "KPW",
            "--new-pw-env",
            "NEWPW",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "third");
    let (code, _, err) = run_with(c, &["keydb", "details", "--db", d, "--pw-env", "NEWPW"]);
    assert_eq!(code, 0, "{err}");

    // stdin that ends early is a usage error.
    let mut c = KDBMAN.cmd();
    c.write_stdin("");
    let (code, _, err) = run_with(c, &["cert", "list", "--db", d, "--pw-stdin"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn exit_statuses_per_class() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "x.kdb", false);
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "short", "--dn", "CN=short",
        "--key", "ec:p256", "--days", "10",
    ]);

    let code_of = |args: &[&str]| {
        let (code, _, err) = KDBMAN.run(args);
        (code, err)
    };
    // 1: findings (--expiring).
    let (c, e) = code_of(&[
        "cert",
        "list",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--expiring",
        "30",
    ]);
    assert_eq!(c, 1, "{e}");
    let (c, e) = code_of(&[
        "cert",
        "list",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--expiring",
        "5",
    ]);
    assert_eq!(c, 0, "{e}");
    // 2: usage (clap and ours).
    let (c, _) = code_of(&["cert", "list", "--db", d, "--no-such-option"]);
    assert_eq!(c, 2);
    let (c, e) = code_of(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "z", "--dn", "CN=z", "--key",
        "rsa:1024",
    ]);
    assert_eq!(c, 2, "{e}");
    // 3: cannot read.
    let missing = dir.path().join("missing.kdb");
    let (c, e) = code_of(&[
        "cert",
        "list",
        "--db",
        missing.to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(c, 3, "{e}");
    assert!(e.contains("SSL0214E") && e.contains("missing.kdb"), "{e}");
    // 4: not a store (and what it is).
    let pem = dir.path().join("cert.pem");
    std::fs::write(
        &pem,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (c, e) = code_of(&[
        "cert",
        "list",
        "--db",
        pem.to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(c, 4, "{e}");
    assert!(e.contains("SSL0215E") && e.contains("PEM"), "{e}");
    // 6: wrong password.
    let mut cmd = KDBMAN.cmd();
    cmd.env("KPW", "not it");
    let (c, _, e) = run_with(cmd, &["cert", "list", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(c, 6, "{e}");
    assert!(
        e.contains("SSL0218E") && e.contains("password is incorrect"),
        "{e}"
    );
    // 5: damaged (a payload byte flipped), with the right or a wrong password.
    let damaged = dir.path().join("damaged.kdb");
    let mut bytes = std::fs::read(&db).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0x01;
    std::fs::write(&damaged, &bytes).unwrap();
    let (c, e) = code_of(&[
        "cert",
        "list",
        "--db",
        damaged.to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(c, 5, "{e}");
    assert!(e.contains("SSL0218E") && e.contains("damaged"), "{e}");
    assert!(!e.contains("password is incorrect"), "{e}");
    // 8: entry.
    let (c, e) = code_of(&[
        "cert", "details", "--db", d, "--pw-env", "KPW", "--label", "nope",
    ]);
    assert_eq!(c, 8, "{e}");
    assert!(e.contains("SSL0227E"), "{e}");
    let (c, e) = code_of(&[
        "cert",
        "setdefault",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "nope",
    ]);
    assert_eq!(c, 8, "{e}");
    let (c, e) = code_of(&["cert", "getdefault", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(c, 8, "no default yet: {e}");
    // 9: unusable input file.
    let junk = dir.path().join("junk.der");
    std::fs::write(&junk, b"\x30\x03\x02\x01\x01").unwrap();
    let (c, e) = code_of(&[
        "cert",
        "add",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "j",
        "--file",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(c, 9, "{e}");
    // Creating over an existing file is refused, the file left alone.
    let before = std::fs::read(&db).unwrap();
    let (c, e) = code_of(&[
        "keydb",
        "create",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--kdf-floor",
        "--type",
        "kdbman",
    ]);
    assert_eq!(c, 3, "{e}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn keydb_delete_removes_store_and_stash() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "gone.kdb", true);
    let d = db.to_str().unwrap();
    let mut cmd = KDBMAN.cmd();
    cmd.env("KPW", "wrong");
    let (c, _, e) = run_with(cmd, &["keydb", "delete", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(c, 6, "a wrong password deletes nothing: {e}");
    assert!(db.exists());
    KDBMAN.stdout(&["keydb", "delete", "--db", d, "--pw-env", "KPW"]);
    assert!(!db.exists());
    assert!(!dir.path().join("gone.sth").exists());
}

#[test]
fn extract_pem_and_refuse_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "ex.kdb", false);
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert", "create", "--db", d, "--pw-env", "KPW", "--label", "a", "--dn", "CN=a", "--key",
        "ed25519",
    ]);
    let der = extract_der(&db, "a", dir.path());
    let pem = dir.path().join("a.pem");
    KDBMAN.stdout(&[
        "cert",
        "extract",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "a",
        "--target",
        pem.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN CERTIFICATE-----"), "{text}");
    assert!(!text.contains("PRIVATE KEY"));
    assert_eq!(kdbman::pki::pem_encode("CERTIFICATE", &der), text);
    let (c, _, e) = KDBMAN.run(&[
        "cert",
        "extract",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--label",
        "a",
        "--target",
        pem.to_str().unwrap(),
    ]);
    assert_ne!(
        c, 0,
        "an existing target is not overwritten without --force: {e}"
    );
}

#[test]
fn debug_output_shows_no_secrets() {
    // `{:?}` of a store or an entry must not reveal the data key or a
    // private key (they end up in logs and panic messages).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dbg.kdb");
    let opts = floor();
    let pw = kdbman::Password::new(PW);
    let mut store = kdbman::Store::create(&path, &pw, &opts).unwrap();
    let key = keygen::generate(KeyType::Ed25519).unwrap();
    let cert = CertSpec::new("CN=dbg", 1).self_signed(&key).unwrap();
    let key_bytes = format!("{:?}", key.pkcs8_der());
    store
        .add(kdbman::Entry::personal("dbg", vec![cert], key))
        .unwrap();
    let text = format!("{store:?} {:?} {pw:?}", store.entries());
    assert!(!text.contains(PW), "{text}");
    assert!(!text.contains(&key_bytes[1..key_bytes.len() - 1]), "{text}");
    assert!(
        !text.contains("data_key") && !text.contains("Zeroizing"),
        "{text}"
    );
}

#[test]
fn keydb_delete_force_only_deletes_stores() {
    let dir = tempfile::tempdir().unwrap();
    // A damaged store that no password opens can be deleted with --force.
    let db = new_store(&KDBMAN, dir.path(), "broken.kdb", false);
    let mut b = std::fs::read(&db).unwrap();
    b[20] ^= 0xff;
    std::fs::write(&db, &b).unwrap();
    let d = db.to_str().unwrap();
    let (c, _, e) = KDBMAN.run(&["keydb", "delete", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(c, 5, "{e}");
    KDBMAN.stdout(&["keydb", "delete", "--db", d, "--force"]);
    assert!(!db.exists());
    // Something that is not a store is never deleted, even with --force.
    let pem = dir.path().join("precious.pem");
    std::fs::write(
        &pem,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (c, _, e) = KDBMAN.run(&["keydb", "delete", "--db", pem.to_str().unwrap(), "--force"]);
    assert_eq!(c, 4, "{e}");
    assert!(pem.exists());
    let missing = dir.path().join("missing.kdb");
    let (c, _, e) = KDBMAN.run(&[
        "keydb",
        "delete",
        "--db",
        missing.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(c, 3, "{e}");
}

#[test]
fn pw_stdin_reads_one_line_without_waiting_for_more() {
    // A script that writes the password and keeps stdin open must not hang.
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "stdin.kdb", false);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kdbman"))
        .args(["cert", "list", "--json", "--pw-stdin", "--db"])
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{PW}").unwrap();
    stdin.flush().unwrap();
    // Keep stdin open; give up (and fail) only if kdbman is clearly stuck.
    let mut status = None;
    for _ in 0..600 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(stdin);
    if status.is_none() {
        let _ = child.kill();
        panic!("kdbman waited for a second line on stdin");
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json!({"format": "kdbman", "entries": []}));
}

/// Issue 20, acceptance 6: `cert add` of a CA the store holds already (the
/// same DER) exits 0 both times, names the label it is under, and leaves
/// one entry; a different certificate under the same label is still
/// refused.
#[test]
fn cert_add_of_a_certificate_already_present_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "twice.kdbx", false);
    let d = db.to_str().unwrap();
    let mut spec = CertSpec::new("CN=Twice Root", 3650);
    spec.is_ca = true;
    let ca_der = spec
        .self_signed(&keygen::generate(KeyType::EcP256).unwrap())
        .unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, kdbman::pki::pem_encode("CERTIFICATE", &ca_der)).unwrap();
    let f = ca_file.to_str().unwrap();
    let add = |label: &str| {
        KDBMAN.run(&[
            "cert", "add", "--db", d, "--pw-env", "KPW", "--label", label, "--file", f,
        ])
    };
    let (code, out, err) = add("root");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added 1 signer certificate"), "{out}");
    let before = std::fs::read(&db).unwrap();
    let (code, out, err) = add("root-again");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("already as `root`"), "{out}");
    assert!(out.contains("added 0 signer certificates"), "{out}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the store was rewritten"
    );
    let listed = list_json(&db, &["--pw-env", "KPW"]);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 1, "{listed}");
    // Another certificate under a taken label is still refused.
    let other = CertSpec::new("CN=Other Root", 30)
        .self_signed(&keygen::generate(KeyType::EcP256).unwrap())
        .unwrap();
    std::fs::write(&ca_file, kdbman::pki::pem_encode("CERTIFICATE", &other)).unwrap();
    let (code, _, err) = add("root");
    assert_ne!(code, 0, "a taken label was reused");
    assert!(err.contains("SSL0217E") || err.contains("taken"), "{err}");
}
