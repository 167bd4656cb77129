//! Lint a fleet (issue 14, acceptance 4): 1,000 CMS key databases, each
//! with its own GSKit stash, a CA signer and two personal certificates,
//! linted in one run as `kdbman lint --dir D --stashed --label web` does
//! (discovery by content, stash per store, parallel, one JSON report);
//! then 100 native stores at the default Argon2id cost, whose key
//! derivation dominates. Run: `cargo bench --bench lint_fleet` (not a
//! test; prints one line per measurement).

use std::path::Path;
use std::time::Instant;

use kdbman::diagnose::fleet::{self, Auth, Options};
use kdbman::diagnose::report;
use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::stash::gskit;
use kdbman::{CreateOptions, Entry, Password, PrivateKey, Store, StoreFormat};

fn personal(label: &str, days: u32, ca: &[u8], ca_key: &PrivateKey) -> Entry {
    let key = keygen::generate(KeyType::EcP256).expect("key");
    let kp = rcgen::KeyPair::try_from(key.pkcs8_der()).expect("key pair");
    let spki = rcgen::PublicKeyData::subject_public_key_info(&kp);
    let mut spec = CertSpec::new(format!("CN={label}.example.com"), days);
    spec.sans
        .push(format!("dns:{label}.example.com").parse().expect("san"));
    let cert = spec.signed_by(&spki, ca, ca_key).expect("cert");
    Entry::personal(label, vec![cert], key)
}

fn build(dir: &Path, n: usize, format: StoreFormat, pw: &Password) {
    let ca_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut ca_spec = CertSpec::new("CN=fleet bench root", 3650);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).expect("ca");
    let opts = CreateOptions {
        format,
        ..CreateOptions::default()
    };
    for i in 0..n {
        let sub = dir.join(format!("group-{:02}", i % 20));
        std::fs::create_dir_all(&sub).expect("dir");
        let path = sub.join(format!("server-{i:04}.kdb"));
        let mut store = Store::create(&path, pw, &opts).expect("create");
        store.add(Entry::signer("root", ca.clone())).expect("root");
        store.add(personal("web", 365, &ca, &ca_key)).expect("web");
        store
            .add(personal("old", 10 + (i % 30) as u32, &ca, &ca_key))
            .expect("old");
        match format {
            StoreFormat::Cms(_) => {
                let stash = store
                    .gskit_stash_at(&kdbman::stash::default_path(&path), pw, gskit::Version::V2)
                    .expect("stash");
                store.save_with_stash(&stash).expect("save");
            }
            _ => store.save().expect("save"),
        }
    }
}

fn run(dir: &Path, auth: Auth, jobs: usize, what: &str) {
    let t = Instant::now();
    let paths = fleet::discover(&[], &[dir.to_path_buf()]);
    let options = Options {
        auth,
        label: Some("web".into()),
        at: kdbman::diagnose::now(),
        warn_days: 30,
        jobs,
        // As `lint --dir D --format json` keeps it.
        inventory: true,
    };
    let reports = fleet::lint_all(&paths, &options);
    let run = report::Run {
        label: Some("web"),
        at: options.at,
        fail_on: kdbman::diagnose::Severity::Error,
    };
    let json = report::fleet_json(&reports, &run).to_string();
    let secs = t.elapsed().as_secs_f64();
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    println!(
        "{what}: {} stores, {jobs} job(s): {secs:.2} s ({:.2} ms/store), {findings} findings, {} KB of JSON",
        reports.len(),
        secs * 1e3 / reports.len() as f64,
        json.len() / 1024
    );
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let pw = Password::new("Fleet-Bench-Password-2026!");
    let cms = tempfile::TempDir::new().expect("temp dir");
    let t = Instant::now();
    build(cms.path(), 1_000, StoreFormat::default(), &pw);
    println!(
        "built 1,000 CMS stores in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    for jobs in [1, cores] {
        run(
            cms.path(),
            Auth::OwnStash { fallback: None },
            jobs,
            "CMS, own stashes",
        );
    }
    let native = tempfile::TempDir::new().expect("temp dir");
    build(native.path(), 100, StoreFormat::Kdbman, &pw);
    run(
        native.path(),
        Auth::Password(pw),
        cores,
        "native, Argon2id 64 MiB",
    );
}
