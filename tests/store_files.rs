//! How store writes meet the filesystem: a symlinked store is updated
//! through its link (the link stays), and a write that fails part-way
//! leaves the old store byte for byte, with no temporary file behind.

mod common;
use common::floor;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::{Access, Entry, Password, Store};
use tempfile::TempDir;

const PW_VAR: &str = "KDBMAN_FILES_PW";
const PW: &str = "store files pw";

/// Names in `dir` that look like our temporary files.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn saving_through_a_symlink_updates_the_target_and_keeps_the_link() {
    let tmp = TempDir::new().unwrap();
    let real_dir = tmp.path().join("vol");
    let link_dir = tmp.path().join("etc");
    std::fs::create_dir_all(&real_dir).unwrap();
    std::fs::create_dir_all(&link_dir).unwrap();
    let real = real_dir.join("server.kdb");
    let link = link_dir.join("server.kdb");
    let pw = Password::new(PW);
    drop(Store::create(&real, &pw, &floor()).unwrap());
    // A relative link, as `ln -s ../vol/server.kdb` makes.
    symlink("../vol/server.kdb", &link).unwrap();

    // Library: open by the link, add, save.
    let mut store = Store::open(&link, &pw, Access::Update).unwrap();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new("CN=linked", 30).self_signed(&key).unwrap();
    store
        .add(Entry::personal("linked", vec![cert], key))
        .unwrap();
    store.save().unwrap();
    drop(store);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a regular file"
    );
    let through_real = Store::open(&real, &pw, Access::Read).unwrap();
    assert_eq!(through_real.get("linked").unwrap().label(), "linked");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // CLI: a second change through the link, then a stash beside the link.
    Command::cargo_bin("kdbman")
        .unwrap()
        .env(PW_VAR, PW)
        .args([
            "cert",
            "create",
            "--db",
            link.to_str().unwrap(),
            "--pw-env",
            PW_VAR,
        ])
        .args(["--label", "second", "--dn", "CN=second", "--key", "ec:p256"])
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let labels: Vec<String> = Store::open(&real, &pw, Access::Read)
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.label().to_string())
        .collect();
    assert_eq!(labels, ["linked", "second"]);
    assert!(temps(&real_dir).is_empty(), "{:?}", temps(&real_dir));
    assert!(temps(&link_dir).is_empty(), "{:?}", temps(&link_dir));
}

#[test]
fn a_dangling_link_is_not_overwritten_by_create() {
    let tmp = TempDir::new().unwrap();
    let link = tmp.path().join("s.kdb");
    symlink("nowhere/s.kdb", &link).unwrap();
    let err = Store::create(&link, &Password::new(PW), &floor()).unwrap_err();
    assert!(
        matches!(err, kdbman::Error::AlreadyExists { .. }),
        "{err:?}"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// A write cut short (here by a file size limit: EFBIG, as a full disk
/// gives ENOSPC on the same path) fails with an I/O error naming the store,
/// leaves the old store byte for byte and removes its temporary file.
#[test]
fn a_write_that_fails_part_way_leaves_the_old_store() {
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("s.kdb");
    Command::cargo_bin("kdbman")
        .unwrap()
        .env(PW_VAR, PW)
        .args([
            "keydb",
            "create",
            "--db",
            db.to_str().unwrap(),
            "--pw-env",
            PW_VAR,
        ])
        .args(["--kdf-floor", "--type", "kdbman"])
        .assert()
        .success();
    let before = std::fs::read(&db).unwrap();
    assert!(before.len() < 1024, "the empty store fits under the limit");
    // SIGXFSZ ignored, so the write returns EFBIG instead of killing us;
    // `ulimit -f 2` is 1 KiB in dash (512-byte blocks), 2 KiB in bash.
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"")
        .arg(cargo_bin("kdbman"))
        .args([
            "cert",
            "create",
            "--db",
            db.to_str().unwrap(),
            "--pw-env",
            PW_VAR,
        ])
        .args(["--label", "big", "--dn", "CN=big", "--key", "rsa:2048"])
        .env(PW_VAR, PW)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "exit 3 (I/O): {stderr}");
    assert!(stderr.contains("s.kdb"), "{stderr}");
    assert!(stderr.contains("the old file as it was"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the old store changed");
    assert!(temps(tmp.path()).is_empty(), "{:?}", temps(tmp.path()));
    Store::open(&db, &Password::new(PW), Access::Read).unwrap();
}
