//! Renewal and receiving: a request that renews a personal entry, and
//! taking in the certificate a CA signed for a request or a renewal.
//!
//! `renew` makes a PKCS#10 request with the subject (byte for byte), DNS
//! and IP names, key usage, extended key usage and CA flag of a personal
//! entry's certificate. With the entry's own key nothing is stored: the
//! signed certificate is recognised by its key. With a new key the key is
//! kept as a pending request labelled [`renewal_label`] (`LABEL-renewal`),
//! in the store itself (native) or its `.rdb` (CMS), as `certreq create`
//! keeps requests; one label space holds every kind, so the request cannot
//! carry the entry's own label.
//!
//! `receive` turns a request into a personal entry, or replaces the
//! certificate (and, for a new-key renewal, the key) of the personal entry
//! it renews, under the same label, keeping its creation time and default
//! mark; the renewal request is removed. CA certificates that came in the
//! same file become signers unless the store has them.

use std::path::Path;

use crate::error::{Error, Needed, Result};
use crate::pki::policy::{Policy, SigHash};
use crate::pki::{self, CertSpec, KeyAlgorithm, KeyType, keygen};
use crate::store::{Entry, EntryKind, Store, check_label, fold_label};

/// The label of the pending request a new-key renewal of `label` keeps.
pub fn renewal_label(label: &str) -> String {
    format!("{label}-renewal")
}

/// How to renew.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenewOptions {
    /// `Some`: a new key of this type, kept in a pending request; `None`:
    /// the entry's own key, and nothing is stored.
    pub new_key: Option<KeyType>,
    /// The algorithms the request's signature may use.
    pub policy: Policy,
    /// The signature hash; `None`: the key's own.
    pub sig_hash: Option<SigHash>,
}

/// A renewal request made by [`Store::renew`].
#[derive(Debug, Clone)]
pub struct Renewal {
    /// The personal entry renewed (as the store spells it).
    pub label: String,
    /// The request, DER.
    pub csr: Vec<u8>,
    /// The pending request that holds the new key (new-key renewals only;
    /// the store must be saved to keep it).
    pub request: Option<String>,
    /// The key the request is for.
    pub key: KeyAlgorithm,
    /// What the certificate has that the request cannot carry, in words.
    pub left_out: Vec<String>,
}

/// The key type that makes a key like `alg`, if kdbman makes such keys.
pub fn key_type_like(alg: &KeyAlgorithm) -> Option<KeyType> {
    match alg {
        KeyAlgorithm::Rsa { bits } if *bits > 3072 => Some(KeyType::Rsa(4096)),
        KeyAlgorithm::Rsa { bits } if *bits > 2048 => Some(KeyType::Rsa(3072)),
        KeyAlgorithm::Rsa { .. } => Some(KeyType::Rsa(2048)),
        KeyAlgorithm::EcP256 => Some(KeyType::EcP256),
        KeyAlgorithm::EcP384 => Some(KeyType::EcP384),
        KeyAlgorithm::Ed25519 => Some(KeyType::Ed25519),
        _ => None,
    }
}

/// What [`Store::receive`] did with the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiveOutcome {
    /// A pending request became the personal entry `label`.
    Request,
    /// The personal entry's certificate was replaced (same key).
    Renewed,
    /// The personal entry's certificate and key were replaced by the
    /// received certificate and the key of the renewal request, which is
    /// gone.
    RenewedNewKey { request: String },
    /// The store had the certificate already as this personal entry.
    AlreadyReceived,
}

/// What [`Store::receive`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The personal entry the certificate is in now.
    pub label: String,
    pub outcome: ReceiveOutcome,
    /// CA certificates of the file added as signers: (label, subject).
    pub added_signers: Vec<(String, String)>,
    /// CA certificates of the file the store had already (their labels).
    pub present: Vec<String>,
}

impl Store {
    /// A request renewing personal entry `label` (see the module docs).
    /// With a new key, the request entry is added: save the store to keep
    /// it. A new-key renewal already pending is refused
    /// ([`Error::RenewalPending`]).
    pub fn renew(&mut self, label: &str, options: &RenewOptions) -> Result<Renewal> {
        let entry = self.get_kind(label, EntryKind::Personal)?;
        let label = entry.label().to_string();
        let wrong_kind = || Error::WrongKind {
            store: self.path().to_path_buf(),
            label: label.clone(),
            found: EntryKind::Personal,
            needed: Needed::Personal,
        };
        let (Some(cert), Some(old_key)) = (entry.certificate(), entry.key()?) else {
            return Err(wrong_kind());
        };
        let (mut spec, left_out) = CertSpec::renewing(cert).map_err(|_| Error::BadInput {
            what: format!("entry `{label}` of {}", self.path().display()),
            detail: "its certificate does not parse, so what to request is unknown".into(),
            code: Some("SSL0224E"),
        })?;
        spec.policy = options.policy;
        spec.sig_hash = options.sig_hash;
        let Some(kind) = options.new_key else {
            let csr = spec.request(old_key)?;
            return Ok(Renewal {
                label,
                csr,
                request: None,
                key: pki::cert::key_algorithm_of_pkcs8(old_key.pkcs8_der()),
                left_out,
            });
        };
        let request = renewal_label(&label);
        check_label(&request)?;
        if let Ok(e) = self.get(&request) {
            return Err(if e.kind() == EntryKind::Request {
                Error::RenewalPending {
                    store: self.path().to_path_buf(),
                    label,
                    request: e.label().to_string(),
                }
            } else {
                Error::DuplicateLabel {
                    store: self.path().to_path_buf(),
                    label: request,
                    existing: e.label().to_string(),
                }
            });
        }
        let key = keygen::generate(kind)?;
        let csr = spec.request(&key)?;
        let alg = kind.algorithm();
        self.add(Entry::request(&request, csr.clone(), key))?;
        Ok(Renewal {
            label,
            csr,
            request: Some(request),
            key: alg,
            left_out,
        })
    }

    /// The personal entry a request renews: the request is labelled
    /// [`renewal_label`] of it and asks for its certificate's subject.
    fn renewed_by(&self, request: &Entry) -> Option<String> {
        let folded = fold_label(request.label());
        let csr_subject = request.csr().and_then(csr_subject_der)?;
        self.entries()
            .iter()
            .filter(|e| e.kind() == EntryKind::Personal)
            .find(|e| {
                fold_label(&renewal_label(e.label())) == folded
                    && e.certificate()
                        .and_then(pki::cert_names)
                        .is_some_and(|(s, _)| s == csr_subject)
            })
            .map(|e| e.label().to_string())
    }

    /// Takes in a signed certificate (`certs[0]` or another certificate of
    /// the file: the one whose key a request or personal entry holds) and
    /// the CA certificates that came with it. `file` names the input in
    /// errors. Save the store afterwards.
    pub fn receive(&mut self, certs: &[Vec<u8>], file: &Path, default: bool) -> Result<Received> {
        let mut found = None;
        'outer: for (ci, c) in certs.iter().enumerate() {
            let Some(spki) = pki::cert_spki(c) else {
                continue;
            };
            for e in self.entries() {
                if e.kind() == EntryKind::Request
                    && e.csr().and_then(pki::csr_spki).as_deref() == Some(spki.as_slice())
                {
                    found = Some((ci, e.label().to_string()));
                    break 'outer;
                }
            }
        }
        let mut before = false;
        let (ci, label) = match found {
            Some(f) => f,
            None => match received_or_renewed(self, certs, file)? {
                Some((ci, label, was)) => {
                    before = was;
                    (ci, label)
                }
                None => {
                    let subject = certs
                        .first()
                        .and_then(|c| pki::cert::cert_info(c).ok())
                        .map(|i| i.subject)
                        .unwrap_or_default();
                    return Err(Error::BadInput {
                        what: format!("certificate file {}", file.display()),
                        detail: format!(
                            "`{subject}` matches no request in the store (no request or personal entry has its public key)"
                        ),
                        code: None,
                    });
                }
            },
        };
        let req = self.get(&label)?.clone();
        let renews = match req.kind() {
            EntryKind::Request => self.renewed_by(&req),
            _ => None,
        };
        let renewing =
            req.kind() == EntryKind::Personal && req.certificate() != Some(certs[ci].as_slice());
        let mut outcome = if before {
            ReceiveOutcome::AlreadyReceived
        } else {
            ReceiveOutcome::Request
        };
        let mut label = label;
        if req.kind() == EntryKind::Request || renewing {
            let Some(key) = req.key()?.cloned() else {
                return Err(Error::WrongKind {
                    store: self.path().to_path_buf(),
                    label,
                    found: EntryKind::Request,
                    needed: Needed::Request,
                });
            };
            let mut pool: Vec<Vec<u8>> = certs.to_vec();
            pool.extend(
                self.entries()
                    .iter()
                    .filter(|e| e.kind() == EntryKind::Signer)
                    .filter_map(|e| e.certificate().map(<[u8]>::to_vec)),
            );
            let chain = pki::pkcs12::chain_from(&certs[ci], &pool);
            match renews {
                Some(target) => {
                    // The personal entry keeps its label, place, creation
                    // time and default mark; the request goes.
                    let old = self.get(&target)?;
                    let (created, was_default) = (old.created(), old.is_default());
                    self.replace(
                        &target,
                        Entry::personal(&target, chain, key)
                            .with_created(created)
                            .with_default_flag(was_default),
                    )?;
                    self.remove(&label)?;
                    outcome = ReceiveOutcome::RenewedNewKey { request: label };
                    label = target;
                }
                None => {
                    let created = req.created();
                    let was_default = req.is_default();
                    self.replace(
                        &label,
                        Entry::personal(&label, chain, key)
                            .with_created(created)
                            .with_default_flag(was_default),
                    )?;
                    outcome = if renewing {
                        ReceiveOutcome::Renewed
                    } else {
                        ReceiveOutcome::Request
                    };
                }
            }
        }
        // CA certificates that came in the same file become signers, unless
        // the store has them already.
        let mut added: Vec<(String, String)> = Vec::new();
        let mut present: Vec<String> = Vec::new();
        for (i, c) in certs.iter().enumerate() {
            let Ok(info) = pki::cert::cert_info(c) else {
                continue;
            };
            if i == ci || !info.is_ca {
                continue;
            }
            // A signer, or a personal CA entry of this store (it signed the
            // certificate itself), that holds it already.
            if let Some(e) = self
                .entries()
                .iter()
                .find(|e| e.kind() != EntryKind::Request && e.certificate() == Some(c.as_slice()))
            {
                present.push(e.label().to_string());
                continue;
            }
            let base = pki::pkcs12::default_label(c, "signer");
            let mut l = base.clone();
            let mut n = 2;
            while self.get(&l).is_ok() {
                l = format!("{base}-{n}");
                n += 1;
            }
            self.add(Entry::signer(&l, c.clone()))?;
            added.push((l, info.subject));
        }
        if default {
            self.set_default(&label)?;
        }
        Ok(Received {
            label,
            outcome,
            added_signers: added,
            present,
        })
    }
}

/// The DER subject of a PKCS#10 request.
fn csr_subject_der(csr: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::prelude::FromDer;
    let (_, r) =
        x509_parser::certification_request::X509CertificationRequest::from_der(csr).ok()?;
    Some(r.certification_request_info.subject.as_raw().to_vec())
}

/// For a certificate file no request matches: the personal entry it was
/// received into before (`true`), or the one personal entry holding its key
/// that it renews (`false`: after a same-key `cert renew`, or a CA
/// reissuing for the same key). End-entity certificates are looked at
/// first, in file order, so a CA certificate that came along never decides.
/// Several entries with the key are refused: which one to renew would be a
/// guess (SSL0216E).
fn received_or_renewed(
    store: &Store,
    certs: &[Vec<u8>],
    file: &Path,
) -> Result<Option<(usize, String, bool)>> {
    let is_ca: Vec<bool> = certs
        .iter()
        .map(|c| pki::cert::cert_info(c).is_ok_and(|i| i.is_ca))
        .collect();
    let mut order: Vec<usize> = (0..certs.len()).collect();
    order.sort_by_key(|&i| is_ca[i]); // stable: end entities first, file order kept
    let personal = || {
        store
            .entries()
            .iter()
            .filter(|e| e.kind() == EntryKind::Personal)
    };
    for ci in order {
        let c = certs[ci].as_slice();
        if let Some(e) = personal().find(|e| e.certificate() == Some(c)) {
            return Ok(Some((ci, e.label().to_string(), true)));
        }
        let Some(spki) = pki::cert_spki(c) else {
            continue;
        };
        let holders: Vec<&Entry> = personal()
            .filter(|e| {
                e.has_private_key()
                    && e.certificate().and_then(pki::cert_spki).as_deref() == Some(spki.as_slice())
            })
            .collect();
        match holders.as_slice() {
            [] => continue,
            [one] => return Ok(Some((ci, one.label().to_string(), false))),
            many => {
                let labels: Vec<String> = many.iter().map(|e| format!("`{}`", e.label())).collect();
                return Err(Error::BadInput {
                    what: format!("certificate file {}", file.display()),
                    detail: format!(
                        "its public key is the key of {} personal entries ({}), so which one it renews is unclear; delete the duplicates first (SSL0216E)",
                        many.len(),
                        labels.join(", ")
                    ),
                    code: Some("SSL0216E"),
                });
            }
        }
    }
    Ok(None)
}
