//! What chain validation ([`super::validate`]) and its RFC 5280 fallback
//! ([`super::rfc5280`]) share: the purpose a leaf must allow and the
//! wording of a signature that does not verify. Both use this module; it
//! uses neither.

use super::chain_problem::ChainProblem;

/// Which use the end-entity certificate must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// TLS server (EKU serverAuth, if the certificate has an EKU).
    #[default]
    ServerAuth,
    /// TLS client (EKU clientAuth, if present).
    ClientAuth,
    /// Any purpose: the EKU is not checked.
    Any,
}

impl Purpose {
    pub(crate) fn needed(self) -> &'static str {
        match self {
            Purpose::ServerAuth => "serverAuth",
            Purpose::ClientAuth => "clientAuth",
            Purpose::Any => "any",
        }
    }
}

/// Why `c`'s signature did not verify: an MD2 or MD5 signature cannot be
/// checked at all (ring has neither), which is not a wrong issuer.
pub(crate) fn signature_problem(
    c: &x509_parser::certificate::X509Certificate<'_>,
    subject: &str,
) -> ChainProblem {
    match weak_hash(c) {
        Some(algorithm) => ChainProblem::WeakSignature {
            subject: subject.to_string(),
            algorithm: algorithm.to_string(),
        },
        None => ChainProblem::BadSignature {
            subject: subject.to_string(),
        },
    }
}

/// The name of `c`'s signature algorithm if it hashes with MD2 or MD5.
pub(crate) fn weak_hash(c: &x509_parser::certificate::X509Certificate<'_>) -> Option<&'static str> {
    match c.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.2" => Some("md2WithRSAEncryption"),
        "1.2.840.113549.1.1.4" => Some("md5WithRSAEncryption"),
        _ => None,
    }
}
