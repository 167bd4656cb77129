//! Key generation into PKCS#8, and recognising a PKCS#8 key's algorithm.
//!
//! RSA keys come from the `rsa` crate (rcgen's ring backend cannot make
//! them); ECDSA and Ed25519 keys from ring through rcgen.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::PrivateKey;

/// Key types `cert create` and `certreq create` offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa(u32),
    EcP256,
    EcP384,
    Ed25519,
}

impl KeyType {
    /// The algorithm of the keys this makes.
    pub fn algorithm(self) -> super::KeyAlgorithm {
        match self {
            KeyType::Rsa(bits) => super::KeyAlgorithm::Rsa {
                bits: bits as usize,
            },
            KeyType::EcP256 => super::KeyAlgorithm::EcP256,
            KeyType::EcP384 => super::KeyAlgorithm::EcP384,
            KeyType::Ed25519 => super::KeyAlgorithm::Ed25519,
        }
    }

    pub const ALL: [&'static str; 6] = [
        "rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384", "ed25519",
    ];
}

impl FromStr for KeyType {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "rsa:2048" | "rsa" => KeyType::Rsa(2048),
            "rsa:3072" => KeyType::Rsa(3072),
            "rsa:4096" => KeyType::Rsa(4096),
            "ec:p256" | "ec" | "p256" | "ecdsa" => KeyType::EcP256,
            "ec:p384" | "p384" => KeyType::EcP384,
            "ed25519" => KeyType::Ed25519,
            _ => {
                return Err(format!(
                    "unknown key type `{s}`; choose one of {}",
                    KeyType::ALL.join(", ")
                ));
            }
        })
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa(bits) => write!(f, "rsa:{bits}"),
            KeyType::EcP256 => f.write_str("ec:p256"),
            KeyType::EcP384 => f.write_str("ec:p384"),
            KeyType::Ed25519 => f.write_str("ed25519"),
        }
    }
}

/// Generates a private key as PKCS#8 DER.
pub fn generate(kind: KeyType) -> Result<PrivateKey> {
    let fail = |e: &dyn fmt::Display| Error::input(format!("generating a {kind} key"), e);
    match kind {
        KeyType::Rsa(bits) => {
            use rsa::pkcs8::EncodePrivateKey;
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits as usize)
                .map_err(|e| fail(&e))?;
            let doc = key.to_pkcs8_der().map_err(|e| fail(&e))?;
            Ok(PrivateKey::from_pkcs8_der(doc.as_bytes().to_vec()))
        }
        KeyType::EcP256 | KeyType::EcP384 | KeyType::Ed25519 => {
            let alg = match kind {
                KeyType::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
                KeyType::EcP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
                _ => &rcgen::PKCS_ED25519,
            };
            // rcgen keeps its own copy of the key: wiped when `kp` drops.
            let kp = Zeroizing::new(rcgen::KeyPair::generate_for(alg).map_err(|e| fail(&e))?);
            Ok(PrivateKey::from_pkcs8_der(kp.serialize_der()))
        }
    }
}

/// Loads a PKCS#8 key into rcgen, choosing the signature algorithm from the
/// key. rcgen copies the key; the copy is wiped when the result drops (ring's
/// own parsed key inside is not: ring does not zeroize).
pub fn rcgen_key_pair(key: &PrivateKey) -> Result<Zeroizing<rcgen::KeyPair>> {
    rcgen_key_pair_for(key, None)
}

/// [`rcgen_key_pair`] signing with `hash` (`None`: the key's own). A hash
/// the key cannot sign with here is an error: [`super::policy::Policy::signature`]
/// chooses one that works.
pub fn rcgen_key_pair_for(
    key: &PrivateKey,
    hash: Option<super::policy::SigHash>,
) -> Result<Zeroizing<rcgen::KeyPair>> {
    use super::policy::SigHash as H;
    let key_alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
    let alg = match (&key_alg, hash) {
        (super::KeyAlgorithm::Rsa { .. }, None | Some(H::Sha256)) => &rcgen::PKCS_RSA_SHA256,
        (super::KeyAlgorithm::Rsa { .. }, Some(H::Sha384)) => &rcgen::PKCS_RSA_SHA384,
        (super::KeyAlgorithm::Rsa { .. }, Some(H::Sha512)) => &rcgen::PKCS_RSA_SHA512,
        (super::KeyAlgorithm::EcP256, None | Some(H::Sha256)) => &rcgen::PKCS_ECDSA_P256_SHA256,
        (super::KeyAlgorithm::EcP384, None | Some(H::Sha384)) => &rcgen::PKCS_ECDSA_P384_SHA384,
        (super::KeyAlgorithm::Ed25519, None) => &rcgen::PKCS_ED25519,
        (
            super::KeyAlgorithm::EcP256
            | super::KeyAlgorithm::EcP384
            | super::KeyAlgorithm::Ed25519,
            Some(h),
        ) => {
            return Err(Error::Usage {
                detail: format!("{key_alg} keys cannot sign with {h} here"),
            });
        }
        (other, _) => {
            return Err(Error::BadInput {
                what: "private key".into(),
                detail: format!("{other} keys cannot sign here"),
                code: Some("SSL0225E"),
            });
        }
    };
    let der = rustls_pki_types::PrivatePkcs8KeyDer::from(key.pkcs8_der());
    rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, alg)
        .map(Zeroizing::new)
        .map_err(|e| Error::BadInput {
            what: "private key".into(),
            detail: format!("unusable: {e}"),
            code: Some("SSL0209E"),
        })
}
