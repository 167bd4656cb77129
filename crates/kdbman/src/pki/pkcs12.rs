//! PKCS#12 in (`pfx`, on RustCrypto crates) and out (p12-keystore),
//! pairing keys with certificates by public key.
//!
//! Files are read bag by bag ([`super::pfx`]) and paired here: a key's
//! certificate is the one with its public key; its chain follows issuer
//! names through the other certificates. Certificates that are no key's
//! leaf become signers. Nothing depends on localKeyId or Java's trust
//! attribute, which many writers leave out.

use std::path::Path;

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKeyChain,
};
use x509_parser::prelude::{FromDer, X509Certificate};
use zeroize::Zeroizing;

use super::pem;
use crate::error::{Error, Result};
use crate::secret::{Password, PrivateKey};

/// A key found in a PKCS#12 file with its certificate chain.
#[derive(Debug, Clone)]
pub struct KeyWithChain {
    pub friendly_name: Option<String>,
    pub key: PrivateKey,
    /// Leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// What a PKCS#12 file holds, paired up.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub keys: Vec<KeyWithChain>,
    /// Certificates that are no key's own certificate (CAs, trusted certs).
    pub certificates: Vec<(Option<String>, Vec<u8>)>,
    /// The old ciphers (DES, 3DES, RC2) that protected the file.
    pub old_ciphers: Vec<super::policy::Cipher>,
}

impl Contents {
    /// Whether `policy` allows what protected the file (`path`): FIPS
    /// refuses a PKCS#12 file encrypted with DES, 3DES or RC2.
    pub fn check(&self, policy: super::policy::Policy, path: &Path) -> Result<()> {
        for c in &self.old_ciphers {
            policy.check_cipher(
                *c,
                &format!("importing {}, which is encrypted with {c},", path.display()),
                crate::error::Remedy::ReexportWithAes,
            )?;
        }
        Ok(())
    }
}

/// Export profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC.
    #[default]
    Modern,
    /// PBE-SHA1-3DES, HMAC-SHA1 MAC: for old Java and Windows.
    Legacy,
}

impl Profile {
    /// Whether `policy` allows this profile's ciphers (FIPS refuses the
    /// legacy profile's 3DES).
    pub fn check(self, policy: super::policy::Policy) -> crate::error::Result<()> {
        match self {
            Profile::Modern => Ok(()),
            Profile::Legacy => policy.check_cipher(
                super::policy::Cipher::TripleDes,
                "PKCS#12 legacy encryption with 3DES",
                crate::error::Remedy::ExportWithAes,
            ),
        }
    }
}

/// Iterations for the export's key derivation and MAC. OpenSSL 3 uses 2048,
/// Java 10,000; more costs every reader without much gain for a file that
/// travels under its own password.
pub const ITERATIONS: u32 = 10_000;

fn what(path: &Path) -> String {
    format!("PKCS#12 file {}", path.display())
}

fn malformed(path: &Path, detail: impl std::fmt::Display) -> Error {
    Error::BadInput {
        what: what(path),
        detail: format!("malformed: {detail}"),
        code: Some("SSL0224E"),
    }
}

/// The refusal of bytes that do not begin as DER does.
pub const NOT_DER: &str =
    "not a PKCS#12 file: it does not begin with a DER SEQUENCE (is it PEM, or another format?)";

/// Reads a PKCS#12 file's bytes with its password. An empty password is
/// tried in both of PKCS#12's encodings (see [`super::pfx`]).
pub fn parse(data: &[u8], password: &Password, path: &Path) -> Result<Contents> {
    precheck(data, path)?;
    // Defence in depth: a foreign decoder must not take the process down.
    let parsed = std::panic::catch_unwind(|| super::pfx::read(data, password.as_str()))
        .map_err(|_| malformed(path, "the PKCS#12 structure could not be decoded"))?;
    let archive = parsed.map_err(|e| read_error(e, path))?;
    pair(archive, path)
}

/// Tells random bytes and truncation apart before the PKCS#12 parser runs.
fn precheck(data: &[u8], path: &Path) -> Result<()> {
    use der::{Decode, Header, Reader, SliceReader};
    if data.is_empty() {
        return Err(malformed(path, "the file is empty"));
    }
    if data[0] != 0x30 {
        // What the bytes are instead is said by the caller that knows
        // every format (`store::detect::name_foreign`).
        return Err(Error::BadInput {
            what: what(path),
            detail: NOT_DER.into(),
            code: Some("SSL0224E"),
        });
    }
    let Ok(mut r) = SliceReader::new(data) else {
        return Err(malformed(path, "too large"));
    };
    match Header::decode(&mut r) {
        Ok(h) => {
            let need = u64::from(u32::from(r.position())) + u64::from(u32::from(h.length()));
            if need > data.len() as u64 {
                return Err(Error::BadInput {
                    what: what(path),
                    detail: format!(
                        "truncated: {} bytes where the structure announces {need}",
                        data.len()
                    ),
                    code: Some("SSL0224E"),
                });
            }
            Ok(())
        }
        Err(e) => Err(malformed(path, format!("bad DER header ({e})"))),
    }
}

fn read_error(e: super::pfx::ReadError, path: &Path) -> Error {
    use super::pfx::ReadError as R;
    match e {
        R::WrongPassword => Error::InputPassword {
            path: path.to_path_buf(),
        },
        R::Unsupported(detail) => Error::BadInput {
            what: what(path),
            detail,
            code: Some("SSL0225E"),
        },
        R::TooCostly(detail) => Error::BadInput {
            what: what(path),
            detail,
            code: Some("SSL0224E"),
        },
        R::Malformed(detail) => malformed(path, detail),
        R::OverBudget(over) => Error::KdfWorkRefused {
            path: path.to_path_buf(),
            over,
        },
    }
}

fn spki_of(cert: &[u8]) -> Option<Vec<u8>> {
    super::cert_spki(cert)
}

struct Parsed {
    der: Vec<u8>,
    subject: Vec<u8>,
    issuer: Vec<u8>,
}

fn parsed(der: &[u8]) -> Option<Parsed> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    Some(Parsed {
        der: der.to_vec(),
        subject: c.subject().as_raw().to_vec(),
        issuer: c.issuer().as_raw().to_vec(),
    })
}

/// The chain above `leaf` by issuer names, leaf first.
pub fn chain_from(leaf: &[u8], pool: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let pool: Vec<Parsed> = pool.iter().filter_map(|d| parsed(d)).collect();
    let mut chain = vec![leaf.to_vec()];
    let Some(mut cur) = parsed(leaf) else {
        return chain;
    };
    while cur.subject != cur.issuer && chain.len() < 10 {
        let Some(next) = pool
            .iter()
            .find(|p| p.subject == cur.issuer && !chain.contains(&p.der))
        else {
            break;
        };
        chain.push(next.der.clone());
        cur = Parsed {
            der: next.der.clone(),
            subject: next.subject.clone(),
            issuer: next.issuer.clone(),
        };
    }
    chain
}

fn pair(archive: super::pfx::Archive, path: &Path) -> Result<Contents> {
    // One copy of each certificate; a chain copy and a trusted copy of the
    // same CA (as in a whole-store export) keep the trusted copy's name.
    let mut certs: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    let mut trusted: Vec<bool> = Vec::new();
    for c in &archive.certs {
        let der = c.der.as_slice();
        match certs.iter().position(|(_, d)| d.as_slice() == der) {
            Some(i) if c.trusted && !trusted[i] && c.friendly_name.is_some() => {
                certs[i].0 = c.friendly_name.clone();
                trusted[i] = true;
            }
            Some(_) => {}
            None => {
                certs.push((c.friendly_name.clone(), der.to_vec()));
                trusted.push(c.trusted);
            }
        }
    }
    let all: Vec<Vec<u8>> = certs.iter().map(|(_, d)| d.clone()).collect();
    let mut leaf_used = vec![false; certs.len()];
    let mut keys = Vec::new();
    for (n, bag) in archive.keys.into_iter().enumerate() {
        let raw = bag.pkcs8;
        let name = bag
            .friendly_name
            .clone()
            .unwrap_or_else(|| format!("key #{}", n + 1));
        let w = format!("{} (key `{name}`)", what(path));
        let key = pem::private_key_der(&raw, Some("PRIVATE KEY"), None, &w)?;
        let Some(i) = certs
            .iter()
            .position(|(_, c)| spki_of(c).is_some_and(|s| pem::key_matches_spki(&key, &s)))
        else {
            return Err(Error::BadInput {
                what: w,
                detail: "no certificate in the file has this key's public key".into(),
                code: Some("SSL0224E"),
            });
        };
        leaf_used[i] = true;
        let leaf = &certs[i].1;
        let key = pem::complete_ec_key(&key, &spki_of(leaf).unwrap_or_default(), &w)?;
        keys.push(KeyWithChain {
            friendly_name: bag.friendly_name.or_else(|| certs[i].0.clone()),
            key,
            chain: chain_from(leaf, &all),
        });
    }
    let certificates = certs
        .into_iter()
        .zip(leaf_used)
        .filter(|(_, used)| !used)
        .map(|(c, _)| c)
        .collect();
    Ok(Contents {
        keys,
        certificates,
        old_ciphers: archive.old_ciphers,
    })
}

/// Writes keys with their chains and lone certificates as PKCS#12.
pub fn write(
    keys: &[(&str, &PrivateKey, &[Vec<u8>])],
    certificates: &[(&str, &[u8])],
    password: &Password,
    profile: Profile,
) -> Result<Zeroizing<Vec<u8>>> {
    let fail = |e: &dyn std::fmt::Display| Error::input("writing PKCS#12", e);
    let mut ks = KeyStore::new();
    for (label, key, chain) in keys {
        let der = pem::pkcs8_for_export(key);
        let p12_key = p12_keystore::PrivateKey::from_der(&der).map_err(|e| fail(&e))?;
        let certs = chain
            .iter()
            .map(|c| Certificate::from_der(c))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| fail(&e))?;
        let id = chain
            .first()
            .map(|c| super::sha256(c)[..20].to_vec())
            .unwrap_or_else(|| vec![1]);
        ks.add_entry(
            label,
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(id, p12_key, certs)),
        );
    }
    for (label, cert) in certificates {
        let c = Certificate::from_der(cert).map_err(|e| fail(&e))?;
        ks.add_entry(label, KeyStoreEntry::Certificate(c));
    }
    let (enc, mac) = match profile {
        Profile::Modern => (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
        ),
        Profile::Legacy => (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
        ),
    };
    let out = ks
        .writer(password.as_str())
        .encryption_algorithm(enc)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(ITERATIONS)
        .write()
        .map_err(|e| fail(&e))?;
    Ok(Zeroizing::new(out))
}

/// The CN of a certificate, if any.
pub fn common_name(cert: &[u8]) -> Option<String> {
    let (_, c) = X509Certificate::from_der(cert).ok()?;
    let cn = c
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    cn.filter(|s| !s.trim().is_empty())
}

/// A label for a certificate without a friendly name: its CN, else a
/// prefix and the start of its SHA-256.
pub fn default_label(cert: &[u8], prefix: &str) -> String {
    common_name(cert)
        .unwrap_or_else(|| format!("{prefix}-{}", &super::hex(&super::sha256(cert))[..12]))
}

/// Reads a PKCS#12 file from disk.
pub fn read_file(path: &Path, password: &Password) -> Result<Contents> {
    let data = Zeroizing::new(crate::file::read_input(path)?);
    parse(&data, password, path)
}

/// PEM or DER input for `cert import`: certificates and at most one key
/// (from the same file or `key_file`), paired like PKCS#12 contents.
pub fn contents_from_pem(
    file: &Path,
    key_file: Option<&Path>,
    password: Option<&Password>,
) -> Result<Contents> {
    let data = Zeroizing::new(crate::file::read_input(file)?);
    contents_from_pem_bytes(&data, file, key_file, password)
}

/// [`contents_from_pem`] of bytes read already (a pipe can be read only
/// once); `file` names them in errors.
pub fn contents_from_pem_bytes(
    data: &[u8],
    file: &Path,
    key_file: Option<&Path>,
    password: Option<&Password>,
) -> Result<Contents> {
    let w = format!("file {}", file.display());
    let (certs, mut key) = if pem::is_pem(data) {
        let b = pem::split_pem(data, &w)?;
        let key = match b.keys.first() {
            Some((label, der)) => Some(pem::private_key_der(der, Some(label), password, &w)?),
            None => None,
        };
        (b.certificates, key)
    } else {
        (pem::parse_certificates(data, &w)?, None)
    };
    // A certificate pasted twice (a bundle and its chain again) counts once.
    let mut certs = certs;
    let mut seen: Vec<Vec<u8>> = Vec::new();
    certs.retain(|c| {
        let dup = seen.contains(c);
        if !dup {
            seen.push(c.clone());
        }
        !dup
    });
    if let Some(kf) = key_file {
        let kdata = Zeroizing::new(crate::file::read_input(kf)?);
        key = Some(pem::parse_private_key(
            &kdata,
            password,
            &format!("key file {}", kf.display()),
        )?);
    }
    let Some(key) = key else {
        return Ok(Contents {
            keys: Vec::new(),
            certificates: certs.into_iter().map(|c| (None, c)).collect(),
            old_ciphers: Vec::new(),
        });
    };
    let Some(i) = certs
        .iter()
        .position(|c| spki_of(c).is_some_and(|s| pem::key_matches_spki(&key, &s)))
    else {
        return Err(Error::BadInput {
            what: w,
            detail: "no certificate given has the private key's public key".into(),
            code: Some("SSL0224E"),
        });
    };
    let key = pem::complete_ec_key(&key, &spki_of(&certs[i]).unwrap_or_default(), &w)?;
    let chain = chain_from(&certs[i], &certs);
    let rest = certs
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, c)| (None, c.clone()))
        .collect();
    Ok(Contents {
        keys: vec![KeyWithChain {
            friendly_name: None,
            key,
            chain,
        }],
        certificates: rest,
        old_ciphers: Vec::new(),
    })
}
