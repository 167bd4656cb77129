//! kdbman's native format: an Argon2id- (or PBKDF2-) keyed, AES-256-GCM
//! sealed container that tells a wrong password from damage on its own.
//! Specified in `man/kdbman-kdb.5`.

pub mod format;
pub mod kdf;
pub mod payload;

use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Damage, Error, Result};
use crate::secret::Password;
use crate::store::entry::Entry;
use format::Header;
pub use kdf::Kdf;

/// What a native store keeps besides its entries.
pub struct State {
    pub(crate) header: Header,
    pub(crate) data_key: Zeroizing<[u8; 32]>,
}

impl State {
    /// A fresh header, salt, epoch and data key for `password`.
    pub fn new(kdf: Kdf, password_expires: Option<i64>, password: &Password) -> State {
        let mut header = Header::new(kdf, password_expires);
        let data_key = Zeroizing::new(format::random::<32>());
        let kek = header.kdf.derive(password, &header.salt);
        format::wrap_key(&mut header, &kek, &data_key);
        State { header, data_key }
    }

    /// The file bytes of `entries` under this state.
    pub fn seal(&mut self, entries: &[Entry]) -> Result<Vec<u8>> {
        // Keys copied from a CMS store may still be sealed: a damaged one
        // stops the write rather than being left out.
        for e in entries {
            e.key()?;
        }
        let plain = payload::encode(entries).map_err(|e| Error::Usage {
            detail: format!("cannot encode the entries: {e}"),
        })?;
        Ok(format::seal(&mut self.header, &self.data_key, &plain))
    }
}

/// Whether the password's derived key passes the header's password check.
pub enum Opened {
    Ok(Box<State>, Vec<Entry>),
    WrongPassword,
}

/// Opens native store bytes with `password` (already checked against a
/// stash's binding by the caller, if any).
pub fn open(
    path: &Path,
    bytes: &[u8],
    password_for: impl FnOnce(&Header) -> Result<Password>,
) -> Result<Opened> {
    let parsed = format::parse(path, bytes)?;
    let password = password_for(&parsed.header)?;
    let _permit = bound_kdf(path, &parsed.header.kdf)?;
    let kek = parsed.header.kdf.derive(&password, &parsed.header.salt);
    if !format::password_matches(&parsed.header, &kek) {
        return Ok(Opened::WrongPassword);
    }
    let Some(data_key) = format::unwrap_key(&parsed.header, &kek) else {
        return Err(Error::DamagedHeader {
            path: path.to_path_buf(),
            damage: Damage::SealedFields,
        });
    };
    let plain = format::open_payload(path, &parsed, &data_key)?;
    let entries = payload::decode(&plain).map_err(|detail| Error::DamagedPayload {
        path: path.to_path_buf(),
        damage: Damage::PayloadEncoding { detail },
    })?;
    Ok(Opened::Ok(
        Box::new(State {
            header: parsed.header,
            data_key,
        }),
        entries,
    ))
}

/// Checks a header's key derivation against the per-file caps (beyond the
/// format's own bounds, which parsing checked) and, for Argon2id, waits
/// for its memory to fit in the process-wide budget (`lint --jobs` opens
/// several stores at once): the permit is held while it runs.
fn bound_kdf(path: &Path, kdf: &Kdf) -> Result<Option<crate::limits::MemoryPermit>> {
    let refuse = |over| Error::KdfWorkRefused {
        path: path.to_path_buf(),
        over,
    };
    match *kdf {
        Kdf::Argon2id {
            memory_kib,
            iterations,
            ..
        } => {
            let item = "the header's Argon2id key derivation";
            crate::limits::check_argon2(item, memory_kib, iterations).map_err(refuse)?;
            crate::limits::reserve_memory(item, memory_kib)
                .map(Some)
                .map_err(refuse)
        }
        Kdf::Pbkdf2Sha256 { iterations } => {
            crate::limits::KdfBudget::iterations()
                .charge("the header's PBKDF2 key derivation", u64::from(iterations))
                .map_err(refuse)?;
            Ok(None)
        }
    }
}
