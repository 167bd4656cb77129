//! The store format's diagnosis: damage is never a wrong password, a wrong
//! password never damage, hostile headers are refused before the KDF.

mod common;
use common::floor;

use std::path::Path;
use std::time::Instant;

use kdbman::pki::{CertSpec, KeyType, keygen};
use kdbman::store::native::format;
use kdbman::{Access, Entry, Error, ErrorClass, Password, Store};

fn small_store(dir: &Path) -> (std::path::PathBuf, Password) {
    let path = dir.join("s.kdb");
    let pw = Password::new("correct horse");
    let opts = floor();
    let mut store = Store::create(&path, &pw, &opts).unwrap();
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new("CN=sweep", 30).self_signed(&key).unwrap();
    store
        .add(Entry::personal("sweep", vec![cert], key))
        .unwrap();
    store.save().unwrap();
    (path, pw)
}

fn classify(path: &Path, bytes: &[u8], pw: &Password) -> Result<(), Error> {
    std::fs::write(path, bytes).unwrap();
    Store::open(path, pw, Access::Read).map(|_| ())
}

#[test]
fn wrong_password_is_only_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = small_store(dir.path());
    let err = Store::open(&path, &Password::new("wrong"), Access::Read).unwrap_err();
    assert!(matches!(err, Error::WrongPassword { .. }), "{err:?}");
    assert_eq!(err.code(), Some("SSL0218E"));
    assert_eq!(err.class(), ErrorClass::WrongPassword);
}

#[test]
fn every_header_bit_flip_is_damage_not_password() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let good = std::fs::read(&path).unwrap();
    let body_len = u32::from_be_bytes(good[10..14].try_into().unwrap()) as usize;
    let header_len = format::PREFIX_LEN + body_len + format::CHECKSUM_LEN;
    let probe = dir.path().join("probe.kdb");
    let mut cases = 0;
    for byte in 0..header_len {
        for bit in 0..8 {
            let mut b = good.clone();
            b[byte] ^= 1 << bit;
            let err = classify(&probe, &b, &pw).expect_err("a flipped header bit must not open");
            assert_eq!(
                err.class(),
                ErrorClass::Damaged,
                "byte {byte} bit {bit}: {err} ({err:?})"
            );
            cases += 1;
        }
    }
    assert_eq!(cases, header_len * 8);
}

#[test]
fn payload_bit_flips_are_damage_not_password() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let good = std::fs::read(&path).unwrap();
    let body_len = u32::from_be_bytes(good[10..14].try_into().unwrap()) as usize;
    let header_len = format::PREFIX_LEN + body_len + format::CHECKSUM_LEN;
    let probe = dir.path().join("probe.kdb");
    // A spread sample: every 7th byte of the payload, rotating the bit.
    for (n, byte) in (header_len..good.len()).step_by(7).enumerate() {
        let mut b = good.clone();
        b[byte] ^= 1 << (n % 8);
        let err = classify(&probe, &b, &pw).expect_err("a flipped payload bit must not open");
        assert!(
            matches!(err, Error::DamagedPayload { .. }),
            "byte {byte}: {err:?}"
        );
    }
    // The last byte (the tag) too.
    let mut b = good.clone();
    *b.last_mut().unwrap() ^= 0x80;
    assert!(matches!(
        classify(&probe, &b, &pw),
        Err(Error::DamagedPayload { .. })
    ));
}

#[test]
fn every_truncation_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let good = std::fs::read(&path).unwrap();
    let probe = dir.path().join("probe.kdb");
    // Nothing left says which format it was: named as empty, not a store.
    match classify(&probe, b"", &pw) {
        Err(Error::NotAStore {
            found: kdbman::FileKind::Empty,
            ..
        }) => {}
        other => panic!("empty: {other:?}"),
    }
    for len in 1..good.len() {
        let err = classify(&probe, &good[..len], &pw).expect_err("truncated must not open");
        assert_eq!(err.class(), ErrorClass::Damaged, "length {len}: {err:?}");
        // Damage found before the password matters: the wrong one says the same.
        let err2 = classify(&probe, &good[..len], &Password::new("nope")).unwrap_err();
        assert_eq!(err2.class(), ErrorClass::Damaged, "length {len}: {err2:?}");
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"junk");
    assert!(matches!(
        classify(&probe, &longer, &pw),
        Err(Error::DamagedPayload { .. })
    ));
}

/// Builds a header asking for `kdf` with a valid checksum, as a hostile
/// writer would.
fn crafted_with_kdf(good: &[u8], kdf_record: &[u8]) -> Vec<u8> {
    let body_len = u32::from_be_bytes(good[10..14].try_into().unwrap()) as usize;
    let body = &good[14..14 + body_len];
    // Replace the first record (the KDF) with ours.
    assert_eq!(body[0], format::REC_KDF);
    let old_len = u16::from_be_bytes([body[1], body[2]]) as usize;
    let mut new_body = vec![format::REC_KDF];
    new_body.extend_from_slice(&(kdf_record.len() as u16).to_be_bytes());
    new_body.extend_from_slice(kdf_record);
    new_body.extend_from_slice(&body[3 + old_len..]);
    let mut out = good[..10].to_vec();
    out.extend_from_slice(&(new_body.len() as u32).to_be_bytes());
    out.extend_from_slice(&new_body);
    let sum = ring::digest::digest(&ring::digest::SHA256, &out);
    out.extend_from_slice(sum.as_ref());
    out.extend_from_slice(&good[14 + body_len + 32..]);
    out
}

#[test]
fn absurd_kdf_cost_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let good = std::fs::read(&path).unwrap();
    let probe = dir.path().join("probe.kdb");
    let salt = [7u8; 16];
    let mut argon = vec![1u8];
    argon.extend_from_slice(&u32::MAX.to_be_bytes()); // 4 TiB of memory
    argon.extend_from_slice(&1000u32.to_be_bytes());
    argon.extend_from_slice(&1u32.to_be_bytes());
    argon.push(16);
    argon.extend_from_slice(&salt);
    let mut pbkdf2 = vec![2u8];
    pbkdf2.extend_from_slice(&4_000_000_000u32.to_be_bytes());
    pbkdf2.push(16);
    pbkdf2.extend_from_slice(&salt);
    for rec in [argon, pbkdf2] {
        let bytes = crafted_with_kdf(&good, &rec);
        let t = Instant::now();
        let err = classify(&probe, &bytes, &pw).unwrap_err();
        let took = t.elapsed();
        match &err {
            Error::KdfCostRefused { limit, .. } => {
                let text = err.to_string();
                assert!(text.contains("outside"), "{text}");
                let _ = limit;
            }
            other => panic!("expected KdfCostRefused, got {other:?}"),
        }
        assert!(took.as_secs_f64() < 1.0, "refusal took {took:?}");
    }
}

#[test]
fn foreign_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("x.kdb");
    let pw = Password::new("x");
    let cases: &[(&[u8], &str)] = &[
        (
            b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "a PEM file holding a certificate",
        ),
        (
            &[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0],
            "a Java KeyStore (JKS)",
        ),
    ];
    for (bytes, want) in cases {
        match classify(&probe, bytes, &pw) {
            Err(Error::NotAStore { found, .. }) => assert_eq!(found.to_string(), *want),
            other => panic!("{want:?}: {other:?}"),
        }
    }
    // PKCS#12 is a store format of its own: a truncated one is damaged.
    let p12 = [0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x00];
    match classify(&probe, &p12, &pw) {
        Err(e) => assert_eq!(e.class(), ErrorClass::Damaged, "{e}"),
        Ok(_) => panic!("a truncated PKCS#12 file opened"),
    }
}

#[test]
fn newer_version_with_good_checksum_is_unsupported_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let mut b = std::fs::read(&path).unwrap();
    let body_len = u32::from_be_bytes(b[10..14].try_into().unwrap()) as usize;
    b[8..10].copy_from_slice(&2u16.to_be_bytes());
    let sum_at = 14 + body_len;
    let sum = ring::digest::digest(&ring::digest::SHA256, &b[..sum_at]);
    b[sum_at..sum_at + 32].copy_from_slice(sum.as_ref());
    let probe = dir.path().join("v2.kdb");
    assert!(matches!(
        classify(&probe, &b, &pw),
        Err(Error::UnsupportedVersion { version: 2, .. })
    ));
}

#[test]
fn round_trip_keeps_entries_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pw) = small_store(dir.path());
    let mut store = Store::open(&path, &pw, Access::Update).unwrap();
    let e = store.get("SWEEP").unwrap().clone();
    // Same label, other case: refused.
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new("CN=other", 30).self_signed(&key).unwrap();
    let err = store
        .add(Entry::personal("Sweep", vec![cert.clone()], key.clone()))
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateLabel { ref existing, .. } if existing == "sweep"));
    // Same key under another label: refused, naming the holder.
    let err = store
        .add(Entry::personal(
            "copy",
            e.certificates().to_vec(),
            e.private_key().unwrap().clone(),
        ))
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateKey { ref existing, .. } if existing == "sweep"));
    store.add(Entry::signer("ca", cert)).unwrap();
    store.set_default("sweep").unwrap();
    store.save().unwrap();
    drop(store);
    let store = Store::open(&path, &pw, Access::Read).unwrap();
    assert_eq!(store.entries().len(), 2);
    assert_eq!(store.default_entry().unwrap().label(), "sweep");
    assert_eq!(
        store.get("sweep").unwrap(),
        &e.clone().with_default_flag(true)
    );
    // The library can still represent duplicates written elsewhere.
    let mut store = Store::open(&path, &pw, Access::Update).unwrap();
    store.add_unchecked(e.clone().with_default_flag(false));
    store.save().unwrap();
    let store = Store::open(&path, &pw, Access::Read).unwrap();
    assert_eq!(
        kdbman::store::duplicate_labels(store.entries()),
        vec![vec![0, 2]]
    );
    assert_eq!(
        kdbman::store::duplicate_keys(store.entries()),
        vec![vec![0, 2]]
    );
}

#[test]
fn store_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = small_store(dir.path());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
