//! Which algorithms an operation may use, and which hash a signature gets.
//!
//! [`Policy::Fips`] restricts an operation to FIPS 140-approved algorithms
//! (no MD5 or SHA-1 signatures, no DES, 3DES or RC2, no RSA key under
//! 2048 bits for signing). It restricts the algorithms only: kdbman's own
//! cryptography (ring, RustCrypto) is not a FIPS 140-validated module, and
//! front ends say so. The password-based protection of the store formats
//! themselves (CMS integrity, GSKit stash obfuscation) is what GSKit uses
//! in its FIPS mode too, and is not refused.
//!
//! Signing hashes: rcgen on ring signs RSA with SHA-256, SHA-384 or
//! SHA-512, P-256 keys only with SHA-256 and P-384 keys only with SHA-384
//! (ring has no P-256/SHA-512 or P-384/SHA-256 signing). A hash a key
//! cannot use is replaced by the key's own and the choice carries a note
//! saying so; MD5, SHA-1 (rejected by current TLS clients) and SHA-224
//! become SHA-256 the same way, except under [`Policy::Fips`], which
//! refuses MD5 and SHA-1.

use std::fmt;
use std::str::FromStr;

use super::KeyAlgorithm;
use crate::error::Remedy;
use crate::error::{Error, Result};

/// The algorithm restriction an operation runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Policy {
    /// Whatever kdbman supports.
    #[default]
    Default,
    /// FIPS 140-approved algorithms only.
    Fips,
}

/// A hash a signature was asked to use (old scripts ask for MD5 or SHA-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashRequest {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashRequest {
    pub const ALL: [&'static str; 6] = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];
}

impl FromStr for HashRequest {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => HashRequest::Md5,
            "sha1" | "sha" => HashRequest::Sha1,
            "sha224" => HashRequest::Sha224,
            "sha256" => HashRequest::Sha256,
            "sha384" => HashRequest::Sha384,
            "sha512" => HashRequest::Sha512,
            _ => {
                return Err(format!(
                    "unknown hash `{s}`; choose one of {}",
                    HashRequest::ALL.join(", ")
                ));
            }
        })
    }
}

impl fmt::Display for HashRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HashRequest::Md5 => "MD5",
            HashRequest::Sha1 => "SHA-1",
            HashRequest::Sha224 => "SHA-224",
            HashRequest::Sha256 => "SHA-256",
            HashRequest::Sha384 => "SHA-384",
            HashRequest::Sha512 => "SHA-512",
        })
    }
}

/// A hash kdbman signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigHash {
    Sha256,
    Sha384,
    Sha512,
}

impl fmt::Display for SigHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SigHash::Sha256 => "SHA-256",
            SigHash::Sha384 => "SHA-384",
            SigHash::Sha512 => "SHA-512",
        })
    }
}

/// The hash a signature will use, and notes for the user when it is not
/// the one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigChoice {
    /// `None` for Ed25519, whose signature has its own hash.
    pub hash: Option<SigHash>,
    pub notes: Vec<String>,
}

/// Ciphers that old formats use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    Des,
    TripleDes,
    Rc2,
}

impl Cipher {
    /// None of these is: DES was withdrawn, RC2 never approved, and
    /// NIST disallowed 3DES encryption after 2023 (SP 800-131A r2).
    pub fn fips_approved(self) -> bool {
        match self {
            Cipher::Des | Cipher::TripleDes | Cipher::Rc2 => false,
        }
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cipher::Des => "DES",
            Cipher::TripleDes => "3DES",
            Cipher::Rc2 => "RC2",
        })
    }
}

const FIPS: &str = "FIPS 140 (-fips / --fips)";

/// The hash a key signs with when none is asked for.
fn natural(key: &KeyAlgorithm) -> Option<SigHash> {
    match key {
        KeyAlgorithm::EcP384 => Some(SigHash::Sha384),
        KeyAlgorithm::Ed25519 => None,
        _ => Some(SigHash::Sha256),
    }
}

impl Policy {
    /// Checks that `key` may sign under this policy.
    pub fn check_signing_key(self, key: &KeyAlgorithm) -> Result<()> {
        if self == Policy::Fips
            && let KeyAlgorithm::Rsa { bits } = key
            && *bits < 2048
        {
            return Err(Error::NotApproved {
                what: format!("signing with an RSA key of {bits} bits"),
                policy: FIPS,
                remedy: Remedy::StrongerSigningKey,
            });
        }
        Ok(())
    }

    /// Chooses the hash for a signature by `key`; see the module
    /// documentation for the rules.
    pub fn signature(self, key: &KeyAlgorithm, asked: Option<HashRequest>) -> Result<SigChoice> {
        self.check_signing_key(key)?;
        let mut notes = Vec::new();
        let natural = natural(key);
        let Some(asked) = asked else {
            return Ok(SigChoice {
                hash: natural,
                notes,
            });
        };
        let wanted = match asked {
            HashRequest::Md5 | HashRequest::Sha1 if self == Policy::Fips => {
                return Err(Error::NotApproved {
                    what: format!("a signature with {asked}"),
                    policy: FIPS,
                    remedy: Remedy::Sha2Signature,
                });
            }
            HashRequest::Md5 | HashRequest::Sha1 => {
                notes.push(format!(
                    "{asked} signatures are rejected by current TLS clients; signing with SHA-256 instead"
                ));
                SigHash::Sha256
            }
            HashRequest::Sha224 => {
                notes
                    .push("kdbman does not sign with SHA-224; signing with SHA-256 instead".into());
                SigHash::Sha256
            }
            HashRequest::Sha256 => SigHash::Sha256,
            HashRequest::Sha384 => SigHash::Sha384,
            HashRequest::Sha512 => SigHash::Sha512,
        };
        let hash = match (key, natural) {
            (KeyAlgorithm::Rsa { .. }, _) => Some(wanted),
            (_, None) => {
                notes.push(format!(
                    "{key} signatures have their own hash; the {wanted} asked for does not apply"
                ));
                None
            }
            (_, Some(n)) if n != wanted => {
                notes.push(format!(
                    "{key} keys sign with {n} here (ring has no {key} signature with {wanted}); signing with {n} instead"
                ));
                Some(n)
            }
            (_, n) => n,
        };
        Ok(SigChoice { hash, notes })
    }

    /// Checks that `cipher` may protect data under this policy; `what`
    /// names the use, cipher included ("PKCS#12 encryption with 3DES").
    pub fn check_cipher(self, cipher: Cipher, what: &str, remedy: Remedy) -> Result<()> {
        if self == Policy::Fips && !cipher.fips_approved() {
            return Err(Error::NotApproved {
                what: what.to_string(),
                policy: FIPS,
                remedy,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_by_key() {
        let p = Policy::Default;
        let rsa = KeyAlgorithm::Rsa { bits: 2048 };
        for (asked, want) in [
            (HashRequest::Sha384, SigHash::Sha384),
            (HashRequest::Sha512, SigHash::Sha512),
            (HashRequest::Sha256, SigHash::Sha256),
        ] {
            let c = p.signature(&rsa, Some(asked)).unwrap();
            assert_eq!(c.hash, Some(want));
            assert!(c.notes.is_empty());
        }
        let c = p
            .signature(&KeyAlgorithm::EcP256, Some(HashRequest::Sha512))
            .unwrap();
        assert_eq!(c.hash, Some(SigHash::Sha256));
        assert!(c.notes[0].contains("SHA-256 instead"));
        let c = p.signature(&KeyAlgorithm::EcP384, None).unwrap();
        assert_eq!(c.hash, Some(SigHash::Sha384));
    }

    #[test]
    fn old_hashes_become_sha256_unless_fips() {
        let rsa = KeyAlgorithm::Rsa { bits: 2048 };
        for h in [HashRequest::Md5, HashRequest::Sha1] {
            let c = Policy::Default.signature(&rsa, Some(h)).unwrap();
            assert_eq!(c.hash, Some(SigHash::Sha256));
            assert!(c.notes[0].contains("rejected by current TLS clients"));
            let e = Policy::Fips.signature(&rsa, Some(h)).unwrap_err();
            assert!(matches!(e, Error::NotApproved { .. }), "{e}");
        }
        let c = Policy::Fips
            .signature(&rsa, Some(HashRequest::Sha224))
            .unwrap();
        assert_eq!(c.hash, Some(SigHash::Sha256));
    }

    #[test]
    fn fips_refuses_small_rsa_and_old_ciphers() {
        let small = KeyAlgorithm::Rsa { bits: 1024 };
        assert!(Policy::Default.signature(&small, None).is_ok());
        assert!(Policy::Fips.signature(&small, None).is_err());
        assert!(
            Policy::Fips
                .check_cipher(Cipher::Rc2, "x", Remedy::ExportWithAes)
                .is_err()
        );
        assert!(
            Policy::Default
                .check_cipher(Cipher::TripleDes, "x", Remedy::ExportWithAes)
                .is_ok()
        );
    }
}
