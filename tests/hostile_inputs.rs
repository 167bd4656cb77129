//! Hostile inputs: truncated, bit-flipped and random bytes through every
//! parser a user can reach — certificates, private keys, requests, PKCS#12,
//! stashes, store payloads and garbage entries inside a valid store. Every
//! path must end in an error or a finding, never a panic (not even one that
//! a `catch_unwind` hides: the panic hook counts them).
//!
//! The sweeps are deterministic (a seeded xorshift), so a failure names a
//! case that reproduces.

mod common;
use common::Kdbman;
use common::floor;

const PW_TEXT: &str = "hostile test pw";
const KDBMAN: Kdbman = Kdbman::new(&[(PW_VAR, PW_TEXT)])
    .without(&["KDB_PW"])
    .timeout(60);
use common::openssl;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use kdbman::pki::{CertSpec, KeyType, cert, keygen, pem, pkcs12, sign};
use kdbman::store::native::format;
use kdbman::{Access, Damage, Entry, Error, Kdf, Password, PrivateKey, Stash, Store};
use tempfile::TempDir;

// ---------------------------------------------------------------- harness

thread_local! {
    static PANICS: Cell<usize> = const { Cell::new(0) };
}

/// Counts panics on the panicking thread, so a panic swallowed by a
/// `catch_unwind` inside the library still fails the sweep.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            prev(info);
        }));
    });
}

/// Runs `f` and fails the test, naming `case`, if anything panicked.
fn no_panic<T>(case: &str, f: impl FnOnce() -> T) -> Option<T> {
    install_hook();
    let before = PANICS.with(Cell::get);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let after = PANICS.with(Cell::get);
    assert!(
        r.is_ok() && after == before,
        "panic on {case} ({} panics)",
        after - before
    );
    r.ok()
}

/// The harness itself: a panic that a `catch_unwind` swallows still counts.
#[test]
fn the_panic_counter_sees_swallowed_panics() {
    install_hook();
    let before = PANICS.with(Cell::get);
    let swallowed = std::panic::catch_unwind(|| panic!("deliberate"));
    assert!(swallowed.is_err());
    assert_eq!(PANICS.with(Cell::get), before + 1);
    let caught = std::panic::catch_unwind(|| no_panic("deliberate", || panic!("inner")));
    assert!(caught.is_err(), "no_panic must fail on a panic");
}

/// xorshift64*: deterministic, good enough to pick bytes and bits.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Mutations of `seed`: truncations, single and multiple bit flips, byte
/// overwrites (DER length bytes included), and random buffers, some of
/// them dressed as DER or PEM. `budget` bounds the count.
fn mutations(seed: &[u8], rng_seed: u64, budget: usize) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(rng_seed);
    let mut out = Vec::new();
    let n = seed.len();
    // Truncations: every length for small inputs, a spread otherwise, and
    // always the last few bytes (where DER lengths fail to add up).
    let step = (n / (budget / 4).max(1)).max(1);
    let mut cuts: Vec<usize> = (0..n).step_by(step).collect();
    cuts.extend(n.saturating_sub(8)..n);
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts {
        out.push((format!("truncated to {cut}"), seed[..cut].to_vec()));
    }
    for i in 0..budget / 4 {
        let mut b = seed.to_vec();
        if n == 0 {
            break;
        }
        let at = rng.below(n);
        let bit = rng.below(8);
        b[at] ^= 1 << bit;
        out.push((format!("bit flip #{i} at {at}.{bit}"), b));
    }
    for i in 0..budget / 8 {
        let mut b = seed.to_vec();
        let flips = 2 + rng.below(16);
        for _ in 0..flips {
            if n == 0 {
                break;
            }
            let at = rng.below(n);
            b[at] = match rng.below(4) {
                0 => 0x00,
                1 => 0xFF,
                2 => 0x80 | rng.below(5) as u8, // long-form DER length
                _ => rng.next() as u8,
            };
        }
        out.push((format!("{flips} bytes overwritten #{i}"), b));
    }
    for i in 0..budget / 8 {
        let len = rng.below(2 * n.max(64));
        let mut b = rng.bytes(len);
        match i % 3 {
            0 if len > 4 => {
                // A DER SEQUENCE claiming a plausible or absurd length.
                b[0] = 0x30;
                b[1] = 0x82;
            }
            1 => {
                let mut p = b"-----BEGIN CERTIFICATE-----\n".to_vec();
                p.extend(b.iter().map(|x| {
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
                        [(*x % 65) as usize]
                }));
                p.extend_from_slice(b"\n-----END CERTIFICATE-----\n");
                b = p;
            }
            _ => {}
        }
        out.push((format!("random #{i} ({len} bytes)"), b));
    }
    // Splices: the seed's own start inside its body, and doubled.
    if n > 16 {
        let mut b = seed.to_vec();
        b.extend_from_slice(seed);
        out.push(("doubled".into(), b));
        let mut b = seed[..n / 2].to_vec();
        b.extend_from_slice(&seed[..n / 2]);
        out.push(("half doubled".into(), b));
    }
    out
}

fn pem_of(label: &str, der: &[u8]) -> Vec<u8> {
    kdbman::pki::pem_encode(label, der).into_bytes()
}

fn pw() -> Password {
    Password::new(PW_TEXT)
}

const PW_VAR: &str = "KDBMAN_HOSTILE_PW";

// ------------------------------------------------------ library parsers

#[test]
fn certificates_der_and_pem_never_panic() {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new("CN=hostile,O=Test", 30);
    spec.sans.push("dns:hostile.example".parse().unwrap());
    let der = spec.self_signed(&key).unwrap();
    let ed = keygen::generate(KeyType::Ed25519).unwrap();
    let ed_der = CertSpec::new("CN=ed", 30).self_signed(&ed).unwrap();
    let mut cases = 0;
    for (s, seed) in [(1u64, &der), (2, &ed_der)] {
        for (name, b) in mutations(seed, s, 600) {
            no_panic(&format!("cert_info, DER {name}"), || {
                let _ = cert::cert_info(&b);
                let _ = kdbman::pki::cert_spki(&b);
                let _ = pkcs12::common_name(&b);
                let _ = pkcs12::chain_from(&b, &[b.clone(), der.clone()]);
            });
            let r = no_panic(&format!("parse_certificates, DER {name}"), || {
                pem::parse_certificates(&b, "test input")
            })
            .unwrap();
            if let Err(e) = r {
                assert_eq!(e.code(), Some("SSL0224E"), "{name}: {e}");
                assert!(e.to_string().contains("test input"), "{name}: {e}");
            }
            cases += 1;
        }
        let pem_seed = pem_of("CERTIFICATE", seed);
        for (name, b) in mutations(&pem_seed, s + 10, 400) {
            no_panic(&format!("parse_certificates, PEM {name}"), || {
                let _ = pem::parse_certificates(&b, "test input");
                let _ = pem::split_pem(&b, "test input");
            });
            cases += 1;
        }
    }
    assert!(cases > 1000, "only {cases} cases ran");
}

/// The key seeds: PKCS#8 (ring's EC and Ed25519, rsa's RSA), PKCS#1,
/// SEC1 and encrypted PKCS#8 (cheap PBKDF2, so the sweep stays fast).
fn key_seeds(dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa8.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkey",
            "-in",
            "rsa8.pem",
            "-traditional",
            "-out",
            "rsa1.pem",
        ],
    );
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "sec1.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "sec1.pem",
            "-v2",
            "aes-256-cbc",
            "-iter",
            "1",
            "-passout",
            "pass:hostile test pw",
            "-out",
            "enc8.pem",
        ],
    );
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let der_of = |n: &str| pem_rfc7468::decode_vec(&read(n)).unwrap().1;
    let ec8 = keygen::generate(KeyType::EcP256).unwrap();
    let ed8 = keygen::generate(KeyType::Ed25519).unwrap();
    vec![
        ("PKCS#8 EC DER", ec8.pkcs8_der().to_vec()),
        ("PKCS#8 Ed25519 DER", ed8.pkcs8_der().to_vec()),
        ("PKCS#8 RSA PEM", read("rsa8.pem")),
        ("PKCS#1 RSA DER", der_of("rsa1.pem")),
        ("PKCS#1 RSA PEM", read("rsa1.pem")),
        ("SEC1 DER", der_of("sec1.pem")),
        ("SEC1 PEM", read("sec1.pem")),
        ("encrypted PKCS#8 DER", der_of("enc8.pem")),
        ("encrypted PKCS#8 PEM", read("enc8.pem")),
    ]
}

#[test]
fn private_keys_in_every_form_never_panic() {
    let dir = TempDir::new().unwrap();
    let seeds = key_seeds(dir.path());
    let cert_key = keygen::generate(KeyType::EcP256).unwrap();
    let spki =
        kdbman::pki::cert_spki(&CertSpec::new("CN=k", 1).self_signed(&cert_key).unwrap()).unwrap();
    let mut cases = 0;
    for (i, (form, seed)) in seeds.iter().enumerate() {
        // The seed itself parses: the sweep starts from real keys.
        pem::parse_private_key(seed, Some(&pw()), form).unwrap_or_else(|e| panic!("{form}: {e}"));
        let budget = if seed.len() > 1500 { 300 } else { 500 };
        for (name, b) in mutations(seed, 100 + i as u64, budget) {
            let case = format!("{form} {name}");
            let r = no_panic(&case, || {
                let r = pem::parse_private_key(&b, Some(&pw()), &case);
                let _ = pem::parse_private_key(&b, None, &case);
                if let Ok(k) = &r {
                    // What the parser let through must be safe downstream.
                    let _ = pem::public_key_bits(k);
                    let _ = pem::key_matches_spki(k, &spki);
                    let _ = pem::complete_ec_key(k, &spki, &case);
                    let _ = pem::pkcs8_for_export(k);
                    let _ = cert::key_algorithm_of_pkcs8(k.pkcs8_der());
                }
                r
            })
            .unwrap();
            if let Err(e) = r {
                assert!(e.to_string().contains(form), "{case}: {e}");
            }
            cases += 1;
        }
    }
    // Junk handed straight to the downstream helpers (a store can hold it).
    let mut rng = Rng::new(7);
    for i in 0..300 {
        let len = rng.below(300);
        let junk = PrivateKey::from_pkcs8_der(rng.bytes(len));
        no_panic(&format!("junk key #{i}"), || {
            let _ = pem::public_key_bits(&junk);
            let _ = pem::key_matches_spki(&junk, &spki);
            let _ = pem::key_matches_spki(&junk, junk.pkcs8_der());
            let _ = pem::complete_ec_key(&junk, &spki, "junk");
            let _ = pem::private_key_pem(&junk);
        });
        cases += 1;
    }
    assert!(cases > 2000, "only {cases} cases ran");
}

#[test]
fn certificate_requests_never_panic() {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new("CN=req.example", 30);
    spec.sans.push("dns:req.example".parse().unwrap());
    let csr = spec.request(&key).unwrap();
    let ca_key = keygen::generate(KeyType::EcP256).unwrap();
    let mut ca = CertSpec::new("CN=Hostile CA", 30);
    ca.is_ca = true;
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let opts = sign::SignOptions::days(1);
    for (name, b) in mutations(&csr, 300, 500) {
        no_panic(&format!("CSR {name}"), || {
            let _ = kdbman::pki::csr_spki(&b);
            let _ = cert::csr_subject(&b);
            if sign::check_request(&b).is_ok() {
                let _ = sign::sign_request(&b, &ca_cert, &ca_key, &opts);
            }
        });
    }
    // A valid request signed by a garbage CA certificate or key.
    let mut rng = Rng::new(301);
    for i in 0..100 {
        let n = rng.below(400);
        let junk = rng.bytes(n);
        let n = rng.below(200);
        let junk_key = PrivateKey::from_pkcs8_der(rng.bytes(n));
        no_panic(&format!("garbage CA #{i}"), || {
            let _ = sign::sign_request(&csr, &junk, &ca_key, &opts);
            let _ = sign::sign_request(&csr, &ca_cert, &junk_key, &opts);
        });
    }
}

#[test]
fn pkcs12_files_never_panic() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=p12.example",
            "-days",
            "2",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
        ],
    );
    // Encrypted and MAC'd (cheap iterations), and plain without a MAC so
    // that mutations reach the bags, certificates and keys inside.
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "c.pem",
            "-inkey",
            "k.pem",
            "-name",
            "p12",
            "-iter",
            "1",
            "-passout",
            "pass:hostile test pw",
            "-out",
            "enc.p12",
        ],
    );
    openssl(
        d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "c.pem",
            "-inkey",
            "k.pem",
            "-name",
            "p12",
            "-keypbe",
            "NONE",
            "-certpbe",
            "NONE",
            "-nomac",
            "-passout",
            "pass:hostile test pw",
            "-out",
            "plain.p12",
        ],
    );
    let path = d.join("x.p12");
    let mut cases = 0;
    for (i, f) in ["enc.p12", "plain.p12"].iter().enumerate() {
        let seed = std::fs::read(d.join(f)).unwrap();
        pkcs12::parse(&seed, &pw(), &path).unwrap_or_else(|e| panic!("{f}: {e}"));
        for (name, b) in mutations(&seed, 400 + i as u64, 600) {
            let case = format!("{f} {name}");
            let r = no_panic(&case, || pkcs12::parse(&b, &pw(), &path)).unwrap();
            if let Err(e) = r {
                assert!(
                    e.to_string().contains("x.p12"),
                    "{case}: the error must name the file: {e}"
                );
            }
            cases += 1;
        }
    }
    assert!(cases > 800, "only {cases} cases ran");
}

#[test]
fn stash_files_never_panic_and_say_damaged() {
    let dir = TempDir::new().unwrap();
    let store_path = dir.path().join("s.kdb");
    let store = Store::create(&store_path, &pw(), &floor()).unwrap();
    let stash = store.stash_at(&dir.path().join("s.sth"), &pw());
    let seed = stash.encode().unwrap().to_vec();
    let sth = dir.path().join("s.sth");
    for (name, b) in mutations(&seed, 500, 800) {
        let r = no_panic(&format!("stash {name}"), || {
            Stash::decode(&sth, &store_path, &b)
        })
        .unwrap();
        match r {
            Ok(s) => assert_eq!(s.password().as_str(), pw().as_str(), "{name}"),
            Err(e @ Error::Stash { .. }) => {
                assert_eq!(e.code(), Some("SSL0228E"), "{name}");
                assert!(e.to_string().contains("s.sth"), "{name}: {e}");
            }
            Err(e) => panic!("{name}: not a stash error: {e:?}"),
        }
    }
}

/// A store file whose header and key wrap are right but whose sealed
/// payload is `plaintext`: the library's own format functions.
fn store_with_payload(password: &Password, plaintext: &[u8]) -> Vec<u8> {
    let mut header = format::Header::new(Kdf::ARGON2_FLOOR, None);
    let data_key = [7u8; 32];
    let kek = header.kdf.derive(password, &header.salt);
    format::wrap_key(&mut header, &kek, &data_key);
    format::seal(&mut header, &data_key, plaintext)
}

#[test]
fn hostile_payloads_inside_a_valid_seal_are_damage_not_panics() {
    let dir = TempDir::new().unwrap();
    // A real payload to mutate: the entry list of a store with one entry
    // of each kind, encoded the way `save` encodes it.
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let c = CertSpec::new("CN=payload", 30).self_signed(&key).unwrap();
    let rkey = keygen::generate(KeyType::EcP256).unwrap();
    let csr = CertSpec::new("CN=req", 30).request(&rkey).unwrap();
    let src = dir.path().join("src.kdb");
    let mut s = Store::create(&src, &pw(), &floor()).unwrap();
    s.add(Entry::personal("p", vec![c.clone()], key)).unwrap();
    s.add(Entry::signer("s", c.clone())).unwrap_err(); // same cert: refused
    s.add(Entry::request("r", csr, rkey)).unwrap();
    s.save().unwrap();
    drop(s);
    let plain = kdbman::store::native::payload::encode(
        Store::open(&src, &pw(), Access::Read).unwrap().entries(),
    )
    .unwrap()
    .to_vec();
    // Each open runs the floor KDF, so the derivation is done once and the
    // sweep decodes payloads through the same path `open` uses.
    let path = dir.path().join("h.kdb");
    let mut n_ok = 0;
    let mut n_damaged = 0;
    let mut cases = mutations(&plain, 600, 240);
    cases.push(("empty".into(), Vec::new()));
    cases.push(("empty sequence".into(), vec![0x30, 0x00]));
    cases.push((
        "version 2".into(),
        vec![0x30, 0x05, 0x02, 0x01, 0x02, 0x30, 0x00],
    ));
    cases.push((
        "unknown kind".into(),
        vec![
            0x30, 0x18, 0x02, 0x01, 0x01, 0x30, 0x13, 0x30, 0x11, 0x0c, 0x01, b'x', 0x02, 0x01,
            0x09, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
        ],
    ));
    for (name, p) in &cases {
        std::fs::write(&path, store_with_payload(&pw(), p)).unwrap();
        let r = no_panic(&format!("payload {name}"), || {
            Store::open(&path, &pw(), Access::Read)
        })
        .unwrap();
        match r {
            Ok(store) => {
                n_ok += 1;
                // Whatever decoded must be safe to look at.
                no_panic(&format!("entries of payload {name}"), || {
                    let _ = kdbman::store::duplicate_keys(store.entries());
                    let _ = kdbman::store::duplicate_labels(store.entries());
                    for e in store.entries() {
                        let _ = kdbman::store::key_ids(e);
                        let _ = e.certificate().map(cert::cert_info);
                    }
                });
            }
            Err(Error::DamagedPayload {
                path: p,
                damage: Damage::PayloadEncoding { .. },
            }) => {
                assert_eq!(p, path);
                n_damaged += 1;
            }
            Err(e) => panic!("payload {name}: expected PayloadEncoding damage, got {e:?}"),
        }
    }
    assert!(n_damaged > 100, "{n_damaged} damaged, {n_ok} opened");
}

// ------------------------------------------------------------------- CLI

/// Runs kdbman; fails on a panic (exit 101 or "panicked" on stderr) and
/// returns the exit code and stderr.
fn run_no_panic(dir: &Path, case: &str, args: &[&str]) -> (i32, String) {
    let out = KDBMAN.cmd_in(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "{case}: kdbman {args:?} panicked (exit {code}):\n{stderr}"
    );
    assert!(code != -1, "{case}: killed by a signal or timed out");
    (code, stderr)
}

fn cli_store(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    KDBMAN
        .cmd_in(dir)
        .args([
            "keydb",
            "create",
            "--db",
            name,
            "--pw-env",
            PW_VAR,
            "--kdf-floor",
            "--type",
            "kdbman",
        ])
        .assert()
        .success();
    p
}

#[test]
fn cli_cert_add_sign_receive_import_refuse_hostile_files() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let db = cli_store(d, "s.kdb");
    let db = db.to_str().unwrap();
    // A CA to sign with and a pending request to receive into.
    KDBMAN
        .cmd_in(d)
        .args([
            "cert",
            "create",
            "--db",
            db,
            "--pw-env",
            PW_VAR,
            "--label",
            "ca",
            "--dn",
            "CN=CLI CA",
            "--key",
            "ec:p256",
            "--ca",
            "--days",
            "30",
        ])
        .assert()
        .success();
    KDBMAN
        .cmd_in(d)
        .args([
            "certreq",
            "create",
            "--db",
            db,
            "--pw-env",
            PW_VAR,
            "--label",
            "req",
            "--dn",
            "CN=req.example",
            "--target",
            "req.csr",
        ])
        .assert()
        .success();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert_der = CertSpec::new("CN=cli", 30).self_signed(&key).unwrap();
    let csr_pem = std::fs::read(d.join("req.csr")).unwrap();
    let seeds: [(&str, Vec<u8>, u64); 3] = [
        ("cert DER", cert_der.clone(), 700),
        ("cert PEM", pem_of("CERTIFICATE", &cert_der), 701),
        ("CSR PEM", csr_pem, 702),
    ];
    let mut runs = 0;
    for (form, seed, s) in &seeds {
        for (name, b) in mutations(seed, *s, 48).into_iter().step_by(2) {
            let case = format!("{form} {name}");
            std::fs::write(d.join("in.bin"), &b).unwrap();
            let _ = std::fs::remove_file(d.join("out.pem"));
            let (code, err) = run_no_panic(
                d,
                &format!("add {case}"),
                &[
                    "cert",
                    "add",
                    "--db",
                    db,
                    "--pw-env",
                    PW_VAR,
                    "--label",
                    &format!("x{runs}"),
                    "--file",
                    "in.bin",
                ],
            );
            // Exit 9 is "bad input"; a flipped serial can also make a
            // valid certificate that duplicates one (exit 8).
            if code == 9 {
                assert!(
                    err.contains("in.bin"),
                    "add {case}: error must name the file: {err}"
                );
            }
            run_no_panic(
                d,
                &format!("sign {case}"),
                &[
                    "cert", "sign", "--db", db, "--pw-env", PW_VAR, "--label", "ca", "--file",
                    "in.bin", "--target", "out.pem", "--force",
                ],
            );
            run_no_panic(
                d,
                &format!("receive {case}"),
                &[
                    "cert", "receive", "--db", db, "--pw-env", PW_VAR, "--file", "in.bin",
                ],
            );
            run_no_panic(
                d,
                &format!("import {case}"),
                &[
                    "cert",
                    "import",
                    "--db",
                    db,
                    "--pw-env",
                    PW_VAR,
                    "--file",
                    "in.bin",
                    "--file-pw-env",
                    PW_VAR,
                    "--label",
                    &format!("i{runs}"),
                ],
            );
            runs += 1;
        }
    }
    assert!(runs > 50, "only {runs} inputs ran");
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A store holding entries whose certificate and key bytes are garbage, as
/// another tool (or damage before sealing) could leave them.
fn garbage_store(dir: &Path) -> PathBuf {
    let path = dir.join("g.kdb");
    let mut store = Store::create(&path, &pw(), &floor()).unwrap();
    let mut rng = Rng::new(900);
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let good = CertSpec::new("CN=good", 30).self_signed(&key).unwrap();
    // Truncated, flipped and random certificates; keys likewise.
    let mut bad_certs: Vec<Vec<u8>> = vec![
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        vec![0x30, 0x82, 0xFF, 0xFF],
        rng.bytes(200),
    ];
    let mut flipped = good.clone();
    flipped[good.len() / 3] ^= 0x10;
    bad_certs.push(flipped);
    let bad_keys: Vec<PrivateKey> = vec![
        PrivateKey::from_pkcs8_der(Vec::new()),
        PrivateKey::from_pkcs8_der(rng.bytes(120)),
        PrivateKey::from_pkcs8_der(key.pkcs8_der()[..40].to_vec()),
        key.clone(),
    ];
    for (i, c) in bad_certs.iter().enumerate() {
        let k = bad_keys[i % bad_keys.len()].clone();
        store.add_unchecked(
            Entry::personal(format!("junk{i}"), vec![c.clone(), rng.bytes(50)], k)
                .with_default_flag(i == 0),
        );
        store.add_unchecked(Entry::signer(format!("sjunk{i}"), c.clone()));
        store.add_unchecked(Entry::request(
            format!("rjunk{i}"),
            c.clone(),
            bad_keys[(i + 1) % bad_keys.len()].clone(),
        ));
    }
    // A good certificate with a garbage key, and the empty chain.
    store.add_unchecked(Entry::personal(
        "goodcert",
        vec![good.clone()],
        bad_keys[1].clone(),
    ));
    store.add_unchecked(Entry::personal("nochain", Vec::new(), key));
    bad_certs.truncate(0);
    store.save().unwrap();
    path
}

#[test]
fn cli_commands_on_garbage_entries_give_errors_or_findings() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let db = garbage_store(d);
    let db = db.to_str().unwrap();
    let labels: Vec<String> = Store::open(Path::new(db), &pw(), Access::Read)
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.label().to_string())
        .collect();
    let auth = ["--db", db, "--pw-env", PW_VAR];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(auth.iter())
            .map(|s| s.to_string())
            .collect()
    };
    for extra in [&["--json"][..], &[][..]] {
        let mut a = with(&["cert", "list"]);
        a.extend(extra.iter().map(|s| s.to_string()));
        run_no_panic(d, "list", &as_refs(&a));
    }
    run_no_panic(d, "keydb details", &as_refs(&with(&["keydb", "details"])));
    for fmt in ["text", "json", "sarif"] {
        let (code, _) = run_no_panic(d, "lint", &as_refs(&with(&["lint", "--format", fmt])));
        assert_eq!(code, 1, "lint must report the garbage as findings");
    }
    let (code, _) = run_no_panic(
        d,
        "keydb export",
        &as_refs(&with(&[
            "keydb",
            "export",
            "--target",
            "all.p12",
            "--target-pw-env",
            PW_VAR,
        ])),
    );
    assert_ne!(code, 0, "exporting garbage must be refused");
    for l in &labels {
        for args in [
            vec!["cert", "details", "--label", l],
            vec!["cert", "details", "--label", l, "--json"],
            vec!["cert", "validate", "--label", l],
            vec![
                "cert", "extract", "--label", l, "--target", "x.pem", "--force",
            ],
            vec![
                "cert",
                "extract",
                "--label",
                l,
                "--with-key",
                "--target",
                "x.pem",
                "--force",
            ],
            vec![
                "cert",
                "export",
                "--label",
                l,
                "--target",
                "x.p12",
                "--force",
                "--target-pw-env",
                PW_VAR,
            ],
            vec!["lint", "--label", l],
        ] {
            run_no_panic(d, &format!("{args:?}"), &as_refs(&with(&args)));
        }
        // serve refuses to start on garbage (it never gets to listen).
        let out = KDBMAN
            .cmd_in(d)
            .args(["serve", "--label", l, "--listen", "127.0.0.1:0", "--once"])
            .args(auth)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(
            code.is_some() && code != Some(101) && !stderr.contains("panicked"),
            "serve --label {l}: {code:?} {stderr}"
        );
        assert_ne!(
            code,
            Some(0),
            "serve --label {l} started on garbage: {stderr}"
        );
    }
}

/// An encrypted PKCS#8 key with the given key-derivation parameters (the
/// ciphertext is random: the parameters are refused before it matters).
fn encrypted_key_with(kdf: pkcs8::pkcs5::pbes2::Kdf) -> Vec<u8> {
    use pkcs8::der::Encode;
    use pkcs8::pkcs5::{EncryptionScheme, pbes2};
    let info = pkcs8::EncryptedPrivateKeyInfoOwned {
        encryption_algorithm: EncryptionScheme::Pbes2(pbes2::Parameters {
            kdf,
            encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: [3; 16] },
        }),
        encrypted_data: pkcs8::der::asn1::OctetString::new(vec![0x5a; 48]).unwrap(),
    };
    info.to_der().unwrap()
}

#[test]
fn encrypted_keys_with_hostile_kdf_parameters_are_refused_before_running() {
    use pkcs8::pkcs5::pbes2::{Kdf, Pbkdf2Params, ScryptParams};
    let salt = || <&[u8]>::try_into(&[1u8; 16][..]).unwrap();
    let scrypt = |n: u64, r: u16, p: u16| {
        Kdf::Scrypt(ScryptParams {
            salt: salt(),
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        })
    };
    let pbkdf2 = |iterations: u32| {
        let mut p = Pbkdf2Params::hmac_sha256(1, &[1u8; 16]).unwrap();
        p.iteration_count = iterations;
        Kdf::Pbkdf2(p)
    };
    let cases = [
        (
            "scrypt N=0 (overflows inside pkcs5)",
            scrypt(0, 8, 1),
            "invalid",
        ),
        ("scrypt N=1", scrypt(1, 8, 1), "invalid"),
        (
            "scrypt N not a power of two",
            scrypt(3 << 10, 8, 1),
            "invalid",
        ),
        ("scrypt r=0", scrypt(1 << 14, 0, 1), "invalid"),
        ("scrypt 4 GiB", scrypt(1 << 22, 8, 1), "MiB"),
        ("scrypt N=2^63", scrypt(1 << 63, 8, 1), "MiB"),
        ("scrypt p=65535", scrypt(1 << 10, 8, u16::MAX), "lanes"),
        ("PBKDF2 0 iterations", pbkdf2(0), "iterations"),
        ("PBKDF2 2^32-1 iterations", pbkdf2(u32::MAX), "iterations"),
    ];
    for (name, kdf, says) in cases {
        let der = encrypted_key_with(kdf);
        let pem = pem_of("ENCRYPTED PRIVATE KEY", &der);
        for (form, bytes) in [("DER", &der), ("PEM", &pem)] {
            let r = no_panic(name, || {
                pem::parse_private_key(bytes, Some(&pw()), "key file k.pem")
            })
            .unwrap();
            let e = r.expect_err(name);
            let text = e.to_string();
            assert!(
                text.contains("k.pem") && text.contains(says) && text.contains("refused"),
                "{name} ({form}): {text}"
            );
        }
    }
    // Costs at the bounds are still accepted (they fail later, on the
    // random ciphertext, as a wrong password does).
    let at_bound = encrypted_key_with(scrypt(1 << 10, 8, 1));
    let e = pem::parse_private_key(&at_bound, Some(&pw()), "k").unwrap_err();
    assert!(!e.to_string().contains("refused"), "{e}");
}

/// Errors for broken certificates say what is wrong in words, not parser
/// internals or bytes as numbers.
#[test]
fn broken_certificate_errors_are_worded() {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let der = CertSpec::new("CN=w", 1).self_signed(&key).unwrap();
    let pem = pem_of("CERTIFICATE", &der);
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "it is empty"),
        ("truncated DER", &der[..der.len() / 2], "ends early"),
        ("PEM without END", &pem[..pem.len() - 30], "no END line"),
        (
            "damaged base64",
            b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n",
            "base64",
        ),
    ];
    for (name, bytes, says) in cases {
        let e = pem::parse_certificates(bytes, "certificate file c.pem").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("c.pem") && text.contains(says),
            "{name}: {text}"
        );
        assert!(
            !text.contains("NomError") && !text.contains("[67, "),
            "{name}: {text}"
        );
        assert_eq!(e.code(), Some("SSL0224E"));
        assert!(
            kdbman::advice::fix(&e).contains("not truncated"),
            "{name}: {}",
            kdbman::advice::fix(&e)
        );
    }
}
