//! Chain validation of an entry against the store's own trusted signers:
//! the store applies the certificate policy of [`crate::pki::validate`].

use crate::error::{Error, Needed, Result};
use crate::pki::validate::{Purpose, validate_chain, validate_signer};
use crate::store::{Entry, EntryKind, Store};

impl Store {
    /// Validates the chain of a personal or signer entry against the store's
    /// trusted signers. A failing chain is `Error::Chain`.
    pub fn validate(&self, label: &str, at: i64, purpose: Purpose) -> Result<Vec<Vec<u8>>> {
        let entry = self.get(label)?;
        self.validate_entry(entry, &self.trust_set(), at, purpose)
    }

    /// The store's signers as [`Store::validate_entry`] uses them: gathered
    /// once by a caller that validates many entries (lint), rather than on
    /// every call.
    pub fn trust_set(&self) -> TrustSet<'_> {
        let signers = self
            .entries()
            .iter()
            .filter(|e| e.kind() == EntryKind::Signer);
        TrustSet {
            anchors: signers
                .clone()
                .filter(|e| e.is_trusted())
                .filter_map(|e| e.certificate())
                .collect(),
            all: signers.filter_map(|e| e.certificate()).collect(),
        }
    }

    /// [`Store::validate`] of an entry of this store, against `trust`
    /// (from [`Store::trust_set`]).
    pub fn validate_entry(
        &self,
        entry: &Entry,
        trust: &TrustSet<'_>,
        at: i64,
        purpose: Purpose,
    ) -> Result<Vec<Vec<u8>>> {
        let chain_err = |problem| Error::Chain {
            label: entry.label().to_string(),
            problem,
        };
        if entry.certificates().is_empty() {
            return Err(Error::WrongKind {
                store: self.path().to_path_buf(),
                label: entry.label().to_string(),
                found: entry.kind(),
                needed: Needed::Certificate,
            });
        }
        let (anchors, all_signers) = (&trust.anchors, &trust.all);
        // A signer that is no CA (a peer's self-signed certificate, as MQ
        // queue managers exchange them) vouches for itself alone: it is
        // checked as the certificate a peer would present, not as an issuer.
        // (Parsed for signers only: lint validates every personal entry
        // of a 10,000-entry store.)
        let signer_is_ca = || {
            entry
                .certificate()
                .and_then(|c| crate::pki::cert::cert_info(c).ok())
                .is_none_or(|i| i.is_ca)
        };
        match entry.kind() {
            EntryKind::Signer if signer_is_ca() => {
                validate_signer(entry.certificates(), anchors, all_signers, at).map_err(chain_err)
            }
            _ => validate_chain(entry.certificates(), anchors, all_signers, at, purpose)
                .map_err(chain_err),
        }
    }

    /// Would a client holding this store trust a peer presenting `certs`?
    /// The first certificate is validated with the others as
    /// intermediates (and the store's signers as further candidates)
    /// against the store's trusted signers. `file` names where the
    /// certificates came from; a failing chain is [`Error::FileChain`].
    pub fn validate_certificates(
        &self,
        certs: &[Vec<u8>],
        file: &std::path::Path,
        at: i64,
        purpose: Purpose,
    ) -> Result<Vec<Vec<u8>>> {
        let trust = self.trust_set();
        validate_chain(certs, &trust.anchors, &trust.all, at, purpose).map_err(|problem| {
            Error::FileChain {
                file: file.to_path_buf(),
                store: self.path().to_path_buf(),
                problem,
            }
        })
    }
}

/// The signer certificates of a store: the trusted ones (anchors) and all.
#[derive(Debug, Clone)]
pub struct TrustSet<'a> {
    anchors: Vec<&'a [u8]>,
    all: Vec<&'a [u8]>,
}
