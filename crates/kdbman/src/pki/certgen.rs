//! Self-signed certificates and requests with safe defaults (rcgen).
//!
//! rcgen's defaults suit tests, not servers: every certificate here gets an
//! explicit validity and a random serial, and leaf certificates get
//! serverAuth and clientAuth unless told otherwise.

use std::net::IpAddr;
use std::str::FromStr;

use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, IsCa, SanType, SerialNumber};

use x509_parser::prelude::FromDer;

use super::keygen::rcgen_key_pair_for;
use super::policy::{Policy, SigHash};
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
    /// Distinguished name, e.g. `CN=www.example.com,O=Example,C=US`, read
    /// as RFC 4514 (most specific first) by [`super::dn::parse`].
    pub dn: String,
    pub sans: Vec<SubjectAltName>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    /// `None`: the defaults for a CA or a leaf.
    pub key_usage: Option<Vec<KeyUsage>>,
    pub ext_key_usage: Option<Vec<ExtKeyUsage>>,
    /// The subject's DER `Name` exactly, instead of `dn` (a request
    /// renewing a certificate keeps its subject byte for byte).
    pub exact_subject: Option<Vec<u8>>,
    /// The signature's hash; `None`: the key's own (SHA-256, SHA-384 for
    /// P-384). Choose it with [`Policy::signature`].
    pub sig_hash: Option<SigHash>,
    /// The algorithms the signature may use.
    pub policy: Policy,
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
            exact_subject: None,
            sig_hash: None,
            policy: Policy::Default,
        }
    }

    fn params(&self, key: &super::KeyAlgorithm) -> Result<CertificateParams> {
        let mut p = CertificateParams::default();
        // rcgen's names cannot hold a multi-valued RDN, a repeated
        // attribute or PrintableString by default: the real name is put in
        // by `resign::with_names` after rcgen has built the rest.
        p.distinguished_name = DistinguishedName::new();
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

    /// The subject's DER `Name`.
    pub fn subject_der(&self) -> Result<Vec<u8>> {
        match &self.exact_subject {
            Some(der) => Ok(der.clone()),
            None => Ok(super::dn::parse(&self.dn)?.to_der()),
        }
    }

    /// The key pair that signs, after the policy allows it.
    fn signer(&self, key: &PrivateKey) -> Result<zeroize::Zeroizing<rcgen::KeyPair>> {
        let alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
        self.policy.check_signing_key(&alg)?;
        rcgen_key_pair_for(key, self.sig_hash)
    }

    /// A self-signed certificate for `key`, as DER.
    pub fn self_signed(&self, key: &PrivateKey) -> Result<Vec<u8>> {
        let subject = self.subject_der()?;
        let kp = self.signer(key)?;
        let alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
        let cert = self.params(&alg)?.self_signed(&*kp).map_err(gen_err)?;
        super::resign::with_names(
            cert.der(),
            super::resign::Kind::Certificate,
            Some(&subject),
            &subject,
            &kp,
        )
    }

    /// A certificate for `subject_key`'s public key, signed by an issuer
    /// certificate and its key.
    pub fn signed_by(
        &self,
        subject_public_key_der: &[u8],
        issuer_cert: &[u8],
        issuer_key: &PrivateKey,
    ) -> Result<Vec<u8>> {
        let subject = self.subject_der()?;
        let ikp = self.signer(issuer_key)?;
        let issuer = issuer(issuer_cert, &ikp)?;
        let spki =
            rcgen::SubjectPublicKeyInfo::from_der(subject_public_key_der).map_err(gen_err)?;
        let alg = x509_parser::x509::SubjectPublicKeyInfo::from_der(subject_public_key_der)
            .map(|(_, s)| super::cert::key_algorithm_of_spki(&s))
            .map_err(|e| Error::input("subject public key", e))?;
        let cert = self
            .params(&alg)?
            .signed_by(&spki, &issuer)
            .map_err(gen_err)?;
        let (issuer_name, _) = super::cert_names(issuer_cert)
            .ok_or_else(|| Error::input("issuer certificate", "it does not parse"))?;
        super::resign::with_names(
            cert.der(),
            super::resign::Kind::Certificate,
            Some(&issuer_name),
            &subject,
            &ikp,
        )
    }

    /// A PKCS#10 request for `key`, as DER.
    pub fn request(&self, key: &PrivateKey) -> Result<Vec<u8>> {
        let subject = self.subject_der()?;
        let kp = self.signer(key)?;
        let alg = super::cert::key_algorithm_of_pkcs8(key.pkcs8_der());
        let mut params = self.params(&alg)?;
        // A request has no serial (rcgen refuses one); the CA picks it.
        params.serial_number = None;
        let csr = params.serialize_request(&*kp).map_err(gen_err)?;
        super::resign::with_names(csr.der(), super::resign::Kind::Request, None, &subject, &kp)
    }
}

/// rcgen's view of a CA: the key that signs and the key identifier its
/// certificate gives (for the authorityKeyIdentifier). Its name is put in
/// by `resign::with_names`, so a name rcgen cannot hold (a multi-valued
/// RDN) still signs.
pub(crate) fn issuer<'a>(
    ca_cert: &[u8],
    key: &'a rcgen::KeyPair,
) -> Result<rcgen::Issuer<'static, &'a rcgen::KeyPair>> {
    let (_, x) = x509_parser::parse_x509_certificate(ca_cert)
        .map_err(|e| Error::input("CA certificate", e))?;
    let mut params = rcgen::CertificateParams::default();
    let ski = x
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        });
    params.key_identifier_method = match ski {
        Some(id) => rcgen::KeyIdMethod::PreSpecified(id),
        None => rcgen::KeyIdMethod::Sha256,
    };
    Ok(rcgen::Issuer::new(params, key))
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

/// Reads a DN string as RFC 4514 (most specific RDN first); see
/// [`super::dn`]. Kept for callers that check a DN before making a key.
pub fn parse_dn(dn: &str) -> Result<super::dn::Dn> {
    super::dn::parse(dn)
}

impl CertSpec {
    /// A spec for a request that renews `cert`: its subject (byte for
    /// byte), the DNS and IP names of its subject alternative names, its
    /// key usage, extended key usage and CA flag. What a request made here
    /// cannot carry (other name kinds, extended key usages kdbman does not
    /// name) is listed in the second value, in words.
    pub fn renewing(cert: &[u8]) -> Result<(CertSpec, Vec<String>)> {
        use x509_parser::extensions::GeneralName as G;
        let parsed =
            super::cert::decode(cert).map_err(|e| Error::input("the certificate to renew", e))?;
        let subject = parsed.subject().as_raw().to_vec();
        let mut spec = CertSpec::new(super::dn::display(parsed.subject()), 365);
        spec.exact_subject = Some(subject);
        spec.is_ca = parsed.is_ca();
        let mut left_out = Vec::new();
        if let Ok(Some(san)) = parsed.subject_alternative_name() {
            for n in &san.value.general_names {
                match n {
                    G::DNSName(d) => match format!("dns:{d}").parse() {
                        Ok(s) => spec.sans.push(s),
                        Err(_) => left_out.push(format!("subject alternative name dns:{d}")),
                    },
                    G::IPAddress(b) => {
                        let ip = match b.len() {
                            4 => <[u8; 4]>::try_from(*b).ok().map(IpAddr::from),
                            16 => <[u8; 16]>::try_from(*b).ok().map(IpAddr::from),
                            _ => None,
                        };
                        match ip {
                            Some(ip) => spec.sans.push(SubjectAltName::Ip(ip)),
                            None => left_out.push("a malformed IP address name".into()),
                        }
                    }
                    other => left_out.push(format!("subject alternative name {other}")),
                }
            }
        }
        spec.key_usage = Some(match parsed.key_usage() {
            Ok(Some(ku)) => {
                let k = ku.value;
                let mut v = Vec::new();
                for (on, u) in [
                    (k.digital_signature(), KeyUsage::DigitalSignature),
                    (k.non_repudiation(), KeyUsage::NonRepudiation),
                    (k.key_encipherment(), KeyUsage::KeyEncipherment),
                    (k.data_encipherment(), KeyUsage::DataEncipherment),
                    (k.key_agreement(), KeyUsage::KeyAgreement),
                    (k.key_cert_sign(), KeyUsage::KeyCertSign),
                    (k.crl_sign(), KeyUsage::CrlSign),
                ] {
                    if on {
                        v.push(u);
                    }
                }
                if k.encipher_only() || k.decipher_only() {
                    left_out.push("key usage encipherOnly/decipherOnly".into());
                }
                v
            }
            _ => Vec::new(),
        });
        spec.ext_key_usage = Some(match parsed.extended_key_usage() {
            Ok(Some(eku)) => {
                let e = eku.value;
                let mut v = Vec::new();
                for (on, u) in [
                    (e.server_auth, ExtKeyUsage::ServerAuth),
                    (e.client_auth, ExtKeyUsage::ClientAuth),
                    (e.code_signing, ExtKeyUsage::CodeSigning),
                    (e.email_protection, ExtKeyUsage::EmailProtection),
                    (e.time_stamping, ExtKeyUsage::TimeStamping),
                    (e.ocsp_signing, ExtKeyUsage::OcspSigning),
                ] {
                    if on {
                        v.push(u);
                    }
                }
                if e.any {
                    left_out.push("extended key usage anyExtendedKeyUsage".into());
                }
                for o in &e.other {
                    left_out.push(format!("extended key usage {o}"));
                }
                v
            }
            _ => Vec::new(),
        });
        Ok((spec, left_out))
    }
}
