//! Replays what the fuzzers found (`fixtures/fuzz-regressions/<target>/`)
//! and their seed corpora (`fuzz/seeds/<target>/`) through the same entry
//! points the fuzz targets call, on the stable toolchain: each must return
//! without a panic. A crash that `cargo fuzz` finds is fixed in the library
//! and its reproducer copied into `fixtures/fuzz-regressions/<target>/`.

use std::path::Path;

/// Every target: the library's and the server's.
fn targets() -> impl Iterator<Item = &'static (&'static str, kdbman::fuzzing::Target)> {
    kdbman::fuzzing::TARGETS
        .iter()
        .chain(kdbman_serve::fuzzing::TARGETS)
}

fn replay(root: &Path) -> usize {
    let mut n = 0;
    for (target, run) in targets() {
        let dir = root.join(target);
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = files.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            eprintln!("{target}: {}", f.display());
            run(&bytes);
            n += 1;
        }
    }
    n
}

/// Regular files anywhere under `dir`.
fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                count_files(&p)
            } else {
                usize::from(p.is_file())
            }
        })
        .sum()
}

#[test]
fn fuzz_findings_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions");
    let stored = count_files(&root);
    assert!(stored > 0, "fixtures/fuzz-regressions holds no reproducer");
    let replayed = replay(&root);
    // A reproducer in a directory no target reads (a renamed target, a
    // typo) would otherwise pass without running.
    assert!(
        replayed >= stored,
        "replayed {replayed} of the {stored} files in fixtures/fuzz-regressions"
    );
}

#[test]
fn fuzz_seeds_pass_through_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    assert!(replay(&root) >= 30, "the seed corpora are missing");
}

#[test]
fn every_target_is_replayed() {
    let names: Vec<&str> = targets().map(|(n, _)| *n).collect();
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .unwrap();
    for n in &names {
        assert!(
            manifest.contains(&format!("name = \"{n}\"")),
            "fuzz target {n} has no [[bin]] in fuzz/Cargo.toml"
        );
    }
}

/// The `cms` target gets past both MACs on every version's seed (v3 with
/// its record numbers and pbeWithMD5AndDES keys, v4, v6), so the fuzzer
/// mutates what lies behind them rather than stopping at the verifier.
#[test]
fn cms_seeds_open_behind_the_macs_in_every_version() {
    use kdbman::store::cms::{self, container};
    let pw = kdbman::Password::new(kdbman::fuzzing::SEED_PASSWORD);
    let path = Path::new("fuzz.kdb");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/cms");
    for name in ["v3", "v4", "v6"] {
        let bytes = std::fs::read(seeds.join(name)).unwrap();
        let sealed = container::remac(path, &bytes, &pw).expect("the seed's container parses");
        let layout = container::parse(path, &sealed).unwrap();
        assert_eq!(format!("v{}", layout.version.number()), name);
        match cms::open(path, &sealed, cms::Besides::none(), &pw) {
            Ok(cms::Opened::Ok(_, entries)) => assert!(
                entries.iter().any(|e| e.private_key().is_some()),
                "{name}: no key decrypted"
            ),
            Ok(_) => panic!("{name}: opened, but not usable"),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}
