//! Writes the seed corpora that need kdbman itself (store payloads and
//! files, stashes, HTTP heads) into `DIR/<target>/`. Run by
//! `fuzz/make_seeds.sh`; the openssl-made seeds come from that script.
//!
//! `cargo run --example fuzz_seeds -- fuzz/seeds`

use std::path::Path;

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::store::native::payload as entry;
use kdbman::{Access, CreateOptions, Entry, Kdf, Password, Store};

fn put(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).expect("seed dir");
    std::fs::write(d.join(name), bytes).expect("seed file");
}

fn main() {
    let out = std::env::args().nth(1).expect("usage: fuzz_seeds DIR");
    let out = Path::new(&out);
    let pw = Password::new(kdbman::fuzzing::SEED_PASSWORD);

    // Entries of every kind, for the payload seeds.
    let ca_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut ca_spec = CertSpec::new("CN=seed root", 30);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).expect("ca");
    let key = keygen::generate(KeyType::Ed25519).expect("key");
    let mut spec = CertSpec::new("CN=seed.example", 30);
    spec.sans.push("dns:seed.example".parse().expect("san"));
    let leaf = spec.self_signed(&key).expect("leaf");
    let req_key = keygen::generate(KeyType::EcP256).expect("key");
    let csr = CertSpec::new("CN=req.example", 30)
        .request(&req_key)
        .expect("csr");
    let entries = vec![
        Entry::personal("Web", vec![leaf, ca.clone()], key).with_default_flag(true),
        Entry::signer("root", ca.clone()),
        Entry::request("pending", csr, req_key),
    ];
    put(
        out,
        "store",
        "payload-empty",
        &entry::encode(&[]).expect("encode"),
    );
    put(
        out,
        "store",
        "payload-3",
        &entry::encode(&entries).expect("encode"),
    );

    // Whole store files (PBKDF2 floor: only the header is parsed) and the
    // stash of one.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("seed.kdb");
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::Pbkdf2Sha256 {
            iterations: kdbman::store::native::kdf::PBKDF2_MIN_ITERATIONS,
        },
        password_expires: Some(1_900_000_000),
    };
    let mut store = Store::create(&path, &pw, &opts).expect("create");
    store.add(entries[1].clone()).expect("add");
    store.save().expect("save");
    drop(store);
    put(
        out,
        "store",
        "file-pbkdf2",
        &std::fs::read(&path).expect("read"),
    );
    let store = Store::open(&path, &pw, Access::Read).expect("open");
    let stash = store.stash_at(&dir.path().join("seed.sth"), &pw);
    put(out, "stash", "seed.sth", &stash.encode().expect("encode"));
    let long = Password::new("p".repeat(300));
    let stash = store.stash_at(&dir.path().join("long.sth"), &long);
    put(out, "stash", "long.sth", &stash.encode().expect("encode"));

    // Request heads: single, pipelined, with a body, HTTP/1.0, a TLS
    // ClientHello prefix and other first bytes.
    let heads: &[(&str, &[u8])] = &[
        ("get", b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        (
            "pipelined",
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        ),
        (
            "post",
            b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        ),
        (
            "http10",
            b"GET /json HTTP/1.0\r\nConnection: keep-alive\r\nUser-Agent: wrk\r\n\r\n",
        ),
        (
            "chunked",
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
        (
            "client-hello",
            b"\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03",
        ),
        ("ssl2", b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00"),
    ];
    // CMS key databases (v6, v4 and v3, with a personal entry, a signer and a
    // request in the .rdb) and GSKit stashes, made by kdbman with the seed
    // password: the GSKit-made files in shared/ are never copied here.
    let tmp = tempfile::TempDir::new().expect("temp dir");
    for (name, version) in [
        ("v6", kdbman::store::cms::Version::V6),
        ("v4", kdbman::store::cms::Version::V4),
        ("v3", kdbman::store::cms::Version::V3),
    ] {
        let path = tmp.path().join(format!("{name}.kdb"));
        let opts = CreateOptions {
            format: kdbman::StoreFormat::Cms(version),
            ..CreateOptions::default()
        };
        let mut store = Store::create(&path, &pw, &opts).expect("cms store");
        store
            .add(Entry::signer("root", ca.clone()))
            .expect("signer");
        let leaf_key = keygen::generate(KeyType::EcP256).expect("key");
        let leaf = CertSpec::new("CN=cms.seed", 30)
            .self_signed(&leaf_key)
            .expect("leaf");
        store
            .add(Entry::personal("leaf", vec![leaf], leaf_key.clone()))
            .expect("personal");
        let req_key = keygen::generate(KeyType::EcP256).expect("key");
        let csr = CertSpec::new("CN=req.seed", 30)
            .request(&req_key)
            .expect("csr");
        store
            .add(Entry::request("req", csr, req_key))
            .expect("request");
        store.save().expect("save");
        put(out, "cms", name, &std::fs::read(&path).expect("kdb"));
        put(
            out,
            "cms",
            &format!("{name}-rdb"),
            &std::fs::read(path.with_extension("rdb")).expect("rdb"),
        );
        if version == kdbman::store::cms::Version::V6 {
            for v in [
                kdbman::stash::gskit::Version::V1,
                kdbman::stash::gskit::Version::V2,
            ] {
                let st = store
                    .gskit_stash_at(&tmp.path().join("x.sth"), &pw, v)
                    .expect("stash");
                put(
                    out,
                    "gskit_stash",
                    &format!("v{}", v.number()),
                    &st.encode().expect("encode"),
                );
            }
        }
    }
    for (name, bytes) in heads {
        put(out, "http_head", name, bytes);
    }
}
