//! SSL0225E: the certificate in use has a key type a TLS server cannot use:
//! DSA, an unknown curve or algorithm, or RSA under 2048 bits (an error,
//! not a warning: the bundled server cannot load such a key and clients
//! refuse it).

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::KeyAlgorithm;
use crate::pki::cert::key_algorithm_of_pkcs8;

/// Why a key type is unusable for a TLS server, if it is.
pub fn unusable(key: &KeyAlgorithm) -> Option<String> {
    match key {
        KeyAlgorithm::Rsa { bits } if *bits < 2048 => Some(format!(
            "an RSA key of {bits} bits; at least 2048 are needed"
        )),
        KeyAlgorithm::Dsa => {
            Some("a DSA key, which TLS 1.3 dropped and servers no longer offer".into())
        }
        KeyAlgorithm::EcOther(oid) => {
            Some(format!("an EC key on curve {oid}, which TLS does not use"))
        }
        KeyAlgorithm::Other(oid) => Some(format!(
            "a key of algorithm {oid}, which TLS servers cannot use"
        )),
        _ => None,
    }
}

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((e, info)) = ctx.in_use_cert() else {
        return;
    };
    let private = e
        .private_key()
        .map(|k| key_algorithm_of_pkcs8(k.pkcs8_der()));
    let why = unusable(&info.key)
        .map(|w| format!("the certificate in use has {w}"))
        .or_else(|| {
            private
                .as_ref()
                .and_then(unusable)
                .map(|w| format!("the private key in use is {w}"))
        });
    if let Some(why) = why {
        ctx.key_unusable = true;
        out.push(Finding::new(
            "SSL0225E",
            "ssl0225e",
            Some(e.label()),
            why,
            "create a new key and certificate of a supported type (`kdbman cert create --key-type ec:p256` or rsa:2048 and up), get it signed, and make it the default",
        ));
    }
}
