//! Lint on a store of 10,000 entries (issue 13: under 0.4 s with the KDF,
//! growing linearly): duplicate detection is linear, and every personal
//! key is loaded as the server loads it and matched with its certificate by
//! the public key derived from it (no signature).
//! Run: `cargo bench --bench lint` (prints the timings; not a test);
//! `KDBMAN_LINT_N=1000 cargo bench --bench lint` for another size.

use std::time::Instant;

use kdbman::diagnose::{self, LintTarget};
use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::{Access, CreateOptions, Entry, Kdf, Password, Store};

fn main() {
    let n: usize = std::env::var("KDBMAN_LINT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("big.kdb");
    let pw = Password::new("bench-password");
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::ARGON2_FLOOR,
        password_expires: None,
    };

    let t = Instant::now();
    let ca_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut ca_spec = CertSpec::new("CN=bench root", 3650);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).expect("ca");
    let mut store = Store::create(&path, &pw, &opts).expect("create");
    store
        .add(Entry::signer("root", ca.clone()))
        .expect("add root");
    let mut first = None;
    for i in 0..n - 1 {
        let key = keygen::generate(KeyType::EcP256).expect("key");
        let kp = rcgen::KeyPair::try_from(key.pkcs8_der()).expect("key pair");
        let spki = rcgen::PublicKeyData::subject_public_key_info(&kp);
        let mut spec = CertSpec::new(format!("CN=host{i}.example.com"), 365);
        spec.sans
            .push(format!("dns:host{i}.example.com").parse().expect("san"));
        let cert = spec.signed_by(&spki, &ca, &ca_key).expect("cert");
        if first.is_none() {
            first = Some((cert.clone(), key.clone()));
        }
        store
            .add(Entry::personal(format!("host{i}"), vec![cert], key))
            .expect("add");
    }
    store.set_default("host0").expect("default");
    // One duplicate key, so the duplicate check has something to find.
    let (cert, key) = first.expect("an entry");
    store.add_unchecked(Entry::personal("host0-copy", vec![cert], key));
    store.save().expect("save");
    drop(store);
    println!(
        "built a store of {n} entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let store = Store::open(&path, &pw, Access::Read).expect("open");
    let open = t.elapsed();
    for run in 1..=3 {
        let t = Instant::now();
        let target = LintTarget {
            path: &path,
            store: Ok(&store),
            stash: None,
            label: None,
            at: kdbman::diagnose::now(),
            warn_days: diagnose::DEFAULT_WARN_DAYS,
        };
        let findings = diagnose::lint(&target);
        let lint = t.elapsed();
        let t = Instant::now();
        let dups = kdbman::store::duplicate_keys(store.entries()).len()
            + kdbman::store::duplicate_labels(store.entries()).len();
        let dup = t.elapsed();
        println!(
            "run {run}: open (KDF included) {:.3} s, lint {:.3} s, open + lint {:.3} s ({} findings: {}), duplicate detection alone {:.3} s ({dups} groups)",
            open.as_secs_f64(),
            lint.as_secs_f64(),
            (open + lint).as_secs_f64(),
            findings.len(),
            findings
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
                .join(","),
            dup.as_secs_f64()
        );
    }
}
