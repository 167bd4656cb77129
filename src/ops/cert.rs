//! Operations on entries with certificates (`cert` commands).

use std::path::Path;

use super::{Encoding, StoreAt, write_public};
use crate::store::{DefaultMark, Received};
use crate::{Access, Entry, EntryKind, Error, Result};

/// A removed entry.
pub struct Removed {
    pub label: String,
    pub kind: EntryKind,
}

/// Deletes the entry `label`.
pub fn delete(at: StoreAt<'_>, label: &str) -> Result<Removed> {
    let mut store = at.open(Access::Update)?.store;
    let e = store.remove(label)?;
    store.save()?;
    Ok(Removed {
        label: e.label().to_string(),
        kind: e.kind(),
    })
}

/// The default after `set_default`.
pub struct DefaultSet {
    /// The entry's label as stored.
    pub label: String,
    /// What the store's default mark rests on.
    pub mark: DefaultMark,
}

/// Makes `label` the default certificate.
pub fn set_default(at: StoreAt<'_>, label: &str) -> Result<DefaultSet> {
    let mut store = at.open(Access::Update)?.store;
    store.set_default(label)?;
    store.save()?;
    Ok(DefaultSet {
        label: store.get(label)?.label().to_string(),
        mark: store.default_mark(),
    })
}

/// Renames the entry `label` to `new_label`.
pub fn rename(at: StoreAt<'_>, label: &str, new_label: &str) -> Result<()> {
    let mut store = at.open(Access::Update)?.store;
    store.rename(label, new_label)?;
    store.save()
}

/// What `extract` wrote.
pub struct Extracted {
    pub label: String,
}

/// `extract`: the certificate of `label` (with its chain in PEM when
/// `chain`) to `target`.
pub struct ExtractRequest<'a> {
    pub label: &'a str,
    pub target: &'a Path,
    pub encoding: Encoding,
    pub chain: bool,
    pub force: bool,
}

/// Writes the certificate of an entry (no key) to a file.
pub fn extract(at: StoreAt<'_>, r: &ExtractRequest<'_>) -> Result<Extracted> {
    let store = at.open(Access::Read)?.store;
    let e = store.get(r.label)?;
    let certs = e.certificates();
    if certs.is_empty() {
        return Err(Error::WrongKind {
            store: store.path().to_path_buf(),
            label: e.label().to_string(),
            found: e.kind(),
            needed: crate::error::Needed::Certificate,
        });
    }
    let bytes = match r.encoding {
        Encoding::Der => certs[0].clone(),
        Encoding::Pem => {
            let take = if r.chain { certs.len() } else { 1 };
            certs[..take]
                .iter()
                .map(|c| crate::pki::pem_encode("CERTIFICATE", c))
                .collect::<String>()
                .into_bytes()
        }
    };
    write_public(r.target, &bytes, r.force, at.db)?;
    Ok(Extracted {
        label: e.label().to_string(),
    })
}

/// `add`: signer certificates from a file.
pub struct AddRequest<'a> {
    pub label: &'a str,
    /// The certificates, read by the front end (so that it can fail on
    /// the file before asking for a password).
    pub certs: Vec<Vec<u8>>,
    pub trusted: bool,
}

/// What `add` did, certificate by certificate (1-based, in file order).
pub struct Added {
    /// Certificates present already as a signer: (number, label).
    pub present: Vec<(usize, String)>,
    pub added: usize,
}

/// Adds signer certificates; the second and later get `LABEL-2`, ...
/// A certificate present byte for byte as a signer is not added again.
pub fn add(at: StoreAt<'_>, r: AddRequest<'_>) -> Result<Added> {
    let mut store = at.open(Access::Update)?.store;
    let mut out = Added {
        present: Vec::new(),
        added: 0,
    };
    for (i, der) in r.certs.into_iter().enumerate() {
        let present = store
            .entries()
            .iter()
            .find(|e| e.kind() == EntryKind::Signer && e.certificate() == Some(der.as_slice()))
            .map(|e| e.label().to_string());
        if let Some(there) = present {
            out.present.push((i + 1, there));
            continue;
        }
        let l = if i == 0 {
            r.label.to_string()
        } else {
            format!("{}-{}", r.label, i + 1)
        };
        store.add(Entry::signer(&l, der).with_trust(r.trusted))?;
        out.added += 1;
    }
    if out.added > 0 {
        store.save()?;
    }
    Ok(out)
}

/// Receives a signed certificate (and its CA certificates) read from
/// `file` by the front end.
pub fn receive(at: StoreAt<'_>, certs: &[Vec<u8>], file: &Path, default: bool) -> Result<Received> {
    let mut store = at.open(Access::Update)?.store;
    let r = store.receive(certs, file, default)?;
    store.save()?;
    Ok(r)
}

/// Sets the trust of a signer; a personal entry stays trusted (asking to
/// trust it is no change, to distrust it is refused with
/// [`TrustChange::Personal`]).
pub fn set_trust(at: StoreAt<'_>, label: &str, trusted: bool) -> Result<TrustChange> {
    let mut store = at.open(Access::Update)?.store;
    let e = store
        .entries()
        .iter()
        .find(|e| e.label().eq_ignore_ascii_case(label) && e.kind() != EntryKind::Request)
        .ok_or_else(|| Error::LabelNotFound {
            store: store.path().to_path_buf(),
            label: label.to_string(),
        })?;
    match e.kind() {
        EntryKind::Signer => {
            let label = e.label().to_string();
            let changed = e.clone().with_trust(trusted);
            store.replace(&label, changed)?;
            store.save()?;
            Ok(TrustChange::Done)
        }
        _ if trusted => Ok(TrustChange::Done),
        _ => Ok(TrustChange::Personal {
            label: e.label().to_string(),
        }),
    }
}

/// What [`set_trust`] did.
pub enum TrustChange {
    Done,
    /// A personal certificate cannot be distrusted; nothing changed.
    Personal {
        label: String,
    },
}
