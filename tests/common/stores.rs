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
