//! Private keys inside CMS records: PKCS#8 EncryptedPrivateKeyInfo under
//! the database password.
//!
//! GSKit 8 writes PBES2: PBKDF2 with HMAC-SHA384 (PRF parameters absent),
//! an 8-byte salt, 5 iterations, key length 32, then AES-256-CBC. Old v4
//! stores are said to use PKCS#12 PBE with 3DES (RFC 7292 appendix B
//! key derivation), which is read too. Parameters always come from the
//! file; only their bounds are fixed here.
//!
//! kdbman writes GSKit's parameters, 5 iterations included: the store's
//! password verifier is one HMAC keyed with the raw password, so a higher
//! count on the keys would not slow an offline guesser at all, while it
//! would make every open cost more per key (a 10,000-key store at 600,000
//! iterations would take hours to open).

use der::asn1::AnyRef;
use der::{Decode, Encode, Header, Length, Reader, SliceReader, Tag, Tagged};
use pkcs5::pbes2;
use zeroize::Zeroizing;

use crate::secret::Password;

pub const PBES2_ITERATIONS: u32 = 5;
/// Keys asking for more work than this are refused as hostile or damaged.
pub const MAX_ITERATIONS: u32 = crate::limits::PBKDF2_MAX_ITERATIONS;

const PBES2_OID: &str = "1.2.840.113549.1.5.13";
const PBKDF2_OID: &str = "1.2.840.113549.1.5.12";
const HMAC_SHA384_OID: &str = "1.2.840.113549.2.10";
const AES256_CBC_OID: &str = "2.16.840.1.101.3.4.1.42";
const PBE_SHA_3DES_OID: &str = "1.2.840.113549.1.12.1.3";
const PBE_SHA_2DES_OID: &str = "1.2.840.113549.1.12.1.4";

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

fn decrypt_raw_within(
    der: &[u8],
    password: &Password,
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let max_iterations = max_iterations.min(MAX_ITERATIONS);
    let epki = parse(der)?;
    let plain = if epki.alg == oid(PBES2_OID) {
        decrypt_pbes2(&epki, password, max_iterations)?
    } else if epki.alg == oid(PBE_SHA_3DES_OID) || epki.alg == oid(PBE_SHA_2DES_OID) {
        decrypt_pkcs12_pbe(&epki, password, max_iterations)?
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

/// Encrypts PKCS#8 DER as GSKit does (see the module comment).
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
}
