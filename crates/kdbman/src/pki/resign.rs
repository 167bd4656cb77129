//! Puts exact names into what rcgen built, and signs it again.
//!
//! rcgen keeps a name as a map of attribute types: it cannot hold a
//! multi-valued RDN (`CN=a+UID=b`), an attribute twice (`OU=a,OU=b`), or
//! an issuer name byte for byte as the CA certificate has it. kdbman lets
//! rcgen build everything else, replaces the Name fields of the
//! TBSCertificate (or CertificationRequestInfo) with the DER that
//! [`super::dn`] encoded or the CA certificate holds, and signs the new
//! to-be-signed bytes with the same key and algorithm rcgen used.

use der::asn1::{Any, BitString};
use der::{Encode, Tag, TagNumber, Tagged};
use rcgen::SigningKey;

use super::der_walk::Elements;
use crate::error::{Error, Result};

/// What the DER is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Certificate,
    Request,
}

fn fail(detail: impl std::fmt::Display) -> Error {
    Error::input("certificate generation", detail)
}

fn sequence(content: &[u8]) -> Result<Vec<u8>> {
    Any::new(Tag::Sequence, content.to_vec())
        .and_then(|a| a.to_der())
        .map_err(fail)
}

/// `der` (from rcgen, signed by `key`) with its subject (and, for a
/// certificate, issuer when given) replaced, signed again by `key`.
pub(crate) fn with_names(
    der: &[u8],
    kind: Kind,
    issuer: Option<&[u8]>,
    subject: &[u8],
    key: &rcgen::KeyPair,
) -> Result<Vec<u8>> {
    let mut outer = Elements::new(der).map_err(fail)?;
    let (whole, _) = outer.next("certificate").map_err(fail)?;
    let mut parts = Elements::new(whole.value()).map_err(fail)?;
    let (tbs, _) = parts.next("to-be-signed part").map_err(fail)?;
    let (_, alg) = parts.next("signature algorithm").map_err(fail)?;
    let mut fields = Elements::new(tbs.value()).map_err(fail)?;
    let mut items: Vec<&[u8]> = Vec::new();
    while let Ok((_, tlv)) = fields.next("field") {
        items.push(tlv);
    }
    // Positions of issuer and subject among the fields.
    let (issuer_at, subject_at) = match kind {
        Kind::Request => (None, 1),
        Kind::Certificate => {
            let versioned = Elements::new(tbs.value())
                .and_then(|mut e| e.next("version"))
                .map(|(a, _)| {
                    a.tag()
                        == Tag::ContextSpecific {
                            constructed: true,
                            number: TagNumber(0),
                        }
                })
                .map_err(fail)?;
            let o = usize::from(versioned);
            (Some(2 + o), 4 + o)
        }
    };
    if items.len() <= subject_at {
        return Err(fail("rcgen's output has fewer fields than expected"));
    }
    items[subject_at] = subject;
    if let (Some(at), Some(name)) = (issuer_at, issuer) {
        items[at] = name;
    }
    let tbs = sequence(&items.concat())?;
    let signature = key.sign(&tbs).map_err(fail)?;
    let bits = BitString::from_bytes(&signature)
        .and_then(|b| b.to_der())
        .map_err(fail)?;
    sequence(&[tbs.as_slice(), alg, &bits].concat())
}

#[cfg(test)]
mod tests {
    use crate::pki::{CertSpec, KeyType, keygen};

    #[test]
    fn names_are_exact_and_signatures_verify() {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let spec = CertSpec::new("CN=a+UID=b,OU=x,OU=y,O=Example,C=US", 30);
        let der = spec.self_signed(&key).unwrap();
        let (_, x) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(x.subject().as_raw(), spec.subject_der().unwrap());
        assert_eq!(x.issuer().as_raw(), spec.subject_der().unwrap());
        x.verify_signature(None).unwrap();
        let csr = spec.request(&key).unwrap();
        crate::pki::sign::check_request(&csr).unwrap();
    }
}
