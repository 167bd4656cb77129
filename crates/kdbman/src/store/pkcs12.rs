//! A PKCS#12 file used as a store (GSKit's `-type pkcs12`): keys with
//! their chains, and trusted certificates. It holds no requests, no
//! default mark and no password expiry.

use std::path::Path;

use crate::error::{Error, Result};
use crate::pki;
use crate::secret::Password;
use crate::store::entry::{Entry, EntryKind};

/// What a PKCS#12 store keeps besides its entries.
pub struct State {
    pub(crate) password: Password,
}

impl State {
    pub fn new(password: &Password) -> State {
        State {
            password: password.clone(),
        }
    }
}

/// Reads the entries of PKCS#12 bytes.
pub fn open(path: &Path, bytes: &[u8], password: &Password) -> Result<(State, Vec<Entry>)> {
    // Opened as a store, a PKCS#12 file is judged as one: a wrong
    // password is exit 6, a malformed file is damaged (exit 5).
    let contents = pki::pkcs12::parse(bytes, password, path).map_err(|e| match e {
        Error::InputPassword { path } => Error::WrongPassword { path },
        Error::BadInput { detail, .. } => Error::DamagedPayload {
            path: path.to_path_buf(),
            damage: crate::error::Damage::PayloadEncoding { detail },
        },
        other => other,
    })?;
    // A friendly name that cannot be a label (control characters, too
    // long) gives way to one derived from the certificate, as on import.
    let label = |name: Option<String>, cert: &[u8], prefix: &str| {
        name.filter(|n| super::label_problem(n).is_none())
            .unwrap_or_else(|| super::import::derived_label(cert, prefix))
    };
    let mut entries = Vec::new();
    for (name, cert) in contents.certificates {
        let label = label(name, &cert, "signer");
        entries.push(Entry::signer(label, cert).with_created(0));
    }
    for k in contents.keys {
        let leaf = k.chain.first().cloned().unwrap_or_default();
        let label = label(k.friendly_name, &leaf, "key");
        entries.push(Entry::personal(label, k.chain, k.key).with_created(0));
    }
    Ok((State::new(password), entries))
}

/// The file bytes for `entries` (requests cannot be held: refused).
pub fn encode(path: &Path, state: &State, entries: &[Entry]) -> Result<Vec<u8>> {
    if let Some(r) = entries.iter().find(|e| e.kind() == EntryKind::Request) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: "hold a certificate request",
            why: format!(
                "PKCS#12 has no place for the pending request `{}`",
                r.label()
            ),
            fix: "keep requests in a CMS or kdbman store (convert with `kdbman keydb convert`)"
                .into(),
        });
    }
    let mut keys: Vec<(&str, &crate::secret::PrivateKey, &[Vec<u8>])> = Vec::new();
    for e in entries {
        // Keys copied from a CMS store may still be sealed: a damaged one
        // stops the write rather than being left out.
        if let Some(k) = e.key()? {
            keys.push((e.label(), k, e.certificates()));
        }
    }
    let certs: Vec<(&str, &[u8])> = entries
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer)
        .filter_map(|e| Some((e.label(), e.certificate()?)))
        .collect();
    pki::pkcs12::write(&keys, &certs, &state.password, pki::pkcs12::Profile::Modern)
        .map(|z| z.to_vec())
}
