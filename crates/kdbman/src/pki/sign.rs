//! Signing certificate requests with a CA key (rcgen), so a test PKI can
//! run from one store.
//!
//! The request's subject is kept as encoded; its requested SANs, key usage
//! and extended key usage are kept unless overridden. The validity and
//! serial are always ours (rcgen's defaults are not fit for certificates).

use rcgen::{BasicConstraints, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose};

use super::SubjectAltName;
use super::keygen::rcgen_key_pair_for;
use super::policy::{Policy, SigHash};
use crate::error::{Error, Result};
use crate::secret::PrivateKey;

/// How to sign a request.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Replace the requested SANs (`None`: keep them).
    pub sans: Option<Vec<SubjectAltName>>,
    /// Issue a CA certificate (basicConstraints CA, keyCertSign, cRLSign).
    pub is_ca: bool,
    /// The signature's hash (`None`: the CA key's own); choose it with
    /// [`Policy::signature`].
    pub sig_hash: Option<SigHash>,
    /// The algorithms the signature may use.
    pub policy: Policy,
}

impl SignOptions {
    /// Valid from five minutes ago for `days` days.
    pub fn days(days: u32) -> Self {
        let now = crate::clock::now() - 300;
        SignOptions {
            not_before: now,
            not_after: now + i64::from(days) * 86_400,
            sans: None,
            is_ca: false,
            sig_hash: None,
            policy: Policy::Default,
        }
    }
}

fn bad(detail: impl std::fmt::Display) -> Error {
    Error::BadInput {
        what: "certificate request".into(),
        detail: detail.to_string(),
        code: Some("SSL0224E"),
    }
}

/// A PKCS#10 request from PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE
/// REQUEST`) or DER, checked with [`check_request`]. `what` names the input
/// in errors.
pub fn parse_request(bytes: &[u8], what: &str) -> Result<Vec<u8>> {
    let bad_in = |detail: String| Error::BadInput {
        what: what.to_string(),
        detail,
        code: Some("SSL0224E"),
    };
    let der = if super::pem::is_pem(bytes) {
        let (label, der) = pem_rfc7468::decode_vec(bytes.trim_ascii())
            .map_err(|e| bad_in(format!("bad PEM: {e}")))?;
        if label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST" {
            return Err(bad_in(format!(
                "a {label} block, not a CERTIFICATE REQUEST"
            )));
        }
        der
    } else {
        bytes.to_vec()
    };
    check_request(&der).map_err(|e| match e {
        Error::BadInput { detail, code, .. } => Error::BadInput {
            what: what.to_string(),
            detail,
            code,
        },
        e => e,
    })?;
    Ok(der)
}

/// Checks a PKCS#10 request's own signature; errors say why it is unusable.
pub fn check_request(csr_der: &[u8]) -> Result<()> {
    use x509_parser::prelude::FromDer;
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(csr_der)
        .map_err(|e| bad(format!("not a PKCS#10 request: {e}")))?;
    csr.verify_signature()
        .map_err(|_| bad("its signature does not verify with its own public key"))?;
    Ok(())
}

/// The DER subject Name of a request.
fn request_subject(csr_der: &[u8]) -> Result<Vec<u8>> {
    use x509_parser::prelude::FromDer;
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(csr_der)
        .map_err(|e| bad(format!("not a PKCS#10 request: {e}")))?;
    Ok(csr.certification_request_info.subject.as_raw().to_vec())
}

/// Signs `csr_der` with the CA certificate and key; returns the DER certificate.
pub fn sign_request(
    csr_der: &[u8],
    ca_cert: &[u8],
    ca_key: &PrivateKey,
    opts: &SignOptions,
) -> Result<Vec<u8>> {
    check_request(csr_der)?;
    let info = super::cert::cert_info(ca_cert)
        .map_err(|e| Error::input("CA certificate", format!("malformed: {e}")))?;
    if !info.is_ca {
        return Err(Error::BadInput {
            what: format!("CA certificate `{}`", info.subject),
            detail: "it is not a CA certificate (basicConstraints CA:TRUE is missing), so what it signs will not validate".into(),
            code: Some("SSL0208E"),
        });
    }
    if !info.key_usage.is_empty() && !info.key_usage.iter().any(|k| k == "keyCertSign") {
        return Err(Error::BadInput {
            what: format!("CA certificate `{}`", info.subject),
            detail: "its keyUsage does not include keyCertSign".into(),
            code: Some("SSL0208E"),
        });
    }
    if opts.not_after <= opts.not_before {
        return Err(Error::Usage {
            detail: "the validity period ends before it starts".into(),
        });
    }
    let (mut p, spki, rsa) = request_params(csr_der)?;
    p.not_before = time::OffsetDateTime::from_unix_timestamp(opts.not_before)
        .map_err(|_| bad("start time out of range"))?;
    p.not_after = time::OffsetDateTime::from_unix_timestamp(opts.not_after)
        .map_err(|_| bad("end time out of range"))?;
    p.serial_number = Some(super::certgen::random_serial());
    if let Some(sans) = &opts.sans {
        p.subject_alt_names = super::certgen::rcgen_sans(sans)?;
    }
    if opts.is_ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.extended_key_usages = Vec::new();
    } else {
        p.is_ca = IsCa::ExplicitNoCa;
        if p.key_usages.is_empty() {
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            if rsa {
                p.key_usages.push(KeyUsagePurpose::KeyEncipherment);
            }
        }
        if p.extended_key_usages.is_empty() {
            p.extended_key_usages = vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ];
        }
    }
    opts.policy
        .check_signing_key(&super::cert::key_algorithm_of_pkcs8(ca_key.pkcs8_der()))?;
    let kp = rcgen_key_pair_for(ca_key, opts.sig_hash)?;
    let issuer = super::certgen::issuer(ca_cert, &kp)?;
    let cert = p
        .signed_by(&spki, &issuer)
        .map_err(|e| Error::input("signing the request", e))?;
    // The subject as the request encodes it and the issuer as the CA
    // certificate does, byte for byte (rcgen re-encodes both).
    let (ca_subject, _) =
        super::cert_names(ca_cert).ok_or_else(|| Error::input("CA certificate", "malformed"))?;
    let subject = request_subject(csr_der)?;
    super::resign::with_names(
        cert.der(),
        super::resign::Kind::Certificate,
        Some(&ca_subject),
        &subject,
        &kp,
    )
}

/// The certificate parameters a request asks for (subjectAltName, key
/// usage, extended key usage; other requested extensions are the CA's to
/// decide and are left out), its public key, and whether that key is RSA.
/// The subject is not read here: `resign::with_names` copies its bytes.
fn request_params(
    csr_der: &[u8],
) -> Result<(rcgen::CertificateParams, rcgen::SubjectPublicKeyInfo, bool)> {
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    use x509_parser::prelude::FromDer;
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(csr_der)
        .map_err(|e| bad(format!("not a PKCS#10 request: {e}")))?;
    let info = &csr.certification_request_info;
    let rsa = matches!(
        super::cert::key_algorithm_of_spki(&info.subject_pki),
        super::KeyAlgorithm::Rsa { .. }
    );
    let spki = rcgen::SubjectPublicKeyInfo::from_der(info.subject_pki.raw)
        .map_err(|e| bad(format!("its public key cannot be used: {e}")))?;
    let mut p = rcgen::CertificateParams::default();
    for ext in csr.requested_extensions().into_iter().flatten() {
        match ext {
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    let unusable = |e: rcgen::Error| bad(format!("subjectAltName {name}: {e}"));
                    p.subject_alt_names.push(match name {
                        GeneralName::DNSName(d) => {
                            rcgen::SanType::DnsName((*d).try_into().map_err(unusable)?)
                        }
                        GeneralName::RFC822Name(m) => {
                            rcgen::SanType::Rfc822Name((*m).try_into().map_err(unusable)?)
                        }
                        GeneralName::URI(u) => {
                            rcgen::SanType::URI((*u).try_into().map_err(unusable)?)
                        }
                        GeneralName::IPAddress(ip) => rcgen::SanType::IpAddress(match ip.len() {
                            4 => {
                                std::net::IpAddr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default())
                            }
                            16 => std::net::IpAddr::from(
                                <[u8; 16]>::try_from(*ip).unwrap_or_default(),
                            ),
                            n => return Err(bad(format!("an IP address of {n} bytes"))),
                        }),
                        other => {
                            return Err(bad(format!(
                                "it asks for a subjectAltName kdbman cannot issue ({other})"
                            )));
                        }
                    });
                }
            }
            ParsedExtension::KeyUsage(ku) => {
                for (on, purpose) in [
                    (ku.digital_signature(), KeyUsagePurpose::DigitalSignature),
                    (ku.non_repudiation(), KeyUsagePurpose::ContentCommitment),
                    (ku.key_encipherment(), KeyUsagePurpose::KeyEncipherment),
                    (ku.data_encipherment(), KeyUsagePurpose::DataEncipherment),
                    (ku.key_agreement(), KeyUsagePurpose::KeyAgreement),
                    (ku.key_cert_sign(), KeyUsagePurpose::KeyCertSign),
                    (ku.crl_sign(), KeyUsagePurpose::CrlSign),
                    (ku.encipher_only(), KeyUsagePurpose::EncipherOnly),
                    (ku.decipher_only(), KeyUsagePurpose::DecipherOnly),
                ] {
                    if on {
                        p.key_usages.push(purpose);
                    }
                }
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                for (on, purpose) in [
                    (eku.any, ExtendedKeyUsagePurpose::Any),
                    (eku.server_auth, ExtendedKeyUsagePurpose::ServerAuth),
                    (eku.client_auth, ExtendedKeyUsagePurpose::ClientAuth),
                    (eku.code_signing, ExtendedKeyUsagePurpose::CodeSigning),
                    (
                        eku.email_protection,
                        ExtendedKeyUsagePurpose::EmailProtection,
                    ),
                    (eku.time_stamping, ExtendedKeyUsagePurpose::TimeStamping),
                    (eku.ocsp_signing, ExtendedKeyUsagePurpose::OcspSigning),
                ] {
                    if on {
                        p.extended_key_usages.push(purpose);
                    }
                }
            }
            _ => {}
        }
    }
    Ok((p, spki, rsa))
}
