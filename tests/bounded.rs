//! Bounded work on hostile files (issue 18, acceptance 4): files that ask
//! for too much key derivation are refused with the figures named, before
//! the work; FIFOs and devices named like stores neither hang `lint --dir`
//! nor `--db`; a store larger than the cap is refused before it is read.
//!
//! No test times anything: each command runs under a 30 s watchdog, so a
//! hang fails the test instead of stalling the suite.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kdbman::store::native::format;
use kdbman::{Kdf, Password, Store};
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn kdbman_with(dir: &Path, args: &[&str], pw: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kdbman"));
    cmd.env_remove("KDBMAN_MAX_KDF_ITERATIONS")
        .env_remove("KDBMAN_MAX_ARGON2_WORK_MIB")
        .env_remove("KDBMAN_MAX_STORE_MIB");
    cmd.envs(env.iter().copied());
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("PW", pw)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kdbman {args:?} still running after 30 s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bounded")
        .join(name)
}

#[test]
fn a_pkcs12_whose_items_sum_past_the_cap_is_refused_naming_the_figures() {
    let dir = TempDir::new().unwrap();
    let p12 = fixture("costly.p12");
    let p12 = p12.to_str().unwrap();
    // Each item (MAC, certificate safe, key bag) asks for 2,500,000
    // iterations: allowed alone, 7,500,000 together.
    let r = kdbman_with(
        dir.path(),
        &["cert", "list", "--db", p12, "--pw-env", "PW"],
        "pw",
        &[],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    for figure in ["2500000", "7500000", "6000000", "the shrouded key"] {
        assert!(r.stderr.contains(figure), "{figure} missing: {}", r.stderr);
    }
    assert!(
        r.stderr.contains("KDBMAN_MAX_KDF_ITERATIONS"),
        "{}",
        r.stderr
    );

    // The same file as an input to import.
    let r = kdbman_with(
        dir.path(),
        &[
            "keydb",
            "create",
            "--db",
            "s.kdb",
            "--pw-env",
            "PW",
            "--type",
            "kdbman",
            "--kdf-floor",
        ],
        "pw",
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = kdbman_with(
        dir.path(),
        &[
            "cert",
            "import",
            "--db",
            "s.kdb",
            "--pw-env",
            "PW",
            "--file",
            p12,
            "--file-pw-env",
            "PW",
        ],
        "pw",
        &[],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("7500000"), "{}", r.stderr);
}

/// A native store whose header asks for `kdf`; its key wrap is made with
/// an arbitrary key (the derivation must be refused before it runs, so
/// the store never opens anyway).
fn native_store_asking(kdf: Kdf) -> Vec<u8> {
    let mut header = format::Header::new(kdf, None);
    format::wrap_key(&mut header, &[1u8; 32], &[2u8; 32]);
    format::seal(&mut header, &[2u8; 32], b"")
}

#[test]
fn the_maximum_argon2_memory_under_lint_jobs_8_is_refused_naming_the_figures() {
    let dir = TempDir::new().unwrap();
    let fleet = dir.path().join("fleet");
    std::fs::create_dir(&fleet).unwrap();
    // 256 MiB (the format's ceiling) × 4 passes: 1 GiB-pass, within the
    // format's bounds, twice the per-file cap.
    let hostile = native_store_asking(Kdf::Argon2id {
        memory_kib: 256 * 1024,
        iterations: 4,
        parallelism: 1,
    });
    for i in 0..8 {
        std::fs::write(fleet.join(format!("hostile{i}.kdb")), &hostile).unwrap();
    }
    let pw = Password::new("fleet-password");
    let good = fleet.join("good.kdb");
    let opts = kdbman::CreateOptions {
        kdf: Kdf::ARGON2_FLOOR,
        ..Default::default()
    };
    let opts = kdbman::CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        ..opts
    };
    Store::create(&good, &pw, &opts).unwrap().save().unwrap();
    let r = kdbman_with(
        dir.path(),
        &[
            "lint", "--dir", "fleet", "--jobs", "8", "--pw-env", "PW", "--format", "json",
        ],
        "fleet-password",
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", r.stdout, r.stderr);
    });
    let stores = v["stores"].as_array().unwrap();
    assert_eq!(stores.len(), 9, "{}", r.stdout);
    let text = r.stdout.clone();
    let refused = stores
        .iter()
        .filter(|s| s["opened"] == false)
        .inspect(|s| {
            let msg = s.to_string();
            for figure in ["1024", "512", "Argon2id"] {
                assert!(msg.contains(figure), "{figure} missing: {msg}");
            }
        })
        .count();
    assert_eq!(refused, 8, "{text}");
    let good_report = stores
        .iter()
        .find(|s| s["store"].as_str().is_some_and(|p| p.ends_with("good.kdb")))
        .unwrap();
    assert_eq!(good_report["opened"], true, "{good_report}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn fifos_and_links_to_devices_named_like_stores_neither_hang_lint_nor_open() {
    let dir = TempDir::new().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    mkfifo(&tree.join("evil.kdb"));
    std::os::unix::fs::symlink("/dev/zero", tree.join("sub/zero.kdb")).unwrap();
    let pw = Password::new("tree-password");
    let opts = kdbman::CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::ARGON2_FLOOR,
        ..Default::default()
    };
    Store::create(&tree.join("sub/real.kdb"), &pw, &opts)
        .unwrap()
        .save()
        .unwrap();

    let r = kdbman_with(
        dir.path(),
        &[
            "lint", "--dir", "tree", "--pw-env", "PW", "--format", "json",
        ],
        "tree-password",
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", r.stdout, r.stderr);
    });
    let paths: Vec<&str> = v["stores"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["store"].as_str())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("real.kdb"), "{paths:?}");
    assert_eq!(v["stores"][0]["opened"], true);
    for (name, kind) in [("evil.kdb", "FIFO"), ("zero.kdb", "character device")] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains("notice") && l.contains(name) && l.contains(kind)),
            "no notice for {name}: {}",
            r.stderr
        );
    }

    // Named with --db, each is refused at once, whatever the command.
    for (db, kind) in [
        ("tree/evil.kdb", "FIFO"),
        ("tree/sub/zero.kdb", "character device"),
    ] {
        for cmd in [
            &["cert", "list", "--db", db, "--pw-env", "PW"][..],
            &["lint", "--db", db, "--pw-env", "PW"][..],
            &[
                "cert", "create", "--db", db, "--pw-env", "PW", "--label", "x", "--dn", "CN=x",
            ][..],
        ] {
            let r = kdbman_with(dir.path(), cmd, "tree-password", &[]);
            assert_ne!(r.code, 0, "{cmd:?}");
            let all = format!("{}{}", r.stdout, r.stderr);
            assert!(
                all.contains(kind) && all.contains("not a regular file"),
                "{cmd:?}: {all}"
            );
        }
    }
    // The FIFO is still a FIFO: nothing replaced it.
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(tree.join("evil.kdb"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_store_larger_than_the_cap_is_refused_before_it_is_read() {
    let dir = TempDir::new().unwrap();
    // Sparse: 300 MiB on paper, nothing on disk.
    let big = std::fs::File::create(dir.path().join("big.kdb")).unwrap();
    big.set_len(300 << 20).unwrap();
    drop(big);
    let r = kdbman_with(
        dir.path(),
        &["cert", "list", "--db", "big.kdb", "--pw-env", "PW"],
        "pw",
        &[],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&(300u64 << 20).to_string()),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&(256u64 << 20).to_string()),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("KDBMAN_MAX_STORE_MIB"), "{}", r.stderr);
}

#[test]
fn the_keys_of_a_cms_store_are_summed_against_the_cap_which_the_environment_sets() {
    let dir = TempDir::new().unwrap();
    let ok = |r: Run| assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    ok(kdbman_with(
        dir.path(),
        &["keydb", "create", "--db", "c.kdb", "--pw-env", "PW"],
        "cms-password",
        &[],
    ));
    for label in ["one", "two"] {
        ok(kdbman_with(
            dir.path(),
            &[
                "cert", "create", "--db", "c.kdb", "--pw-env", "PW", "--label", label, "--dn",
                "CN=x", "--key", "ec:p256",
            ],
            "cms-password",
            &[],
        ));
    }
    let list = ["cert", "list", "--db", "c.kdb", "--pw-env", "PW"];
    ok(kdbman_with(dir.path(), &list, "cms-password", &[]));
    // GSKit's 5 iterations a key: two keys are 10, past a cap of 6.
    let r = kdbman_with(
        dir.path(),
        &list,
        "cms-password",
        &[("KDBMAN_MAX_KDF_ITERATIONS", "6")],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    for figure in ["the private key of `", "(record ", " 5 ", " 10", " 6 "] {
        assert!(r.stderr.contains(figure), "{figure} missing: {}", r.stderr);
    }
}
