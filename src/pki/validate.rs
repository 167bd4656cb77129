//! Chain building and checks with rustls-webpki; failures as data.
//!
//! API (stable; the lint and serve code build on it):
//!
//! - [`validate_chain`]`(leaf_and_chain, trust_anchors, extra_intermediates, at, purpose)
//!   -> Result<Vec<Vec<u8>>, ChainProblem>`: the built chain, leaf first,
//!   ending with the trust anchor's certificate.
//! - `Store::validate` (in `crate::store::trust`) applies it to an entry:
//!   the same for a store entry; a failing chain is
//!   `Error::Chain { label, problem }` (SSL0208E; SSL0221E for time bounds).
//! - [`ChainProblem`] says which certificate failed and why; [`Purpose`]
//!   picks the extended key usage to require.
//!
//! Path building, signatures, validity, basic constraints and EKU are
//! webpki's. webpki ignores keyUsage, so the built path is also refused
//! when an issuer has a keyUsage extension without keyCertSign (as GSKit
//! and OpenSSL do). webpki reports one error kind for a whole chain; the
//! certificate it concerns is then found with x509-parser.
//!
//! Trust anchors are the store's trusted signer entries. A self-signed
//! personal certificate is *not* its own anchor: it validates only when the
//! same certificate is also a trusted signer, which is what a client (or
//! GSKit's peer) needs in its own trust store.
//!
//! Signer entries are CA certificates, which webpki will not validate as
//! end entities: a trusted self-signed signer is checked as an anchor
//! (time, self-signature, CA flag, keyCertSign); an intermediate signer is
//! checked link by link up to a trusted signer with x509-parser's signature
//! verification, the same checks.

use std::cell::RefCell;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter};
use x509_parser::prelude::{FromDer, X509Certificate};

pub use super::chain_problem::ChainProblem;

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
    fn needed(self) -> &'static str {
        match self {
            Purpose::ServerAuth => "serverAuth",
            Purpose::ClientAuth => "clientAuth",
            Purpose::Any => "any",
        }
    }
}

struct Eku(Purpose);

impl ExtendedKeyUsageValidator for Eku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> std::result::Result<(), webpki::Error> {
        match self.0 {
            Purpose::ServerAuth => webpki::KeyUsage::server_auth().validate(iter),
            Purpose::ClientAuth => webpki::KeyUsage::client_auth().validate(iter),
            Purpose::Any => {
                for id in iter {
                    id?;
                }
                Ok(())
            }
        }
    }
}

/// Parsed facts of one certificate, for diagnosis.
struct Facts {
    der: Vec<u8>,
    subject: String,
    subject_raw: Vec<u8>,
    issuer: String,
    issuer_raw: Vec<u8>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
    /// `Some(false)`: a keyUsage extension without keyCertSign.
    key_cert_sign: Option<bool>,
    eku: Option<(bool, bool, bool)>,
}

impl Facts {
    fn of(der: &[u8]) -> std::result::Result<Facts, ChainProblem> {
        let cert = parse(der)?;
        let ku = cert
            .key_usage()
            .ok()
            .flatten()
            .map(|k| k.value.key_cert_sign());
        let eku = cert
            .extended_key_usage()
            .ok()
            .flatten()
            .map(|e| (e.value.any, e.value.server_auth, e.value.client_auth));
        Ok(Facts {
            der: der.to_vec(),
            subject: super::dn::display(cert.subject()),
            subject_raw: cert.subject().as_raw().to_vec(),
            issuer: super::dn::display(cert.issuer()),
            issuer_raw: cert.issuer().as_raw().to_vec(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            is_ca: cert.is_ca(),
            key_cert_sign: ku,
            eku,
        })
    }

    fn self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    fn time_problem(&self, at: i64) -> Option<ChainProblem> {
        if at < self.not_before {
            Some(ChainProblem::NotYetValid {
                subject: self.subject.clone(),
                not_before: self.not_before,
                at,
            })
        } else if at > self.not_after {
            Some(ChainProblem::Expired {
                subject: self.subject.clone(),
                not_after: self.not_after,
                at,
            })
        } else {
            None
        }
    }

    fn signing_problem(&self) -> Option<ChainProblem> {
        if !self.is_ca {
            return Some(ChainProblem::CaCannotSign {
                subject: self.subject.clone(),
                reason: "it is not a CA certificate (basicConstraints CA:TRUE is missing)",
            });
        }
        if self.key_cert_sign == Some(false) {
            return Some(ChainProblem::CaCannotSign {
                subject: self.subject.clone(),
                reason: "its keyUsage does not include keyCertSign",
            });
        }
        None
    }

    fn allows(&self, purpose: Purpose) -> bool {
        match (self.eku, purpose) {
            (None, _) | (_, Purpose::Any) => true,
            (Some((any, server, client)), p) => {
                any || (p == Purpose::ServerAuth && server) || (p == Purpose::ClientAuth && client)
            }
        }
    }
}

fn parse(der: &[u8]) -> std::result::Result<X509Certificate<'_>, ChainProblem> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| ChainProblem::Malformed {
            subject: format!("sha256:{}", super::hex(&super::sha256(der))),
            detail: e.to_string(),
        })
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64))
}

/// Builds and checks the chain of `leaf_and_chain[0]` to one of
/// `trust_anchors` at `at` (Unix seconds) for `purpose`. The rest of
/// `leaf_and_chain` and `extra_intermediates` may serve as intermediates.
/// Returns the built chain: leaf, intermediates, anchor.
pub fn validate_chain(
    leaf_and_chain: &[Vec<u8>],
    trust_anchors: &[&[u8]],
    extra_intermediates: &[&[u8]],
    at: i64,
    purpose: Purpose,
) -> std::result::Result<Vec<Vec<u8>>, ChainProblem> {
    let Some(leaf_der) = leaf_and_chain.first() else {
        return Err(ChainProblem::Other {
            detail: "there is no certificate to validate".into(),
        });
    };
    let leaf_facts = Facts::of(leaf_der)?;
    let anchor_ders: Vec<CertificateDer<'_>> = trust_anchors
        .iter()
        .map(|d| CertificateDer::from(*d))
        .collect();
    let mut anchors: Vec<TrustAnchor<'_>> = Vec::new();
    let mut anchor_index: Vec<usize> = Vec::new();
    for (i, d) in anchor_ders.iter().enumerate() {
        // An unparseable signer cannot anchor anything; skip it.
        if let Ok(a) = webpki::anchor_from_trusted_cert(d) {
            anchors.push(a);
            anchor_index.push(i);
        }
    }
    let intermediates: Vec<CertificateDer<'_>> = leaf_and_chain[1..]
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .chain(extra_intermediates.iter().map(|d| CertificateDer::from(*d)))
        .collect();
    let leaf_cert = CertificateDer::from(leaf_der.as_slice());
    // RFC 5280 path validation where webpki refuses (see `rfc5280`).
    let rfc_pool: Vec<&[u8]> = leaf_and_chain[1..]
        .iter()
        .map(Vec::as_slice)
        .chain(extra_intermediates.iter().copied())
        .chain(trust_anchors.iter().copied())
        .collect();
    let rfc5280 = || super::rfc5280::validate(leaf_der, &rfc_pool, trust_anchors, at, purpose);
    let ee = match EndEntityCert::try_from(&leaf_cert) {
        Ok(ee) => ee,
        Err(e) => {
            return match rfc5280() {
                super::rfc5280::Outcome::Valid(chain) => Ok(chain),
                super::rfc5280::Outcome::Invalid(p) => Err(p),
                super::rfc5280::Outcome::NotApplicable => Err(ChainProblem::Malformed {
                    subject: leaf_facts.subject.clone(),
                    detail: format!("{e:?}"),
                }),
            };
        }
    };

    let refused: RefCell<Option<ChainProblem>> = RefCell::new(None);
    let find_anchor_der = |a: &TrustAnchor<'_>| -> Option<&[u8]> {
        anchors
            .iter()
            .position(|x| {
                x.subject.as_ref() == a.subject.as_ref()
                    && x.subject_public_key_info.as_ref() == a.subject_public_key_info.as_ref()
            })
            .map(|i| trust_anchors[anchor_index[i]])
    };
    let check_path = |path: &webpki::VerifiedPath<'_>| -> std::result::Result<(), webpki::Error> {
        let mut issuers: Vec<Vec<u8>> = path
            .intermediate_certificates()
            .map(|c| c.der().as_ref().to_vec())
            .collect();
        // A self-signed leaf trusted as itself signs nothing but itself.
        if let Some(d) = find_anchor_der(path.anchor())
            && d != leaf_der.as_slice()
        {
            issuers.push(d.to_vec());
        }
        for der in &issuers {
            let facts = match Facts::of(der) {
                Ok(f) => f,
                Err(p) => {
                    *refused.borrow_mut() = Some(p);
                    return Err(webpki::Error::BadDer);
                }
            };
            if facts.key_cert_sign == Some(false) {
                *refused.borrow_mut() = facts.signing_problem();
                return Err(webpki::Error::EndEntityUsedAsCa);
            }
            // webpki does not look at the anchor's validity; GSKit does.
            if let Some(p) = facts.time_problem(at) {
                *refused.borrow_mut() = Some(p);
                return Err(webpki::Error::CertExpired {
                    time: unix_time(at),
                    not_after: unix_time(facts.not_after),
                });
            }
        }
        Ok(())
    };

    let result = ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &intermediates,
        unix_time(at),
        Eku(purpose),
        None,
        Some(&check_path),
    );
    match result {
        Ok(path) => {
            let mut chain = vec![leaf_der.clone()];
            chain.extend(
                path.intermediate_certificates()
                    .map(|c| c.der().as_ref().to_vec()),
            );
            if let Some(d) = find_anchor_der(path.anchor()) {
                // A self-signed leaf that is its own anchor appears once.
                if d != leaf_der.as_slice() {
                    chain.push(d.to_vec());
                }
            }
            Ok(chain)
        }
        Err(e) => {
            let diag = match refused.borrow_mut().take() {
                Some(p) => p,
                None => diagnose(&e, &leaf_facts, &rfc_pool, trust_anchors, at, purpose),
            };
            // webpki compares names byte for byte, counts self-issued CAs
            // against path lengths, refuses pre-1970 dates, unique
            // identifiers and a CA as end entity: RFC 5280 decides those.
            match rfc5280() {
                super::rfc5280::Outcome::Valid(chain) => Ok(chain),
                super::rfc5280::Outcome::Invalid(p)
                    if matches!(
                        diag,
                        ChainProblem::BadSignature { .. }
                            | ChainProblem::Malformed { .. }
                            | ChainProblem::Other { .. }
                            | ChainProblem::MissingIssuer { .. }
                    ) || matches!(e, webpki::Error::PathLenConstraintViolated) =>
                {
                    Err(p)
                }
                _ => Err(diag),
            }
        }
    }
}

/// The chain by issuer names only, for saying which certificate failed.
fn candidate_chain(leaf: &Facts, pool: &[&[u8]], anchors: &[&[u8]]) -> (Vec<Facts>, bool) {
    let facts: Vec<Facts> = pool.iter().filter_map(|d| Facts::of(d).ok()).collect();
    let mut chain: Vec<Facts> = Vec::new();
    let mut current = Facts::of(&leaf.der).ok();
    let mut used: Vec<usize> = Vec::new();
    while let Some(c) = current.take() {
        let stop = c.self_issued()
            || (!chain.is_empty() && anchors.contains(&c.der.as_slice()))
            || chain.len() > 8;
        let issuer_raw = c.issuer_raw.clone();
        chain.push(c);
        if stop {
            return (chain, true);
        }
        // Prefer a trusted anchor among certificates with the issuer's name.
        let pick = facts
            .iter()
            .enumerate()
            .filter(|(i, f)| f.subject_raw == issuer_raw && !used.contains(i))
            .max_by_key(|(_, f)| anchors.contains(&f.der.as_slice()));
        match pick {
            Some((i, f)) => {
                used.push(i);
                current = Facts::of(&f.der).ok();
            }
            None => return (chain, false),
        }
    }
    (chain, false)
}

fn diagnose(
    e: &webpki::Error,
    leaf: &Facts,
    pool: &[&[u8]],
    anchors: &[&[u8]],
    at: i64,
    purpose: Purpose,
) -> ChainProblem {
    use webpki::Error as W;
    let (chain, complete) = candidate_chain(leaf, pool, anchors);
    match e {
        W::CertExpired { .. } | W::CertNotValidYet { .. } | W::InvalidCertValidity => chain
            .iter()
            .find_map(|f| f.time_problem(at))
            .unwrap_or_else(|| ChainProblem::Other {
                detail: format!("a certificate's validity period is invalid ({e:?})"),
            }),
        W::UnknownIssuer => {
            let last = chain.last().unwrap_or(leaf);
            if !complete {
                return ChainProblem::MissingIssuer {
                    subject: last.subject.clone(),
                    issuer: last.issuer.clone(),
                };
            }
            if !anchors.contains(&last.der.as_slice()) {
                return ChainProblem::UntrustedRoot {
                    subject: last.subject.clone(),
                    self_signed: last.self_issued(),
                };
            }
            // Names link up to a trusted signer, yet webpki found no path:
            // a signature that does not verify.
            bad_signature(&chain).unwrap_or_else(|| ChainProblem::Other {
                detail: "no chain to a trusted signer could be built".into(),
            })
        }
        W::InvalidSignatureForPublicKey => {
            bad_signature(&chain).unwrap_or_else(|| ChainProblem::BadSignature {
                subject: leaf.subject.clone(),
            })
        }
        #[allow(deprecated)]
        W::RequiredEkuNotFound | W::RequiredEkuNotFoundContext(_) => {
            let f = chain.iter().find(|f| !f.allows(purpose)).unwrap_or(leaf);
            ChainProblem::WrongUsage {
                subject: f.subject.clone(),
                needed: purpose.needed(),
            }
        }
        W::EndEntityUsedAsCa => chain
            .iter()
            .skip(1)
            .find_map(Facts::signing_problem)
            .unwrap_or_else(|| ChainProblem::CaCannotSign {
                subject: leaf.issuer.clone(),
                reason: "it is not a CA certificate",
            }),
        W::CaUsedAsEndEntity => ChainProblem::LeafIsCa {
            subject: leaf.subject.clone(),
        },
        W::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | W::UnsupportedSignatureAlgorithmContext(_) => unsupported_key(&chain, e),
        W::BadDer | W::BadDerTime | W::TrailingData(_) | W::MalformedExtensions => {
            ChainProblem::Malformed {
                subject: leaf.subject.clone(),
                detail: format!("{e:?}"),
            }
        }
        W::PathLenConstraintViolated => ChainProblem::Other {
            detail: "a CA's path length constraint is exceeded".into(),
        },
        W::UnsupportedCriticalExtension => ChainProblem::Other {
            detail: "a certificate has a critical extension kdbman does not understand".into(),
        },
        other => ChainProblem::Other {
            detail: format!("the chain is refused ({other:?})"),
        },
    }
}

/// Why `c`'s signature did not verify: an MD2 or MD5 signature cannot be
/// checked at all (ring has neither), which is not a wrong issuer.
pub(super) fn signature_problem(
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
fn weak_hash(c: &x509_parser::certificate::X509Certificate<'_>) -> Option<&'static str> {
    match c.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.2" => Some("md2WithRSAEncryption"),
        "1.2.840.113549.1.1.4" => Some("md5WithRSAEncryption"),
        _ => None,
    }
}

/// The first link whose signature does not verify, by x509-parser.
fn bad_signature(chain: &[Facts]) -> Option<ChainProblem> {
    for pair in chain.windows(2) {
        let (c, i) = (parse(&pair[0].der).ok()?, parse(&pair[1].der).ok()?);
        if c.verify_signature(Some(i.public_key())).is_err() {
            if let Some(p) = weak_rsa(&pair[1]) {
                return Some(p);
            }
            return Some(signature_problem(&c, &pair[0].subject));
        }
    }
    None
}

/// ring refuses RSA keys under 2048 bits: name the size, not a bad signature.
fn weak_rsa(issuer: &Facts) -> Option<ChainProblem> {
    let c = parse(&issuer.der).ok()?;
    match super::cert::key_algorithm_of_spki(c.public_key()) {
        super::KeyAlgorithm::Rsa { bits } if bits < 2048 => Some(ChainProblem::UnsupportedKey {
            subject: issuer.subject.clone(),
            detail: format!("RSA {bits}-bit keys are too small (2048 bits or more are needed)"),
        }),
        _ => None,
    }
}

fn unsupported_key(chain: &[Facts], e: &webpki::Error) -> ChainProblem {
    for f in chain.iter().skip(1) {
        if let Some(p) = weak_rsa(f) {
            return p;
        }
    }
    for f in chain.iter().skip(1) {
        if let Ok(c) = parse(&f.der) {
            let alg = super::cert::key_algorithm_of_spki(c.public_key());
            if !matches!(
                alg,
                super::KeyAlgorithm::Rsa { .. }
                    | super::KeyAlgorithm::EcP256
                    | super::KeyAlgorithm::EcP384
                    | super::KeyAlgorithm::Ed25519
            ) {
                return ChainProblem::UnsupportedKey {
                    subject: f.subject.clone(),
                    detail: format!("{alg} signatures are not supported"),
                };
            }
        }
    }
    ChainProblem::Other {
        detail: format!("a signature algorithm is not supported ({e:?})"),
    }
}

/// A CA certificate, checked link by link up to a trusted signer.
pub fn validate_signer(
    certs: &[Vec<u8>],
    anchors: &[&[u8]],
    signers: &[&[u8]],
    at: i64,
) -> std::result::Result<Vec<Vec<u8>>, ChainProblem> {
    let mut current = Facts::of(&certs[0])?;
    let mut chain = vec![current.der.clone()];
    for _ in 0..8 {
        if let Some(p) = current.time_problem(at) {
            return Err(p);
        }
        if let Some(p) = current.signing_problem() {
            return Err(p);
        }
        let is_anchor = anchors.contains(&current.der.as_slice());
        if current.self_issued() {
            if !is_anchor {
                return Err(ChainProblem::UntrustedRoot {
                    subject: current.subject.clone(),
                    self_signed: true,
                });
            }
            let c = parse(&current.der)?;
            // A trusted root's MD2/MD5 self-signature cannot be checked and
            // need not be: path validation starts from the anchor (RFC 5280
            // §6.1), and real IBM stores trust such roots.
            if weak_hash(&c).is_none() && c.verify_signature(None).is_err() {
                return Err(weak_rsa(&current).unwrap_or(ChainProblem::BadSignature {
                    subject: current.subject.clone(),
                }));
            }
            return Ok(chain);
        }
        if is_anchor {
            return Ok(chain);
        }
        let issuer = signers
            .iter()
            .chain(
                certs[1..]
                    .iter()
                    .map(|c| c.as_slice())
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .filter_map(|d| Facts::of(d).ok())
            .filter(|f| f.subject_raw == current.issuer_raw)
            .max_by_key(|f| anchors.contains(&f.der.as_slice()));
        let Some(issuer) = issuer else {
            return Err(ChainProblem::MissingIssuer {
                subject: current.subject.clone(),
                issuer: current.issuer.clone(),
            });
        };
        let (c, i) = (parse(&current.der)?, parse(&issuer.der)?);
        if c.verify_signature(Some(i.public_key())).is_err() {
            return Err(
                weak_rsa(&issuer).unwrap_or_else(|| signature_problem(&c, &current.subject))
            );
        }
        chain.push(issuer.der.clone());
        current = issuer;
    }
    Err(ChainProblem::Other {
        detail: "the chain is longer than 8 certificates".into(),
    })
}
