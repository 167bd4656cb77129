//! The command lines as data: every case under `tests/cmd/` (one `.toml`
//! per case, its expected `.stdout`/`.stderr` beside it) is run by
//! trycmd against the built kdbman, and against a `gsk8capicmd_64`
//! symlink to it for the gsk8capicmd front end. See `tests/cmd/README.md`
//! for adding a case and re-blessing.
//!
//! Cases read the committed fixtures (`fixtures/`) or their own
//! `CASE.in/` directory. Git does not keep file modes, and kdbman refuses
//! a stash (and lint warns about a store) that group or others can read,
//! so the runner first copies `tests/cmd/` and `fixtures/` into a staging
//! directory with private modes (`0600` files, `0700` directories); each
//! case then runs in a sandbox copy of its input (`fs.sandbox = true`), so
//! nothing under the repository is written.
//!
//! Environment (for `tests/cmd/diff_against.sh`):
//! - `KDBMAN_CASES_BIN`: run this kdbman instead of the one cargo built.
//! - `KDBMAN_CASES_STAGE`: stage into this directory (default
//!   `$CARGO_TARGET_TMPDIR/cli-cases`).
//!
//! With `TRYCMD=overwrite` the staged expectations are rewritten and, for
//! the cargo-built kdbman only, copied back into `tests/cmd/`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Copies the tree `from` to `to`, files `0600`, directories `0700`
/// (symbolic links are copied as links).
fn copy_private(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_private(&src, &dst);
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else {
            std::fs::copy(&src, &dst).unwrap();
            std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
}

/// The expectation files of the cases (`.toml`, `.stdout`, `.stderr`) in
/// `dir`, by name.
fn expectations(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e == "toml" || e == "stdout" || e == "stderr")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn cli_cases() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stage = std::env::var_os("KDBMAN_CASES_STAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-cases"));
    if stage.exists() {
        std::fs::remove_dir_all(&stage).unwrap();
    }
    copy_private(&repo.join("tests/cmd"), &stage.join("tests/cmd"));
    copy_private(&repo.join("fixtures"), &stage.join("fixtures"));

    let other = std::env::var_os("KDBMAN_CASES_BIN").map(PathBuf::from);
    let kdbman = other.clone().unwrap_or_else(common::kdbman_bin);
    assert!(kdbman.is_file(), "no kdbman at {}", kdbman.display());
    let bin = stage.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let gsk = bin.join("gsk8capicmd_64");
    std::os::unix::fs::symlink(&kdbman, &gsk).unwrap();

    let cases = trycmd::TestCases::new();
    cases
        .register_bin("kdbman", kdbman)
        .register_bin("gsk8capicmd_64", gsk)
        // clap wraps help text at $COLUMNS when standard output is no terminal.
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .case(stage.join("tests/cmd/*.toml"));
    cases.run();

    let overwrite = std::env::var("TRYCMD").is_ok_and(|m| m == "overwrite");
    if overwrite && other.is_none() {
        for file in expectations(&stage.join("tests/cmd")) {
            let back = repo.join("tests/cmd").join(file.file_name().unwrap());
            let text = std::fs::read(&file).unwrap();
            if std::fs::read(&back).ok().as_deref() != Some(&text[..]) {
                std::fs::write(&back, text).unwrap();
                eprintln!("blessed {}", back.display());
            }
        }
    }
}
