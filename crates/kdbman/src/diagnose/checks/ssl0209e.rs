//! SSL0209E: a personal entry's private key does not match its certificate,
//! or cannot be used. Proved without a signature: ring loads the key as
//! the server will, deriving its public key from the private part and
//! refusing a key whose stored parts disagree, and the derived public key
//! is compared with the certificate's. Every entry is proved, not only the
//! one in use: SNI or a later configuration can pick any of them, and keys
//! written by other tools were never checked by kdbman. An RSA key ring
//! cannot load (under 2048 or over 8192 bits, reported by SSL0225E or
//! SSL0213E when in use) is compared by the modulus and exponent it carries,
//! after the rsa crate has checked its parts. Entries are independent, so
//! they are checked on every core.

use der::{Decode, Encode};
use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};

use super::ssl0213e::loadable_type;
use super::{Ctx, par_map};
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::key_algorithm_of_pkcs8;
use crate::store::EntryKind;

/// Whether `pkcs8` is the private key of a certificate whose public key
/// is `cert_alg` with subjectPublicKey bits `cert_public_key`.
/// `Ok(None)`: the key type is one kdbman does not handle (left to
/// SSL0225E and SSL0213E).
pub fn key_matches_certificate(
    pkcs8: &[u8],
    cert_alg: &KeyAlgorithm,
    cert_public_key: &[u8],
) -> Result<Option<()>, String> {
    let key_alg = key_algorithm_of_pkcs8(pkcs8);
    match key_alg {
        // The rsa crate measures a key only once its parts agree.
        KeyAlgorithm::Rsa { bits: 0 } => {
            return Err(
                "the RSA private key is malformed: its parts do not form a valid key".to_string(),
            );
        }
        KeyAlgorithm::Rsa { .. }
        | KeyAlgorithm::EcP256
        | KeyAlgorithm::EcP384
        | KeyAlgorithm::Ed25519 => {}
        _ => return Ok(None),
    }
    if std::mem::discriminant(cert_alg) != std::mem::discriminant(&key_alg)
        || (*cert_alg != key_alg && !matches!(cert_alg, KeyAlgorithm::Rsa { .. }))
    {
        return Err(format!(
            "the private key is {key_alg} but the certificate's public key is {cert_alg}"
        ));
    }
    let public = public_key_of(pkcs8, &key_alg)?;
    if public != cert_public_key {
        return Err("the public key derived from the private key is not the certificate's public key: they belong to different key pairs".to_string());
    }
    Ok(Some(()))
}

/// The key's public key as a certificate's subjectPublicKey BIT STRING
/// holds it: derived by ring, which loads the key as the server does.
fn public_key_of(pkcs8: &[u8], alg: &KeyAlgorithm) -> Result<Vec<u8>, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("the key cannot sign: {e}");
    match alg {
        KeyAlgorithm::Rsa { .. } if !loadable_type(alg) => rsa_carried_public_key(pkcs8),
        KeyAlgorithm::Rsa { .. } => {
            let kp = signature::RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| cannot(&e))?;
            Ok(kp.public_key().as_ref().to_vec())
        }
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
            let ring_alg = if *alg == KeyAlgorithm::EcP256 {
                &signature::ECDSA_P256_SHA256_ASN1_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING
            };
            let kp = signature::EcdsaKeyPair::from_pkcs8(ring_alg, pkcs8, &SystemRandom::new())
                .map_err(|e| cannot(&e))?;
            Ok(kp.public_key().as_ref().to_vec())
        }
        KeyAlgorithm::Ed25519 => {
            let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                .map_err(|e| cannot(&e))?;
            Ok(kp.public_key().as_ref().to_vec())
        }
        _ => Err(cannot(&"kdbman does not handle this key type")),
    }
}

/// An RSA key's modulus and exponent as RSAPublicKey DER, for sizes ring
/// does not load.
fn rsa_carried_public_key(pkcs8: &[u8]) -> Result<Vec<u8>, String> {
    let malformed = |e: &dyn std::fmt::Display| format!("the RSA private key is malformed: {e}");
    let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8).map_err(|e| malformed(&e))?;
    let key = pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes())
        .map_err(|e| malformed(&e))?;
    pkcs1::RsaPublicKeyRef {
        modulus: key.modulus,
        public_exponent: key.public_exponent,
    }
    .to_der()
    .map_err(|e| malformed(&e))
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let todo: Vec<_> = ctx
        .entries()
        .iter()
        .enumerate()
        .filter(|&(i, e)| {
            e.kind() == EntryKind::Personal
                && !ctx.broken.contains(&i)
                && !(ctx.in_use == Some(i) && ctx.key_unusable)
        })
        .filter_map(|(i, e)| Some((e, e.private_key()?, ctx.decoded(i, 0)?)))
        .collect();
    let verdicts = par_map(&todo, |(_, key, cert)| {
        key_matches_certificate(key.pkcs8_der(), &cert.info.key, &cert.public_key).err()
    });
    for ((e, _, _), why) in todo.iter().zip(verdicts) {
        if let Some(why) = why {
            out.push(Finding::new(
                "SSL0209E",
                "ssl0209e",
                Some(e.label()),
                why,
                "import the certificate together with the key it was issued for (`kdbman cert import` from PKCS#12), or receive the certificate for this entry's own request",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PrivateKey;
    use crate::pki::{CertSpec, KeyType, keygen};

    /// The certificate's key algorithm and subjectPublicKey bits.
    fn cert_key(key: &PrivateKey) -> (KeyAlgorithm, Vec<u8>) {
        let der = CertSpec::new("CN=key match", 30).self_signed(key).unwrap();
        let cert = crate::pki::cert::decode(&der).unwrap();
        let spki = cert.public_key();
        (
            crate::pki::cert::key_algorithm_of_spki(spki),
            spki.subject_public_key.data.to_vec(),
        )
    }

    #[test]
    fn each_key_type_matches_its_own_certificate_and_no_other() {
        for kind in [
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::Ed25519,
            KeyType::Rsa(2048),
        ] {
            let key = keygen::generate(kind).unwrap();
            let other = keygen::generate(kind).unwrap();
            let (alg, public) = cert_key(&key);
            assert_eq!(
                key_matches_certificate(key.pkcs8_der(), &alg, &public),
                Ok(Some(())),
                "{kind}"
            );
            let why = key_matches_certificate(other.pkcs8_der(), &alg, &public).unwrap_err();
            assert!(why.contains("different key pairs"), "{kind}: {why}");
        }
    }

    /// `a`'s PKCS#8 with its stored public key replaced by `b`'s: a key
    /// whose parts disagree, which only another tool could have written.
    fn with_public_half_of(a: &PrivateKey, b: &PrivateKey, alg: &KeyAlgorithm) -> Vec<u8> {
        let (_, a_public) = cert_key(a);
        let (_, b_public) = cert_key(b);
        let mut der = a.pkcs8_der().to_vec();
        let at = der
            .windows(a_public.len())
            .position(|w| w == a_public.as_slice())
            .unwrap_or_else(|| panic!("{alg}: the key stores no public key"));
        der[at..at + a_public.len()].copy_from_slice(&b_public);
        der
    }

    #[test]
    fn a_key_whose_parts_disagree_is_found_even_with_the_right_public_half() {
        for kind in [KeyType::EcP256, KeyType::EcP384, KeyType::Ed25519] {
            let key = keygen::generate(kind).unwrap();
            let other = keygen::generate(kind).unwrap();
            // Other's private part with this key's public part: the
            // certificate of `key` and the stored public key agree.
            let (alg, public) = cert_key(&key);
            let mixed = with_public_half_of(&other, &key, &alg);
            let why = key_matches_certificate(&mixed, &alg, &public).unwrap_err();
            assert!(why.contains("cannot sign"), "{kind}: {why}");
        }
    }

    #[test]
    fn a_key_of_another_type_or_curve_is_named() {
        let ec = keygen::generate(KeyType::EcP256).unwrap();
        let (alg384, public384) = cert_key(&keygen::generate(KeyType::EcP384).unwrap());
        let why = key_matches_certificate(ec.pkcs8_der(), &alg384, &public384).unwrap_err();
        assert!(why.contains("P-256") && why.contains("P-384"), "{why}");
        let (alg_ed, public_ed) = cert_key(&keygen::generate(KeyType::Ed25519).unwrap());
        assert!(key_matches_certificate(ec.pkcs8_der(), &alg_ed, &public_ed).is_err());
    }

    #[test]
    fn a_malformed_rsa_key_is_a_finding_not_a_pass() {
        let rsa = keygen::generate(KeyType::Rsa(2048)).unwrap();
        let (alg, public) = cert_key(&rsa);
        // Cut inside the RSAPrivateKey: the PKCS#8 frame is rebuilt intact.
        let info = pkcs8::PrivateKeyInfoRef::from_der(rsa.pkcs8_der()).unwrap();
        let inner = info.private_key.as_bytes();
        let broken = pkcs8::PrivateKeyInfoRef {
            algorithm: info.algorithm,
            private_key: der::asn1::OctetStringRef::new(&inner[..inner.len() / 2]).unwrap(),
            public_key: None,
        }
        .to_der()
        .unwrap();
        assert!(key_matches_certificate(&broken, &alg, &public).is_err());
    }
}
