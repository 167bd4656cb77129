//! Entry points for the fuzz targets in `fuzz/` and for the regression
//! test that replays their findings (`tests/fuzz_regressions.rs`).
//!
//! Each function takes outside bytes, runs one parser the way kdbman runs
//! it on a file or a socket, and then the code that consumes a success.
//! None may panic, loop without bound or allocate without bound. Not part
//! of the public API.
//!
//! Adding a format (CMS `.kdb`/`.rdb`, `.sth`): a function here, a
//! three-line target in `fuzz/fuzz_targets/`, a `[[bin]]` in
//! `fuzz/Cargo.toml`, and a line in [`TARGETS`].

use std::path::Path;

use crate::pki::{self, cert, pem, pkcs12, sign};
use crate::secret::Password;
use crate::store::native::{format, payload as entry};

/// The password the seed corpora are made with.
pub const SEED_PASSWORD: &str = "fuzz-password";

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target by name, as the regression test replays them (the
/// server's two, `http_head` and `serve_session`, are in
/// `kdbman_serve::fuzzing`).
pub const TARGETS: &[(&str, Target)] = &[
    ("store", store),
    ("stash", stash),
    ("pkcs12", pkcs12),
    ("cert", cert),
    ("key", key),
    ("csr", csr),
    ("cms", cms),
    ("gskit_stash", gskit_stash),
];

/// Rewrites a frame's SHA-256 so the fuzzer reaches what the checksum
/// guards: `sum_at` is where the checksum lies, over the bytes before it.
fn with_checksum(data: &[u8], sum_at: usize) -> Option<Vec<u8>> {
    if data.len() < sum_at + 32 {
        return None;
    }
    let mut v = data.to_vec();
    let sum = pki::sha256(&v[..sum_at]);
    v[sum_at..sum_at + 32].copy_from_slice(&sum);
    Some(v)
}

/// Native store: the header frame and records, then the payload's DER
/// entry list as if the payload had decrypted to these bytes (the KDF
/// and AEAD in between run on authenticated data only).
pub fn store(data: &[u8]) {
    let path = Path::new("fuzz.kdb");
    let _ = crate::store::detect::classify(data).to_string();
    if let Ok(p) = format::parse(path, data) {
        let _ = p.header.encode();
    }
    if data.len() >= format::PREFIX_LEN {
        let body = u32::from_be_bytes([data[10], data[11], data[12], data[13]]) as usize;
        if body <= format::MAX_BODY as usize
            && let Some(fixed) = with_checksum(data, format::PREFIX_LEN + body)
            && let Ok(p) = format::parse(path, &fixed)
        {
            // What parses must encode back to the same header bytes,
            // unless optional records were skipped.
            let again = p.header.encode();
            if again.len() == p.header_bytes.len() {
                let file = [&again[..], p.payload].concat();
                assert!(
                    format::parse(path, &file).is_ok(),
                    "a re-encoded header does not parse"
                );
            }
        }
    }
    if let Ok(entries) = entry::decode(data) {
        for e in &entries {
            let _ = e.label();
            for c in e.certificates() {
                let _ = cert::cert_info(c);
            }
            if let Some(k) = e.private_key() {
                let _ = cert::key_algorithm_of_pkcs8(k.pkcs8_der());
            }
        }
        let _ = crate::store::duplicate_keys(&entries);
        let _ = crate::store::duplicate_labels(&entries);
        if let Ok(enc) = entry::encode(&entries) {
            assert_eq!(
                entry::decode(&enc).ok().as_ref(),
                Some(&entries),
                "entries do not survive encode and decode"
            );
        }
    }
}

/// Native stash file.
pub fn stash(data: &[u8]) {
    let (p, s) = (Path::new("fuzz.sth"), Path::new("fuzz.kdb"));
    let _ = crate::Stash::decode(p, s, data);
    // Past the checksum: it covers everything but itself.
    if data.len() >= 44 + 32 {
        let pw_len = u16::from_be_bytes([data[42], data[43]]) as usize;
        if let Some(fixed) = with_checksum(data, 44 + pw_len)
            && fixed.len() == 44 + pw_len + 32
            && let Ok(st) = crate::Stash::decode(p, s, &fixed)
        {
            match st.encode() {
                Ok(bytes) => assert_eq!(
                    &bytes[..],
                    &fixed[..],
                    "a decoded stash does not encode back to its bytes"
                ),
                // Refused only for a password no kdbman stash is written with.
                Err(_) => assert!(pw_len == 0 || pw_len > crate::stash::MAX_PASSWORD),
            }
        }
    }
}

/// CMS key database: the container and both MACs as read (mostly a
/// failing verifier, so the private-key proof of the password runs), then
/// the same bytes with both MACs recomputed under the seed password, so
/// the records, key decryption, chain assembly and a rewrite run too. The
/// same bytes also serve as the `.rdb` beside a valid empty `.kdb`.
pub fn cms(data: &[u8]) {
    use crate::store::cms::{self, container};
    let path = Path::new("fuzz.kdb");
    let pw = Password::new(SEED_PASSWORD);
    let _ = crate::store::formats::detect(data);
    let _ = cms::open(path, data, cms::Besides::none(), &pw);
    if let Some(sealed) = container::remac(path, data, &pw) {
        if let Ok(cms::Opened::Ok(state, entries)) =
            cms::open(path, &sealed, cms::Besides::none(), &pw)
        {
            // A request record found in the .kdb is written to the .rdb.
            let files = cms::encode(path, &state, &entries).expect("entries that opened encode");
            let rdb = files
                .iter()
                .find(|(p, _)| *p == cms::rdb_path(path))
                .map_or(cms::Beside::Absent, |(_, b)| cms::Beside::Bytes(b.clone()));
            let besides = cms::Besides {
                rdb,
                crl: cms::Beside::Absent,
            };
            match cms::open(path, &files[0].1, besides, &pw) {
                Ok(cms::Opened::Ok(state, again)) => {
                    assert_eq!(again.len(), entries.len(), "a rewrite lost entries");
                    assert!(
                        state
                            .companions(path)
                            .iter()
                            .all(|c| c.found.problem().is_none()),
                        "a rewritten .rdb is not usable"
                    );
                }
                _ => panic!("a rewritten CMS store does not open"),
            }
        }
        let empty = container::encode(
            container::Version::V6,
            container::Kind::Keys,
            &[1; 24],
            container::DEFAULT_SLOT_SIZE,
            &[],
            &pw,
        );
        let besides = cms::Besides {
            rdb: cms::Beside::Bytes(sealed),
            crl: cms::Beside::Absent,
        };
        let _ = cms::open(path, &empty, besides, &pw);
    }
}

/// GSKit stash v1/v2: decode, and a decoded password re-encodes to a stash
/// that decodes to it again.
pub fn gskit_stash(data: &[u8]) {
    use crate::stash::gskit;
    if let Ok((version, pw)) = gskit::decode(data)
        && pw.len() <= gskit::MAX_PASSWORD
    {
        let again = gskit::encode(version, &pw);
        assert_eq!(
            gskit::decode(&again).map(|(v, p)| (v, p.to_vec())),
            Ok((version, pw.to_vec())),
            "a GSKit stash does not survive encode and decode"
        );
    }
}

/// PKCS#12 import, with the seed password and with an empty one.
pub fn pkcs12(data: &[u8]) {
    let path = Path::new("fuzz.p12");
    for pw in [SEED_PASSWORD, ""] {
        if let Ok(c) = pkcs12::parse(data, &Password::new(pw), path) {
            for k in &c.keys {
                let _ = pem::public_key_bits(&k.key);
                for cert in &k.chain {
                    let _ = cert::cert_info(cert);
                }
            }
            for (_, cert) in &c.certificates {
                let _ = cert::cert_info(cert);
                let _ = pkcs12::default_label(cert, "fuzz");
            }
        }
    }
}

/// Certificates in PEM (bundles) or DER, as `cert add` and `--chain` read
/// them, and what is shown of a parsed one.
pub fn cert(data: &[u8]) {
    if let Ok(certs) = pem::parse_certificates(data, "fuzz") {
        for c in &certs {
            let _ = cert::cert_info(c);
            let _ = pki::cert_spki(c);
            let _ = pkcs12::common_name(c);
        }
        let anchors: Vec<&[u8]> = certs.iter().skip(1).map(Vec::as_slice).collect();
        let _ = pki::validate::validate_chain(
            &certs,
            &anchors,
            &[],
            1_800_000_000,
            pki::validate::Purpose::ServerAuth,
        );
    }
    let _ = pem::split_pem(data, "fuzz");
}

/// Private keys in every accepted form (PEM or DER; PKCS#8, encrypted
/// PKCS#8, PKCS#1, SEC1), then what kdbman does with an accepted key.
pub fn key(data: &[u8]) {
    let pw = Password::new(SEED_PASSWORD);
    for password in [None, Some(&pw)] {
        if let Ok(k) = pem::parse_private_key(data, password, "fuzz") {
            let _ = cert::key_algorithm_of_pkcs8(k.pkcs8_der());
            let _ = pem::public_key_bits(&k);
            let _ = pem::pkcs8_for_export(&k);
            let _ = pem::private_key_pem(&k);
        }
    }
}

/// PKCS#10 requests in PEM or DER, as `cert sign` and `certreq` read them.
pub fn csr(data: &[u8]) {
    let _ = cert::csr_subject(data);
    let _ = pki::csr_spki(data);
    if let Ok(der) = sign::parse_request(data, "fuzz") {
        let _ = cert::csr_subject(&der);
        let _ = pki::csr_spki(&der);
    }
}
