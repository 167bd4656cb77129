//! Acceptance 8: a store whose password expired still opens for management
//! (so the password can be changed) and `keydb details` reports SSL0219E;
//! after a change without `--expire` it no longer does.

mod common;
use common::Kdbman;
use common::codes;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW), ("NEWPW", NEW)]);

use std::path::{Path, PathBuf};

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::{Access, CreateOptions, Entry, Kdf, Password, Store};
use serde_json::Value;

const PW: &str = "expiring password";
const NEW: &str = "fresh password";

use common::now;

/// A store with one entry whose password expired `ago` seconds ago.
fn expired_store(dir: &Path, ago: i64) -> PathBuf {
    let path = dir.join("old.kdb");
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::ARGON2_FLOOR,
        password_expires: Some(now() - ago),
    };
    let mut store = Store::create(&path, &Password::new(PW), &opts).unwrap();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new("CN=still here", 30)
        .self_signed(&key)
        .unwrap();
    store.add(Entry::personal("web", vec![cert], key)).unwrap();
    store.save().unwrap();
    path
}

fn details_json(db: &str, pw_var: &str) -> Value {
    let (out, _) = KDBMAN.ok_text(&["keydb", "details", "--db", db, "--pw-env", pw_var, "--json"]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn expired_password_is_reported_and_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = expired_store(dir.path(), 86_400);
    let d = db.to_str().unwrap();

    // The library opens it and knows.
    let store = Store::open(&db, &Password::new(PW), Access::Read).unwrap();
    assert!(store.password_expired_at(now()));
    drop(store);

    // keydb details, text and JSON.
    let (text, _) = KDBMAN.ok_text(&["keydb", "details", "--db", d, "--pw-env", "KPW"]);
    assert!(
        text.contains("SSL0219E") && text.contains("EXPIRED"),
        "{text}"
    );
    let v = details_json(d, "KPW");
    assert_eq!(v["password"]["expired"], true);
    assert!(v["password"]["expires"].is_string());
    assert_eq!(codes(&v), ["SSL0219E"]);

    // Management still works (listing here), and says the password expired.
    let (out, err) = KDBMAN.ok_text(&["cert", "list", "--db", d, "--pw-env", "KPW", "--json"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list["entries"][0]["label"], "web");
    assert!(
        err.contains("SSL0219E"),
        "a warning names the condition: {err}"
    );

    // changepw opens it; without --expire the new password never expires.
    KDBMAN.ok_text(&[
        "keydb",
        "changepw",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--new-pw-env",
        "NEWPW",
    ]);
    let v = details_json(d, "NEWPW");
    assert_eq!(v["password"]["expired"], false);
    assert_eq!(v["password"]["expires"], Value::Null);
    assert_eq!(codes(&v), Vec::<String>::new());
    assert_eq!(v["entries"]["total"], 1, "the entries survive the change");
    let (text, _) = KDBMAN.ok_text(&["keydb", "details", "--db", d, "--pw-env", "NEWPW"]);
    assert!(!text.contains("SSL0219E"), "{text}");
    assert!(text.contains("never expires"), "{text}");
    let (code, _, _) = KDBMAN.run(&["keydb", "details", "--db", d, "--pw-env", "KPW"]);
    assert_eq!(code, 6, "the old password is gone");
}

#[test]
fn expire_option_at_create_and_changepw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.kdb");
    let d = db.to_str().unwrap();
    let t0 = now();
    KDBMAN.ok_text(&[
        "keydb",
        "create",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--kdf-floor",
        "--type",
        "kdbman",
        "--expire",
        "10",
    ]);
    let t1 = now();
    let store = Store::open(&db, &Password::new(PW), Access::Read).unwrap();
    let exp = store.password_expires().unwrap();
    assert!(
        (t0 + 10 * 86_400..=t1 + 10 * 86_400).contains(&exp),
        "{exp}"
    );
    assert!(!store.password_expired_at(now()));
    assert!(
        store.password_expired_at(exp),
        "expired at the instant itself"
    );
    drop(store);
    let v = details_json(d, "KPW");
    assert_eq!(v["password"]["expired"], false);
    assert_eq!(codes(&v), Vec::<String>::new());

    KDBMAN.ok_text(&[
        "keydb",
        "changepw",
        "--db",
        d,
        "--pw-env",
        "KPW",
        "--new-pw-env",
        "NEWPW",
        "--expire",
        "30",
    ]);
    let store = Store::open(&db, &Password::new(NEW), Access::Read).unwrap();
    let exp = store.password_expires().unwrap();
    assert!(exp >= t0 + 30 * 86_400, "{exp}");
}

#[test]
fn expiry_is_authenticated_with_the_header() {
    // Pushing the expiry forward (and fixing the header checksum, as a
    // deliberate editor would) must not yield an openable, unexpired store.
    let dir = tempfile::tempdir().unwrap();
    let db = expired_store(dir.path(), 60);
    let mut b = std::fs::read(&db).unwrap();
    let body_len = u32::from_be_bytes(b[10..14].try_into().unwrap()) as usize;
    let mut i = 14;
    let mut patched = false;
    while i < 14 + body_len {
        let (t, len) = (b[i], u16::from_be_bytes([b[i + 1], b[i + 2]]) as usize);
        if t == kdbman::store::native::format::REC_PASSWORD_EXPIRES {
            let later = (now() + 365 * 86_400).to_be_bytes();
            b[i + 3..i + 3 + 8].copy_from_slice(&later);
            patched = true;
        }
        i += 3 + len;
    }
    assert!(patched, "the header holds an expiry record");
    let sum = ring::digest::digest(&ring::digest::SHA256, &b[..14 + body_len]);
    b[14 + body_len..14 + body_len + 32].copy_from_slice(sum.as_ref());
    std::fs::write(&db, &b).unwrap();
    // The password is right, so this is not a wrong password: the fields
    // the password seals were altered.
    let err = Store::open(&db, &Password::new(PW), Access::Read).unwrap_err();
    assert!(
        matches!(
            err,
            kdbman::Error::DamagedHeader {
                damage: kdbman::Damage::SealedFields,
                ..
            }
        ),
        "{err:?}"
    );
    // And a wrong password on the same file is still only that.
    let err = Store::open(&db, &Password::new("not it"), Access::Read).unwrap_err();
    assert!(
        matches!(err, kdbman::Error::WrongPassword { .. }),
        "{err:?}"
    );
}
