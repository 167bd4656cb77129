//! SSL0213E: no cipher suite the bundled server offers can use the key in
//! use. The bundled server is rustls 0.23 with its ring provider (TLS 1.2
//! ECDHE suites and the TLS 1.3 suites); a key it cannot load for signing
//! (P-521, RSA over 8192 bits) leaves it no suite at all. A key of a type
//! it loads is not loaded again here: whether this one does is SSL0209E's
//! proof (the same ring loader), and which suites can use it follows from
//! its signature algorithm alone (half of lint's key work on a
//! 10,000-entry store was this second load).

use rustls::SignatureAlgorithm;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::key_algorithm_of_pkcs8;

/// Key types the bundled server's ring provider loads for signing.
pub(super) fn loadable_type(alg: &KeyAlgorithm) -> bool {
    match alg {
        KeyAlgorithm::Rsa { bits } => (2048..=8192).contains(bits),
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 | KeyAlgorithm::Ed25519 => true,
        _ => false,
    }
}

/// How many of the bundled server's cipher suites can use a PKCS#8 key, or
/// why the key cannot be loaded for signing.
pub fn usable_suites(pkcs8: &[u8]) -> Result<usize, String> {
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8));
    let key = rustls::crypto::ring::sign::any_supported_type(&der).map_err(|e| e.to_string())?;
    Ok(suites_for(key.algorithm()))
}

/// How many of the bundled server's cipher suites sign with `alg`.
fn suites_for(alg: SignatureAlgorithm) -> usize {
    rustls::crypto::ring::default_provider()
        .cipher_suites
        .iter()
        .filter(|s| s.usable_for_signature_algorithm(alg))
        .count()
}

/// The signature algorithm rustls gives a key of a type it loads.
fn signature_algorithm(alg: &KeyAlgorithm) -> Option<SignatureAlgorithm> {
    if !loadable_type(alg) {
        return None;
    }
    Some(match alg {
        KeyAlgorithm::Rsa { .. } => SignatureAlgorithm::RSA,
        KeyAlgorithm::Ed25519 => SignatureAlgorithm::ED25519,
        _ => SignatureAlgorithm::ECDSA,
    })
}

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.key_unusable {
        return;
    }
    let Some((e, info)) = ctx.in_use_cert() else {
        return;
    };
    let Some(key) = e.private_key() else { return };
    let none = || "no suite accepts its signature algorithm".to_string();
    // A key of a type the server takes that still does not load is broken
    // or not this certificate's: SSL0209E says which.
    let why = match signature_algorithm(&key_algorithm_of_pkcs8(key.pkcs8_der())) {
        Some(alg) => (suites_for(alg) == 0).then(none),
        None => match usable_suites(key.pkcs8_der()) {
            Ok(0) => Some(none()),
            Ok(_) => None,
            Err(why) => Some(format!("the server cannot sign with it ({why})")),
        },
    };
    if let Some(why) = why {
        ctx.key_unusable = true;
        out.push(Finding::new(
            "SSL0213E",
            "ssl0213e",
            Some(e.label()),
            format!(
                "no TLS cipher suite of the bundled server can use the {} key in use: {why}",
                info.key
            ),
            "use an RSA (2048 to 8192 bits), ECDSA P-256 or P-384, or Ed25519 key: `kdbman cert create --key-type ec:p256`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{KeyType, keygen};

    /// The algorithm-only answer is the one loading the key gives.
    #[test]
    fn the_suites_of_a_loadable_type_are_those_of_its_loaded_key() {
        for kind in [
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::Ed25519,
            KeyType::Rsa(2048),
        ] {
            let key = keygen::generate(kind).unwrap();
            let alg = signature_algorithm(&key_algorithm_of_pkcs8(key.pkcs8_der()))
                .unwrap_or_else(|| panic!("{kind} is loadable"));
            let loaded = usable_suites(key.pkcs8_der()).unwrap();
            assert!(loaded > 0, "{kind}");
            assert_eq!(suites_for(alg), loaded, "{kind}");
        }
    }
}
