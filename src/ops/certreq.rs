//! Operations on certificate requests (`certreq` commands).

use std::path::Path;

use super::{Encoding, StoreAt, write_public};
use crate::{Access, EntryKind, Result};

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
