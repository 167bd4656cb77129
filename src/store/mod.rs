//! The store: an encrypted container of labelled entries.
//!
//! Labels are compared case-insensitively (Unicode lower case) for
//! uniqueness and lookup, and kept as typed: `Server` and `server` cannot
//! both exist, since a server configured with either would be ambiguous.

pub mod entry;
pub mod file;
pub mod format;
pub mod kdf;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

pub use entry::{Entry, EntryKind};
pub use kdf::Kdf;

use crate::error::{Damage, Error, Needed, Result, StashProblem};
use crate::pki;
use crate::secret::Password;
use crate::stash::Stash;
use format::Header;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A snapshot for reading; [`Store::save`] is refused.
    Read,
    /// Holds the store's write lock until dropped, so no update is lost.
    Update,
}

/// Options for a new store.
#[derive(Debug, Clone)]
pub struct CreateOptions {
    pub kdf: Kdf,
    /// Unix seconds after which the password counts as expired.
    pub password_expires: Option<i64>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            kdf: Kdf::DEFAULT,
            password_expires: None,
        }
    }
}

/// What can be learnt about a store without its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo {
    pub version: u16,
    pub kdf: Kdf,
    pub password_expires: Option<i64>,
    pub store_id: [u8; 16],
    pub payload_len: u64,
}

/// An open store.
pub struct Store {
    path: PathBuf,
    header: Header,
    data_key: Zeroizing<[u8; 32]>,
    entries: Vec<Entry>,
    lock: Option<file::WriteLock>,
    access: Access,
    /// Label and key lookup for [`Store::add`], built on first use and
    /// dropped by any change that would shift it.
    index: Option<Index>,
}

/// Shows the path, header facts and entry labels; never the data key.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("kdf", &self.header.kdf)
            .field("password_expires", &self.header.password_expires)
            .field("entries", &self.entries.len())
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Index {
    labels: HashMap<String, usize>,
    keys: HashMap<[u8; 32], usize>,
}

impl Index {
    fn build(entries: &[Entry]) -> Index {
        let mut ix = Index::default();
        for (i, e) in entries.iter().enumerate() {
            ix.insert(i, e);
        }
        ix
    }

    fn insert(&mut self, i: usize, e: &Entry) {
        self.labels.entry(fold_label(e.label())).or_insert(i);
        for k in key_ids(e) {
            self.keys.entry(k).or_insert(i);
        }
    }
}

/// Case-folded label for comparisons.
pub fn fold_label(label: &str) -> String {
    label.to_lowercase()
}

impl Store {
    /// Creates a new store file; fails if `path` exists.
    pub fn create(path: &Path, password: &Password, options: &CreateOptions) -> Result<Store> {
        check_password(password)?;
        options.kdf.check().map_err(|limit| Error::Usage {
            detail: format!("key derivation cost refused: {limit}"),
        })?;
        let mut header = Header::new(options.kdf, options.password_expires);
        let data_key = Zeroizing::new(format::random::<32>());
        let kek = header.kdf.derive(password, &header.salt);
        format::wrap_key(&mut header, &kek, &data_key);
        let mut store = Store {
            path: path.to_path_buf(),
            header,
            data_key,
            entries: Vec::new(),
            lock: None,
            access: Access::Update,
            index: None,
        };
        let bytes = store.seal()?;
        file::create_new(path, &bytes)?;
        store.lock = Some(file::WriteLock::acquire(path)?);
        Ok(store)
    }

    /// Reads what the header says, without a password.
    pub fn inspect(path: &Path) -> Result<HeaderInfo> {
        let bytes = file::read(path)?;
        let parsed = format::parse(path, &bytes)?;
        Ok(HeaderInfo {
            version: format::VERSION,
            kdf: parsed.header.kdf,
            password_expires: parsed.header.password_expires,
            store_id: parsed.header.store_id,
            payload_len: parsed.header.payload_len,
        })
    }

    /// Opens a store with its password.
    pub fn open(path: &Path, password: &Password, access: Access) -> Result<Store> {
        Self::open_with(path, access, |_header| Ok(password.clone()), |_| None)
    }

    /// Opens a store with the password held in a stash file.
    pub fn open_stashed(path: &Path, stash: &Stash, access: Access) -> Result<Store> {
        let stash_err = |problem| Error::Stash {
            stash: stash.path().to_path_buf(),
            store: path.to_path_buf(),
            problem,
        };
        Self::open_with(
            path,
            access,
            |header| {
                if stash.store_id() != &header.store_id {
                    return Err(stash_err(StashProblem::Foreign));
                }
                if stash.epoch() != &header.epoch {
                    return Err(stash_err(StashProblem::Stale));
                }
                Ok(stash.password().clone())
            },
            |_| Some(stash_err(StashProblem::Rejected)),
        )
    }

    fn open_with(
        path: &Path,
        access: Access,
        password_for: impl FnOnce(&Header) -> Result<Password>,
        wrong_password: impl FnOnce(()) -> Option<Error>,
    ) -> Result<Store> {
        let (bytes, lock) = match access {
            Access::Read => (file::read(path)?, None),
            Access::Update => {
                let mut lock = file::WriteLock::acquire(path)?;
                (lock.read(path)?, Some(lock))
            }
        };
        let parsed = format::parse(path, &bytes)?;
        let password = password_for(&parsed.header)?;
        let kek = parsed.header.kdf.derive(&password, &parsed.header.salt);
        if !format::password_matches(&parsed.header, &kek) {
            return Err(wrong_password(()).unwrap_or_else(|| Error::WrongPassword {
                path: path.to_path_buf(),
            }));
        }
        let Some(data_key) = format::unwrap_key(&parsed.header, &kek) else {
            return Err(Error::DamagedHeader {
                path: path.to_path_buf(),
                damage: Damage::SealedFields,
            });
        };
        let plain = format::open_payload(path, &parsed, &data_key)?;
        let entries = entry::decode(&plain).map_err(|detail| Error::DamagedPayload {
            path: path.to_path_buf(),
            damage: Damage::PayloadEncoding { detail },
        })?;
        Ok(Store {
            path: path.to_path_buf(),
            header: parsed.header,
            data_key,
            entries,
            lock,
            access,
            index: None,
        })
    }

    fn seal(&mut self) -> Result<Vec<u8>> {
        let plain = entry::encode(&self.entries).map_err(|e| Error::Usage {
            detail: format!("cannot encode the entries: {e}"),
        })?;
        Ok(format::seal(&mut self.header, &self.data_key, &plain))
    }

    /// Writes the store atomically. Needs [`Access::Update`].
    pub fn save(&mut self) -> Result<()> {
        if self.access != Access::Update {
            return Err(Error::Usage {
                detail: format!(
                    "{} was opened read-only and cannot be saved",
                    self.path.display()
                ),
            });
        }
        let bytes = self.seal()?;
        // The new file is locked before it replaces the old one, so the
        // lock is never let go between two saves.
        self.lock = Some(file::replace_locked(&self.path, &bytes)?);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn kdf(&self) -> Kdf {
        self.header.kdf
    }
    pub fn store_id(&self) -> &[u8; 16] {
        &self.header.store_id
    }
    pub(crate) fn epoch(&self) -> &[u8; 16] {
        &self.header.epoch
    }
    pub fn password_expires(&self) -> Option<i64> {
        self.header.password_expires
    }
    /// Whether the password has expired at `now` (Unix seconds).
    pub fn password_expired_at(&self, now: i64) -> bool {
        self.header.password_expires.is_some_and(|t| t <= now)
    }
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this label (case-insensitive).
    pub fn get(&self, label: &str) -> Result<&Entry> {
        self.position(label).map(|i| &self.entries[i])
    }

    fn position(&self, label: &str) -> Result<usize> {
        let folded = fold_label(label);
        self.entries
            .iter()
            .position(|e| e.label() == label)
            .or_else(|| {
                self.entries
                    .iter()
                    .position(|e| fold_label(e.label()) == folded)
            })
            .ok_or_else(|| Error::LabelNotFound {
                store: self.path.clone(),
                label: label.to_string(),
            })
    }

    /// The entry with this label, which must be of kind `kind`.
    pub fn get_kind(&self, label: &str, kind: EntryKind) -> Result<&Entry> {
        let e = self.get(label)?;
        if e.kind() != kind {
            return Err(Error::WrongKind {
                store: self.path.clone(),
                label: e.label().to_string(),
                found: e.kind(),
                needed: match kind {
                    EntryKind::Personal => Needed::Personal,
                    EntryKind::Signer => Needed::Signer,
                    EntryKind::Request => Needed::Request,
                },
            });
        }
        Ok(e)
    }

    /// The default personal entry, if any.
    pub fn default_entry(&self) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.is_default() && e.kind() == EntryKind::Personal)
    }

    /// Adds an entry, refusing a duplicate label or key (SSL0217E, SSL0216E).
    pub fn add(&mut self, entry: Entry) -> Result<()> {
        check_label(entry.label())?;
        let index = self
            .index
            .get_or_insert_with(|| Index::build(&self.entries));
        if let Some(&i) = index.labels.get(&fold_label(entry.label())) {
            return Err(Error::DuplicateLabel {
                store: self.path.clone(),
                label: entry.label().to_string(),
                existing: self.entries[i].label().to_string(),
            });
        }
        if let Some(&i) = key_ids(&entry).iter().find_map(|k| index.keys.get(k)) {
            return Err(Error::DuplicateKey {
                store: self.path.clone(),
                label: entry.label().to_string(),
                existing: self.entries[i].label().to_string(),
            });
        }
        let make_default = entry.is_default();
        let label = entry.label().to_string();
        index.insert(self.entries.len(), &entry);
        self.entries.push(entry.with_default_flag(false));
        if make_default {
            self.set_default(&label)?;
        }
        Ok(())
    }

    /// Adds an entry without any check. Stores written by other tools can
    /// hold duplicate labels and keys; this reproduces them (fixtures, lint
    /// tests, importers of foreign stores). Ordinary code uses [`Store::add`].
    pub fn add_unchecked(&mut self, entry: Entry) {
        self.index = None;
        self.entries.push(entry);
    }

    /// Removes and returns an entry.
    pub fn remove(&mut self, label: &str) -> Result<Entry> {
        let i = self.position(label)?;
        self.index = None;
        Ok(self.entries.remove(i))
    }

    /// Replaces an entry in place (same label), keeping its position.
    pub fn replace(&mut self, label: &str, entry: Entry) -> Result<Entry> {
        let i = self.position(label)?;
        self.index = None;
        Ok(std::mem::replace(&mut self.entries[i], entry))
    }

    /// Renames an entry, refusing a label another entry has.
    pub fn rename(&mut self, label: &str, new_label: &str) -> Result<()> {
        check_label(new_label)?;
        let i = self.position(label)?;
        if let Some(other) = self
            .entries
            .iter()
            .enumerate()
            .find(|(j, e)| *j != i && fold_label(e.label()) == fold_label(new_label))
        {
            return Err(Error::DuplicateLabel {
                store: self.path.clone(),
                label: new_label.to_string(),
                existing: other.1.label().to_string(),
            });
        }
        self.index = None;
        self.entries[i].set_label(new_label.to_string());
        Ok(())
    }

    /// Makes a personal entry the one default.
    pub fn set_default(&mut self, label: &str) -> Result<()> {
        let i = self.position(label)?;
        if self.entries[i].kind() != EntryKind::Personal {
            return Err(Error::WrongKind {
                store: self.path.clone(),
                label: self.entries[i].label().to_string(),
                found: self.entries[i].kind(),
                needed: Needed::Personal,
            });
        }
        for (j, e) in self.entries.iter_mut().enumerate() {
            e.set_default_flag(j == i);
        }
        Ok(())
    }

    /// Changes the password: a new salt, epoch, data key and key wrap, so
    /// an old copy of the file and the old password cannot read what is
    /// written after the change. Old stashes become stale.
    pub fn change_password(
        &mut self,
        new_password: &Password,
        kdf: Option<Kdf>,
        password_expires: Option<i64>,
    ) -> Result<()> {
        check_password(new_password)?;
        let kdf = kdf.unwrap_or(self.header.kdf);
        kdf.check().map_err(|limit| Error::Usage {
            detail: format!("key derivation cost refused: {limit}"),
        })?;
        let mut header = Header::new(kdf, password_expires);
        header.store_id = self.header.store_id;
        let data_key = Zeroizing::new(format::random::<32>());
        let kek = header.kdf.derive(new_password, &header.salt);
        format::wrap_key(&mut header, &kek, &data_key);
        self.header = header;
        self.data_key = data_key;
        Ok(())
    }

    /// Checks a stash against this store without opening anything.
    pub fn stash_problem(&self, stash: &Stash) -> Option<StashProblem> {
        if stash.store_id() != self.store_id() {
            Some(StashProblem::Foreign)
        } else if stash.epoch() != self.epoch() {
            Some(StashProblem::Stale)
        } else {
            None
        }
    }
}

fn check_password(p: &Password) -> Result<()> {
    if p.is_empty() {
        return Err(Error::BadPassword {
            reason: "it is empty",
        });
    }
    if p.as_bytes().len() > crate::stash::MAX_PASSWORD {
        return Err(Error::BadPassword {
            reason: "it is longer than 1024 bytes",
        });
    }
    Ok(())
}

/// Labels: 1–128 characters, no control characters, not blank.
pub fn check_label(label: &str) -> Result<()> {
    let bad = |detail: &str| {
        Err(Error::Usage {
            detail: format!("label `{}` is not usable: {detail}", label.escape_debug()),
        })
    };
    if label.trim().is_empty() {
        return bad("it is empty");
    }
    if label.chars().count() > 128 {
        return bad("it is longer than 128 characters");
    }
    if label.chars().any(char::is_control) {
        return bad("it contains control characters");
    }
    Ok(())
}

/// The identities by which two entries hold "the same key": the SHA-256 of
/// the subject public key info (from the certificate or request) and of
/// the certificate itself.
pub fn key_ids(entry: &Entry) -> Vec<[u8; 32]> {
    let mut ids = Vec::with_capacity(2);
    if let Some(cert) = entry.certificate() {
        ids.push(pki::sha256(cert));
        if let Some(spki) = pki::cert_spki(cert) {
            ids.push(pki::sha256(&spki));
        }
    } else if let Some(csr) = entry.csr()
        && let Some(spki) = pki::csr_spki(csr)
    {
        ids.push(pki::sha256(&spki));
    }
    ids
}

/// Groups of entries (by index) that share a key: for lint, in linear time.
pub fn duplicate_keys(entries: &[Entry]) -> Vec<Vec<usize>> {
    let mut by_id: HashMap<[u8; 32], Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for id in key_ids(e) {
            let v = by_id.entry(id).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = by_id.into_values().filter(|v| v.len() > 1).collect();
    groups.sort();
    groups.dedup();
    groups
}

/// Groups of entries (by index) that share a label, case-insensitively.
pub fn duplicate_labels(entries: &[Entry]) -> Vec<Vec<usize>> {
    let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_label.entry(fold_label(e.label())).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_label.into_values().filter(|v| v.len() > 1).collect();
    groups.sort();
    groups
}
