//! Acceptance 6 and 7: concurrent writers serialize without losing an
//! update, and a writer killed at any moment leaves a store that opens to
//! either the old or the new contents.

mod common;
use common::floor;
use common::kdbman_bin;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::{Access, Entry, Password, Store};

const PW: &str = "concurrency password";

fn spawn_create(db: &Path, label: &str) -> Child {
    Command::new(kdbman_bin())
        .args(["cert", "create", "--db"])
        .arg(db)
        .args(["--pw-env", "KPW", "--label", label, "--dn"])
        .arg(format!("CN={label}"))
        .args(["--key", "ec:p256"])
        .env("KPW", PW)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn labels(db: &Path) -> Vec<String> {
    let store = Store::open(db, &Password::new(PW), Access::Read).unwrap();
    store
        .entries()
        .iter()
        .map(|e| e.label().to_string())
        .collect()
}

#[test]
fn eight_concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.kdb");
    drop(Store::create(&db, &Password::new(PW), &floor()).unwrap());
    let mut want = Vec::new();
    // Several rounds: one lucky interleaving proves little.
    for round in 0..3 {
        let children: Vec<(String, Child)> = (0..8)
            .map(|i| {
                let label = format!("r{round}-p{i}");
                (label.clone(), spawn_create(&db, &label))
            })
            .collect();
        for (label, child) in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            want.push(label);
        }
        let mut have = labels(&db);
        have.sort();
        let mut w = want.clone();
        w.sort();
        assert_eq!(have, w, "round {round}: every writer's entry is present");
    }
    assert_eq!(want.len(), 24);
}

/// A store whose payload is a few megabytes, so that writing it takes a
/// while: `n` entries made from a pool of distinct certificates.
fn big_store(db: &Path, n: usize) {
    let mut store = Store::create(db, &Password::new(PW), &floor()).unwrap();
    let pool: Vec<(Vec<u8>, kdbman::PrivateKey)> = (0..50)
        .map(|i| {
            let key = keygen::generate(KeyType::EcP256).unwrap();
            let mut spec = CertSpec::new(
                format!("CN=bulk {i},O=Padding to make the store bigger,OU=kdbman tests"),
                365,
            );
            for j in 0..20 {
                spec.sans.push(
                    format!("dns:host-{j}.bulk-{i}.example.com")
                        .parse()
                        .unwrap(),
                );
            }
            (spec.self_signed(&key).unwrap(), key)
        })
        .collect();
    for i in 0..n {
        let (cert, key) = &pool[i % pool.len()];
        // Duplicate keys are representable (written by other tools); the
        // checks of `add` are not what this test is about.
        store.add_unchecked(Entry::personal(
            format!("bulk-{i}"),
            vec![cert.clone()],
            key.clone(),
        ));
    }
    store.save().unwrap();
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn killed_writer_leaves_old_or_new_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.kdb");
    big_store(&db, 4000);
    let size = std::fs::metadata(&db).unwrap().len();
    assert!(size > 3_000_000, "the store is megabytes ({size} bytes)");

    // How long one uninterrupted write takes.
    let t = Instant::now();
    let out = spawn_create(&db, "timing").wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = t.elapsed();
    let mut count = labels(&db).len();
    assert_eq!(count, 4001);

    let iterations = 40u32;
    let (mut old, mut new, mut leftovers) = (0, 0, 0);
    // Delays spread over 0 .. 1.1 × the timed run; should a loaded machine
    // make every kill land before the commit, the delays keep growing
    // until a writer finishes (never past 40 extra rounds), so the kills
    // span the write whatever the machine's speed.
    let mut i = 0u32;
    while i < iterations || (new == 0 && i < 2 * iterations) {
        let delay = if i < iterations {
            full.mul_f64(1.1 * f64::from(i) / f64::from(iterations - 1))
        } else {
            full.mul_f64(1.1 + 0.5 * f64::from(i - iterations + 1))
        };
        i += 1;
        let label = format!("kill-{i}");
        let mut child = spawn_create(&db, &label);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; an error means it had exited
        child.wait().unwrap();

        if !temp_files(dir.path()).is_empty() {
            leftovers += 1;
        }
        let store = Store::open(&db, &Password::new(PW), Access::Read)
            .unwrap_or_else(|e| panic!("iteration {i} (killed after {delay:?}): {e}"));
        let n = store.entries().len();
        let has_new = store.get(&label).is_ok();
        drop(store);
        if n == count {
            assert!(!has_new, "iteration {i}");
            old += 1;
        } else {
            assert_eq!(n, count + 1, "iteration {i}: old or new, nothing else");
            assert!(has_new, "iteration {i}: the new entry is the one added");
            new += 1;
        }
        count = n;
    }
    eprintln!(
        "one write: {full:?}; {old} kills left the old store, {new} the new one; \
         {leftovers} left a temp file; temp files now: {:?}",
        temp_files(dir.path())
    );
    assert!(
        old > 0 && new > 0,
        "kills spanned the write ({old} old, {new} new)"
    );

    // Whatever temp files the kills left do not get in the way of writers,
    // and the next successful write clears them.
    let out = spawn_create(&db, "after").wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(labels(&db).len(), count + 1);
    assert_eq!(
        temp_files(dir.path()),
        Vec::<String>::new(),
        "stale temp files removed"
    );
}

#[test]
fn a_writer_waits_for_the_lock_holder() {
    // The library's lock: an updater holding the store makes a CLI writer
    // wait, and the writer then sees the holder's change.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lock.kdb");
    drop(Store::create(&db, &Password::new(PW), &floor()).unwrap());
    let mut holder = Store::open(&db, &Password::new(PW), Access::Update).unwrap();
    let mut child = spawn_create(&db, "waiter");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer waits for the lock"
    );
    // Two saves: the lock passes to the new file at each, so the waiter
    // cannot slip in between and have its entry overwritten by the second.
    for label in ["holder", "holder-2"] {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let cert = CertSpec::new(format!("CN={label}"), 30)
            .self_signed(&key)
            .unwrap();
        holder.add(Entry::personal(label, vec![cert], key)).unwrap();
        holder.save().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            child.try_wait().unwrap().is_none(),
            "still waiting after a save"
        );
    }
    drop(holder);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut have = labels(&db);
    have.sort();
    assert_eq!(have, ["holder", "holder-2", "waiter"]);
}

#[test]
fn concurrent_creates_one_wins_and_no_store_is_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.kdb");
    let children: Vec<(String, Child)> = (0..6)
        .map(|i| {
            let pw = format!("password number {i}");
            let child = Command::new(kdbman_bin())
                .args([
                    "keydb",
                    "create",
                    "--kdf-floor",
                    "--type",
                    "kdbman",
                    "--pw-env",
                    "KPW",
                    "--db",
                ])
                .arg(&db)
                .env("KPW", &pw)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (pw, child)
        })
        .collect();
    let mut winners = Vec::new();
    for (pw, child) in children {
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => winners.push(pw),
            Some(3) => {
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(err.contains("exists already"), "{err}");
            }
            other => panic!("{other:?}: {}", String::from_utf8_lossy(&out.stderr)),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one create succeeds");
    Store::open(&db, &Password::new(winners[0].as_str()), Access::Read)
        .expect("the winner's password opens the store");
}
