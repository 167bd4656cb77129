//! Operations on certificate requests (`certreq` commands).

use std::path::Path;

use super::{Encoding, StoreAt, write_public};
use crate::pki::{CertSpec, KeyType, keygen};
use crate::{Access, Entry, EntryKind, Error, Result};

/// A request in PEM (`CERTIFICATE REQUEST`) or DER.
pub fn encode(csr: &[u8], encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Der => csr.to_vec(),
        Encoding::Pem => crate::pki::pem_encode("CERTIFICATE REQUEST", csr).into_bytes(),
    }
}

/// Deletes the request `label`; returns its label as stored.
pub fn delete(at: StoreAt<'_>, label: &str) -> Result<String> {
    let mut store = at.open(Access::Update)?.store;
    store.get_kind(label, EntryKind::Request)?;
    let e = store.remove(label)?;
    store.save()?;
    Ok(e.label().to_string())
}

/// Writes the request `label` to `target`; returns its label as stored.
pub fn extract(
    at: StoreAt<'_>,
    label: &str,
    target: &Path,
    encoding: Encoding,
    force: bool,
) -> Result<String> {
    let store = at.open(Access::Read)?.store;
    let e = store.get_kind(label, EntryKind::Request)?;
    write_public(
        target,
        &encode(e.csr().unwrap_or_default(), encoding),
        force,
        at.db,
    )?;
    Ok(e.label().to_string())
}

/// `create`: a key and a request for it, kept in the store.
pub struct CreateRequest<'a> {
    pub label: String,
    /// The request's contents (signature hash chosen by the front end).
    pub spec: CertSpec,
    pub key: KeyType,
    /// Where to write the request (PEM) too, and whether over a file.
    pub target: Option<(&'a Path, bool)>,
}

/// Creates a request: the name and the target are checked before the
/// store opens (the request must not go over one of the store's files),
/// the label before time goes on a key. Returns the request (DER).
pub fn create(at: StoreAt<'_>, r: CreateRequest<'_>) -> Result<Vec<u8>> {
    crate::pki::certgen::parse_dn(&r.spec.dn)?;
    if let Some((t, force)) = r.target {
        crate::file::check_output(t, at.db)?;
        if !force && t.exists() {
            return Err(Error::AlreadyExists {
                path: t.to_path_buf(),
            });
        }
    }
    let mut store = at.open(Access::Update)?.store;
    crate::store::check_label(&r.label)?;
    if let Ok(e) = store.get(&r.label) {
        return Err(Error::DuplicateLabel {
            store: store.path().to_path_buf(),
            label: r.label,
            existing: e.label().to_string(),
        });
    }
    let private_key = keygen::generate(r.key)?;
    let csr = r.spec.request(&private_key)?;
    store.add(Entry::request(&r.label, csr.clone(), private_key))?;
    store.save()?;
    if let Some((t, force)) = r.target {
        write_public(t, &encode(&csr, Encoding::Pem), force, at.db)?;
    }
    Ok(csr)
}
