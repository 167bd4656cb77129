//! Issue 20, acceptance 4: renewal in one step. An expiring entry,
//! `cert renew`, the request signed by an openssl CA, `cert receive`: one
//! entry under the same label with the new serial and end date, no request
//! left, the chain intact, lint clean. CMS (the default) and kdbman
//! stores, with the entry's own key and with --new-key.

mod common;
use common::{Kdbman, openssl};

use std::path::Path;

use assert_cmd::Command;
use kdbman::{Access, EntryKind, Password, Store};
use predicates::str::contains;
use serde_json::Value;

const PW: &str = "Renewal-Store-Password-9";
const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]);

fn json(db: &Path, args: &[&str]) -> Value {
    let out = KDBMAN.on_db(db, args).get_output().stdout.clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out)))
}

/// A root CA made by openssl, valid for ten years.
fn openssl_ca(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/O=Renew Test/CN=Renew Root",
            "-addext",
            "basicConstraints=critical,CA:true",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
}

/// openssl signs `csr` for `days` days, copying the requested extensions.
fn openssl_sign(dir: &Path, csr: &str, out: &str, days: u32) {
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            &days.to_string(),
            "-copy_extensions",
            "copy",
            "-out",
            out,
        ],
    );
}

fn entry(db: &Path, label: &str) -> Value {
    json(db, &["cert", "details", "--label", label, "--json"])
}

fn renewal(format: &str, new_key: bool) {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = dir.join(if format == "cms" {
        "web.kdb"
    } else {
        "web.kdbx"
    });
    let mut create = vec!["keydb", "create", "--type", format];
    if format == "kdbman" {
        create.push("--kdf-floor");
    }
    KDBMAN.on_db(&db, &create).success();
    openssl_ca(dir);
    KDBMAN
        .on_db(&db, &["cert", "add", "--label", "root", "--file", "ca.pem"])
        .success();
    // The entry in use: requested here, signed by openssl for 5 days.
    KDBMAN
        .on_db(
            &db,
            &[
                "certreq",
                "create",
                "--label",
                "www",
                "--dn",
                "CN=www.example.com,O=Example,C=US",
                "--key",
                "ec:p256",
                "--san",
                "dns:www.example.com",
                "--san",
                "ip:192.0.2.7",
                "--eku",
                "serverAuth",
                "--target",
                "www.csr",
            ],
        )
        .success();
    openssl_sign(dir, "www.csr", "www-old.pem", 5);
    KDBMAN
        .on_db(
            &db,
            &["cert", "receive", "--file", "www-old.pem", "--default"],
        )
        .success();
    let before = entry(&db, "www");

    // Lint warns of the coming expiry and names the one-step renewal.
    KDBMAN
        .on_db(&db, &["lint", "--label", "www", "--fail-on", "warning"])
        .code(1)
        .stdout(contains("KDB0001W"))
        .stdout(contains("kdbman cert renew --db STORE --label www"));

    let mut renew = vec!["cert", "renew", "--label", "www", "--target", "renew.csr"];
    if new_key {
        renew.push("--new-key");
    }
    KDBMAN
        .on_db(&db, &renew)
        .success()
        .stdout(contains("renewing `www`"));
    let requests = json(&db, &["certreq", "list", "--json"]);
    let pending: Vec<&str> = requests["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    if new_key {
        assert_eq!(pending, ["www-renewal"], "the new key waits as a request");
    } else {
        assert!(
            pending.is_empty(),
            "the same key needs no request: {pending:?}"
        );
    }
    // The request asks for what the certificate has.
    let text = common::tool_text(
        dir,
        "openssl",
        &["req", "-in", "renew.csr", "-noout", "-text", "-verify"],
    );
    assert!(text.contains("CN = www.example.com"), "{text}");
    assert!(text.contains("DNS:www.example.com"), "{text}");
    assert!(text.contains("IP Address:192.0.2.7"), "{text}");
    assert!(text.contains("TLS Web Server Authentication"), "{text}");
    assert!(!text.contains("TLS Web Client Authentication"), "{text}");
    assert!(text.contains("Digital Signature"), "{text}");

    openssl_sign(dir, "renew.csr", "www-new.pem", 400);
    KDBMAN
        .on_db(&db, &["cert", "receive", "--file", "www-new.pem"])
        .success()
        .stdout(contains("renewed personal entry `www`"));

    // One entry under the label, with the new certificate.
    let list = json(&db, &["cert", "list", "--json"]);
    let entries = list["entries"].as_array().unwrap();
    let www: Vec<&Value> = entries
        .iter()
        .filter(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.contains("www.example.com"))
        })
        .collect();
    assert_eq!(www.len(), 1, "{list}");
    assert_eq!(www[0]["label"], "www");
    assert_eq!(www[0]["kind"], "personal");
    assert_eq!(www[0]["default"], true, "the default mark stays");
    assert_eq!(entries.len(), 2, "www and the root only: {list}");
    let after = entry(&db, "www");
    assert_ne!(
        after["certificate"]["serial"],
        before["certificate"]["serial"]
    );
    assert!(
        after["certificate"]["not_after"].as_str().unwrap()
            > before["certificate"]["not_after"].as_str().unwrap()
    );
    let new_pem = kdbman::pki::pem::read_certificates(&dir.join("www-new.pem")).unwrap();
    let store = Store::open(&db, &Password::new(PW), Access::Read).unwrap();
    let e = store.get("www").unwrap();
    assert_eq!(e.certificate(), Some(new_pem[0].as_slice()));
    assert!(
        store
            .entries()
            .iter()
            .all(|e| e.kind() != EntryKind::Request)
    );
    // No request left.
    let requests = json(&db, &["certreq", "list", "--json"]);
    assert_eq!(requests["requests"].as_array().unwrap().len(), 0);
    // The chain is intact and lint is clean.
    KDBMAN
        .on_db(&db, &["cert", "validate", "--label", "www"])
        .success();
    KDBMAN
        .on_db(&db, &["lint", "--label", "www", "--fail-on", "info"])
        .success()
        .stdout(contains("no findings"));
}

#[test]
fn renewal_of_a_cms_entry_with_a_new_key() {
    renewal("cms", true);
}

#[test]
fn renewal_of_a_cms_entry_with_its_own_key() {
    renewal("cms", false);
}

#[test]
fn renewal_of_a_kdbman_entry_with_a_new_key() {
    renewal("kdbman", true);
}

#[test]
fn renewal_of_a_kdbman_entry_with_its_own_key() {
    renewal("kdbman", false);
}

/// A second --new-key renewal while one is pending is refused, naming the
/// request; the pending key is not replaced. A signer cannot be renewed.
#[test]
fn a_pending_renewal_is_not_replaced() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join("p.kdbx");
    KDBMAN
        .on_db(&db, &["keydb", "create", "--type", "kdbman", "--kdf-floor"])
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert", "create", "--label", "app", "--dn", "CN=app", "--key", "ec:p256",
            ],
        )
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "renew",
                "--label",
                "app",
                "--new-key",
                "--key",
                "ec:p384",
                "--target",
                "a.csr",
            ],
        )
        .success()
        .stdout(contains("ECDSA P-384"));
    let open = || Store::open(&db, &Password::new(PW), Access::Read).unwrap();
    let key = open()
        .get("app-renewal")
        .unwrap()
        .private_key()
        .unwrap()
        .pkcs8_der()
        .to_vec();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "renew",
                "--label",
                "app",
                "--new-key",
                "--target",
                "b.csr",
            ],
        )
        .code(8)
        .stderr(contains("pending already"))
        .stderr(contains("app-renewal"));
    assert!(!t.path().join("b.csr").exists());
    assert_eq!(
        open()
            .get("app-renewal")
            .unwrap()
            .private_key()
            .unwrap()
            .pkcs8_der(),
        key.as_slice()
    );
    // An existing target is kept unless --force.
    KDBMAN
        .on_db(
            &db,
            &["cert", "renew", "--label", "app", "--target", "a.csr"],
        )
        .failure()
        .stderr(contains("a.csr"));
    KDBMAN
        .on_db(
            &db,
            &[
                "cert", "renew", "--label", "app", "--target", "a.csr", "--force",
            ],
        )
        .success();
    // A request is not a personal entry.
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "renew",
                "--label",
                "app-renewal",
                "--target",
                "c.csr",
            ],
        )
        .code(8);
}

/// gsk8capicmd's `-certreq -recreate` is `cert renew` with the entry's own
/// key: the same subject, names and usages.
#[test]
fn gsk_recreate_asks_for_what_the_certificate_has() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = dir.join("g.kdb");
    KDBMAN.on_db(&db, &["keydb", "create"]).success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "create",
                "--label",
                "mq",
                "--dn",
                "CN=QM1,O=Example",
                "--key",
                "ec:p256",
                "--san",
                "dns:qm1.example",
                "--eku",
                "clientAuth",
                "--key-usage",
                "digitalSignature,keyAgreement",
            ],
        )
        .success();
    Command::cargo_bin("kdbman")
        .unwrap()
        .current_dir(dir)
        .args([
            "-certreq",
            "-recreate",
            "-db",
            "g.kdb",
            "-pw",
            PW,
            "-label",
            "mq",
            "-target",
            "mq.csr",
        ])
        .assert()
        .success();
    let text = common::tool_text(
        dir,
        "openssl",
        &["req", "-in", "mq.csr", "-noout", "-text", "-verify"],
    );
    assert!(text.contains("CN = QM1"), "{text}");
    assert!(text.contains("DNS:qm1.example"), "{text}");
    assert!(text.contains("TLS Web Client Authentication"), "{text}");
    assert!(!text.contains("TLS Web Server Authentication"), "{text}");
    assert!(text.contains("Key Agreement"), "{text}");
    // The same key as the entry's certificate.
    KDBMAN
        .on_db(
            &db,
            &["cert", "extract", "--label", "mq", "--target", "mq.pem"],
        )
        .success();
    let key_of = |args: &[&str]| common::tool_text(dir, "openssl", args);
    assert_eq!(
        key_of(&["req", "-in", "mq.csr", "-noout", "-pubkey"]),
        key_of(&["x509", "-in", "mq.pem", "-noout", "-pubkey"])
    );
}
