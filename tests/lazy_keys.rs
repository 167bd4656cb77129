//! Listing a CMS store decrypts no private key (issue 22 acceptance 5):
//! the MACs prove the password, and each key is decrypted when a command
//! uses it, once. Untouched keys keep their bytes on rewrite; a key
//! damaged behind intact MACs is still damage for whatever decrypts it
//! (lint), and a wrong password is still told from a damaged file.
//!
//! The decryption counter is per process: one test here counts inside
//! this process; the others count in `kdbman` (`KDBMAN_DEBUG_STATS=1`).

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[("KDBMAN_DEBUG_STATS", "1")]).without(&["CI"]);

use std::path::Path;

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::store::cms::container::{self, Version};
use kdbman::store::cms::keycrypt::key_decryptions;
use kdbman::store::cms::record::{self, Body};
use kdbman::{Access, CreateOptions, Entry, ErrorClass, Password, PrivateKey, Store, StoreFormat};

const PW: &str = "lazy-keys-pw";
const PERSONAL: usize = 12;

/// A CMS store of `version` with a CA signer and `PERSONAL` personal
/// entries `host0`.. signed by it (and its stash); returns the keys.
fn make_store(path: &Path, version: Version) -> Vec<PrivateKey> {
    let ca_key = keygen::generate(KeyType::EcP256).unwrap();
    let mut ca_spec = CertSpec::new("CN=lazy root", 365);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).unwrap();
    let pw = Password::new(PW);
    let opts = CreateOptions {
        format: StoreFormat::Cms(version),
        ..CreateOptions::default()
    };
    let mut store = Store::create(path, &pw, &opts).unwrap();
    store.add(Entry::signer("root", ca.clone())).unwrap();
    let mut keys = Vec::new();
    for i in 0..PERSONAL {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let cert = CertSpec::new(format!("CN=host{i}"), 30)
            .self_signed(&key)
            .unwrap();
        store
            .add(Entry::personal(format!("host{i}"), vec![cert], key.clone()))
            .unwrap();
        keys.push(key);
    }
    store.save().unwrap();
    store
        .stash_at(&kdbman::stash::default_path(path), &pw)
        .write()
        .unwrap();
    keys
}

/// The encrypted key bytes of each personal record, by label.
fn sealed_keys(path: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    let layout = container::parse(path, &bytes).unwrap();
    let mut out: Vec<_> = layout
        .slots()
        .filter_map(|s| {
            let rec = record::decode_slot(s).unwrap();
            match rec.body {
                Body::Personal { key, .. } => Some((rec.label, key)),
                _ => None,
            }
        })
        .collect();
    out.sort();
    out
}

/// The only test that counts in this process (the counter is global).
#[test]
fn open_decrypts_nothing_and_each_key_once_when_used() {
    let dir = tempfile::tempdir().unwrap();
    let pw = Password::new(PW);
    for version in [Version::V3, Version::V4, Version::V6] {
        let path = dir.path().join(format!("v{}.kdb", version.number()));
        let keys = make_store(&path, version);
        let before = sealed_keys(&path);

        let start = key_decryptions();
        let store = Store::open(&path, &pw, Access::Read).unwrap();
        assert_eq!(store.entries().len(), PERSONAL + 1);
        for e in store.entries() {
            let _ = (e.label(), e.certificate(), kdbman::store::key_ids(e));
        }
        let personal = store
            .entries()
            .iter()
            .filter(|e| e.has_private_key())
            .count();
        assert_eq!(personal, PERSONAL, "v{}", version.number());
        assert_eq!(key_decryptions(), start, "open and listing decrypt nothing");

        // The one key used is decrypted, once, clones included.
        let e = store.get("host3").unwrap();
        assert_eq!(e.private_key().unwrap().pkcs8_der(), keys[3].pkcs8_der());
        assert_eq!(e.key().unwrap().unwrap().pkcs8_der(), keys[3].pkcs8_der());
        let copy = e.clone();
        assert_eq!(copy.private_key().unwrap().pkcs8_der(), keys[3].pkcs8_der());
        assert_eq!(key_decryptions(), start + 1, "v{}", version.number());
        // Every key, for commands that use them all (lint).
        store.unseal_keys().unwrap();
        assert_eq!(key_decryptions(), start + PERSONAL as u64);
        drop(store);

        // A change that leaves the keys alone rewrites them byte for byte,
        // without decrypting them.
        let start = key_decryptions();
        let mut store = Store::open(&path, &pw, Access::Update).unwrap();
        store.rename("host5", "host5-renamed").unwrap();
        store.save().unwrap();
        drop(store);
        assert_eq!(
            key_decryptions(),
            start,
            "an unchanged key is not decrypted"
        );
        let after = sealed_keys(&path);
        let relabelled = |v: &[(Vec<u8>, Vec<u8>)]| {
            let mut k: Vec<Vec<u8>> = v.iter().map(|(_, k)| k.clone()).collect();
            k.sort();
            k
        };
        assert_eq!(relabelled(&before), relabelled(&after));

        // A new password re-encrypts every key (so decrypts each).
        let mut store = Store::open(&path, &pw, Access::Update).unwrap();
        let new = Password::new("another-pw");
        store.change_password(&new, None, None).unwrap();
        store.save().unwrap();
        drop(store);
        assert_ne!(relabelled(&after), relabelled(&sealed_keys(&path)));
        let store = Store::open(&path, &new, Access::Read).unwrap();
        assert_eq!(
            store
                .get("host0")
                .unwrap()
                .private_key()
                .unwrap()
                .pkcs8_der(),
            keys[0].pkcs8_der()
        );
        let wrong = Store::open(&path, &pw, Access::Read).unwrap_err();
        assert_eq!(wrong.class(), ErrorClass::WrongPassword, "{wrong}");
    }
}

/// Runs kdbman; its exit code, stdout, and the decryptions it reported.
fn run_counted(args: &[&str]) -> (i32, String, String, u64) {
    let (code, out, err) = KDBMAN.run(args);
    let n = err
        .lines()
        .find_map(|l| l.strip_prefix("kdbman: debug: private-key decryptions: "))
        .unwrap_or_else(|| panic!("no statistic in: {err}"))
        .trim()
        .parse()
        .unwrap();
    (code, out, err, n)
}

fn db_args(path: &Path) -> Vec<String> {
    vec![
        "--db".into(),
        path.to_str().unwrap().into(),
        "--stashed".into(),
    ]
}

fn args<'a>(cmd: &[&'a str], db: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    let mut v = cmd.to_vec();
    v.extend(db.iter().map(String::as_str));
    v.extend(more);
    v
}

#[test]
fn cert_list_decrypts_no_key_and_details_or_extract_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.kdb");
    let keys = make_store(&path, Version::V6);
    let db = db_args(&path);

    let (code, out, err, n) = run_counted(&args(&["cert", "list"], &db, &["--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(n, 0, "cert list decrypts no private key");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), PERSONAL + 1);
    let (code, _, err, n) = run_counted(&args(&["cert", "list"], &db, &[]));
    assert_eq!((code, n), (0, 0), "{err}");

    let (code, out, err, n) = run_counted(&args(
        &["cert", "details"],
        &db,
        &["--label", "host2", "--json"],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(n, 1, "details decrypts the key it shows");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["has_private_key"], true);
    assert!(v["private_key"].as_str().unwrap().contains("P-256"), "{v}");

    let pem = dir.path().join("host4.pem");
    let (code, _, err, n) = run_counted(&args(
        &["cert", "extract"],
        &db,
        &[
            "--label",
            "host4",
            "--with-key",
            "--target",
            pem.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(n, 1, "extract decrypts the one key it writes");
    let text = std::fs::read_to_string(&pem).unwrap();
    let key = kdbman::pki::pem::private_key_pem(&keys[4]);
    assert!(text.contains(key.as_str()), "the extracted key is host4's");

    // lint proves every key against its certificate.
    let (_, _, err, n) = run_counted(&args(&["lint"], &db, &[]));
    assert_eq!(n, PERSONAL as u64, "{err}");
}

/// Changes the key encryption OID of `label`'s record (PBES2 to an
/// unknown one) and seals the file again: the MACs pass, the key does not
/// decrypt.
fn damage_key(path: &Path, label: &str) {
    let pbes2 = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
    ];
    let mut bytes = std::fs::read(path).unwrap();
    let (start, slot) = {
        let layout = container::parse(path, &bytes).unwrap();
        let header = bytes.len() - layout.slots().count() * layout.slot_size as usize;
        let i = layout
            .slots()
            .position(|s| record::decode_slot(s).unwrap().label == label.as_bytes())
            .unwrap();
        (
            header + i * layout.slot_size as usize,
            layout.slot_size as usize,
        )
    };
    let at = bytes[start..start + slot]
        .windows(pbes2.len())
        .position(|w| w == pbes2)
        .unwrap();
    bytes[start + at + pbes2.len() - 1] = 0x0e;
    let sealed = container::remac(path, &bytes, &Password::new(PW)).unwrap();
    std::fs::write(path, sealed).unwrap();
}

#[test]
fn a_damaged_key_is_listed_but_lint_and_its_users_report_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged-key.kdb");
    make_store(&path, Version::V6);
    damage_key(&path, "host7");
    let db = db_args(&path);

    // Listing does not decrypt, so it does not notice (documented).
    let (code, _, err, n) = run_counted(&args(&["cert", "list"], &db, &["--json"]));
    assert_eq!((code, n), (0, 0), "{err}");
    // Another entry's key still serves.
    let (code, _, err, _) = run_counted(&args(&["cert", "details"], &db, &["--label", "host1"]));
    assert_eq!(code, 0, "{err}");
    // The damaged key's users say damage (exit 5), naming the record.
    let (code, _, err, _) = run_counted(&args(&["cert", "details"], &db, &["--label", "host7"]));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("SSL0218E") && err.contains("host7"), "{err}");
    assert!(!err.contains("password is incorrect"), "{err}");
    // lint reports the store damaged, as when keys were decrypted on open.
    let (code, out, err, _) = run_counted(&args(&["lint"], &db, &["--format", "json"]));
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.contains("SSL0218E") && out.contains("host7"), "{out}");
    // A wrong password is still a wrong password (exit 6), not damage.
    let (code, _, err, _) = {
        let out = KDBMAN
            .cmd()
            .env("KPW", "not it")
            .args([
                "cert",
                "list",
                "--db",
                path.to_str().unwrap(),
                "--pw-env",
                "KPW",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code().unwrap_or(-1), (), err, ())
    };
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("password is incorrect"), "{err}");
}
