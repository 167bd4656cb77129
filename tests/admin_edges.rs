//! Issue 20, deliverable 6: rough edges met on an admin's daily tasks.
//! Import messages name the label a skipped CA certificate has; `--expire
//! 0` means "never"; every read command takes the stash beside the store
//! when no password source is given (and says so once), while commands
//! that change the store still need one.

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]);

use std::path::Path;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

const PW: &str = "Admin-Edges-Password-42";

/// With no password source at all.
fn bare(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    KDBMAN.cmd_in(dir).args(args).assert()
}

/// A CA and a personal entry it issued, received with the CA's
/// certificate: the CA is a signer (`Edge CA`) and in `www`'s chain.
fn received(dir: &Path, db: &str, format: &str) {
    let mut c = vec!["keydb", "create", "--db", db, "--type", format];
    if format == "kdbman" {
        c.push("--kdf-floor");
    }
    KDBMAN.with_kpw_in(dir, &c).success();
    let ca = format!("ca-{db}");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "keydb",
                "create",
                "--db",
                &ca,
                "--type",
                "kdbman",
                "--kdf-floor",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "create",
                "--db",
                &ca,
                "--label",
                "ca",
                "--dn",
                "CN=Edge CA",
                "--ca",
                "--key",
                "ec:p256",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "certreq",
                "create",
                "--db",
                db,
                "--label",
                "www",
                "--dn",
                "CN=www.edge",
                "--key",
                "ec:p256",
                "--target",
                "www.csr",
                "--force",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert", "sign", "--db", &ca, "--label", "ca", "--file", "www.csr", "--target",
                "www.pem", "--chain", "--force",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(dir, &["cert", "receive", "--db", db, "--file", "www.pem"])
        .success()
        .stdout(contains("added signer certificate `Edge CA`"));
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert", "extract", "--db", &ca, "--label", "ca", "--target", "ca.pem", "--force",
            ],
        )
        .success();
}

#[test]
fn import_names_the_label_a_skipped_ca_certificate_has() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (db, format) in [("n.kdbx", "kdbman"), ("c.kdb", "cms")] {
        received(dir, db, format);
        KDBMAN
            .with_kpw_in(dir, &["cert", "import", "--db", db, "--file", "ca.pem"])
            .success()
            .stdout(contains(
                "skipped a certificate the store has already as `Edge CA`",
            ))
            .stdout(contains("`www`").not());
    }
}

#[test]
fn expire_zero_means_never() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "keydb",
                "create",
                "--db",
                "z.kdbx",
                "--type",
                "kdbman",
                "--kdf-floor",
                "--expire",
                "0",
            ],
        )
        .success();
    let details = |db: &str| -> serde_json::Value {
        let out = KDBMAN
            .with_kpw_in(dir, &["keydb", "details", "--db", db, "--json"])
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let v = details("z.kdbx");
    assert!(v["password"]["expires"].is_null(), "{v}");
    assert_eq!(v["password"]["expired"], false);
    // The store opens without an expiry warning, and changepw --expire 0
    // takes an expiry away.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "keydb",
                "create",
                "--db",
                "e.kdbx",
                "--type",
                "kdbman",
                "--kdf-floor",
                "--expire",
                "30",
            ],
        )
        .success();
    assert!(details("e.kdbx")["password"]["expires"].is_string());
    KDBMAN
        .cmd_in(dir)
        .env("NEW", "Another-Password-Of-Length")
        .args(["keydb", "changepw", "--db", "e.kdbx", "--pw-env", "KPW"])
        .args(["--new-pw-env", "NEW", "--expire", "0"])
        .assert()
        .success();
    let out = KDBMAN
        .cmd_in(dir)
        .env("NEW", "Another-Password-Of-Length")
        .args([
            "keydb", "details", "--db", "e.kdbx", "--pw-env", "NEW", "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["password"]["expires"].is_null(), "{v}");
    // A CMS store, which keeps no expiry kdbman can write, takes 0 too.
    KDBMAN
        .with_kpw_in(dir, &["keydb", "create", "--db", "z.kdb", "--expire", "0"])
        .success();
    // Out of range: refused as a usage error, nothing created.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "keydb",
                "create",
                "--db",
                "big.kdbx",
                "--type",
                "kdbman",
                "--kdf-floor",
                "--expire",
                "36501",
            ],
        )
        .code(2);
    assert!(!dir.join("big.kdbx").exists());
    // Said in the help.
    bare(dir, &["keydb", "create", "--help"])
        .success()
        .stdout(contains("0, as gsk8capicmd's"))
        .stdout(contains("it never expires"));
}

#[test]
fn read_commands_take_the_stash_beside_the_store() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (db, format) in [("c.kdb", "cms"), ("n.kdbx", "kdbman")] {
        let mut c = vec!["keydb", "create", "--db", db, "--type", format, "--stash"];
        if format == "kdbman" {
            c.push("--kdf-floor");
        }
        KDBMAN.with_kpw_in(dir, &c).success();
        KDBMAN
            .with_kpw_in(
                dir,
                &[
                    "cert",
                    "create",
                    "--db",
                    db,
                    "--label",
                    "web",
                    "--dn",
                    "CN=web",
                    "--key",
                    "ec:p256",
                    "--default",
                ],
            )
            .success();
        KDBMAN
            .with_kpw_in(
                dir,
                &[
                    "certreq", "create", "--db", db, "--label", "req", "--dn", "CN=req", "--key",
                    "ec:p256",
                ],
            )
            .success();
        let notice = format!("no password source given: opening {db} with the stash beside it");
        let reads: Vec<Vec<&str>> = vec![
            vec!["cert", "list", "--db", db],
            vec!["cert", "details", "--db", db, "--label", "web"],
            vec!["cert", "getdefault", "--db", db],
            vec![
                "cert", "extract", "--db", db, "--label", "web", "--target", "web.pem", "--force",
            ],
            vec!["cert", "validate", "--db", db, "--label", "web", "--json"],
            vec!["certreq", "list", "--db", db],
            vec!["certreq", "details", "--db", db, "--label", "req"],
            vec!["keydb", "details", "--db", db],
            vec!["lint", "--db", db, "--label", "web"],
            // renew without --new-key only reads the store
            vec![
                "cert", "renew", "--db", db, "--label", "web", "--target", "web.csr", "--force",
            ],
        ];
        for args in &reads {
            let a = bare(dir, args);
            let out = a.get_output();
            let err = String::from_utf8_lossy(&out.stderr);
            // Validation and lint may have findings; they must open the store.
            assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {err}");
            assert_eq!(err.matches(&notice).count(), 1, "{args:?}: {err}");
        }
        // A given source is used as it is, without the notice.
        KDBMAN
            .with_kpw_in(dir, &["cert", "list", "--db", db])
            .success()
            .stderr(contains("stash beside").not());
        bare(dir, &["cert", "list", "--db", db, "--stashed"])
            .success()
            .stderr(contains("stash beside").not());
        // Commands that change the store still need a source.
        bare(dir, &["cert", "delete", "--db", db, "--label", "web"])
            .code(2)
            .stderr(contains("no password given"));
        // renew --new-key keeps a new key in the store: a change.
        bare(
            dir,
            &[
                "cert",
                "renew",
                "--db",
                db,
                "--label",
                "web",
                "--new-key",
                "--target",
                "web2.csr",
            ],
        )
        .code(2)
        .stderr(contains("no password given"));
        bare(dir, &["cert", "list", "--db", db])
            .success()
            .stdout(contains("web"));
    }
    // Without a stash: no password, as before.
    KDBMAN
        .with_kpw_in(dir, &["keydb", "create", "--db", "nostash.kdb"])
        .success();
    bare(dir, &["cert", "list", "--db", "nostash.kdb"])
        .code(2)
        .stderr(contains("no password given"));

    // Many stores without a source: each with its own stash, said once; a
    // store without one is reported, the others linted.
    let many = bare(dir, &["lint", "--dir", "."]);
    let out = many.get_output();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("each store is opened with the stash beside it")
            .count(),
        1,
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("n.kdbx") && text.contains("c.kdb"), "{text}");
    assert!(text.contains("nostash.kdb"), "{text}");
}
