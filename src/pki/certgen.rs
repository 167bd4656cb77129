//! Self-signed certificates and requests with safe defaults (rcgen).
//!
//! rcgen's defaults suit tests, not servers: every certificate here gets an
//! explicit validity and a random serial, and leaf certificates get
//! serverAuth and clientAuth unless told otherwise.

use std::net::IpAddr;
use std::str::FromStr;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, SanType, SerialNumber,
};

use x509_parser::prelude::FromDer;

use super::keygen::rcgen_key_pair;
use crate::error::{Error, Result};
use crate::secret::PrivateKey;

/// A subject alternative name: `dns:NAME` or `ip:ADDR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectAltName {
    Dns(String),
    Ip(IpAddr),
}

impl FromStr for SubjectAltName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| format!("SAN `{s}` needs a kind: dns:NAME or ip:ADDR"))?;
        match kind.to_ascii_lowercase().as_str() {
            "dns" if !value.is_empty() && value.is_ascii() && !value.contains(' ') => {
                Ok(SubjectAltName::Dns(value.to_string()))
            }
            "dns" => Err(format!("`{value}` is not a DNS name (ASCII, no spaces)")),
            "ip" => value
                .parse()
                .map(SubjectAltName::Ip)
                .map_err(|_| format!("`{value}` is not an IP address")),
            _ => Err(format!("SAN kind `{kind}` is not dns or ip")),
        }
    }
}

/// Key usage bits that can be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsage {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
}

impl FromStr for KeyUsage {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "digitalsignature" => KeyUsage::DigitalSignature,
            "nonrepudiation" | "contentcommitment" => KeyUsage::NonRepudiation,
            "keyencipherment" => KeyUsage::KeyEncipherment,
            "dataencipherment" => KeyUsage::DataEncipherment,
            "keyagreement" => KeyUsage::KeyAgreement,
            "keycertsign" => KeyUsage::KeyCertSign,
            "crlsign" => KeyUsage::CrlSign,
            _ => return Err(format!("unknown key usage `{s}`")),
        })
    }
}

/// Extended key usages that can be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtKeyUsage {
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
}

impl FromStr for ExtKeyUsage {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "serverauth" => ExtKeyUsage::ServerAuth,
            "clientauth" => ExtKeyUsage::ClientAuth,
            "codesigning" => ExtKeyUsage::CodeSigning,
            "emailprotection" => ExtKeyUsage::EmailProtection,
            "timestamping" => ExtKeyUsage::TimeStamping,
            "ocspsigning" => ExtKeyUsage::OcspSigning,
            _ => return Err(format!("unknown extended key usage `{s}`")),
        })
    }
}

/// What a new certificate or request should say.
#[derive(Debug, Clone)]
pub struct CertSpec {
    /// Distinguished name, e.g. `CN=www.example.com,O=Example,C=US`.
    pub dn: String,
    pub sans: Vec<SubjectAltName>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    /// `None`: the defaults for a CA or a leaf.
    pub key_usage: Option<Vec<KeyUsage>>,
    pub ext_key_usage: Option<Vec<ExtKeyUsage>>,
}

impl CertSpec {
    /// A spec valid from five minutes ago for `days` days.
    pub fn new(dn: impl Into<String>, days: u32) -> Self {
        let now = crate::clock::now() - 300;
        CertSpec {
            dn: dn.into(),
            sans: Vec::new(),
            not_before: now,
            not_after: now + i64::from(days) * 86_400,
            is_ca: false,
            key_usage: None,
            ext_key_usage: None,
        }
    }

    fn params(&self, key: &super::KeyAlgorithm) -> Result<CertificateParams> {
        let mut p = CertificateParams::default();
        p.distinguished_name = parse_dn(&self.dn)?;
        p.subject_alt_names = rcgen_sans(&self.sans)?;
        p.not_before = time_of(self.not_before)?;
        p.not_after = time_of(self.not_after)?;
        if self.not_after <= self.not_before {
            return Err(Error::Usage {
                detail: "the validity period ends before it starts".into(),
            });
        }
        p.serial_number = Some(random_serial());
        p.is_ca = if self.is_ca {
            IsCa::Ca(BasicConstraints::Unconstrained)
        } else {
            IsCa::ExplicitNoCa
        };
        let ku = self.key_usage.clone().unwrap_or_else(|| {
            if self.is_ca {
                vec![
                    KeyUsage::KeyCertSign,
                    KeyUsage::CrlSign,
                    KeyUsage::DigitalSignature,
                ]
            } else if matches!(key, super::KeyAlgorithm::Rsa { .. }) {
                vec![KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment]
            } else {
                // Key encipherment is an RSA key-transport notion.
                vec![KeyUsage::DigitalSignature]
            }
        });
        p.key_usages = ku
            .iter()
            .map(|k| match k {
                KeyUsage::DigitalSignature => rcgen::KeyUsagePurpose::DigitalSignature,
                KeyUsage::NonRepudiation => rcgen::KeyUsagePurpose::ContentCommitment,
                KeyUsage::KeyEncipherment => rcgen::KeyUsagePurpose::KeyEncipherment,
                KeyUsage::DataEncipherment => rcgen::KeyUsagePurpose::DataEncipherment,
                KeyUsage::KeyAgreement => rcgen::KeyUsagePurpose::KeyAgreement,
                KeyUsage::KeyCertSign => rcgen::KeyUsagePurpose::KeyCertSign,
                KeyUsage::CrlSign => rcgen::KeyUsagePurpose::CrlSign,
            })
            .collect();
        let eku = self.ext_key_usage.clone().unwrap_or_else(|| {
            if self.is_ca {
                Vec::new()
            } else {
                vec![ExtKeyUsage::ServerAuth, ExtKeyUsage::ClientAuth]
            }
        });
        p.extended_key_usages = eku
            .iter()
            .map(|k| match k {
                ExtKeyUsage::ServerAuth => rcgen::ExtendedKeyUsagePurpose::ServerAuth,
                ExtKeyUsage::ClientAuth => rcgen::ExtendedKeyUsagePurpose::ClientAuth,
                ExtKeyUsage::CodeSigning => rcgen::ExtendedKeyUsagePurpose::CodeSigning,
                ExtKeyUsage::EmailProtection => rcgen::ExtendedKeyUsagePurpose::EmailProtection,
                ExtKeyUsage::TimeStamping => rcgen::ExtendedKeyUsagePurpose::TimeStamping,
                ExtKeyUsage::OcspSigning => rcgen::ExtendedKeyUsagePurpose::OcspSigning,
            })
            .collect();
        Ok(p)
    }

    /// A self-signed certificate for `key`, as DER.
    pub fn self_signed(&self, key: &PrivateKey) -> Result<Vec<u8>> {
        let kp = rcgen_key_pair(key)?;
        let alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
        let cert = self.params(&alg)?.self_signed(&*kp).map_err(gen_err)?;
        Ok(cert.der().to_vec())
    }

    /// A certificate for `subject_key`'s public key, signed by an issuer
    /// certificate and its key.
    pub fn signed_by(
        &self,
        subject_public_key_der: &[u8],
        issuer_cert: &[u8],
        issuer_key: &PrivateKey,
    ) -> Result<Vec<u8>> {
        let ikp = rcgen_key_pair(issuer_key)?;
        let issuer = rcgen::Issuer::from_ca_cert_der(&issuer_cert.to_vec().into(), &*ikp)
            .map_err(gen_err)?;
        let spki =
            rcgen::SubjectPublicKeyInfo::from_der(subject_public_key_der).map_err(gen_err)?;
        let alg = x509_parser::x509::SubjectPublicKeyInfo::from_der(subject_public_key_der)
            .map(|(_, s)| super::cert::key_algorithm_of_spki(&s))
            .map_err(|e| Error::input("subject public key", e))?;
        let cert = self
            .params(&alg)?
            .signed_by(&spki, &issuer)
            .map_err(gen_err)?;
        Ok(cert.der().to_vec())
    }

    /// A PKCS#10 request for `key`, as DER.
    pub fn request(&self, key: &PrivateKey) -> Result<Vec<u8>> {
        let kp = rcgen_key_pair(key)?;
        let alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
        let mut params = self.params(&alg)?;
        // A request has no serial (rcgen refuses one); the CA picks it.
        params.serial_number = None;
        let csr = params.serialize_request(&*kp).map_err(gen_err)?;
        Ok(csr.der().to_vec())
    }
}

/// SANs in rcgen's form.
pub(crate) fn rcgen_sans(sans: &[SubjectAltName]) -> Result<Vec<SanType>> {
    sans.iter()
        .map(|s| match s {
            SubjectAltName::Dns(d) => {
                d.clone()
                    .try_into()
                    .map(SanType::DnsName)
                    .map_err(|_| Error::Usage {
                        detail: format!("`{d}` is not a valid DNS name"),
                    })
            }
            SubjectAltName::Ip(ip) => Ok(SanType::IpAddress(*ip)),
        })
        .collect()
}

/// A random positive 128-bit serial (rcgen's default derives it from the
/// key, so two certificates for one key would share a serial).
pub(crate) fn random_serial() -> SerialNumber {
    let mut serial: [u8; 16] = crate::clock::random();
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    SerialNumber::from_slice(&serial)
}

fn gen_err(e: rcgen::Error) -> Error {
    Error::input("certificate generation", e)
}

fn time_of(unix: i64) -> Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(unix).map_err(|_| Error::Usage {
        detail: format!("time {unix} is out of range"),
    })
}

/// Parses `CN=a,O=b,...` with `\,` escapes. Known attributes: CN, O, OU,
/// L, ST, C, and emailAddress (E).
pub fn parse_dn(dn: &str) -> Result<DistinguishedName> {
    let bad = |detail: String| Error::Usage {
        detail: format!("distinguished name `{dn}`: {detail}"),
    };
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => cur.push(n),
                None => return Err(bad("ends with a lone backslash".into())),
            },
            ',' | ';' => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    let mut out = DistinguishedName::new();
    let mut any = false;
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| bad(format!("`{part}` is not ATTRIBUTE=value")))?;
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(bad(format!("`{k}` has an empty value")));
        }
        let ty = match k.trim().to_ascii_uppercase().as_str() {
            "CN" => DnType::CommonName,
            "O" => DnType::OrganizationName,
            "OU" => DnType::OrganizationalUnitName,
            "L" => DnType::LocalityName,
            "ST" | "S" => DnType::StateOrProvinceName,
            "C" => {
                if v.len() != 2 || !v.is_ascii() {
                    return Err(bad(format!("country `{v}` must be a two-letter code")));
                }
                DnType::CountryName
            }
            "E" | "EMAIL" | "EMAILADDRESS" => {
                DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1])
            }
            other => {
                return Err(bad(format!(
                    "unknown attribute `{other}` (use CN, O, OU, L, ST, C, E)"
                )));
            }
        };
        out.push(ty, v);
        any = true;
    }
    if !any {
        return Err(bad("it is empty".into()));
    }
    Ok(out)
}
