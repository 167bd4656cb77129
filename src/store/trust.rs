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
        let signers: Vec<&Entry> = self
            .entries()
            .iter()
            .filter(|e| e.kind() == EntryKind::Signer)
            .collect();
        let anchors: Vec<&[u8]> = signers
            .iter()
            .filter(|e| e.is_trusted())
            .filter_map(|e| e.certificate())
            .collect();
        let all_signers: Vec<&[u8]> = signers.iter().filter_map(|e| e.certificate()).collect();
        match entry.kind() {
            EntryKind::Signer => {
                validate_signer(entry.certificates(), &anchors, &all_signers, at).map_err(chain_err)
            }
            _ => validate_chain(entry.certificates(), &anchors, &all_signers, at, purpose)
                .map_err(chain_err),
        }
    }
}
