//! Making stores for tests with the kdbman CLI.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use super::cli::Kdbman;

/// Creates `dir/name`, a kdbman-format store with the password in `KPW`
/// (which `k` must set) and the KDF floor, with a stash if `stash`;
/// asserts success and returns its path.
pub fn new_store(k: &Kdbman, dir: &Path, name: &str, stash: bool) -> PathBuf {
    new_store_with(|args| k.stdout(args), dir, name, stash)
}

/// [`new_store`] run by the test file's own runner `run`, which asserts
/// success (and whatever else the file checks on every run).
pub fn new_store_with(
    run: impl FnOnce(&[&str]) -> String,
    dir: &Path,
    name: &str,
    stash: bool,
) -> PathBuf {
    let db = dir.join(name);
    let mut args = vec![
        "keydb",
        "create",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--kdf-floor",
        "--type",
        "kdbman",
    ];
    if stash {
        args.push("--stash");
    }
    run(&args);
    db
}

/// Options of a kdbman-format store with the cheapest key derivation the
/// library accepts (`Kdf::ARGON2_FLOOR`), no password expiry: what tests
/// that build stores through the library use.
pub fn floor() -> kdbman::CreateOptions {
    kdbman::CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: kdbman::Kdf::ARGON2_FLOOR,
        password_expires: None,
    }
}

/// Creates `path`, a kdbman-format store ([`floor`]) with password `pw`
/// holding `entries`, `default` (if any) as its default; saved.
pub fn native_store(path: &Path, pw: &str, entries: Vec<kdbman::Entry>, default: Option<&str>) {
    let mut store = kdbman::Store::create(path, &kdbman::Password::new(pw), &floor()).unwrap();
    for e in entries {
        store.add(e).unwrap();
    }
    if let Some(d) = default {
        store.set_default(d).unwrap();
    }
    store.save().unwrap();
}
