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
//! # One verdict: webpki's, overturned only where RFC 5280 is laxer
//!
//! webpki decides first. When it refuses, the RFC 5280 fallback
//! (`pki::rfc5280`) builds its own path, with every constraint checked
//! on every certificate of it (validity, signatures, basicConstraints,
//! keyUsage, EKU on the CAs and the anchor too, critical extensions, path
//! length). Its "valid" overturns webpki's refusal only for these webpki
//! errors, where webpki is stricter than the RFC (and than OpenSSL):
//!
//! | webpki error | why RFC 5280 may differ |
//! |---|---|
//! | `UnknownIssuer` | names compared byte for byte, not per §7.1 |
//! | `PathLenConstraintViolated` | self-issued CAs counted (§6.1.4 (l)) |
//! | `InvalidSignatureForPublicKey` | webpki names the top-ranked error of all paths tried: a namesake CA's (key rollover) bad signature hides the right path's path-length or name error; the fallback verifies every signature of its own path |
//! | `MaximumPathDepthExceeded` | more than six intermediates (the fallback allows seven: nine certificates in all) |
//! | `CaUsedAsEndEntity` | only for `Purpose::Any` |
//! | `BadDerTime` | only when a certificate has a date before 1970 |
//! | `BadDer`, `TrailingData` | only when a certificate has unique identifiers |
//! | `UnsupportedSignatureAlgorithm*` | RSA with SHA-1, which ring verifies |
//! | `UnsupportedCriticalExtension` | extensions x509-parser knows (certificate policies) |
//! | `UnsupportedCertVersion` | v1/v2 end entities (a CA without basicConstraints is refused anyway) |
//! | `NameConstraintViolation` | webpki refuses every directoryName, rfc822Name and URI constraint (it does not process them, as §4.2.1.10 lets it) and applies constraints to self-issued intermediates; the fallback processes those forms, dNSName and iPAddress per §6.1.3 (b)–(c) and §6.1.4 (g) (PKITS 4.13) |
//! | (the same list when webpki cannot read the leaf at all) | |
//! | kdbman's own path checks (keyUsage, anchor validity and EKU) | the fallback applies them itself |
//!
//! Every other webpki error stands whatever the fallback says: a missing
//! EKU (`RequiredEkuNotFound*`), dates, an issuer that is
//! not a CA, and webpki's path budget
//! (`MaximumSignatureChecksExceeded`, `MaximumPathBuildCallsExceeded`,
//! reported as [`ChainProblem::BudgetExhausted`]). Paths with policy
//! constraints, inhibitAnyPolicy, or name constraints on other name forms
//! (otherName, x400Address, ediPartyName, registeredID) are never judged
//! by the fallback: webpki's verdict stands. When both
//! refuse, the fallback's reason is given where it is more precise (bad
//! signature, missing issuer, path length, name constraints, malformed,
//! other), webpki's otherwise; a fallback that ran out of its own budget
//! (100 signature checks, a check with a costly key counting as several:
//! RSA-4096 4, RSA-8192 16; 1000 candidate issuers) answers
//! `BudgetExhausted`.
//!
//! `tests/pkits.rs` runs NIST PKITS through this verdict (the sections
//! that need neither revocation nor policy processing). Before
//! webpki runs, intermediates that cannot lead to a trust anchor by names
//! are dropped and the candidates left are counted (`pki::name_graph`):
//! a chain that would cost webpki more than 5000 candidate issuers is
//! `BudgetExhausted` at once. No search runs longer than its budget,
//! whatever the peer sends.
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
pub use super::purpose::Purpose;
use super::purpose::{signature_problem, weak_hash};

/// webpki's own path-building budget (rustls-webpki 0.103 `Budget`).
const WEBPKI_SIGNATURE_CHECKS: u32 = 100;
const WEBPKI_BUILD_CALLS: u32 = 200_000;

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
/// Returns the built chain: leaf, intermediates, anchor. Bounded whatever
/// the certificates: a chain too costly to search is
/// [`ChainProblem::BudgetExhausted`] (see the module docs).
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
    let offered: Vec<&[u8]> = leaf_and_chain[1..]
        .iter()
        .map(Vec::as_slice)
        .chain(extra_intermediates.iter().copied())
        .collect();
    // Bound webpki's search before it starts (see `name_graph`).
    let kept = super::name_graph::prune(&leaf_facts.issuer_raw, &offered, trust_anchors).map_err(
        |_| ChainProblem::BudgetExhausted {
            signature_checks: WEBPKI_SIGNATURE_CHECKS,
            candidates: super::name_graph::MAX_WEBPKI_CANDIDATES as u32,
        },
    )?;
    let intermediates: Vec<CertificateDer<'_>> = kept
        .iter()
        .map(|&i| CertificateDer::from(offered[i]))
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
            // webpki cannot read the leaf: the fallback decides, within
            // the same list of errors it may overturn.
            let malformed = ChainProblem::Malformed {
                subject: leaf_facts.subject.clone(),
                detail: format!("{e:?}"),
            };
            if !overturnable(&e, purpose, leaf_der, &rfc_pool) {
                return Err(malformed);
            }
            return match rfc5280() {
                super::rfc5280::Outcome::Valid(chain) => Ok(chain),
                super::rfc5280::Outcome::Invalid(p) => Err(p),
                super::rfc5280::Outcome::NotApplicable => Err(malformed),
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
            // webpki checks EKU on intermediates, not on the anchor's
            // certificate: its EKU restricts the path too.
            if !facts.allows(purpose) {
                *refused.borrow_mut() = Some(ChainProblem::WrongUsage {
                    subject: facts.subject.clone(),
                    needed: purpose.needed(),
                });
                #[allow(deprecated)]
                return Err(webpki::Error::RequiredEkuNotFound);
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
            let ours = refused.borrow_mut().take();
            // An error of kdbman's own path callback is a check the
            // fallback makes on every certificate too: it may overturn it.
            let overturnable = ours.is_some() || overturnable(&e, purpose, leaf_der, &rfc_pool);
            let diag = match ours {
                Some(p) => p,
                None => diagnose(&e, &leaf_facts, &rfc_pool, trust_anchors, at, purpose),
            };
            // The fallback's reason is more precise for these.
            let refine = matches!(
                diag,
                ChainProblem::BadSignature { .. }
                    | ChainProblem::Malformed { .. }
                    | ChainProblem::Other { .. }
                    | ChainProblem::MissingIssuer { .. }
            ) || matches!(e, webpki::Error::PathLenConstraintViolated);
            if !overturnable && !refine {
                return Err(diag);
            }
            match rfc5280() {
                super::rfc5280::Outcome::Valid(chain) if overturnable => Ok(chain),
                super::rfc5280::Outcome::Invalid(p @ ChainProblem::BudgetExhausted { .. }) => {
                    Err(p)
                }
                super::rfc5280::Outcome::Invalid(p) if refine => Err(p),
                _ => Err(diag),
            }
        }
    }
}

/// Whether webpki's `e` is one the RFC 5280 fallback may overturn (see the
/// module docs): those where webpki is stricter than RFC 5280.
fn overturnable(e: &webpki::Error, purpose: Purpose, leaf: &[u8], pool: &[&[u8]]) -> bool {
    use webpki::Error as W;
    let any_cert = |f: fn(&X509Certificate<'_>) -> bool| {
        std::iter::once(leaf)
            .chain(pool.iter().copied())
            .any(|d| parse(d).is_ok_and(|c| f(&c)))
    };
    match e {
        // Names compared byte for byte rather than per §7.1.
        W::UnknownIssuer => true,
        // Self-issued CA certificates counted against pathLenConstraint.
        W::PathLenConstraintViolated => true,
        // webpki reports the highest-ranked error of all the paths it
        // tried: a namesake CA that did not sign (key rollover) ranks above
        // the path-length or name error of the right path. The fallback
        // verifies every signature of its own path with the same ring.
        W::InvalidSignatureForPublicKey => true,
        // A longer path than webpki's six intermediates.
        W::MaximumPathDepthExceeded => true,
        // A CA certificate as the end entity, for `--purpose any`.
        W::CaUsedAsEndEntity => purpose == Purpose::Any,
        // Dates before 1970 (valid UTCTime) and unique identifiers, which
        // webpki cannot read.
        W::BadDerTime => any_cert(|c| {
            let v = c.validity();
            v.not_before.timestamp() < 0 || v.not_after.timestamp() < 0
        }),
        W::BadDer | W::TrailingData(_) => any_cert(|c| {
            c.tbs_certificate.issuer_uid.is_some() || c.tbs_certificate.subject_uid.is_some()
        }),
        // Signature algorithms webpki does not implement and ring verifies
        // (RSA with SHA-1, which IBM stores hold and KDB0002W warns about).
        #[allow(deprecated)]
        W::UnsupportedSignatureAlgorithmContext(_)
        | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | W::UnsupportedSignatureAlgorithm
        | W::UnsupportedSignatureAlgorithmForPublicKey => true,
        // Version 1 and 2 certificates, which RFC 5280 allows for end
        // entities (the fallback refuses a CA without basicConstraints).
        W::UnsupportedCertVersion => true,
        // Critical extensions RFC 5280 defines and webpki does not process
        // (certificate policies); the fallback refuses any it cannot parse.
        W::UnsupportedCriticalExtension => true,
        // webpki refuses every directoryName, rfc822Name and URI name
        // constraint it meets (it does not process them) and applies
        // constraints to self-issued intermediates; the fallback processes
        // those forms and dNSName and iPAddress per §6.1 (a path with any
        // other constrained form stays webpki's).
        W::NameConstraintViolation => true,
        _ => false,
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
        W::MaximumSignatureChecksExceeded | W::MaximumPathBuildCallsExceeded => {
            ChainProblem::BudgetExhausted {
                signature_checks: WEBPKI_SIGNATURE_CHECKS,
                candidates: WEBPKI_BUILD_CALLS,
            }
        }
        W::PathLenConstraintViolated => ChainProblem::Other {
            detail: "a CA's path length constraint is exceeded".into(),
        },
        W::UnsupportedCriticalExtension => ChainProblem::Other {
            detail: "a certificate has a critical extension kdbman does not understand".into(),
        },
        W::NameConstraintViolation => ChainProblem::Other {
            detail: "a certificate's name is outside the name constraints of a CA above it".into(),
        },
        other => ChainProblem::Other {
            detail: format!("the chain is refused ({other:?})"),
        },
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

#[cfg(test)]
mod tests {
    use super::{Purpose, overturnable, unix_time};
    use webpki::Error as W;

    fn cert(not_before_year: i32) -> Vec<u8> {
        let mut p = rcgen::CertificateParams::default();
        p.not_before = rcgen::date_time_ymd(not_before_year, 1, 1);
        let k = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        p.self_signed(&k).unwrap().der().to_vec()
    }

    #[test]
    fn only_the_listed_webpki_errors_can_be_overturned() {
        let now = cert(2020);
        let any = |e: &W, p: Purpose| overturnable(e, p, &now, &[]);
        for e in [
            W::UnknownIssuer,
            W::PathLenConstraintViolated,
            W::MaximumPathDepthExceeded,
            W::InvalidSignatureForPublicKey,
            W::UnsupportedCriticalExtension,
            W::NameConstraintViolation,
        ] {
            assert!(any(&e, Purpose::ClientAuth), "{e:?}");
        }
        #[allow(deprecated)]
        let eku = W::RequiredEkuNotFound;
        for e in [
            eku,
            W::CertExpired {
                time: unix_time(2),
                not_after: unix_time(1),
            },
            W::EndEntityUsedAsCa,
            W::MaximumSignatureChecksExceeded,
            W::MaximumPathBuildCallsExceeded,
            W::SignatureAlgorithmMismatch,
        ] {
            assert!(!any(&e, Purpose::ServerAuth), "{e:?}");
        }
        // A CA as end entity: only when any purpose will do.
        assert!(any(&W::CaUsedAsEndEntity, Purpose::Any));
        assert!(!any(&W::CaUsedAsEndEntity, Purpose::ClientAuth));
        // Bad DER time: only with a date before 1970 in the chain.
        assert!(!any(&W::BadDerTime, Purpose::Any));
        let old = cert(1965);
        assert!(overturnable(&W::BadDerTime, Purpose::Any, &now, &[&old]));
        // Bad DER: only with unique identifiers (see tests/rfc5280.rs).
        assert!(!any(&W::BadDer, Purpose::Any));
    }
}
