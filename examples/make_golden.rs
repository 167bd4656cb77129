//! Writes the format v1 golden files: stores (one per KDF) and a stash
//! that every later kdbman must still read, with `manifest.json` saying
//! what they hold. Made once; never regenerate them to make a test pass —
//! a reader that cannot open them has broken format v1.
//!
//! Run: `cargo run --example make_golden -- fixtures/golden/v1`.

use std::fs;
use std::path::Path;

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::{CreateOptions, Entry, Kdf, Password, Store};
use serde_json::{Value, json};

const PW: &str = "golden v1 password";
const Y2000: i64 = 946_684_800;
const Y2099_END: i64 = 4_102_358_400;

fn spec(dn: &str, ca: bool) -> CertSpec {
    let mut s = CertSpec::new(dn, 1);
    s.not_before = Y2000;
    s.not_after = Y2099_END;
    s.is_ca = ca;
    s
}

fn hex_sha(b: &[u8]) -> String {
    kdbman::pki::hex(&kdbman::pki::sha256(b))
}

fn make(dir: &Path, name: &str, kdf: Kdf, expires: Option<i64>) -> Value {
    let path = dir.join(format!("{name}.kdb"));
    let pw = Password::new(PW);
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf,
        password_expires: expires,
    };
    let mut store = Store::create(&path, &pw, &opts).expect("create");

    let ca_key = keygen::generate(KeyType::EcP384).expect("key");
    let ca = spec("CN=Golden Root,O=kdbman", true)
        .self_signed(&ca_key)
        .expect("ca");
    let leaf_key = keygen::generate(KeyType::EcP256).expect("key");
    let mut leaf_spec = spec("CN=golden.example", false);
    leaf_spec
        .sans
        .push("dns:golden.example".parse().expect("san"));
    let spki = {
        let kp = rcgen::KeyPair::try_from(leaf_key.pkcs8_der()).expect("key pair");
        rcgen::PublicKeyData::subject_public_key_info(&kp)
    };
    let leaf = leaf_spec.signed_by(&spki, &ca, &ca_key).expect("leaf");
    let ed_key = keygen::generate(KeyType::Ed25519).expect("key");
    let ed = spec("CN=golden ed25519", false)
        .self_signed(&ed_key)
        .expect("ed");
    let req_key = keygen::generate(KeyType::EcP256).expect("key");
    let csr = spec("CN=golden request", false)
        .request(&req_key)
        .expect("csr");

    let entries = vec![
        Entry::signer("Golden Root", ca.clone()),
        Entry::personal("www", vec![leaf.clone(), ca.clone()], leaf_key.clone())
            .with_default_flag(true),
        Entry::personal("Ed", vec![ed.clone()], ed_key.clone()),
        Entry::request("pending", csr.clone(), req_key.clone()),
    ];
    for e in entries {
        store.add(e).expect("add");
    }
    store.save().expect("save");
    store
        .stash_at(&dir.join(format!("{name}.sth")), &pw)
        .write()
        .expect("stash");

    json!({
        "store": format!("{name}.kdb"),
        "stash": format!("{name}.sth"),
        "kdf": kdf.name(),
        "password_expires": expires,
        "default": "www",
        "entries": [
            {"label": "Golden Root", "kind": "signer", "certificates": [hex_sha(&ca)], "key": null, "request": null},
            {"label": "www", "kind": "personal", "certificates": [hex_sha(&leaf), hex_sha(&ca)], "key": hex_sha(leaf_key.pkcs8_der()), "request": null},
            {"label": "Ed", "kind": "personal", "certificates": [hex_sha(&ed)], "key": hex_sha(ed_key.pkcs8_der()), "request": null},
            {"label": "pending", "kind": "request", "certificates": [], "key": hex_sha(req_key.pkcs8_der()), "request": hex_sha(&csr)},
        ],
    })
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/golden/v1".into());
    let dir = Path::new(&dir);
    fs::create_dir_all(dir).expect("mkdir");
    let stores = vec![
        make(dir, "argon2id", Kdf::ARGON2_FLOOR, None),
        make(dir, "pbkdf2", Kdf::PBKDF2_DEFAULT, Some(Y2099_END)),
    ];
    let manifest = json!({"password": PW, "stores": stores});
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).expect("json") + "\n",
    )
    .expect("manifest");
    println!("wrote golden v1 files to {}", dir.display());
}
