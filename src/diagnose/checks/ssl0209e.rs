//! SSL0209E: a personal entry's private key does not match its certificate,
//! or cannot be used. Proved without a signature: the public key the
//! private key carries (RSA's modulus and exponent, the EC point or
//! Ed25519 key stored beside the private part) is compared with the
//! certificate's; ring derives it only for a key that carries none.
//!
//! That the private part agrees with the public part it carries is not
//! re-proved here for every entry (it costs an elliptic-curve
//! multiplication per key, most of a 10,000-entry lint): SSL0213E loads
//! the key in use exactly as the server will, which refuses a key whose
//! parts disagree, and the store's MAC or AEAD guards every key since it
//! was written. Entries are independent, so they are checked on every core.

use der::asn1::BitStringRef;
use der::{Decode, Encode, Tag, TagNumber, Tagged};
use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::key_algorithm_of_pkcs8;
use crate::pki::der_walk::Elements;
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
    if !matches!(
        key_alg,
        KeyAlgorithm::Rsa { .. }
            | KeyAlgorithm::EcP256
            | KeyAlgorithm::EcP384
            | KeyAlgorithm::Ed25519
    ) {
        return Ok(None);
    }
    if std::mem::discriminant(cert_alg) != std::mem::discriminant(&key_alg)
        || (*cert_alg != key_alg && !matches!(cert_alg, KeyAlgorithm::Rsa { .. }))
    {
        return Err(format!(
            "the private key is {key_alg} but the certificate's public key is {cert_alg}"
        ));
    }
    let public = match carried_public_key(pkcs8, &key_alg)? {
        Some(public) => public,
        None => derived_public_key(pkcs8, &key_alg)?,
    };
    if public != cert_public_key {
        return Err("the private key's public half is not the certificate's public key: they belong to different key pairs".to_string());
    }
    Ok(Some(()))
}

/// The public key stored in the private key, as a certificate's
/// subjectPublicKey BIT STRING holds it; `None` when the key stores none
/// (an ECPrivateKey without its optional publicKey, Ed25519 in PKCS#8 v1).
fn carried_public_key(pkcs8: &[u8], alg: &KeyAlgorithm) -> Result<Option<Vec<u8>>, String> {
    let malformed = |e: &dyn std::fmt::Display| format!("the private key is malformed: {e}");
    let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8).map_err(|e| malformed(&e))?;
    let private = info.private_key.as_bytes();
    match alg {
        KeyAlgorithm::Rsa { .. } => {
            let key = pkcs1::RsaPrivateKeyRef::from_der(private).map_err(|e| malformed(&e))?;
            let public = pkcs1::RsaPublicKeyRef {
                modulus: key.modulus,
                public_exponent: key.public_exponent,
            };
            public.to_der().map(Some).map_err(|e| malformed(&e))
        }
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
            // ECPrivateKey ::= SEQUENCE { version, privateKey,
            //   [0] parameters OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
            let mut outer = Elements::new(private).map_err(|e| malformed(&e))?;
            let (seq, _) = outer.next("ECPrivateKey").map_err(|e| malformed(&e))?;
            if seq.tag() != Tag::Sequence {
                return Err(malformed(&"ECPrivateKey is not a SEQUENCE"));
            }
            let mut fields = Elements::new(seq.value()).map_err(|e| malformed(&e))?;
            let public_tag = Tag::ContextSpecific {
                constructed: true,
                number: TagNumber(1),
            };
            while let Ok((field, _)) = fields.next("ECPrivateKey field") {
                if field.tag() == public_tag {
                    let bits = BitStringRef::from_der(field.value()).map_err(|e| malformed(&e))?;
                    return Ok(bits.as_bytes().map(<[u8]>::to_vec));
                }
            }
            Ok(None)
        }
        KeyAlgorithm::Ed25519 => Ok(info
            .public_key
            .and_then(|bits| bits.as_bytes().map(<[u8]>::to_vec))),
        _ => Ok(None),
    }
}

/// The public key ring derives from the private part.
fn derived_public_key(pkcs8: &[u8], alg: &KeyAlgorithm) -> Result<Vec<u8>, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("the key cannot sign: {e}");
    match alg {
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
        // An RSA private key always carries its public half.
        _ => Err(cannot(&"no public key can be derived")),
    }
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

    /// `pkcs8` with the ECPrivateKey's optional publicKey removed, as some
    /// tools write it: its public half must then be derived.
    fn without_carried_public_key(pkcs8: &[u8]) -> Vec<u8> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8).unwrap();
        let mut outer = Elements::new(info.private_key.as_bytes()).unwrap();
        let (seq, _) = outer.next("ECPrivateKey").unwrap();
        let mut fields = Elements::new(seq.value()).unwrap();
        let mut kept = Vec::new();
        while let Ok((field, tlv)) = fields.next("field") {
            if field.tag().number() != TagNumber(1) || !field.tag().is_context_specific() {
                kept.extend_from_slice(tlv);
            }
        }
        assert!(
            kept.len() < seq.value().len(),
            "the key carried no public key"
        );
        let ec = der::asn1::AnyRef::new(Tag::Sequence, &kept)
            .unwrap()
            .to_der()
            .unwrap();
        pkcs8::PrivateKeyInfoRef {
            algorithm: info.algorithm,
            private_key: der::asn1::OctetStringRef::new(&ec).unwrap(),
            public_key: None,
        }
        .to_der()
        .unwrap()
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

    #[test]
    fn an_ec_key_without_its_public_half_goes_to_ring_which_refuses_it() {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let bare = without_carried_public_key(key.pkcs8_der());
        let (alg, public) = cert_key(&key);
        assert_eq!(carried_public_key(&bare, &alg), Ok(None));
        assert_eq!(
            carried_public_key(key.pkcs8_der(), &alg),
            Ok(Some(public.clone()))
        );
        // ring (and so the server) needs the public key stored: such a key
        // is reported as unusable, never passed unchecked.
        let why = key_matches_certificate(&bare, &alg, &public).unwrap_err();
        assert!(why.contains("cannot sign"), "{why}");
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
