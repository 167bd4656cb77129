//! SSL0209E: a personal entry's private key does not match its certificate,
//! or cannot sign. Proved by signing a probe with the key (ring) and
//! verifying it with the certificate's public key.

use ring::rand::SystemRandom;
use ring::signature::{self, UnparsedPublicKey};
use x509_parser::prelude::*;

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::{key_algorithm_of_pkcs8, key_algorithm_of_spki};
use crate::store::EntryKind;

const PROBE: &[u8] = b"kdbman lint SSL0209E sign-and-verify probe";

/// Whether `pkcs8` signs so that the certificate's public key verifies it.
/// `Ok(None)`: the key type is one ring cannot sign with (left to SSL0225E
/// and SSL0213E).
pub fn sign_and_verify(pkcs8: &[u8], cert_der: &[u8]) -> Result<Option<()>, String> {
    let (_, cert) = X509Certificate::from_der(cert_der).map_err(|e| e.to_string())?;
    let spki = cert.public_key();
    let cert_alg = key_algorithm_of_spki(spki);
    let key_alg = key_algorithm_of_pkcs8(pkcs8);
    let public = spki.subject_public_key.data.as_ref();
    let rng = SystemRandom::new();
    let cannot = |e: &dyn std::fmt::Display| format!("the key cannot sign: {e}");
    let (sig, verify_alg): (Vec<u8>, &'static dyn signature::VerificationAlgorithm) = match key_alg
    {
        KeyAlgorithm::Rsa { bits } if (2048..=8192).contains(&bits) => {
            let kp = signature::RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| cannot(&e))?;
            let mut sig = vec![0u8; kp.public().modulus_len()];
            kp.sign(&signature::RSA_PKCS1_SHA256, &rng, PROBE, &mut sig)
                .map_err(|e| cannot(&e))?;
            (sig, &signature::RSA_PKCS1_2048_8192_SHA256)
        }
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
            let (sign_alg, verify_alg): (_, &'static dyn signature::VerificationAlgorithm) =
                if key_alg == KeyAlgorithm::EcP256 {
                    (
                        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                        &signature::ECDSA_P256_SHA256_ASN1,
                    )
                } else {
                    (
                        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                        &signature::ECDSA_P384_SHA384_ASN1,
                    )
                };
            let kp = signature::EcdsaKeyPair::from_pkcs8(sign_alg, pkcs8, &rng)
                .map_err(|e| cannot(&e))?;
            let sig = kp.sign(&rng, PROBE).map_err(|e| cannot(&e))?;
            (sig.as_ref().to_vec(), verify_alg)
        }
        KeyAlgorithm::Ed25519 => {
            let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                .map_err(|e| cannot(&e))?;
            (kp.sign(PROBE).as_ref().to_vec(), &signature::ED25519)
        }
        _ => return Ok(None),
    };
    if std::mem::discriminant(&cert_alg) != std::mem::discriminant(&key_alg)
        || (cert_alg != key_alg && !matches!(cert_alg, KeyAlgorithm::Rsa { .. }))
    {
        return Err(format!(
            "the private key is {key_alg} but the certificate's public key is {cert_alg}"
        ));
    }
    UnparsedPublicKey::new(verify_alg, public)
        .verify(PROBE, &sig)
        .map(Some)
        .map_err(|_| {
            "a signature made with the private key does not verify with the certificate's public key: they belong to different key pairs".to_string()
        })
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, e) in ctx.entries().iter().enumerate() {
        if e.kind() != EntryKind::Personal || ctx.broken.contains(&i) {
            continue;
        }
        if ctx.in_use == Some(i) && ctx.key_unusable {
            continue;
        }
        let (Some(key), Some(cert)) = (e.private_key(), e.certificate()) else {
            continue;
        };
        if let Err(why) = sign_and_verify(key.pkcs8_der(), cert) {
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
