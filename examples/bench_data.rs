//! Data for `benches/compare.sh`: in DIR, a CMS store for `serve` with one
//! ECDSA P-256 `localhost` certificate (serve.kdb, its stash, and the same
//! certificate and key as cert.pem/key.pem for nginx), and N entries in a
//! CMS store (big.kdb), a native store (bignative.kdbx, default KDF), each with
//! its stash, and a PKCS#12 (big.p12). Password: `bench-password`.
//!
//! `cargo run --release --example bench_data -- DIR N`

use std::path::Path;

use kdbman::pki::{self, CertSpec, KeyType, keygen, pkcs12};
use kdbman::{CreateOptions, Entry, Password, Store};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench_data DIR N");
    let n: usize = args.next().map_or(10_000, |s| s.parse().expect("N"));
    let dir = Path::new(&dir);
    let pw = Password::new("bench-password");
    let opts = CreateOptions::default();

    // The served certificate.
    let key = keygen::generate(KeyType::EcP256).expect("key");
    let mut spec = CertSpec::new("CN=localhost", 30);
    spec.sans.push("dns:localhost".parse().expect("san"));
    spec.sans.push("ip:127.0.0.1".parse().expect("san"));
    let cert = spec.self_signed(&key).expect("cert");
    let path = dir.join("serve.kdb");
    let mut store = Store::create(&path, &pw, &opts).expect("create");
    store
        .add(Entry::personal(
            "localhost",
            vec![cert.clone()],
            key.clone(),
        ))
        .expect("add");
    store.save().expect("save");
    store
        .stash_at(&kdbman::stash::default_path(&path), &pw)
        .write()
        .expect("stash");
    std::fs::write(dir.join("cert.pem"), pki::pem_encode("CERTIFICATE", &cert)).expect("pem");
    std::fs::write(
        dir.join("key.pem"),
        pki::pem::private_key_pem(&key).as_bytes(),
    )
    .expect("pem");

    // N entries, in a store and in a PKCS#12.
    let ca_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut ca_spec = CertSpec::new("CN=bench root", 3650);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).expect("ca");
    let mut entries = vec![Entry::signer("root", ca.clone())];
    let mut keys = Vec::with_capacity(n);
    for i in 0..n - 1 {
        let key = keygen::generate(KeyType::EcP256).expect("key");
        let kp = rcgen::KeyPair::try_from(key.pkcs8_der()).expect("key pair");
        let spki = rcgen::PublicKeyData::subject_public_key_info(&kp);
        let mut spec = CertSpec::new(format!("CN=host{i}.example.com"), 365);
        spec.sans
            .push(format!("dns:host{i}.example.com").parse().expect("san"));
        let cert = spec.signed_by(&spki, &ca, &ca_key).expect("cert");
        entries.push(Entry::personal(
            format!("host{i}"),
            vec![cert.clone()],
            key.clone(),
        ));
        keys.push((format!("host{i}"), key, vec![cert]));
    }
    for (name, format) in [
        ("big.kdb", kdbman::StoreFormat::default()),
        ("bignative.kdbx", kdbman::StoreFormat::Kdbman),
    ] {
        let path = dir.join(name);
        let opts = CreateOptions {
            format,
            ..CreateOptions::default()
        };
        let mut store = Store::create(&path, &pw, &opts).expect("create");
        for e in &entries {
            store.add_unchecked(e.clone());
        }
        store.save().expect("save");
        store
            .stash_at(&kdbman::stash::default_path(&path), &pw)
            .write()
            .expect("stash");
    }
    let key_refs: Vec<(&str, &kdbman::PrivateKey, &[Vec<u8>])> = keys
        .iter()
        .map(|(l, k, c)| (l.as_str(), k, c.as_slice()))
        .collect();
    let p12 = pkcs12::write(
        &key_refs,
        &[("root", ca.as_slice())],
        &pw,
        pkcs12::Profile::default(),
    )
    .expect("pkcs12");
    std::fs::write(dir.join("big.p12"), &*p12).expect("p12");
    println!("wrote {} in {}", n, dir.display());
}
