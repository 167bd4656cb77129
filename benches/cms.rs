//! A 10,000-entry CMS key database: open, list, lint, add one (issue 10,
//! acceptance 9). CMS needs no key derivation; what it costs is parsing
//! the slots, checking both MACs and decrypting every private key (GSKit's
//! 5 PBKDF2 iterations each, on two threads).
//! Run: `cargo bench --bench cms` (prints minimums of 5 runs; not a test).

use std::time::{Duration, Instant};

use kdbman::diagnose::{self, LintTarget};
use kdbman::pki::{self, CertSpec, KeyType, keygen};
use kdbman::{Access, CreateOptions, Entry, Password, Store, StoreFormat};

const RUNS: usize = 5;

fn best<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn build(path: &std::path::Path, pw: &Password, n: usize) {
    let opts = CreateOptions {
        format: StoreFormat::default(),
        ..CreateOptions::default()
    };
    let ca_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut ca_spec = CertSpec::new("CN=bench root", 3650);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).expect("ca");
    let mut store = Store::create(path, pw, &opts).expect("create");
    store.add(Entry::signer("root", ca.clone())).expect("root");
    for i in 0..n - 1 {
        let key = keygen::generate(KeyType::EcP256).expect("key");
        let kp = rcgen::KeyPair::try_from(key.pkcs8_der()).expect("key pair");
        let spki = rcgen::PublicKeyData::subject_public_key_info(&kp);
        let mut spec = CertSpec::new(format!("CN=host{i}.example.com"), 365);
        spec.sans
            .push(format!("dns:host{i}.example.com").parse().expect("san"));
        let cert = spec.signed_by(&spki, &ca, &ca_key).expect("cert");
        store.add_unchecked(Entry::personal(format!("host{i}"), vec![cert], key));
    }
    store.save().expect("save");
}

fn main() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let pw = Password::new("a long bench passphrase 2026!");
    println!(
        "| entries | file size | open | list (open + parse every certificate) | lint --label | add one and save |"
    );
    println!("|---|---|---|---|---|---|");
    for n in [1_000usize, 10_000] {
        let path = dir.path().join(format!("s{n}.kdb"));
        build(&path, &pw, n);
        let size = std::fs::metadata(&path).expect("size").len();
        let open = best(|| Store::open(&path, &pw, Access::Read).expect("open"));
        let list = best(|| {
            let s = Store::open(&path, &pw, Access::Read).expect("open");
            s.entries()
                .iter()
                .filter_map(|e| pki::cert::cert_info(e.certificate()?).ok())
                .count()
        });
        let lint = best(|| {
            let s = Store::open(&path, &pw, Access::Read).expect("open");
            diagnose::lint(&LintTarget {
                path: &path,
                store: Ok(&s),
                stash: None,
                label: Some("host0"),
                at: diagnose::now(),
                warn_days: diagnose::DEFAULT_WARN_DAYS,
            })
            .len()
        });
        let mut i = 0;
        let key = keygen::generate(KeyType::EcP256).expect("key");
        let add = best(|| {
            i += 1;
            let cert = CertSpec::new(format!("CN=extra{i}"), 30)
                .self_signed(&key)
                .expect("cert");
            let mut s = Store::open(&path, &pw, Access::Update).expect("open");
            s.add_unchecked(Entry::personal(
                format!("extra{i}"),
                vec![cert],
                key.clone(),
            ));
            s.save().expect("save");
        });
        println!(
            "| {n} | {:.1} MB | {} | {} | {} | {} |",
            size as f64 / 1e6,
            ms(open),
            ms(list),
            ms(lint),
            ms(add)
        );
    }
}
