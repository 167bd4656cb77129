//! CMS stores as other tools write them: KdbTool's record layout (label
//! with a NUL, two hashes, id 1 on every record, flags 06 C0, PBES2 with
//! 4096 iterations and NULL PRF parameters), old v4 stores whose keys use
//! PKCS#12 PBE with 3DES (made by openssl here), non-ASCII and long
//! labels, and a 4096-bit RSA chain.

mod common;

use std::path::Path;

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::store::cms::container::{self, Kind, Version};
use kdbman::store::cms::record::{self, Body, Record};
use kdbman::{Access, EntryKind, Password, PrivateKey, Store};

const PW: &str = "Foreign-Tool-Password-1";

fn self_signed(cn: &str) -> (Vec<u8>, PrivateKey) {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new(format!("CN={cn}"), 30)
        .self_signed(&key)
        .unwrap();
    (cert, key)
}

/// A slot as KdbTool writes it: label length + 1, label, NUL, u32 0, then
/// SHA-1(SPKI) and SHA-1(certificate).
fn kdbtool_slot(rec: &Record, number: u32) -> Vec<u8> {
    let der = record::encode_der(rec);
    let mut out = Vec::new();
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&number.to_be_bytes());
    out.extend_from_slice(&(der.len() as u32).to_be_bytes());
    out.extend_from_slice(&der);
    out.extend_from_slice(&(rec.label.len() as u32 + 1).to_be_bytes());
    out.extend_from_slice(&rec.label);
    out.push(0);
    out.extend_from_slice(&0u32.to_be_bytes());
    for _ in 0..2 {
        out.extend_from_slice(&20u32.to_be_bytes());
        out.extend_from_slice(&[0x5a; 20]);
    }
    out
}

/// PBES2 as the JDK (and so KdbTool) writes it: 20-byte salt, 4096
/// iterations, HMAC-SHA384 with NULL parameters (pkcs5's encoding).
fn jdk_pbes2(pkcs8: &[u8]) -> Vec<u8> {
    pbes2_key(pkcs8, 4096)
}

fn pbes2_key(pkcs8: &[u8], iterations: u32) -> Vec<u8> {
    use pkcs5::pbes2;
    let params = pbes2::Parameters {
        kdf: pbes2::Pbkdf2Params {
            salt: pbes2::Salt::new([9u8; 20]).unwrap(),
            iteration_count: iterations,
            key_length: Some(32),
            prf: pbes2::Pbkdf2Prf::HmacWithSha384,
        }
        .into(),
        encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: [3u8; 16] },
    };
    let ct = params.encrypt(PW.as_bytes(), pkcs8).unwrap();
    let scheme = pkcs5::EncryptionScheme::from(params);
    let epki = pkcs8::EncryptedPrivateKeyInfoRef {
        encryption_algorithm: scheme,
        encrypted_data: der::asn1::OctetStringRef::new(&ct).unwrap(),
    };
    der::Encode::to_der(&epki).unwrap()
}

fn write_store(path: &Path, version: Version, slots: &[Vec<u8>]) {
    let bytes = container::encode(
        version,
        Kind::Keys,
        &container::new_salt(),
        container::slot_size_for(slots),
        slots,
        &Password::new(PW),
    );
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn kdbtool_layout_reads_and_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kdbtool.kdb");
    let (cert, key) = self_signed("kdbtool personal");
    let (ca, _) = self_signed("kdbtool ca");
    let label = "zertifikat-äöü-€";
    let personal = Record {
        record_type: 1,
        number: 0,
        id: 1,
        body: Body::Personal {
            cert: cert.clone(),
            key: jdk_pbes2(key.pkcs8_der()),
        },
        label: label.as_bytes().to_vec(),
        flags: vec![0x06, 0xC0],
    };
    let signer = Record {
        record_type: 1,
        number: 0,
        id: 1,
        body: Body::Signer { cert: ca.clone() },
        label: b"ca".to_vec(),
        flags: vec![0x07, 0x80],
    };
    write_store(
        &path,
        Version::V6,
        &[kdbtool_slot(&personal, 1), kdbtool_slot(&signer, 2)],
    );
    let pw = Password::new(PW);
    let mut store = Store::open(&path, &pw, Access::Update).unwrap();
    let e = store.get(label).unwrap();
    assert_eq!(e.kind(), EntryKind::Personal);
    assert_eq!(e.private_key().unwrap().pkcs8_der(), key.pkcs8_der());
    assert_eq!(e.certificate().unwrap(), cert.as_slice());
    assert!(store.get("ca").unwrap().is_trusted());
    // Rewritten by kdbman: GSKit's layout, same certificate and key.
    store.rename(label, "renamed").unwrap();
    store.save().unwrap();
    drop(store);
    let store = Store::open(&path, &pw, Access::Read).unwrap();
    let e = store.get("renamed").unwrap();
    assert_eq!(e.private_key().unwrap().pkcs8_der(), key.pkcs8_der());
    let bytes = std::fs::read(&path).unwrap();
    let l = container::parse(&path, &bytes).unwrap();
    let first = record::decode_slot(l.slots().next().unwrap()).unwrap();
    assert_eq!((first.number, first.id), (1, 1));
    assert_eq!(first.flags, vec![0x06, 0xC0], "unknown flag bits are kept");
}

#[test]
fn v4_store_with_pkcs12_pbe_3des_keys_from_openssl_opens() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cert, key) = self_signed("old gskit");
    std::fs::write(d.join("key.der"), key.pkcs8_der()).unwrap();
    common::tool(
        d,
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-inform",
            "DER",
            "-in",
            "key.der",
            "-outform",
            "DER",
            "-out",
            "enc.der",
            "-v1",
            "PBE-SHA1-3DES",
            "-passout",
            &format!("pass:{PW}"),
        ],
    );
    let epki = std::fs::read(d.join("enc.der")).unwrap();
    let plain = kdbman::store::cms::keycrypt::decrypt(&epki, &Password::new(PW)).unwrap();
    assert_eq!(plain.as_slice(), key.pkcs8_der());
    assert!(kdbman::store::cms::keycrypt::decrypt(&epki, &Password::new("wrong")).is_err());

    let rec = Record {
        record_type: 1,
        number: 1,
        id: 1,
        body: Body::Personal { cert, key: epki },
        label: b"legacy".to_vec(),
        flags: record::FLAGS_TRUSTED.to_vec(),
    };
    let path = d.join("v4.kdb");
    write_store(&path, Version::V4, &[record::encode_slot(&rec)]);
    let store = Store::open(&path, &Password::new(PW), Access::Read).unwrap();
    let e = store.get("legacy").unwrap();
    assert_eq!(e.private_key().unwrap().pkcs8_der(), key.pkcs8_der());
    // A wrong password is proven wrong by the 3DES key.
    let err = Store::open(&path, &Password::new("wrong"), Access::Read).unwrap_err();
    assert_eq!(err.class(), kdbman::ErrorClass::WrongPassword);
}

#[test]
fn long_labels_and_a_4096_bit_chain_fit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.kdb");
    let pw = Password::new(PW);
    let mut store = Store::create(&path, &pw, &kdbman::CreateOptions::default()).unwrap();
    let ca_key = keygen::generate(KeyType::Rsa(4096)).unwrap();
    let mut ca_spec = CertSpec::new("CN=Big RSA Root", 365);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key).unwrap();
    let leaf_key = keygen::generate(KeyType::Rsa(4096)).unwrap();
    let kp = rcgen::KeyPair::try_from(leaf_key.pkcs8_der()).unwrap();
    let spki = rcgen::PublicKeyData::subject_public_key_info(&kp);
    let leaf = CertSpec::new("CN=big.example.com", 30)
        .signed_by(&spki, &ca, &ca_key)
        .unwrap();
    let long = "L".repeat(128);
    store
        .add(kdbman::Entry::personal(
            &long,
            vec![leaf.clone(), ca.clone()],
            leaf_key.clone(),
        ))
        .unwrap();
    store.save().unwrap();
    drop(store);
    let store = Store::open(&path, &pw, Access::Read).unwrap();
    let e = store.get(&long).unwrap();
    assert_eq!(
        e.certificates(),
        &[leaf, ca],
        "the chain comes back from the added signer"
    );
    assert_eq!(e.private_key().unwrap().pkcs8_der(), leaf_key.pkcs8_der());
    assert_eq!(store.entries().len(), 2, "the CA was added as a signer");
}

/// Keys are decrypted only once the integrity MAC has passed, when used:
/// keys asking for more work than GSKit's (here 20,000 PBKDF2 iterations)
/// still open and decrypt. With the MAC broken the same store is damage,
/// whatever its keys ask for.
#[test]
fn costly_keys_wait_for_the_mac_and_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costly.kdb");
    let mut slots = Vec::new();
    let mut keys = Vec::new();
    for i in 0..70u32 {
        let (cert, key) = self_signed(&format!("costly {i}"));
        let iterations = if i % 10 == 0 { 20_000 } else { 5 };
        let rec = Record {
            record_type: 1,
            number: i + 1,
            id: u64::from(i + 1),
            body: Body::Personal {
                cert,
                key: pbes2_key(key.pkcs8_der(), iterations),
            },
            label: format!("k{i}").into_bytes(),
            flags: record::FLAGS_TRUSTED.to_vec(),
        };
        slots.push(record::encode_slot(&rec));
        keys.push(key);
    }
    write_store(&path, Version::V6, &slots);
    let pw = Password::new(PW);
    let store = Store::open(&path, &pw, Access::Read).unwrap();
    for (i, key) in keys.iter().enumerate() {
        let e = store.get(&format!("k{i}")).unwrap();
        assert_eq!(
            e.private_key().unwrap().pkcs8_der(),
            key.pkcs8_der(),
            "k{i}"
        );
    }
    drop(store);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01; // padding of the last slot: only the MAC sees it
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path, &pw, Access::Read).unwrap_err();
    assert_eq!(err.class(), kdbman::ErrorClass::Damaged, "{err}");
}
