//! What a certificate says, read with x509-parser.

use std::fmt;

use x509_parser::prelude::*;

/// A public or private key's algorithm, as far as kdbman cares.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    Rsa {
        bits: usize,
    },
    EcP256,
    EcP384,
    EcP521,
    Ed25519,
    /// An EC key on a curve kdbman does not know (the OID).
    EcOther(String),
    Dsa,
    /// Anything else (the algorithm OID).
    Other(String),
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyAlgorithm::EcP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::EcP384 => f.write_str("ECDSA P-384"),
            KeyAlgorithm::EcP521 => f.write_str("ECDSA P-521"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            KeyAlgorithm::EcOther(oid) => write!(f, "EC (curve {oid})"),
            KeyAlgorithm::Dsa => f.write_str("DSA"),
            KeyAlgorithm::Other(oid) => write!(f, "algorithm {oid}"),
        }
    }
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_DSA: &str = "1.2.840.10040.4.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";

fn classify(
    alg_oid: &str,
    curve_oid: Option<&str>,
    rsa_bits: impl FnOnce() -> usize,
) -> KeyAlgorithm {
    match alg_oid {
        OID_RSA => KeyAlgorithm::Rsa { bits: rsa_bits() },
        OID_ED25519 => KeyAlgorithm::Ed25519,
        OID_DSA => KeyAlgorithm::Dsa,
        OID_EC => match curve_oid {
            Some(OID_P256) => KeyAlgorithm::EcP256,
            Some(OID_P384) => KeyAlgorithm::EcP384,
            Some(OID_P521) => KeyAlgorithm::EcP521,
            other => KeyAlgorithm::EcOther(other.unwrap_or("none").to_string()),
        },
        other => KeyAlgorithm::Other(other.to_string()),
    }
}

/// The algorithm of a DER SubjectPublicKeyInfo.
pub fn key_algorithm_of_spki(spki: &SubjectPublicKeyInfo<'_>) -> KeyAlgorithm {
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| super::oid::text(&o));
    classify(
        &super::oid::text(&spki.algorithm.algorithm),
        curve.as_deref(),
        || match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => rsa.key_size(),
            _ => 0,
        },
    )
}

/// The algorithm of a PKCS#8 private key.
pub fn key_algorithm_of_pkcs8(der: &[u8]) -> KeyAlgorithm {
    use pkcs8::der::Decode;
    let Ok(info) = pkcs8::PrivateKeyInfoRef::from_der(der) else {
        return KeyAlgorithm::Other("unparseable PKCS#8".into());
    };
    let alg = super::oid::text_of(&info.algorithm.oid);
    let curve = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<pkcs8::der::asn1::ObjectIdentifier>().ok())
        .map(|o| super::oid::text_of(&o));
    classify(&alg, curve.as_deref(), || {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        rsa::PrivateKey::from_pkcs8_der(der).map_or(0, |k| k.size() * 8)
    })
}

/// The facts `cert list`, `cert details` and lint show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    pub subject_alt_names: Vec<String>,
    pub is_ca: bool,
    pub key_usage: Vec<String>,
    pub ext_key_usage: Vec<String>,
    pub key: KeyAlgorithm,
    pub signature_algorithm: String,
    pub sha256: String,
    pub self_issued: bool,
}

/// Words an x509-parser error: truncation said as such, the rest named by
/// the part that failed rather than by parser internals.
fn describe_x509_error(e: &x509_parser::nom::Err<X509Error>) -> String {
    use x509_parser::der_parser::error::BerError;
    use x509_parser::nom::{Err, error::ErrorKind};
    let truncated = "it ends early (truncated, or not DER)".to_string();
    match e {
        Err::Incomplete(_) => truncated,
        Err::Error(x) | Err::Failure(x) => match x {
            X509Error::NomError(ErrorKind::Eof) | X509Error::Der(BerError::Incomplete(_)) => {
                truncated
            }
            X509Error::NomError(_) => "its DER structure is invalid".to_string(),
            X509Error::Der(d) => format!("its DER encoding is invalid ({d})"),
            other => other.to_string(),
        },
    }
}

/// Parses a DER certificate; the error says what is malformed.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, String> {
    Ok(info_of(&decode(der)?, der))
}

/// What a listing shows of a certificate: [`CertInfo`]'s subject, serial,
/// expiry and fingerprint, without the rest (extensions, key, signature
/// names), which a 10,000-entry listing would compute for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFacts {
    pub subject: String,
    pub serial: String,
    pub not_after: i64,
    pub sha256: String,
}

/// The [`ListFacts`] of a DER certificate; the same certificates decode
/// as for [`cert_info`], and fail the same way.
pub fn list_facts(der: &[u8]) -> Result<ListFacts, String> {
    let cert = decode(der)?;
    Ok(ListFacts {
        subject: super::dn::display(cert.subject()),
        serial: super::hex(cert.raw_serial()),
        not_after: cert.validity().not_after.timestamp(),
        sha256: super::hex(&super::sha256(der)),
    })
}

/// Decodes a DER certificate, refusing trailing bytes; the error says what
/// is malformed.
pub fn decode(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    if der.is_empty() {
        return Err("it is empty".into());
    }
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| describe_x509_error(&e))?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the certificate", rest.len()));
    }
    Ok(cert)
}

/// The facts of a certificate [`decode`] read from `der`.
pub fn info_of(cert: &X509Certificate<'_>, der: &[u8]) -> CertInfo {
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(d) => sans.push(format!("dns:{d}")),
                GeneralName::IPAddress(ip) => sans.push(match ip.len() {
                    4 => format!(
                        "ip:{}",
                        std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default())
                    ),
                    16 => format!(
                        "ip:{}",
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap_or_default())
                    ),
                    _ => "ip:?".into(),
                }),
                GeneralName::RFC822Name(m) => sans.push(format!("email:{m}")),
                GeneralName::URI(u) => sans.push(format!("uri:{u}")),
                _ => {}
            }
        }
    }
    let mut key_usage = Vec::new();
    if let Ok(Some(ku)) = cert.key_usage() {
        let ku = ku.value;
        for (on, name) in [
            (ku.digital_signature(), "digitalSignature"),
            (ku.non_repudiation(), "nonRepudiation"),
            (ku.key_encipherment(), "keyEncipherment"),
            (ku.data_encipherment(), "dataEncipherment"),
            (ku.key_agreement(), "keyAgreement"),
            (ku.key_cert_sign(), "keyCertSign"),
            (ku.crl_sign(), "cRLSign"),
        ] {
            if on {
                key_usage.push(name.to_string());
            }
        }
    }
    let mut ext_key_usage = Vec::new();
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        let e = eku.value;
        for (on, name) in [
            (e.any, "any"),
            (e.server_auth, "serverAuth"),
            (e.client_auth, "clientAuth"),
            (e.code_signing, "codeSigning"),
            (e.email_protection, "emailProtection"),
            (e.time_stamping, "timeStamping"),
            (e.ocsp_signing, "ocspSigning"),
        ] {
            if on {
                ext_key_usage.push(name.to_string());
            }
        }
    }
    let sig = super::oid::text(&cert.signature_algorithm.algorithm);
    CertInfo {
        subject: super::dn::display(cert.subject()),
        issuer: super::dn::display(cert.issuer()),
        serial: super::hex(cert.raw_serial()),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        subject_alt_names: sans,
        is_ca: cert.is_ca(),
        key_usage,
        ext_key_usage,
        key: key_algorithm_of_spki(cert.public_key()),
        signature_algorithm: signature_name(&sig).unwrap_or(&sig).to_string(),
        sha256: super::hex(&super::sha256(der)),
        self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
    }
}

/// Common signature algorithm names by OID.
pub fn signature_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        _ => return None,
    })
}

pub use crate::time::rfc3339;

/// The subject of a PKCS#10 request, if it parses.
pub fn csr_subject(der: &[u8]) -> Option<String> {
    let (_, csr) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der).ok()?;
    Some(super::dn::display(&csr.certification_request_info.subject))
}
