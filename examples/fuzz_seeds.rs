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
    serve_session(out);
}

/// `serve_session` inputs (layout in `kdbman_serve::fuzz`): a flags byte,
/// then operations. Raw streams start with a real rustls ClientHello (the
/// openssl one comes from `make_seeds.sh`); with the TLS flag a real client
/// handshakes first and the chunks are HTTP over it.
fn serve_session(out: &Path) {
    use kdbman_serve::fuzz::*;
    fn data(bytes: &[u8]) -> Vec<u8> {
        let mut v = (bytes.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(bytes);
        v
    }
    let op = |code: u8, arg: u8| vec![code, arg];
    let seed = |flags: u8, ops: &[Vec<u8>]| {
        let mut v = vec![flags];
        ops.iter().for_each(|o| v.extend_from_slice(o));
        v
    };
    let hello = |alpn: bool, tls12: bool| {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&rustls::SupportedProtocolVersion] = if tls12 {
            &[&rustls::version::TLS12]
        } else {
            rustls::DEFAULT_VERSIONS
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .expect("versions")
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        if alpn {
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
        let mut c =
            rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("client");
        let mut wire = Vec::new();
        c.write_tls(&mut wire).expect("hello");
        wire
    };
    let h13 = hello(true, false);
    let h12 = hello(false, true);
    let get = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        // First bytes: a ClientHello whole, in pieces, then silence.
        ("raw-hello13", seed(0, &[data(&h13), op(OP_TICK, 20)])),
        (
            "raw-hello12-split",
            seed(
                KEEP_OPEN,
                &[data(&h12[..5]), data(&h12[5..]), op(OP_TICK, 101)],
            ),
        ),
        (
            "raw-hello-evicted",
            seed(KEEP_OPEN, &[data(&h13[..40]), op(OP_TICK, 3), op(OP_EVICT, 0)]),
        ),
        // Plain HTTP on the TLS port: the 400, slowly taken.
        (
            "raw-plain",
            seed(0, &[op(OP_ROOM, 16), data(b"GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n")]),
        ),
        (
            "raw-plain-partial",
            seed(KEEP_OPEN, &[data(b"GET / HTTP/1.1\r\nHo"), op(OP_TICK, 11)]),
        ),
        ("raw-not-tls", seed(0, &[data(b"\x80\x2e\x01\x00\x02\x00\x15")])),
        ("raw-silent", seed(KEEP_OPEN, &[op(OP_TICK, 200)])),
        ("raw-closed", seed(0, &[])),
        // Over a real handshake: one request, pipelined ones, a body, a bad
        // head, a slow reader, close_notify, a stop, an idle timeout.
        ("tls-get", seed(TLS, &[data(get), op(OP_CLOSE_NOTIFY, 0)])),
        (
            "tls-pipelined",
            seed(
                TLS | KEEP_OPEN,
                &[data(
                    b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /json HTTP/1.1\r\nHost: alt.example\r\n\r\nGET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
                )],
            ),
        ),
        (
            "tls-post-split",
            seed(
                TLS,
                &[
                    data(b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe"),
                    op(OP_TICK, 5),
                    data(b"llo"),
                    data(get),
                    data(get),
                ],
            ),
        ),
        (
            "tls-bad",
            seed(TLS, &[data(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n")]),
        ),
        (
            "tls-slow-reader",
            seed(
                TLS | KEEP_OPEN,
                &[op(OP_ROOM, 7), data(get), op(OP_WRITABLE, 0), op(OP_TICK, 250), op(OP_TICK, 250)],
            ),
        ),
        (
            "tls-client-cert-once",
            seed(TLS | CLIENT_CERT | ONCE, &[data(get), data(get)]),
        ),
        (
            "tls-idle-stop",
            seed(
                TLS | KEEP_OPEN,
                &[data(get), op(OP_TICK, 10), op(OP_EVICT, 0), op(OP_STOP, 0)],
            ),
        ),
        (
            "tls-head-incomplete",
            seed(TLS | KEEP_OPEN, &[data(b"GET / HTTP/1.1\r\nHost"), op(OP_TICK, 255), op(OP_TICK, 255)]),
        ),
    ];
    for (name, bytes) in seeds {
        put(out, "serve_session", name, &bytes);
    }
}
