//! Reading PKCS#12 (RFC 7292) the way OpenSSL does, on RustCrypto crates:
//! `pkcs12` for the ASN.1 types and the PKCS#12 KDF, `pkcs5` for PBES2
//! (every PBKDF2 PRF, AES-CBC, 3DES), `cbc` + `des`/`rc2` for the PKCS#12
//! PBE ciphers, `hmac` + `sha1`/`sha2` for the MAC. Nothing here is a
//! cipher or a codec of its own: this module walks the structure and picks
//! the password encoding.
//!
//! The empty password has two encodings in PKCS#12's KDF: a BMPString with
//! its two-byte terminator (what `openssl pkcs12 -passout pass:` writes) and
//! no bytes at all (a NULL password: Python's `NoEncryption()`, Windows
//! "export without password"). Like OpenSSL, both are tried wherever the
//! password is empty; the one the MAC accepts is used for the contents.
//! A non-ASCII password is also tried byte for byte (OpenSSL 1.x wrote
//! them so).
//!
//! Costs are capped before any derivation runs, so a crafted file cannot
//! hang the reader; the walk is bounded in depth.

use der::asn1::{BmpString, ContextSpecific, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode};
use hmac::{KeyInit, Mac};
use pkcs12::cms::cert::x509::spki::AlgorithmIdentifierOwned;
use pkcs12::cms::content_info::ContentInfo;
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::{CertBag, MacData, Pfx, SafeBag};
use zeroize::Zeroizing;

use crate::limits::KdfBudget;

/// A certificate bag.
#[derive(Debug, Clone)]
pub struct CertItem {
    pub der: Vec<u8>,
    pub friendly_name: Option<String>,
    /// Java's trusted-certificate attribute (a keytool `trustedCertEntry`).
    pub trusted: bool,
}

/// A key bag (shrouded or not), decrypted: PKCS#8 DER.
#[derive(Debug, Clone)]
pub struct KeyItem {
    pub pkcs8: Zeroizing<Vec<u8>>,
    pub friendly_name: Option<String>,
}

/// Everything a PKCS#12 file holds that kdbman uses.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub certs: Vec<CertItem>,
    pub keys: Vec<KeyItem>,
    /// The old ciphers (DES, 3DES, RC2) that protected parts of the file,
    /// for a policy that does not allow them.
    pub old_ciphers: Vec<super::policy::Cipher>,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The MAC (or, without one, every decryption) fails with the password.
    WrongPassword,
    /// The structure does not decode; the text says where.
    Malformed(String),
    /// A well-formed file using something kdbman does not read.
    Unsupported(String),
    /// Parameters that would make the reader hang or exhaust memory.
    TooCostly(String),
    /// The derivations of the file's items add up past the per-file cap
    /// ([`crate::limits::KdfBudget`]).
    OverBudget(crate::limits::OverBudget),
}

/// The most PKCS#12-KDF or PBKDF2 iterations accepted (the store's own
/// PBKDF2 ceiling: a few seconds). OpenSSL writes 2048, Java 10,000.
pub const MAX_ITERATIONS: u32 = crate::limits::PBKDF2_MAX_ITERATIONS;
/// Nesting of safeContents bags accepted.
const MAX_DEPTH: usize = 4;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_ENVELOPED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
const OID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");

const OID_KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const OID_SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const OID_CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const OID_SAFE_CONTENTS_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.6");
const OID_X509_CERT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");

const OID_FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const OID_JAVA_TRUSTED: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.113894.746875.1.1");

const OID_PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const OID_PBE_RC4_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.1");
const OID_PBE_RC4_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.2");
const OID_PBE_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const OID_PBE_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
const OID_PBE_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const OID_PBE_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");

const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_SHA512_224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.5");
const OID_SHA512_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.6");

/// One way of presenting the password: the PKCS#12 KDF's bytes (BMP) and
/// PBES2's bytes (UTF-8).
struct Candidate {
    bmp: Zeroizing<Vec<u8>>,
    utf8: Zeroizing<Vec<u8>>,
}

fn candidates(password: &str) -> Vec<Candidate> {
    let utf8 = || Zeroizing::new(password.as_bytes().to_vec());
    let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    for unit in password.encode_utf16() {
        bmp.extend_from_slice(&unit.to_be_bytes());
    }
    bmp.extend_from_slice(&[0, 0]);
    let mut out = vec![Candidate { bmp, utf8: utf8() }];
    if password.is_empty() {
        // The NULL password: no bytes at all.
        out.push(Candidate {
            bmp: Zeroizing::new(Vec::new()),
            utf8: utf8(),
        });
    } else if !password.is_ascii() {
        // OpenSSL 1.x: each byte of the UTF-8 as one BMP character.
        let mut b = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
        for byte in password.bytes() {
            b.extend_from_slice(&[0, byte]);
        }
        b.extend_from_slice(&[0, 0]);
        out.push(Candidate {
            bmp: b,
            utf8: utf8(),
        });
    }
    out
}

fn malformed(at: &str, e: impl std::fmt::Display) -> ReadError {
    ReadError::Malformed(format!("{at}: {e}"))
}

/// Reads a PKCS#12 file with a password.
pub fn read(data: &[u8], password: &str) -> Result<Archive, ReadError> {
    let pfx = Pfx::from_der(data).map_err(|e| malformed("the PFX structure", e))?;
    let auth_safe = &pfx.auth_safe;
    if auth_safe.content_type == OID_SIGNED_DATA {
        return Err(ReadError::Unsupported(
            "its integrity is protected by a public-key signature (signedData), which kdbman cannot check".into(),
        ));
    }
    if auth_safe.content_type != OID_DATA {
        return Err(ReadError::Unsupported(format!(
            "its contents are of type {} (expected data)",
            auth_safe.content_type
        )));
    }
    let auth_bytes = octets(&auth_safe.content, "the authenticated safe")?;
    let all = candidates(password);
    let safes: Vec<ContentInfo> =
        Vec::from_der(&auth_bytes).map_err(|e| malformed("the authenticated safe", e))?;
    // Every derivation the file shows before decryption, for every
    // password encoding that may be tried, is charged before any runs;
    // what only decryption reveals (bags inside encrypted safes) is
    // charged to the same running total as it comes.
    plan_work(pfx.mac_data.as_ref(), &safes, all.len() as u64)?;
    let budget = &mut KdfBudget::iterations();
    let chosen: Vec<&Candidate> = match &pfx.mac_data {
        Some(mac) => {
            let mut found = None;
            for c in &all {
                if mac_verifies(mac, &c.bmp, &auth_bytes, budget)? {
                    found = Some(c);
                    break;
                }
            }
            vec![found.ok_or(ReadError::WrongPassword)?]
        }
        None => all.iter().collect(),
    };
    // Without a MAC, the first encoding under which everything decrypts wins.
    for c in chosen {
        let mut archive = Archive::default();
        match read_safes(&safes, c, &mut archive, budget) {
            Ok(()) => return Ok(archive),
            Err(ReadError::WrongPassword) => {}
            Err(e) => return Err(e),
        }
    }
    Err(ReadError::WrongPassword)
}

fn octets(content: &Any, at: &str) -> Result<Vec<u8>, ReadError> {
    let der = content.to_der().map_err(|e| malformed(at, e))?;
    Ok(OctetString::from_der(&der)
        .map_err(|e| malformed(at, e))?
        .into_bytes()
        .into_vec())
}

fn check_iterations(n: i64, at: &str) -> Result<u32, ReadError> {
    if n < 1 {
        return Err(malformed(at, format!("an iteration count of {n}")));
    }
    if n > i64::from(MAX_ITERATIONS) {
        return Err(ReadError::TooCostly(format!(
            "{at} asks for {n} iterations (kdbman accepts 1 to {MAX_ITERATIONS}); refused without running it (a damaged or crafted file?)"
        )));
    }
    Ok(n as u32)
}

macro_rules! hmac_verify {
    ($d:ty, $pass:expr, $salt:expr, $iter:expr, $data:expr, $expect:expr) => {{
        let len = <$d as hmac::digest::OutputSizeUser>::output_size();
        let key = Zeroizing::new(derive_key::<$d>(
            $pass,
            $salt,
            Pkcs12KeyType::Mac,
            $iter,
            len,
        ));
        let mut mac = <hmac::Hmac<$d> as KeyInit>::new_from_slice(&key)
            .map_err(|_| ReadError::Malformed("the MAC key length".into()))?;
        mac.update($data);
        mac.verify_slice($expect).is_ok()
    }};
}

fn mac_verifies(
    mac: &MacData,
    pass: &[u8],
    data: &[u8],
    budget: &mut KdfBudget,
) -> Result<bool, ReadError> {
    let iter = check_iterations(i64::from(mac.iterations), "the MAC")? as i32;
    charge(budget, "the MAC", iter as u64)?;
    let salt = mac.mac_salt.as_bytes();
    let expect = mac.mac.digest.as_bytes();
    Ok(match mac.mac.algorithm.oid {
        OID_SHA1 => hmac_verify!(sha1::Sha1, pass, salt, iter, data, expect),
        OID_SHA224 => hmac_verify!(sha2::Sha224, pass, salt, iter, data, expect),
        OID_SHA256 => hmac_verify!(sha2::Sha256, pass, salt, iter, data, expect),
        OID_SHA384 => hmac_verify!(sha2::Sha384, pass, salt, iter, data, expect),
        OID_SHA512 => hmac_verify!(sha2::Sha512, pass, salt, iter, data, expect),
        OID_SHA512_224 => hmac_verify!(sha2::Sha512_224, pass, salt, iter, data, expect),
        OID_SHA512_256 => hmac_verify!(sha2::Sha512_256, pass, salt, iter, data, expect),
        other => {
            return Err(ReadError::Unsupported(format!(
                "its integrity check uses digest {other}, which kdbman does not know (supported: SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)"
            )));
        }
    })
}

fn read_safes(
    safes: &[ContentInfo],
    pw: &Candidate,
    out: &mut Archive,
    budget: &mut KdfBudget,
) -> Result<(), ReadError> {
    for (n, ci) in safes.iter().enumerate() {
        let at = format!("safe #{}", n + 1);
        let plain = match ci.content_type {
            OID_DATA => Zeroizing::new(octets(&ci.content, &at)?),
            OID_ENCRYPTED_DATA => {
                let der = ci.content.to_der().map_err(|e| malformed(&at, e))?;
                let ed = EncryptedData::from_der(&der).map_err(|e| malformed(&at, e))?;
                let info = &ed.enc_content_info;
                match &info.encrypted_content {
                    Some(c) => {
                        let plain = decrypt(&info.content_enc_alg, c.as_bytes(), pw, &at, budget)?;
                        out.old_ciphers.extend(old_cipher(&info.content_enc_alg));
                        plain
                    }
                    None => continue,
                }
            }
            OID_ENVELOPED_DATA => {
                return Err(ReadError::Unsupported(
                    "part of it is encrypted to a public key (envelopedData), which kdbman cannot open".into(),
                ));
            }
            other => {
                return Err(ReadError::Unsupported(format!(
                    "{at} has content type {other}, which kdbman does not read"
                )));
            }
        };
        let bags: Vec<SafeBag> = match Vec::from_der(&plain) {
            Ok(b) => b,
            // Garbage after decryption: a wrong password that happened to
            // leave valid padding, unless nothing was encrypted.
            Err(_) if ci.content_type == OID_ENCRYPTED_DATA => {
                return Err(ReadError::WrongPassword);
            }
            Err(e) => return Err(malformed(&at, e)),
        };
        read_bags(&bags, pw, out, 0, budget)?;
    }
    Ok(())
}

fn attribute(bag: &SafeBag, oid: ObjectIdentifier) -> Option<Vec<u8>> {
    bag.bag_attributes
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)?
        .values
        .iter()
        .next()?
        .to_der()
        .ok()
}

/// A bag's friendly name, without the NULs some writers end it with
/// (`6BC162DA\0`: the C string's terminator copied into the BMPString).
/// Whether it can be a label is the importer's question.
fn friendly_name(bag: &SafeBag) -> Option<String> {
    let der = attribute(bag, OID_FRIENDLY_NAME)?;
    let s = BmpString::from_der(&der).ok()?.to_string();
    let s = s.trim_end_matches('\0');
    Some(s.to_string()).filter(|s| !s.trim().is_empty())
}

fn explicit_inner(value: &[u8], at: &str) -> Result<Vec<u8>, ReadError> {
    let cs = ContextSpecific::<Any>::from_der(value).map_err(|e| malformed(at, e))?;
    cs.value.to_der().map_err(|e| malformed(at, e))
}

fn read_bags(
    bags: &[SafeBag],
    pw: &Candidate,
    out: &mut Archive,
    depth: usize,
    budget: &mut KdfBudget,
) -> Result<(), ReadError> {
    if depth > MAX_DEPTH {
        return Err(malformed(
            "safe contents",
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    for bag in bags {
        let at = "a bag";
        match bag.bag_id {
            OID_KEY_BAG => {
                let inner = Zeroizing::new(explicit_inner(&bag.bag_value, "a key bag")?);
                out.keys.push(KeyItem {
                    pkcs8: inner,
                    friendly_name: friendly_name(bag),
                });
            }
            OID_SHROUDED_KEY_BAG => {
                let inner = explicit_inner(&bag.bag_value, "a shrouded key bag")?;
                let epki = EncryptedPrivateKeyInfo::from_der(&inner)
                    .map_err(|e| malformed("a shrouded key bag", e))?;
                let plain = decrypt(
                    &epki.encryption_algorithm,
                    epki.encrypted_data.as_bytes(),
                    pw,
                    "a shrouded key bag",
                    budget,
                )?;
                out.old_ciphers
                    .extend(old_cipher(&epki.encryption_algorithm));
                if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
                    return Err(ReadError::WrongPassword);
                }
                out.keys.push(KeyItem {
                    pkcs8: plain,
                    friendly_name: friendly_name(bag),
                });
            }
            OID_CERT_BAG => {
                let inner = explicit_inner(&bag.bag_value, "a certificate bag")?;
                let cb =
                    CertBag::from_der(&inner).map_err(|e| malformed("a certificate bag", e))?;
                if cb.cert_id != OID_X509_CERT {
                    // SDSI certificates: nothing kdbman can hold.
                    continue;
                }
                let trusted = attribute(bag, OID_JAVA_TRUSTED).is_some();
                out.certs.push(CertItem {
                    der: cb.cert_value.into_bytes().into_vec(),
                    friendly_name: friendly_name(bag),
                    trusted,
                });
            }
            OID_SAFE_CONTENTS_BAG => {
                let inner = explicit_inner(&bag.bag_value, "a safe contents bag")?;
                let nested: Vec<SafeBag> = Vec::from_der(&inner).map_err(|e| malformed(at, e))?;
                read_bags(&nested, pw, out, depth + 1, budget)?;
            }
            // CRL and secret bags: nothing kdbman stores.
            _ => {}
        }
    }
    Ok(())
}

/// The old cipher an encryption algorithm uses, if any (PBES2 names its
/// cipher in its parameters).
fn old_cipher(alg: &AlgorithmIdentifierOwned) -> Option<super::policy::Cipher> {
    use super::policy::Cipher;
    match alg.oid {
        OID_PBE_3DES | OID_PBE_2DES => Some(Cipher::TripleDes),
        OID_PBE_RC2_128 | OID_PBE_RC2_40 => Some(Cipher::Rc2),
        OID_PBES2 => {
            let params = alg.parameters.as_ref()?.to_der().ok()?;
            match pkcs5::pbes2::Parameters::from_der(&params).ok()?.encryption {
                pkcs5::pbes2::EncryptionScheme::DesCbc { .. } => Some(Cipher::Des),
                pkcs5::pbes2::EncryptionScheme::DesEde3Cbc { .. } => Some(Cipher::TripleDes),
                _ => None,
            }
        }
        _ => None,
    }
}

fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    data: &[u8],
    pw: &Candidate,
    at: &str,
    budget: &mut KdfBudget,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    charge(budget, at, alg_work(alg, at)?)?;
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| malformed(at, "its encryption algorithm has no parameters"))?
        .to_der()
        .map_err(|e| malformed(at, e))?;
    match alg.oid {
        OID_PBES2 => pbes2(&params, data, pw, at),
        OID_PBE_3DES => pbe::<des::TdesEde3>(&params, data, pw, at, 24),
        OID_PBE_2DES => pbe::<des::TdesEde2>(&params, data, pw, at, 16),
        OID_PBE_RC2_128 => pbe_rc2(&params, data, pw, at, 128),
        OID_PBE_RC2_40 => pbe_rc2(&params, data, pw, at, 40),
        OID_PBE_RC4_128 | OID_PBE_RC4_40 => Err(ReadError::Unsupported(format!(
            "{at} is encrypted with RC4 (PBE-SHA1-RC4), which kdbman does not read: re-export it with `openssl pkcs12 -export -legacy` defaults or AES"
        ))),
        other => Err(ReadError::Unsupported(format!(
            "{at} is encrypted with algorithm {other}, which kdbman does not read (supported: PBES2 with AES-CBC or 3DES, PBE-SHA1-3DES, PBE-SHA1-2DES, PBE-SHA1-RC2-40/128)"
        ))),
    }
}

fn pbes2(
    params: &[u8],
    data: &[u8],
    pw: &Candidate,
    at: &str,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let p = pkcs5::pbes2::Parameters::from_der(params).map_err(|e| {
        ReadError::Unsupported(format!(
            "{at} uses PBES2 parameters kdbman cannot read ({e})"
        ))
    })?;
    let scheme = pkcs5::EncryptionScheme::Pbes2(p.clone());
    super::pem::check_pbe_cost(&scheme, at).map_err(|e| ReadError::TooCostly(e.to_string()))?;
    match p.decrypt(pw.utf8.as_slice(), data) {
        Ok(v) => Ok(Zeroizing::new(v)),
        Err(pkcs5::Error::DecryptFailed) => Err(ReadError::WrongPassword),
        Err(e) => Err(ReadError::Unsupported(format!("{at}: {e}"))),
    }
}

/// The PKCS#12 KDF's key and IV (SHA-1, as every PKCS#12 PBE uses).
fn pbe_key_iv(
    params: &[u8],
    pw: &Candidate,
    at: &str,
    key_len: usize,
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), ReadError> {
    let p = Pkcs12PbeParams::from_der(params).map_err(|e| malformed(at, e))?;
    let iter = check_iterations(i64::from(p.iterations), at)? as i32;
    let salt = p.salt.as_bytes();
    let key = Zeroizing::new(derive_key::<sha1::Sha1>(
        &pw.bmp,
        salt,
        Pkcs12KeyType::EncryptionKey,
        iter,
        key_len,
    ));
    let iv = derive_key::<sha1::Sha1>(&pw.bmp, salt, Pkcs12KeyType::Iv, iter, 8);
    Ok((key, iv))
}

fn pbe<C>(
    params: &[u8],
    data: &[u8],
    pw: &Candidate,
    at: &str,
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>, ReadError>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
{
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
    let (key, iv) = pbe_key_iv(params, pw, at, key_len)?;
    cbc::Decryptor::<C>::new_from_slices(&key, &iv)
        .map_err(|_| malformed(at, "cipher key or IV length"))?
        .decrypt_padded_vec::<Pkcs7>(data)
        .map(Zeroizing::new)
        .map_err(|_| ReadError::WrongPassword)
}

/// RC2's effective key length is part of the algorithm, not of the key.
fn pbe_rc2(
    params: &[u8],
    data: &[u8],
    pw: &Candidate,
    at: &str,
    bits: usize,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    use cbc::cipher::{BlockModeDecrypt, InnerIvInit, block_padding::Pkcs7};
    let (key, iv) = pbe_key_iv(params, pw, at, bits / 8)?;
    let cipher = rc2::Rc2::new_with_eff_key_len(&key, bits);
    cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
        .map_err(|_| malformed(at, "cipher IV length"))?
        .decrypt_padded_vec::<Pkcs7>(data)
        .map(Zeroizing::new)
        .map_err(|_| ReadError::WrongPassword)
}

/// The iterations a PBE algorithm identifier asks for: PBKDF2's count for
/// PBES2 (scrypt is bounded per item by [`super::pem::check_pbe_cost`]),
/// twice the count for the PKCS#12 PBEs (key and IV are derived apart).
/// Anything unreadable counts nothing here: decryption refuses it.
fn alg_work(alg: &AlgorithmIdentifierOwned, at: &str) -> Result<u64, ReadError> {
    let Some(params) = alg.parameters.as_ref().and_then(|p| p.to_der().ok()) else {
        return Ok(0);
    };
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(match alg.oid {
        OID_PBES2 => match pkcs5::pbes2::Parameters::from_der(&params) {
            Ok(p) => match p.kdf {
                pkcs5::pbes2::Kdf::Pbkdf2(k) => u64::from(k.iteration_count),
                _ => 0,
            },
            Err(_) => 0,
        },
        OID_PBE_3DES | OID_PBE_2DES | OID_PBE_RC2_128 | OID_PBE_RC2_40 => {
            match Pkcs12PbeParams::from_der(&params) {
                Ok(p) => {
                    check_iterations(i64::from(p.iterations), at)?;
                    count(i64::from(p.iterations)).saturating_mul(2)
                }
                Err(_) => 0,
            }
        }
        _ => 0,
    })
}

fn charge(budget: &mut KdfBudget, item: &str, iterations: u64) -> Result<(), ReadError> {
    budget
        .charge(item, iterations)
        .map_err(ReadError::OverBudget)
}

/// Charges, to a budget of its own, every derivation visible before any
/// decryption — the MAC, each encrypted safe, each shrouded key bag in the
/// plain safes — `tries` times (the password encodings that may be tried),
/// so a file whose visible items alone pass the cap is refused before any
/// work.
fn plan_work(mac: Option<&MacData>, safes: &[ContentInfo], tries: u64) -> Result<(), ReadError> {
    let budget = &mut KdfBudget::iterations();
    // With a MAC, each encoding is tried on the MAC and the contents are
    // decrypted once; without one, the contents under each encoding.
    let per_item = match mac {
        Some(mac) => {
            let n = check_iterations(i64::from(mac.iterations), "the MAC")?;
            charge(budget, "the MAC", u64::from(n).saturating_mul(tries))?;
            1
        }
        None => tries,
    };
    for (n, ci) in safes.iter().enumerate() {
        let at = format!("safe #{}", n + 1);
        match ci.content_type {
            OID_ENCRYPTED_DATA => {
                let Ok(der) = ci.content.to_der() else {
                    continue;
                };
                let Ok(ed) = EncryptedData::from_der(&der) else {
                    continue;
                };
                let work = alg_work(&ed.enc_content_info.content_enc_alg, &at)?;
                charge(budget, &at, work.saturating_mul(per_item))?;
            }
            OID_DATA => {
                let Ok(plain) = octets(&ci.content, &at) else {
                    continue;
                };
                let Ok(bags) = Vec::<SafeBag>::from_der(&plain) else {
                    continue;
                };
                plan_bags(&bags, &at, per_item, budget, 0)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn plan_bags(
    bags: &[SafeBag],
    at: &str,
    per_item: u64,
    budget: &mut KdfBudget,
    depth: usize,
) -> Result<(), ReadError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for (k, bag) in bags.iter().enumerate() {
        let item = format!("bag #{} of {at}", k + 1);
        match bag.bag_id {
            OID_SHROUDED_KEY_BAG => {
                let Ok(inner) = explicit_inner(&bag.bag_value, &item) else {
                    continue;
                };
                let Ok(epki) = EncryptedPrivateKeyInfo::from_der(&inner) else {
                    continue;
                };
                let work = alg_work(&epki.encryption_algorithm, &item)?;
                charge(
                    budget,
                    &format!("the shrouded key in {item}"),
                    work.saturating_mul(per_item),
                )?;
            }
            OID_SAFE_CONTENTS_BAG => {
                let Ok(inner) = explicit_inner(&bag.bag_value, &item) else {
                    continue;
                };
                let Ok(nested) = Vec::<SafeBag>::from_der(&inner) else {
                    continue;
                };
                plan_bags(&nested, &item, per_item, budget, depth + 1)?;
            }
            _ => {}
        }
    }
    Ok(())
}
