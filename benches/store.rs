//! Acceptance 10: what create, open (password and stash) and listing cost
//! for stores of 1,000 and 10,000 entries, with the deliberate key
//! derivation measured on its own so the rest can be seen.
//!
//! Run: `cargo bench --bench store` (release). Prints two tables of minimums.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::stash::{self, Permissions};
use kdbman::{Access, CreateOptions, Entry, Kdf, Password, PrivateKey, Stash, Store};

const RUNS: usize = 7;

/// The minimum of the runs: on a shared machine other processes only ever
/// add time, so the minimum is the steadiest estimate of the cost.
fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// Distinct keys and certificates, made once (key generation is not what
/// is measured).
fn pool(n: usize) -> Vec<(Vec<u8>, PrivateKey)> {
    (0..n)
        .map(|i| {
            let key = keygen::generate(KeyType::EcP256).unwrap();
            let mut spec = CertSpec::new(format!("CN=host{i}.example.com,O=Bench"), 365);
            spec.sans
                .push(format!("dns:host{i}.example.com").parse().unwrap());
            (spec.self_signed(&key).unwrap(), key)
        })
        .collect()
}

/// The KDF alone, with the default store's parameters.
fn kdf_alone(kdf: Kdf) -> Duration {
    let Kdf::Argon2id {
        memory_kib,
        iterations,
        parallelism,
    } = kdf
    else {
        unreachable!("the default KDF is Argon2id")
    };
    let params = argon2::Params::new(memory_kib, iterations, parallelism, Some(32)).unwrap();
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    time(|| {
        let mut out = [0u8; 32];
        a.hash_password_into(b"benchmark password", &[7u8; 32], &mut out)
            .unwrap();
        out
    })
}

struct Row {
    entries: usize,
    size: u64,
    create: Duration,
    open_pw: Duration,
    open_stash: Duration,
    list: Duration,
    add_one: Duration,
    cli_list: Duration,
}

fn bench(dir: &Path, entries: &[(Vec<u8>, PrivateKey)], kdf: Kdf) -> Row {
    let n = entries.len();
    let pw = Password::new("benchmark password");
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf,
        password_expires: None,
    };
    let db = dir.join(format!("bench-{n}.kdb"));

    // Create: a new store, every entry added through the checked API, saved.
    let mut k = 0;
    let create = time(|| {
        k += 1;
        let path = dir.join(format!("create-{n}-{k}.kdb"));
        let mut s = Store::create(&path, &pw, &opts).unwrap();
        for (i, (cert, key)) in entries.iter().enumerate() {
            s.add(Entry::personal(
                format!("host{i}"),
                vec![cert.clone()],
                key.clone(),
            ))
            .unwrap();
        }
        s.save().unwrap();
        drop(s);
        std::fs::rename(&path, &db).unwrap();
    });
    let size = std::fs::metadata(&db).unwrap().len();
    let s = Store::open(&db, &pw, Access::Read).unwrap();
    let sth = stash::default_path(&db);
    s.stash_at(&sth, &pw).write().unwrap();
    drop(s);

    let open_pw = time(|| {
        let s = Store::open(&db, &pw, Access::Read).unwrap();
        assert_eq!(s.entries().len(), n);
        s
    });
    let open_stash = time(|| {
        let st = Stash::read(&sth, &db, Permissions::Strict).unwrap();
        Store::open_stashed(&db, &st, Access::Read).unwrap()
    });
    // Listing as `cert list` does: open, then parse every certificate.
    let list = time(|| {
        let s = Store::open(&db, &pw, Access::Read).unwrap();
        s.entries()
            .iter()
            .map(|e| {
                let c = e.certificate().unwrap();
                kdbman::pki::cert::cert_info(c).unwrap().not_after
            })
            .max()
    });
    // The CLI, end to end, once per run.
    let cli_list = time(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_kdbman"))
            .args(["cert", "list", "--json", "--stashed", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.len() > n * 100);
    });
    // One more entry: what `cert create` costs beyond key generation
    // (open for update, checked add, save). Runs last: the store grows.
    let extra = pool(RUNS);
    let mut m = 0;
    let add_one = time(|| {
        let (cert, key) = &extra[m];
        m += 1;
        let mut s = Store::open(&db, &pw, Access::Update).unwrap();
        s.add(Entry::personal(
            format!("extra{m}"),
            vec![cert.clone()],
            key.clone(),
        ))
        .unwrap();
        s.save().unwrap();
    });
    Row {
        entries: n,
        size,
        create,
        open_pw,
        open_stash,
        list,
        add_one,
        cli_list,
    }
}

fn table(title: &str, dir: &Path, certs: &[(Vec<u8>, PrivateKey)], kdf: Kdf) {
    let kdf_cost = kdf_alone(kdf);
    println!("{title}: {kdf}");
    println!(
        "KDF alone: {} ms. \"−KDF\": the same figure less one KDF run.",
        ms(kdf_cost)
    );
    println!(
        "{:>8} {:>10} | {:>8} {:>8} | {:>8} {:>8} | {:>10} {:>8} | {:>8} {:>8} | {:>8} {:>8} | {:>8} {:>8}",
        "entries",
        "bytes",
        "create",
        "−KDF",
        "open pw",
        "−KDF",
        "open stash",
        "−KDF",
        "list",
        "−KDF",
        "add one",
        "−KDF",
        "CLI list",
        "−KDF"
    );
    for n in [1_000, 10_000] {
        let r = bench(dir, &certs[..n], kdf);
        let less = |d: Duration| ms(d.saturating_sub(kdf_cost));
        println!(
            "{:>8} {:>10} | {:>8} {:>8} | {:>8} {:>8} | {:>10} {:>8} | {:>8} {:>8} | {:>8} {:>8} | {:>8} {:>8}",
            r.entries,
            r.size,
            ms(r.create),
            less(r.create),
            ms(r.open_pw),
            less(r.open_pw),
            ms(r.open_stash),
            less(r.open_stash),
            ms(r.list),
            less(r.list),
            ms(r.add_one),
            less(r.add_one),
            ms(r.cli_list),
            less(r.cli_list),
        );
    }
    println!();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    eprintln!("generating 10,000 distinct EC P-256 certificates…");
    let certs = pool(10_000);
    println!("kdbman store benchmark: minimum of {RUNS} runs, milliseconds");
    println!(
        "create = new store + every entry through the checked add + save; list = open + parse \
         every certificate; add one = open for update + add + save; CLI list = `kdbman cert \
         list --json --stashed` as a process"
    );
    println!();
    table(
        "Default key derivation (what users wait for)",
        dir.path(),
        &certs,
        Kdf::DEFAULT,
    );
    // The floor KDF is cheap, so what the format itself costs stands out
    // from the noise of a 64 MiB Argon2 run.
    table(
        "Cheapest key derivation (the format's own cost)",
        dir.path(),
        &certs,
        Kdf::ARGON2_FLOOR,
    );
}
