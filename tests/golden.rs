//! Format v1 golden files (fixtures/golden/v1, made once by
//! `examples/make_golden.rs`) stay readable, with the password and with
//! their stash, and hold exactly what their manifest says.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kdbman::stash::Permissions;
use kdbman::{Access, Password, Stash, Store};
use serde_json::{Value, json};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/golden/v1")
}

fn hex_sha(b: &[u8]) -> String {
    kdbman::pki::hex(&kdbman::pki::sha256(b))
}

fn described(store: &Store) -> Vec<Value> {
    store
        .entries()
        .iter()
        .map(|e| {
            json!({
                "label": e.label(),
                "kind": e.kind().as_str(),
                "certificates": e.certificates().iter().map(|c| hex_sha(c)).collect::<Vec<_>>(),
                "key": e.private_key().map(|k| hex_sha(k.pkcs8_der())),
                "request": e.csr().map(hex_sha),
            })
        })
        .collect()
}

/// Copies a golden file to a private temp dir (git does not keep 0600).
fn private_copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(golden().join(name), &to).unwrap();
    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
    to
}

#[test]
fn golden_v1_stores_open_and_hold_their_manifest() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(golden().join("manifest.json")).unwrap()).unwrap();
    let pw = Password::new(manifest["password"].as_str().unwrap());
    let stores = manifest["stores"].as_array().unwrap();
    assert_eq!(stores.len(), 2);
    let tmp = tempfile::tempdir().unwrap();
    for m in stores {
        let db = private_copy(tmp.path(), m["store"].as_str().unwrap());
        let stash_path = private_copy(tmp.path(), m["stash"].as_str().unwrap());

        let store = Store::open(&db, &pw, Access::Read).unwrap();
        assert_eq!(store.kdf().unwrap().name(), m["kdf"].as_str().unwrap());
        assert_eq!(store.password_expires(), m["password_expires"].as_i64());
        assert_eq!(
            store.default_entry().map(|e| e.label()),
            m["default"].as_str()
        );
        assert_eq!(
            Value::Array(described(&store)),
            m["entries"],
            "{}",
            db.display()
        );

        let stash = Stash::read(&stash_path, &db, Permissions::Strict).unwrap();
        let by_stash = Store::open_stashed(&db, &stash, Access::Read).unwrap();
        assert_eq!(described(&by_stash), described(&store));

        let wrong = Store::open(&db, &Password::new("not the golden password"), Access::Read);
        assert!(matches!(wrong, Err(kdbman::Error::WrongPassword { .. })));
    }
}
