//! Acceptance 5: each way a stash can fail to open its store gets its own
//! message (all SSL0228E, exit status 7); a good stash opens; `keydb
//! details` reports the stash state.

mod common;
use common::Kdbman;
use common::floor;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]).never_prints(PW);

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kdbman::{Access, Error, Password, Stash, StashProblem, Store};
use serde_json::Value;

const PW: &str = "stash test password";

/// A stashed store with one certificate; returns (store, stash).
fn stashed_store(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let db = dir.join(format!("{name}.kdb"));
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "keydb",
        "create",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--kdf-floor",
        "--type",
        "kdbman",
        "--stash",
    ]);
    KDBMAN.stdout(&[
        "cert",
        "create",
        "--db",
        d,
        "--stashed",
        "--label",
        "web",
        "--dn",
        "CN=web",
        "--key",
        "ec:p256",
    ]);
    (db, dir.join(format!("{name}.sth")))
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Opens by stash through the CLI: (exit status, stderr).
fn open_stashed(db: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["cert", "list", "--db", db.to_str().unwrap(), "--stashed"];
    args.extend_from_slice(extra);
    let (code, _, err) = KDBMAN.run(&args);
    (code, err)
}

/// Asserts a stash failure: status 7, SSL0228E, the distinguishing words,
/// and a fix that names `keydb stashpw`.
fn assert_stash_failure(db: &Path, words: &str, extra: &[&str]) -> String {
    let (code, err) = open_stashed(db, extra);
    assert_eq!(code, 7, "expected a stash failure ({words}):\n{err}");
    assert!(err.contains("SSL0228E"), "{err}");
    assert!(err.contains(words), "expected `{words}` in:\n{err}");
    assert!(
        err.contains("keydb stashpw"),
        "the fix names stashpw:\n{err}"
    );
    err
}

fn stash_state(db: &Path) -> String {
    let out = KDBMAN.stdout(&[
        "keydb",
        "details",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["stash"]["state"].as_str().unwrap().to_string()
}

#[test]
fn good_stash_opens_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "good");
    assert_eq!(mode(&sth), 0o600);
    let (code, err) = open_stashed(&db, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stash_state(&db), "good");
    // The stash holds no readable password.
    let bytes = std::fs::read(&sth).unwrap();
    assert!(!bytes.windows(PW.len()).any(|w| w == PW.as_bytes()));
    // keydb details text says so too.
    let text = KDBMAN.stdout(&[
        "keydb",
        "details",
        "--db",
        db.to_str().unwrap(),
        "--stashed",
    ]);
    assert!(text.contains("(good, kdbman v1)"), "{text}");
}

#[test]
fn missing_stash() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "missing");
    std::fs::remove_file(&sth).unwrap();
    assert_stash_failure(&db, "no stash file", &[]);
    assert_eq!(stash_state(&db), "absent");
}

#[test]
fn damaged_stash() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "damaged");
    let good = std::fs::read(&sth).unwrap();
    // A flipped byte in the obfuscated password: not foreign, not stale.
    let mut b = good.clone();
    b[45] ^= 0x20;
    std::fs::write(&sth, &b).unwrap();
    let err = assert_stash_failure(&db, "is damaged", &[]);
    assert!(
        !err.contains("another store") && !err.contains("stale"),
        "{err}"
    );
    assert_eq!(stash_state(&db), "damaged");
    // Truncated.
    std::fs::write(&sth, &good[..good.len() - 1]).unwrap();
    assert_stash_failure(&db, "truncated", &[]);
    // Empty.
    std::fs::write(&sth, b"").unwrap();
    assert_stash_failure(&db, "is damaged", &[]);
}

#[test]
fn every_stash_byte_flip_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "sweep");
    let good = std::fs::read(&sth).unwrap();
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut b = good.clone();
            b[i] ^= 1 << bit;
            match Stash::decode(&sth, &db, &b) {
                Err(Error::Stash {
                    problem: StashProblem::Damaged(_),
                    ..
                }) => {}
                other => panic!("byte {i} bit {bit}: {other:?}"),
            }
        }
    }
    for len in 0..good.len() {
        assert!(
            matches!(
                Stash::decode(&sth, &db, &good[..len]),
                Err(Error::Stash {
                    problem: StashProblem::Damaged(_),
                    ..
                })
            ),
            "length {len}"
        );
    }
}

#[test]
fn foreign_stash() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "mine");
    let (_, other_sth) = stashed_store(dir.path(), "theirs");
    // Same password, but another store's stash.
    std::fs::copy(&other_sth, &sth).unwrap();
    let err = assert_stash_failure(&db, "written for another store", &[]);
    assert!(!err.contains("stale"), "{err}");
    assert_eq!(stash_state(&db), "foreign");
    // --stash PATH names it directly: same diagnosis.
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "list",
        "--db",
        db.to_str().unwrap(),
        "--stash",
        other_sth.to_str().unwrap(),
    ]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("another store"), "{err}");
}

#[test]
fn stale_stash_after_changepw_and_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "stale");
    let d = db.to_str().unwrap();
    // changepw without --stash leaves the stash stale, and says so.
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "a brand new password");
    let out = c
        .args([
            "keydb",
            "changepw",
            "--db",
            d,
            "--pw-env",
            "KPW",
            "--new-pw-env",
            "NEWPW",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let warn = String::from_utf8(out.stderr).unwrap();
    assert!(warn.contains("stale"), "changepw warns: {warn}");
    let err = assert_stash_failure(&db, "stale", &[]);
    assert!(
        err.contains("password of") && err.contains("was changed"),
        "{err}"
    );
    assert!(!err.contains("another store"), "{err}");
    let mut c = KDBMAN.cmd();
    c.env("KPW", "a brand new password");
    let out = c
        .args(["keydb", "details", "--db", d, "--pw-env", "KPW", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stash"]["state"], "stale");
    // The fix: stashpw with the new password.
    let mut c = KDBMAN.cmd();
    c.env("KPW", "a brand new password");
    assert!(
        c.args(["keydb", "stashpw", "--db", d, "--pw-env", "KPW"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert_eq!(mode(&sth), 0o600);
    assert_eq!(open_stashed(&db, &[]).0, 0);
    // changepw --stash re-stashes at once.
    let mut c = KDBMAN.cmd();
    c.env("NEWPW", "third password");
    let out = c
        .args([
            "keydb",
            "changepw",
            "--db",
            d,
            "--stashed",
            "--new-pw-env",
            "NEWPW",
            "--stash",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(open_stashed(&db, &[]).0, 0);
}

#[test]
fn group_readable_stash_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "open");
    for m in [0o640, 0o604, 0o660] {
        std::fs::set_permissions(&sth, std::fs::Permissions::from_mode(m)).unwrap();
        let err = assert_stash_failure(&db, "accessible to group or others", &[]);
        assert!(
            err.contains(&format!("{m:04o}")),
            "the mode is named: {err}"
        );
        assert!(err.contains("chmod 600"), "{err}");
        let (code, err) = open_stashed(&db, &["--allow-insecure-stash"]);
        assert_eq!(code, 0, "explicit override accepts it: {err}");
    }
    assert_eq!(stash_state(&db), "insecure-permissions");
    // stashpw rewrites it keeping the mode the admin chose (a server may
    // read it through its group): making it private is chmod's job.
    KDBMAN.stdout(&[
        "keydb",
        "stashpw",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(mode(&sth), 0o660);
    std::fs::set_permissions(&sth, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(open_stashed(&db, &[]).0, 0);
}

#[test]
fn stash_that_matches_but_does_not_open() {
    // A stash with the right store id and epoch but another password can
    // only be crafted; it is its own case, not "wrong password".
    let dir = tempfile::tempdir().unwrap();
    let (db, sth) = stashed_store(dir.path(), "crafted");
    let store = Store::open(&db, &Password::new(PW), Access::Read).unwrap();
    store
        .stash_at(&sth, &Password::new("not the password"))
        .write()
        .unwrap();
    drop(store);
    let (code, err) = open_stashed(&db, &[]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("does not open"), "{err}");
}

#[test]
fn damaged_store_is_not_a_stash_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = stashed_store(dir.path(), "broken");
    let mut b = std::fs::read(&db).unwrap();
    let n = b.len() - 5;
    b[n] ^= 0x40;
    std::fs::write(&db, &b).unwrap();
    let (code, err) = open_stashed(&db, &[]);
    assert_eq!(code, 5, "{err}");
    assert!(!err.contains("SSL0228E"), "{err}");
    // And a stash passed as the store is named as such.
    let sth = dir.path().join("broken.sth");
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "list",
        "--db",
        sth.to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("stash file"), "{err}");
}

#[test]
fn library_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let pw = Password::new(PW);
    let opts = floor();
    let a = dir.path().join("a.kdb");
    let b = dir.path().join("b.kdb");
    let sa = Store::create(&a, &pw, &opts).unwrap();
    let sb = Store::create(&b, &pw, &opts).unwrap();
    let stash_a = sa.stash_at(&dir.path().join("a.sth"), &pw);
    assert_eq!(sa.stash_problem(&stash_a), None);
    assert_eq!(sb.stash_problem(&stash_a), Some(StashProblem::Foreign));
    drop(sb);
    match Store::open_stashed(&b, &stash_a, Access::Read) {
        Err(Error::Stash {
            problem: StashProblem::Foreign,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let mut sa = sa;
    sa.change_password(&Password::new("new"), None, None)
        .unwrap();
    sa.save().unwrap();
    assert_eq!(sa.stash_problem(&stash_a), Some(StashProblem::Stale));
    drop(sa);
    match Store::open_stashed(&a, &stash_a, Access::Read) {
        Err(
            e @ Error::Stash {
                problem: StashProblem::Stale,
                ..
            },
        ) => {
            assert_eq!(e.code(), Some("SSL0228E"));
        }
        other => panic!("{other:?}"),
    }
}
