//! Man pages and completions are generated from the clap definitions and
//! committed; this fails when they are stale. `KDBMAN_BLESS=1 cargo test
//! --test docs` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

fn files(dir: &Path, skip_section5: bool) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if skip_section5 && name.ends_with(".5") {
            continue;
        }
        out.insert(name, std::fs::read(&p).unwrap());
    }
    out
}

#[test]
fn man_pages_and_completions_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("kdbman")
        .unwrap()
        .args(["generate-docs", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    for sub in ["man", "completions"] {
        let fresh = files(&tmp.path().join(sub), false);
        assert!(fresh.len() >= 3, "{sub}: too few generated files");
        let committed_dir = root.join(sub);
        if std::env::var_os("KDBMAN_BLESS").is_some() {
            std::fs::create_dir_all(&committed_dir).unwrap();
            for (name, _) in files(&committed_dir, true) {
                std::fs::remove_file(committed_dir.join(name)).unwrap();
            }
            for (name, bytes) in &fresh {
                std::fs::write(committed_dir.join(name), bytes).unwrap();
            }
            continue;
        }
        let committed = files(&committed_dir, true);
        let stale: Vec<_> = fresh
            .iter()
            .filter(|(n, b)| committed.get(*n) != Some(*b))
            .map(|(n, _)| n.clone())
            .chain(
                committed
                    .keys()
                    .filter(|n| !fresh.contains_key(*n))
                    .cloned(),
            )
            .collect();
        assert!(
            stale.is_empty(),
            "{sub}/ is stale ({stale:?}); run `KDBMAN_BLESS=1 cargo test --test docs` and commit"
        );
    }
    // The format specifications are hand-written and must exist.
    for page in ["kdbman-kdb.5", "kdbman-stash.5"] {
        assert!(
            root.join("man").join(page).is_file(),
            "man/{page} is missing"
        );
    }
}
