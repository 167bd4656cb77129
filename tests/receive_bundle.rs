//! Issue 12, acceptance 4: `cert receive` of a signed certificate bundled
//! with its intermediate and root adds both as signers and says so;
//! receiving the same file again adds nothing twice. The CA is openssl.

mod common;
use common::{Kdbman, openssl};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "store-pw")]);

use std::path::Path;

use assert_cmd::Command;
use kdbman::{Access, EntryKind, Password, Store};
use predicates::str::contains;

/// A native store with the cheapest KDF, password `store-pw`.
fn create_store(db: &Path) {
    Command::cargo_bin("kdbman")
        .unwrap()
        .env("KPW", "store-pw")
        .args(["keydb", "create", "--db"])
        .arg(db)
        .args(["--pw-env", "KPW", "--kdf-floor", "--type", "kdbman"])
        .assert()
        .success();
}

fn signers(db: &Path) -> Vec<(String, Vec<u8>)> {
    let store = Store::open(db, &Password::new("store-pw"), Access::Read).unwrap();
    store
        .entries()
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer)
        .map(|e| (e.label().to_string(), e.certificate().unwrap().to_vec()))
        .collect()
}

#[test]
fn receive_adds_bundled_ca_certificates_once() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = dir.join("r.kdb");
    create_store(&db);
    let csr = dir.join("web.csr");
    KDBMAN
        .on_db(
            &db,
            &[
                "certreq",
                "create",
                "--label",
                "web",
                "--dn",
                "CN=web.example",
                "--key",
                "ec:p256",
                "--san",
                "dns:web.example",
                "--target",
                csr.to_str().unwrap(),
            ],
        )
        .success();
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:web.example\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "root.key",
                "-subj",
                "/CN=Bundle Root",
                "-days",
                "30",
                "-out",
                "root.pem",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "int.key",
                "-subj",
                "/CN=Bundle Intermediate",
                "-out",
                "int.csr",
            ],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ca.ext",
            "-out",
            "int.pem",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "web.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "leaf.ext",
            "-out",
            "web.pem",
        ],
    );
    // The bundle as a CA portal sends it: leaf, intermediate, root, with text.
    let bundle = format!(
        "Your certificate:\n{}\nChain:\n{}{}",
        std::fs::read_to_string(dir.join("web.pem")).unwrap(),
        std::fs::read_to_string(dir.join("int.pem")).unwrap(),
        std::fs::read_to_string(dir.join("root.pem")).unwrap()
    );
    std::fs::write(dir.join("bundle.pem"), bundle).unwrap();
    let file = dir.join("bundle.pem");
    let file = file.to_str().unwrap();

    assert!(signers(&db).is_empty());
    KDBMAN
        .on_db(&db, &["cert", "receive", "--file", file])
        .success()
        .stdout(contains("it is now a personal entry"))
        .stdout(contains("added signer certificate `Bundle Intermediate`"))
        .stdout(contains("added signer certificate `Bundle Root`"));
    let after = signers(&db);
    assert_eq!(after.len(), 2, "{after:?}");
    let der = |f: &str| kdbman::pki::pem::read_certificates(&dir.join(f)).unwrap()[0].clone();
    assert!(after.iter().any(|(_, c)| *c == der("int.pem")));
    assert!(after.iter().any(|(_, c)| *c == der("root.pem")));
    // The chain validates with what was received.
    KDBMAN
        .on_db(&db, &["cert", "validate", "--label", "web"])
        .success();

    // Again: nothing is added twice, and it says why.
    KDBMAN
        .on_db(&db, &["cert", "receive", "--file", file])
        .success()
        .stdout(contains("received before"))
        .stdout(contains("has already as `Bundle Root`"))
        .stdout(contains("added signer").not());
    assert_eq!(signers(&db), after);
}

use predicates::prelude::PredicateBooleanExt;

/// A certificate for a personal entry's own key (a renewal after
/// `-certreq -recreate`) replaces that entry's certificate, keeping its
/// label, key and default flag, even when the file also carries the CA
/// certificate of another personal entry; receiving it again changes
/// nothing.
#[test]
fn receive_renews_the_entry_that_holds_the_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = dir.join("r.kdbx");
    create_store(&db);
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "create",
                "--label",
                "ca",
                "--dn",
                "CN=Renewal CA",
                "--ca",
            ],
        )
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "create",
                "--label",
                "web",
                "--dn",
                "CN=web.example",
                "--default",
            ],
        )
        .success();
    let open = || Store::open(&db, &Password::new("store-pw"), Access::Read).unwrap();
    let before = open().get("web").unwrap().clone();

    // The request for web's own key, as gsk8capicmd writes it.
    Command::cargo_bin("kdbman")
        .unwrap()
        .current_dir(dir)
        .args(["-certreq", "-recreate", "-db", "r.kdbx", "-pw", "store-pw"])
        .args(["-label", "web", "-target", "web.csr"])
        .assert()
        .success();
    // The CA signs the request into a file of the name given.
    let sign = |name: &str| {
        let signed = dir.join(name);
        let csr = dir.join("web.csr");
        KDBMAN
            .on_db(
                &db,
                &[
                    "cert",
                    "sign",
                    "--label",
                    "ca",
                    "--chain",
                    "--file",
                    csr.to_str().unwrap(),
                    "--target",
                    signed.to_str().unwrap(),
                ],
            )
            .success();
        signed
    };
    let signed = sign("web.pem");

    KDBMAN
        .on_db(
            &db,
            &["cert", "receive", "--file", signed.to_str().unwrap()],
        )
        .success()
        .stdout(contains("renewed personal entry `web`"));
    let after = open().get("web").unwrap().clone();
    assert_eq!(after.kind(), EntryKind::Personal);
    assert_ne!(
        after.certificate(),
        before.certificate(),
        "the new certificate"
    );
    assert_eq!(
        after.private_key().unwrap().pkcs8_der(),
        before.private_key().unwrap().pkcs8_der(),
        "the same key"
    );
    assert!(after.is_default(), "the default stays");
    assert_eq!(after.certificates().len(), 2, "leaf and the CA");
    assert_eq!(open().get("ca").unwrap().kind(), EntryKind::Personal);

    KDBMAN
        .on_db(
            &db,
            &["cert", "receive", "--file", signed.to_str().unwrap()],
        )
        .success()
        .stdout(contains("received before: it is personal entry `web`"));
    assert_eq!(
        open().get("web").unwrap().certificate(),
        after.certificate()
    );

    // A second entry holding the same key (made by another tool; kdbman
    // refuses to create one): which to renew is ambiguous, so nothing is.
    let mut store = Store::open(&db, &Password::new("store-pw"), Access::Update).unwrap();
    let key = after.private_key().unwrap().clone();
    let copy = kdbman::pki::CertSpec::new("CN=web copy", 30)
        .self_signed(&key)
        .unwrap();
    store.add_unchecked(kdbman::Entry::personal("web-copy", vec![copy], key));
    store.save().unwrap();
    drop(store);
    let again = sign("web-again.pem");
    KDBMAN
        .on_db(&db, &["cert", "receive", "--file", again.to_str().unwrap()])
        .failure()
        .stderr(contains("SSL0216E"))
        .stderr(contains("web-copy"));
    assert_eq!(
        open().get("web").unwrap().certificate(),
        after.certificate(),
        "nothing renewed"
    );
    assert_eq!(open().entries().len(), 3, "nothing added");
}
