//! SSL0209E: a personal entry's private key does not match its certificate,
//! or cannot be used. Proved without a signature: ring loads the key,
//! deriving its public key from the private part and refusing a key whose
//! stored parts disagree, and the derived public key is compared with the
//! certificate's SubjectPublicKeyInfo. Entries are independent, so they are
//! checked on every core.

use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::key_algorithm_of_pkcs8;
use crate::store::EntryKind;

/// Whether `pkcs8` is the private key of a certificate whose public key
/// is `cert_alg` with subjectPublicKey bits `cert_public_key`.
/// `Ok(None)`: the key type is one ring cannot load (left to SSL0225E and
/// SSL0213E).
pub fn key_matches_certificate(
    pkcs8: &[u8],
    cert_alg: &KeyAlgorithm,
    cert_public_key: &[u8],
) -> Result<Option<()>, String> {
    let key_alg = key_algorithm_of_pkcs8(pkcs8);
    let cannot = |e: &dyn std::fmt::Display| format!("the key cannot sign: {e}");
    // The public key as the certificate's BIT STRING carries it.
    let derived: Vec<u8> = match key_alg {
        KeyAlgorithm::Rsa { bits } if (2048..=8192).contains(&bits) => {
            let kp = signature::RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| cannot(&e))?;
            kp.public_key().as_ref().to_vec()
        }
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
            let alg = if key_alg == KeyAlgorithm::EcP256 {
                &signature::ECDSA_P256_SHA256_ASN1_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_ASN1_SIGNING
            };
            let kp = signature::EcdsaKeyPair::from_pkcs8(alg, pkcs8, &SystemRandom::new())
                .map_err(|e| cannot(&e))?;
            kp.public_key().as_ref().to_vec()
        }
        KeyAlgorithm::Ed25519 => {
            let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                .map_err(|e| cannot(&e))?;
            kp.public_key().as_ref().to_vec()
        }
        _ => return Ok(None),
    };
    if std::mem::discriminant(cert_alg) != std::mem::discriminant(&key_alg)
        || (*cert_alg != key_alg && !matches!(cert_alg, KeyAlgorithm::Rsa { .. }))
    {
        return Err(format!(
            "the private key is {key_alg} but the certificate's public key is {cert_alg}"
        ));
    }
    if derived != cert_public_key {
        return Err("the public key derived from the private key is not the certificate's public key: they belong to different key pairs".to_string());
    }
    Ok(Some(()))
}

/// Runs `f` over `items` on up to every core, keeping the order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const MIN_PER_THREAD: usize = 32;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().div_ceil(MIN_PER_THREAD))
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                // A panic in a worker is a bug; surface it as the caller's.
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    })
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
