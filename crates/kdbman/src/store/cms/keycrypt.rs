//! Private keys inside CMS records: PKCS#8 EncryptedPrivateKeyInfo under
//! the database password.
//!
//! GSKit 8 writes PBES2: PBKDF2 with HMAC-SHA384 (PRF parameters absent),
//! an 8-byte salt, 5 iterations, key length 32, then AES-256-CBC. Old v4
//! stores are said to use PKCS#12 PBE with 3DES (RFC 7292 appendix B
//! key derivation), which is read too. Parameters always come from the
//! file; only their bounds are fixed here.
//!
//! Version 3 stores (old iKeyman, GSKit 7, z/OS gskkyman) hold
//! `pbeWithMD5AndDES-CBC` keys (PKCS#5 v1.5 PBES1): DK = MD5 applied
//! `iterations` times to password ‖ 8-byte salt, DES key DK[0..8], IV
//! DK[8..16]. Real v3 files use 5 iterations.
//!
//! Each store version gets its own scheme when kdbman writes a key
//! ([`encrypt_for`]), so the GSKit of its era loads it: v3 as above; v4
//! `pbeWithSHAAnd3-KeyTripleDES-CBC` (PKCS#12 key derivation over the
//! BMPString password, a 20-byte salt, 10 iterations), as every real v4
//! file holds it; v6 PBES2 as below.
//!
//! For v6 kdbman writes GSKit's parameters, 5 iterations included: the store's
//! password verifier is one HMAC keyed with the raw password, so a higher
//! count on the keys would not slow an offline guesser at all, while it
//! would make every open cost more per key (a 10,000-key store at 600,000
//! iterations would take hours to open).

use std::sync::atomic::{AtomicU64, Ordering};

use der::asn1::AnyRef;
use der::{Decode, Encode, Header, Length, Reader, SliceReader, Tag, Tagged};
use pkcs5::pbes2;
use zeroize::Zeroizing;

use super::container::Version;
use crate::secret::Password;

pub const PBES2_ITERATIONS: u32 = 5;
/// What IBM's v4 stores use with PKCS#12 3DES (`kdbman-cms(5)`).
pub const PKCS12_ITERATIONS: u32 = 10;
pub const PKCS12_SALT_LEN: usize = 20;
/// Keys asking for more work than this are refused as hostile or damaged.
pub const MAX_ITERATIONS: u32 = crate::limits::PBKDF2_MAX_ITERATIONS;

const PBES2_OID: &str = "1.2.840.113549.1.5.13";
const PBKDF2_OID: &str = "1.2.840.113549.1.5.12";
const HMAC_SHA384_OID: &str = "1.2.840.113549.2.10";
const AES256_CBC_OID: &str = "2.16.840.1.101.3.4.1.42";
const PBE_SHA_3DES_OID: &str = "1.2.840.113549.1.12.1.3";
const PBE_SHA_2DES_OID: &str = "1.2.840.113549.1.12.1.4";
const PBE_MD5_DES_OID: &str = "1.2.840.113549.1.5.3";
/// The PBES1 iteration count of every real v3 key seen.
pub const PBES1_ITERATIONS: u16 = 5;

/// Why a key did not decrypt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The structure or algorithm is not one kdbman reads (damage, or an
    /// unsupported scheme): says which.
    Malformed(String),
    /// The work it asks for is beyond [`MAX_ITERATIONS`].
    TooCostly(u32),
    /// Decryption failed (bad padding, or not a PKCS#8 key after it):
    /// the password is wrong, or the key bytes are damaged.
    Rejected,
}

fn oid(s: &str) -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap(s)
}

struct Epki<'a> {
    alg: der::asn1::ObjectIdentifier,
    params: Option<AnyRef<'a>>,
    data: &'a [u8],
}

fn parse(der: &[u8]) -> Result<Epki<'_>, KeyError> {
    let bad = |e: der::Error| KeyError::Malformed(e.to_string());
    let mut r = SliceReader::new(der).map_err(bad)?;
    let outer = AnyRef::decode(&mut r).map_err(bad)?;
    if outer.tag() != Tag::Sequence || !r.is_finished() {
        return Err(KeyError::Malformed("not a DER SEQUENCE".into()));
    }
    let mut r = SliceReader::new(outer.value()).map_err(bad)?;
    let alg = pkcs8::spki::AlgorithmIdentifierRef::decode(&mut r).map_err(bad)?;
    let data = <&der::asn1::OctetStringRef>::decode(&mut r).map_err(bad)?;
    if !r.is_finished() {
        return Err(KeyError::Malformed("unexpected data after the key".into()));
    }
    Ok(Epki {
        alg: alg.oid,
        params: alg.parameters,
        data: data.as_bytes(),
    })
}

/// Decrypts an EncryptedPrivateKeyInfo into PKCS#8 PrivateKeyInfo DER,
/// checking that the result parses as PKCS#8.
pub fn decrypt(der: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    decrypt_within(der, password, MAX_ITERATIONS)
}

/// [`decrypt`], refusing (as [`KeyError::TooCostly`]) a key that asks for
/// more than `max_iterations`: for work done before the file is known to
/// be intact.
pub fn decrypt_within(
    der: &[u8],
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let plain = decrypt_raw_within(der, password, max_iterations)?;
    if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
        return Err(KeyError::Rejected);
    }
    Ok(plain)
}

/// Decrypts an EncryptedPrivateKeyInfo whose content is not PKCS#8
/// (secret-key records hold raw key bytes).
pub fn decrypt_raw(der: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    decrypt_raw_within(der, password, MAX_ITERATIONS)
}

/// Private-key decryptions run by this process (every attempt that got
/// as far as the cipher): a test hook showing that listing a store
/// decrypts nothing. See [`key_decryptions`].
static DECRYPTIONS: AtomicU64 = AtomicU64::new(0);

/// How many private keys (and secret keys) this process has tried to
/// decrypt so far, by any store. For tests and `KDBMAN_DEBUG_STATS`.
#[doc(hidden)]
pub fn key_decryptions() -> u64 {
    DECRYPTIONS.load(Ordering::Relaxed)
}

fn decrypt_raw_within(
    der: &[u8],
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let max_iterations = max_iterations.min(MAX_ITERATIONS);
    DECRYPTIONS.fetch_add(1, Ordering::Relaxed);
    let epki = parse(der)?;
    let plain = if epki.alg == oid(PBES2_OID) {
        decrypt_pbes2(&epki, password, max_iterations)?
    } else if epki.alg == oid(PBE_SHA_3DES_OID) || epki.alg == oid(PBE_SHA_2DES_OID) {
        decrypt_pkcs12_pbe(&epki, password, max_iterations)?
    } else if epki.alg == oid(PBE_MD5_DES_OID) {
        decrypt_pbes1_md5_des(&epki, password, max_iterations)?
    } else {
        return Err(KeyError::Malformed(format!(
            "key encryption {} is not supported",
            epki.alg
        )));
    };
    Ok(plain)
}

fn decrypt_pbes2(
    epki: &Epki<'_>,
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let params = epki
        .params
        .ok_or_else(|| KeyError::Malformed("PBES2 without parameters".into()))?;
    let params =
        pbes2::Parameters::try_from(params).map_err(|e| KeyError::Malformed(e.to_string()))?;
    match &params.kdf {
        pbes2::Kdf::Pbkdf2(p) if p.iteration_count > max_iterations => {
            return Err(KeyError::TooCostly(p.iteration_count));
        }
        pbes2::Kdf::Pbkdf2(_) => {}
        _ => {
            return Err(KeyError::Malformed(
                "PBES2 with a KDF other than PBKDF2".into(),
            ));
        }
    }
    params
        .decrypt(password.as_bytes(), epki.data)
        .map(Zeroizing::new)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => KeyError::Rejected,
            other => KeyError::Malformed(other.to_string()),
        })
}

fn decrypt_pkcs12_pbe(
    epki: &Epki<'_>,
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
    use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};

    let bad = |e: der::Error| KeyError::Malformed(e.to_string());
    let params = epki
        .params
        .ok_or_else(|| KeyError::Malformed("PKCS#12 PBE without parameters".into()))?;
    let mut r = SliceReader::new(params.value()).map_err(bad)?;
    let salt = <&der::asn1::OctetStringRef>::decode(&mut r).map_err(bad)?;
    let iterations = u32::decode(&mut r).map_err(bad)?;
    if iterations > max_iterations {
        return Err(KeyError::TooCostly(iterations));
    }
    let three_key = epki.alg == oid(PBE_SHA_3DES_OID);
    let key_len = if three_key { 24 } else { 16 };
    let derive = |kind, len| {
        derive_key_utf8::<sha1::Sha1>(
            password.as_str(),
            salt.as_bytes(),
            kind,
            iterations as i32,
            len,
        )
        .map(Zeroizing::new)
        .map_err(bad)
    };
    let key = derive(Pkcs12KeyType::EncryptionKey, key_len)?;
    let iv = derive(Pkcs12KeyType::Iv, 8)?;
    let out = if three_key {
        cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .map_err(|_| KeyError::Malformed("3DES key length".into()))?
            .decrypt_padded_vec::<Pkcs7>(epki.data)
    } else {
        cbc::Decryptor::<des::TdesEde2>::new_from_slices(&key, &iv)
            .map_err(|_| KeyError::Malformed("3DES key length".into()))?
            .decrypt_padded_vec::<Pkcs7>(epki.data)
    };
    out.map(Zeroizing::new).map_err(|_| KeyError::Rejected)
}

/// PBES1's key derivation (PBKDF1 with MD5): the DES key and the IV.
fn pbkdf1_md5(password: &Password, salt: &[u8], iterations: u16) -> Zeroizing<[u8; 16]> {
    use md5::{Digest, Md5};
    use zeroize::Zeroize;
    let mut dk = Zeroizing::new([0u8; 16]);
    let mut out = md5::digest::Output::<Md5>::default();
    let mut h = Md5::new();
    h.update(password.as_bytes());
    h.update(salt);
    h.finalize_into(&mut out);
    dk.copy_from_slice(&out);
    for _ in 1..iterations {
        let mut h = Md5::new();
        h.update(&dk[..]);
        h.finalize_into(&mut out);
        dk.copy_from_slice(&out);
    }
    out.as_mut_slice().zeroize();
    dk
}

fn decrypt_pbes1_md5_des(
    epki: &Epki<'_>,
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};

    let params = epki
        .params
        .ok_or_else(|| KeyError::Malformed("pbeWithMD5AndDES-CBC without parameters".into()))?;
    let params = pkcs5::pbes1::Parameters::try_from(params)
        .map_err(|e| KeyError::Malformed(format!("pbeWithMD5AndDES-CBC parameters: {e}")))?;
    if params.iteration_count == 0 {
        return Err(KeyError::Malformed(
            "pbeWithMD5AndDES-CBC with 0 iterations".into(),
        ));
    }
    if u32::from(params.iteration_count) > max_iterations {
        return Err(KeyError::TooCostly(params.iteration_count.into()));
    }
    let dk = pbkdf1_md5(password, &params.salt, params.iteration_count);
    cbc::Decryptor::<des::Des>::new_from_slices(&dk[..8], &dk[8..])
        .map_err(|_| KeyError::Malformed("DES key length".into()))?
        .decrypt_padded_vec::<Pkcs7>(epki.data)
        .map(Zeroizing::new)
        .map_err(|_| KeyError::Rejected)
}

/// Encrypts PKCS#8 DER as v3 stores hold it: `pbeWithMD5AndDES-CBC`,
/// a random 8-byte salt, [`PBES1_ITERATIONS`].
pub fn encrypt_pbes1_md5_des(pkcs8: &[u8], password: &Password) -> Vec<u8> {
    use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
    use pkcs5::pbes1;

    let salt: [u8; 8] = crate::clock::random();
    let dk = pbkdf1_md5(password, &salt, PBES1_ITERATIONS);
    let ct = cbc::Encryptor::<des::Des>::new_from_slices(&dk[..8], &dk[8..])
        .expect("DES takes an 8-byte key and IV")
        .encrypt_padded_vec::<Pkcs7>(pkcs8);
    let alg = pbes1::Algorithm {
        encryption: pbes1::EncryptionScheme::PbeWithMd5AndDesCbc,
        parameters: pbes1::Parameters {
            salt,
            iteration_count: PBES1_ITERATIONS,
        },
    };
    let data = enc(&der::asn1::OctetStringRef::new(&ct).expect("fits"));
    tlv(Tag::Sequence, &[&enc(&alg), &data])
}

fn enc(v: &impl Encode) -> Vec<u8> {
    v.to_der().unwrap_or_default()
}

fn tlv(tag: Tag, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Header::new(tag, Length::try_from(len).unwrap_or(Length::ZERO))
        .to_der()
        .unwrap_or_default();
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// Encrypts PKCS#8 DER (or a secret key's raw bytes) with the scheme of a
/// store of `version` (see the module comment): v3 `pbeWithMD5AndDES-CBC`
/// (what old GSKit and z/OS read), v4 PKCS#12 3DES, v6 PBES2.
pub fn encrypt_for(version: Version, plain: &[u8], password: &Password) -> Vec<u8> {
    match version {
        Version::V3 => encrypt_pbes1_md5_des(plain, password),
        Version::V4 => encrypt_pkcs12_3des(plain, password),
        Version::V6 => encrypt(plain, password),
    }
}

/// `pbeWithSHAAnd3-KeyTripleDES-CBC` (RFC 7292 appendix B key and IV
/// derivation with SHA-1 over the BMPString password), as IBM's v4
/// stores hold their keys: a 20-byte salt, 10 iterations.
pub fn encrypt_pkcs12_3des(plain: &[u8], password: &Password) -> Vec<u8> {
    use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
    use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};

    let salt: [u8; PKCS12_SALT_LEN] = crate::clock::random();
    let derive = |kind, len| {
        derive_key_utf8::<sha1::Sha1>(
            password.as_str(),
            &salt,
            kind,
            PKCS12_ITERATIONS as i32,
            len,
        )
        .map(Zeroizing::new)
        .expect("a short salt and a small iteration count derive")
    };
    let key = derive(Pkcs12KeyType::EncryptionKey, 24);
    let iv = derive(Pkcs12KeyType::Iv, 8);
    let ct = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
        .expect("24-byte key and 8-byte IV")
        .encrypt_padded_vec::<Pkcs7>(plain);
    let params = tlv(
        Tag::Sequence,
        &[
            &enc(&der::asn1::OctetStringRef::new(&salt).expect("short")),
            &enc(&PKCS12_ITERATIONS),
        ],
    );
    let alg = tlv(Tag::Sequence, &[&enc(&oid(PBE_SHA_3DES_OID)), &params]);
    let data = enc(&der::asn1::OctetStringRef::new(&ct).expect("fits"));
    tlv(Tag::Sequence, &[&alg, &data])
}

/// Encrypts PKCS#8 DER as GSKit 8 does for v6 (see the module comment).
pub fn encrypt(pkcs8: &[u8], password: &Password) -> Vec<u8> {
    let salt: [u8; 8] = crate::clock::random();
    let iv: [u8; 16] = crate::clock::random();
    let pbkdf2 = pbes2::Pbkdf2Params {
        salt: pbes2::Salt::new(salt).expect("8 bytes is a valid salt"),
        iteration_count: PBES2_ITERATIONS,
        key_length: Some(32),
        prf: pbes2::Pbkdf2Prf::HmacWithSha384,
    };
    let params = pbes2::Parameters {
        kdf: pbkdf2.into(),
        encryption: pbes2::EncryptionScheme::Aes256Cbc { iv },
    };
    let ct = params
        .encrypt(password.as_bytes(), pkcs8)
        .expect("AES-256-CBC with a 32-byte PBKDF2 key cannot fail");
    // Written by hand only to leave the PRF parameters absent, as GSKit
    // does (pkcs5 writes NULL); every value comes from the der encoders.
    let prf = tlv(Tag::Sequence, &[&enc(&oid(HMAC_SHA384_OID))]);
    let kdf_params = tlv(
        Tag::Sequence,
        &[
            &enc(&der::asn1::OctetStringRef::new(&salt).expect("short")),
            &enc(&PBES2_ITERATIONS),
            &enc(&32u32),
            &prf,
        ],
    );
    let kdf = tlv(Tag::Sequence, &[&enc(&oid(PBKDF2_OID)), &kdf_params]);
    let cipher = tlv(
        Tag::Sequence,
        &[
            &enc(&oid(AES256_CBC_OID)),
            &enc(&der::asn1::OctetStringRef::new(&iv).expect("short")),
        ],
    );
    let alg = tlv(
        Tag::Sequence,
        &[&enc(&oid(PBES2_OID)), &tlv(Tag::Sequence, &[&kdf, &cipher])],
    );
    let data = enc(&der::asn1::OctetStringRef::new(&ct).expect("fits"));
    tlv(Tag::Sequence, &[&alg, &data])
}

/// The PBKDF2 (or PKCS#12-KDF) iterations decrypting this key costs, read
/// from its parameters without deriving anything: what a file's total is
/// capped on (the PKCS#12 PBE derives key and IV apart: twice its count).
/// `None` when the parameters do not parse (decryption reports why).
pub fn work(der: &[u8]) -> Option<u64> {
    let epki = parse(der).ok()?;
    let params = epki.params?;
    if epki.alg == oid(PBES2_OID) {
        match pbes2::Parameters::try_from(params).ok()?.kdf {
            pbes2::Kdf::Pbkdf2(p) => Some(u64::from(p.iteration_count)),
            _ => None,
        }
    } else if epki.alg == oid(PBE_SHA_3DES_OID) || epki.alg == oid(PBE_SHA_2DES_OID) {
        let mut r = SliceReader::new(params.value()).ok()?;
        <&der::asn1::OctetStringRef>::decode(&mut r).ok()?;
        let iterations = u32::decode(&mut r).ok()?;
        Some(u64::from(iterations) * 2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_keys_are_pkcs12_3des_with_a_20_byte_salt_and_10_iterations() {
        let key = crate::pki::keygen::generate(crate::pki::KeyType::EcP256).unwrap();
        let pw = Password::new("pässword");
        let enc = encrypt_for(Version::V4, key.pkcs8_der(), &pw);
        let epki = parse(&enc).unwrap();
        assert_eq!(epki.alg, oid(PBE_SHA_3DES_OID));
        let params = epki.params.unwrap();
        let mut r = SliceReader::new(params.value()).unwrap();
        let salt = <&der::asn1::OctetStringRef>::decode(&mut r).unwrap();
        assert_eq!(salt.as_bytes().len(), 20);
        assert_eq!(u32::decode(&mut r).unwrap(), 10);
        assert_eq!(&*decrypt(&enc, &pw).unwrap(), key.pkcs8_der());
        assert_eq!(
            decrypt(&enc, &Password::new("password")),
            Err(KeyError::Rejected)
        );
        let v6 = encrypt_for(Version::V6, key.pkcs8_der(), &pw);
        assert_eq!(parse(&v6).unwrap().alg, oid(PBES2_OID));
    }

    #[test]
    fn encrypt_decrypt_round_trip_and_wrong_password() {
        let key = crate::pki::keygen::generate(crate::pki::KeyType::EcP256).unwrap();
        let pw = Password::new("pässword");
        let enc = encrypt(key.pkcs8_der(), &pw);
        assert_eq!(&*decrypt(&enc, &pw).unwrap(), key.pkcs8_der());
        assert_eq!(
            decrypt(&enc, &Password::new("password")),
            Err(KeyError::Rejected)
        );
        // Absent PRF parameters, as GSKit writes them.
        let prf = [
            0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0a, 0x30,
        ];
        assert!(enc.windows(prf.len()).any(|w| w == prf));
    }

    #[test]
    fn pbes1_md5_des_round_trip_wrong_password_and_known_answer() {
        let key = crate::pki::keygen::generate(crate::pki::KeyType::EcP256).unwrap();
        let pw = Password::new("mq-lab");
        let enc = encrypt_pbes1_md5_des(key.pkcs8_der(), &pw);
        assert_eq!(&*decrypt(&enc, &pw).unwrap(), key.pkcs8_der());
        assert_eq!(
            decrypt(&enc, &Password::new("mq-lab ")),
            Err(KeyError::Rejected)
        );
        // The algorithm identifier: the PBES1 OID, 8-byte salt, 5 iterations.
        let head = [
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03, 0x30, 0x0d, 0x04,
            0x08,
        ];
        let at = enc.windows(head.len()).position(|w| w == head).unwrap();
        assert_eq!(enc[at + head.len() + 8..][..3], [0x02, 0x01, 0x05]);
        // PBKDF1 by hand for one round: MD5(pw ‖ salt), then MD5 4 more times.
        use md5::{Digest, Md5};
        let mut dk: [u8; 16] = Md5::digest(b"pwsaltsalt").into();
        for _ in 0..4 {
            dk = Md5::digest(dk).into();
        }
        assert_eq!(*pbkdf1_md5(&Password::new("pw"), b"saltsalt", 5), dk);
    }
}
