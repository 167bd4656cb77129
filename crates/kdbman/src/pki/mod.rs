//! Certificates and keys, with no knowledge of the store.

pub mod cert;
pub mod certgen;
pub use crate::chain_problem;
pub mod der_walk;
pub mod dn;
pub mod keygen;
mod name_graph;
pub mod oid;
pub mod pem;
pub mod pfx;
pub mod pkcs12;
pub mod policy;
mod purpose;
mod resign;
mod rfc5280;
pub mod sign;
pub mod validate;

pub use cert::{CertInfo, KeyAlgorithm};
pub use certgen::{CertSpec, ExtKeyUsage, KeyUsage, SubjectAltName};
pub use keygen::KeyType;

/// SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Lower-case hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The DER SubjectPublicKeyInfo of a certificate, if it parses.
pub fn cert_spki(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some(cert.public_key().raw.to_vec())
}

/// The raw DER subject and issuer names of a certificate, if it parses.
pub fn cert_names(cert_der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some((
        cert.subject().as_raw().to_vec(),
        cert.issuer().as_raw().to_vec(),
    ))
}

/// The DER SubjectPublicKeyInfo of a PKCS#10 request, if it parses.
pub fn csr_spki(csr_der: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::prelude::FromDer;
    let (_, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(csr_der).ok()?;
    Some(csr.certification_request_info.subject_pki.raw.to_vec())
}

/// PEM-encodes DER under a label such as `CERTIFICATE`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).unwrap_or_default()
}
