//! The store: a model of labelled entries, kept in one of several file
//! formats, each a codec of its own ([`codec::Codec`]: bytes in, model
//! out, and back; no path, no I/O), listed in the registry
//! ([`formats::FORMATS`]). [`Store`] is the open file (`handle.rs`: path,
//! lock, access, companions) and the model (entries and the codec's state).
//!
//! - [`native`]: kdbman's format (`man/kdbman-kdb.5`);
//! - [`cms`]: IBM CMS `.kdb` with its `.rdb` (`man/kdbman-cms.5`), what IBM
//!   HTTP Server, MQ and Db2 load;
//! - [`pkcs12`]: a PKCS#12 file used as a store.
//!
//! The format is told from the file's content, never its name
//! ([`formats::classify`]); a file that is no store is named for what it is.
//! Labels are compared case-insensitively (Unicode lower case) for
//! uniqueness and lookup, and kept as typed: `Server` and `server` cannot
//! both exist, since a server configured with either would be ambiguous.

pub mod cms;
pub mod codec;
pub mod detect;
pub mod entry;
pub mod fault;
pub mod formats;
mod handle;
mod import;
mod magic;
pub mod native;
pub mod pkcs12;
pub mod renew;
mod trust;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use codec::{DefaultMark, HeaderInfo};
pub use entry::{Entry, EntryKind};
pub use formats::StoreFormat;
pub use handle::Access;
pub use import::{ImportReport, Relabelled};
pub use native::kdf::Kdf;
pub use renew::{ReceiveOutcome, Received, RenewOptions, Renewal, renewal_label};
pub use trust::TrustSet;

use crate::error::{Error, Needed, PasswordProblem, Result, StashProblem};
use crate::file;
use crate::pki;
use crate::secret::Password;
use crate::stash::{Stash, StashFormat, gskit};
use codec::{Decoded, Encoded, Key, Model, NewStore};
use handle::OpenFile;

/// Options for a new store.
#[derive(Debug, Clone)]
pub struct CreateOptions {
    pub format: StoreFormat,
    /// Native stores only.
    pub kdf: Kdf,
    /// Unix seconds after which the password counts as expired (native
    /// stores only: where CMS keeps it is unknown).
    pub password_expires: Option<i64>,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            format: StoreFormat::default(),
            kdf: Kdf::DEFAULT,
            password_expires: None,
        }
    }
}

/// An open store: the open file (path, lock, access) and the model (the
/// entries, and the format's own state kept by its codec).
pub struct Store {
    file: OpenFile,
    model: Box<dyn Model>,
    entries: Vec<Entry>,
    /// Label and key lookup for [`Store::add`], built on first use and
    /// dropped by any change that would shift it.
    index: Option<Index>,
}

/// Shows the path, format and entry count; never a key or password.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.file.path)
            .field("format", &self.format())
            .field("entries", &self.entries.len())
            .field("access", &self.file.access)
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

/// What a CMS store's container says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CmsFacts {
    pub version: cms::Version,
    pub slot_size: u32,
    pub request_db: bool,
    pub secret_keys: usize,
}

/// What a store says about its default personal certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultState<'a> {
    /// This entry is the default.
    Entry(&'a Entry),
    /// The format records a default and this store has none (native).
    NoneSet,
    /// CMS: no personal record carries the mark kdbman reads (flag bit
    /// 1): the store has no default, or GSKit keeps it elsewhere.
    Unmarked,
    /// CMS: several personal records carry the mark (labels in order);
    /// which of them GSKit uses is not known.
    SeveralMarked(Vec<&'a str>),
    /// The format has no default (PKCS#12).
    NotRecorded,
}

/// How the password of an open is known: typed, or from a stash.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    Password(&'a Password),
    Stash(&'a Stash),
}

impl Store {
    /// Creates a new store file (a CMS store: its `.rdb` too); fails if
    /// `path` or its `.rdb` exists.
    pub fn create(path: &Path, password: &Password, options: &CreateOptions) -> Result<Store> {
        Self::create_stashed(path, password, options, |_| Ok(None)).map(|(s, _)| s)
    }

    /// Creates a new store and the stash `stash` makes for it, as one:
    /// every file is created exclusively (anything at one of the names,
    /// a link included, is refused) and all of them appear, or none.
    pub fn create_stashed(
        path: &Path,
        password: &Password,
        options: &CreateOptions,
        stash: impl FnOnce(&Store) -> Result<Option<Stash>>,
    ) -> Result<(Store, Option<Stash>)> {
        check_password(password)?;
        let new = NewStore {
            version: options.format.version(),
            kdf: options.kdf,
            password_expires: options.password_expires,
        };
        let model = options
            .format
            .codec()
            .create(&new, password)
            .map_err(|e| e.at(path))?;
        let mut store = Store {
            file: OpenFile {
                path: path.to_path_buf(),
                lock: None,
                access: Access::Update,
                pending: None,
            },
            model,
            entries: Vec::new(),
            index: None,
        };
        let stash = stash(&store)?;
        let encoded = store.encode()?;
        let mut files = store.files(&encoded);
        if let Some(s) = &stash {
            files.push((s.path().to_path_buf(), s.encode()?.to_vec()));
        }
        let set: Vec<_> = files
            .iter()
            .map(|(p, b)| {
                (
                    p.clone(),
                    b.as_slice(),
                    file::keep::Keep::mine(file::SECRET_MODE),
                )
            })
            .collect();
        file::create_set(&set)?;
        store.file = OpenFile::created(path, file::WriteLock::acquire(path)?);
        store.model.written(&encoded);
        Ok((store, stash))
    }

    /// Reads what a native store's header says, without a password; for
    /// other formats, checks that the file is a store kdbman reads.
    pub fn inspect(path: &Path) -> Result<Option<HeaderInfo>> {
        let pending = file::pending(&file::resolve_for_read(path))?;
        let bytes = match &pending {
            Some(p) => p.read(&file::resolve_for_read(path))?,
            None => file::read(path)?,
        };
        formats::store_format(path, &bytes)?
            .codec()
            .check(&bytes, true)
            .map_err(|e| e.at(path))
    }

    /// What can be refused before a password is asked for: a missing or
    /// unreadable file, one that is not a store, a damaged header. Unlike
    /// [`Store::inspect`], a CMS record count or slot size that disagrees
    /// with the file's length is left for the open, where the password
    /// tells an altered field from a truncated file.
    pub fn check_before_password(path: &Path) -> Result<()> {
        let bytes = file::read(path)?;
        match formats::detect(&bytes) {
            Ok(f) if !f.codec().companions().is_empty() => f
                .codec()
                .check(&bytes, false)
                .map(|_| ())
                .map_err(|e| e.at(path)),
            _ => Self::inspect(path).map(|_| ()),
        }
    }

    /// The format of the store file at `path`, from its content.
    /// A file that is no store kdbman reads is [`Error::NotAStore`], saying
    /// what it is.
    pub fn detect(path: &Path) -> Result<StoreFormat> {
        formats::store_format(path, &file::read(path)?)
    }

    /// What the file at `path` is, from its content.
    pub fn classify(path: &Path) -> Result<detect::FileKind> {
        Ok(formats::classify(&file::read(path)?))
    }

    /// Opens a store with its password.
    pub fn open(path: &Path, password: &Password, access: Access) -> Result<Store> {
        Self::open_with(path, access, Unlock::Password(password), &())
    }

    /// Opens a store with the password held in a stash file.
    pub fn open_stashed(path: &Path, stash: &Stash, access: Access) -> Result<Store> {
        Self::open_with(path, access, Unlock::Stash(stash), &())
    }

    /// [`Store::open`] or [`Store::open_stashed`], doing `meanwhile` on
    /// the entries while the codec still checks them
    /// ([`codec::Codec::decode_meanwhile`]).
    pub fn open_meanwhile(
        path: &Path,
        unlock: Unlock<'_>,
        access: Access,
        meanwhile: &dyn codec::Meanwhile,
    ) -> Result<Store> {
        Self::open_with(path, access, unlock, meanwhile)
    }

    /// Reads, detects, decodes (with the registry's codec) and maps the
    /// codec's outcome to an error about these files.
    fn open_with(
        path: &Path,
        access: Access,
        unlock: Unlock<'_>,
        meanwhile: &dyn codec::Meanwhile,
    ) -> Result<Store> {
        let read = OpenFile::read(path, access)?;
        let codec = formats::store_format(path, &read.bytes)?.codec();
        let companions = read.companions(codec.companions());
        let key = match unlock {
            Unlock::Password(p) => Key::Password(p),
            Unlock::Stash(s) => Key::Stash {
                password: s.password(),
                format: s.format(),
            },
        };
        let via = match unlock {
            Unlock::Stash(s) => Some(s),
            Unlock::Password(_) => None,
        };
        // What the password could not open: the stash's problem when it
        // came from one, else a wrong password.
        let stash_err = |problem| match via {
            Some(stash) => Error::Stash {
                stash: stash.path().to_path_buf(),
                store: path.to_path_buf(),
                problem,
            },
            None => Error::WrongPassword {
                path: path.to_path_buf(),
            },
        };
        let decoded = codec
            .decode_meanwhile(&read.bytes, companions, key, meanwhile)
            .map_err(|e| e.at(path))?;
        let (model, entries) = match decoded {
            Decoded::Opened { model, entries } => (model, entries),
            Decoded::WrongPassword => return Err(stash_err(StashProblem::StaleOrForeign)),
            Decoded::Stash(problem) => return Err(stash_err(problem)),
            Decoded::HeaderDamaged => {
                return Err(Error::DamagedHeader {
                    path: path.to_path_buf(),
                    damage: crate::error::Damage::VerifierMac,
                });
            }
            Decoded::Undecided => {
                return Err(Error::WrongPasswordOrDamaged {
                    path: path.to_path_buf(),
                    stash: via.map(|s| s.path().to_path_buf()),
                });
            }
        };
        model.read_from(path);
        Ok(Store {
            file: read.file,
            model,
            entries,
            index: None,
        })
    }

    /// The commit marker of an interrupted write, when this (read-only)
    /// open found one: the store was read as that write left it (its new
    /// files), and the next command that changes the store completes it.
    pub fn pending_write(&self) -> Option<&Path> {
        self.file.pending.as_deref()
    }

    /// The bytes of the store and its changed companions.
    fn encode(&mut self) -> Result<Encoded> {
        self.model
            .encode(&self.entries)
            .map_err(|e| e.at(&self.file.path))
    }

    /// The files `encoded` is written as: the store first.
    fn files(&self, encoded: &Encoded) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = vec![(self.file.path.clone(), encoded.store.clone())];
        for (ext, bytes) in &encoded.companions {
            files.push((fault::beside(&self.file.path, ext), bytes.clone()));
        }
        files
    }

    /// Writes the store atomically. Needs [`Access::Update`].
    pub fn save(&mut self) -> Result<()> {
        self.save_with(None)
    }

    /// Writes the store and a stash for it as one atomic change, so a
    /// crash never leaves a stash that does not open the store.
    pub fn save_with_stash(&mut self, stash: &Stash) -> Result<()> {
        self.save_with(Some(stash))
    }

    fn save_with(&mut self, stash: Option<&Stash>) -> Result<()> {
        if self.file.access != Access::Update {
            return Err(Error::Usage {
                detail: format!(
                    "{} was opened read-only and cannot be saved",
                    self.file.path.display()
                ),
            });
        }
        let encoded = self.encode()?;
        let mut files = self.files(&encoded);
        if let Some(s) = stash {
            files.push((s.path().to_path_buf(), s.encode()?.to_vec()));
        }
        let set: Vec<(PathBuf, &[u8])> = files
            .iter()
            .map(|(p, b)| (p.clone(), b.as_slice()))
            .collect();
        // The new file is locked before it replaces the old one, so the
        // lock is never let go between two saves.
        self.file.lock = Some(file::replace_set_locked(&set)?);
        self.model.written(&encoded);
        Ok(())
    }

    /// The file format of this store.
    pub fn format(&self) -> StoreFormat {
        StoreFormat::of(self.model.codec(), self.model.version())
    }

    /// The format's own state, if it is `T` (a codec's `State`).
    fn state<T: 'static>(&self) -> Option<&T> {
        self.model.as_any().downcast_ref::<T>()
    }

    fn state_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.model.as_any_mut().downcast_mut::<T>()
    }

    /// The password of an open CMS store (lint judges its strength).
    pub(crate) fn cms_password(&self) -> Option<&Password> {
        self.state::<cms::State>().map(|s| &s.password)
    }

    /// How this store's format records a default certificate.
    pub fn default_mark(&self) -> DefaultMark {
        self.model.codec().supports().default_mark
    }

    /// Whether [`Store::set_default`] can mark a default in this format.
    pub fn can_mark_default(&self) -> bool {
        self.default_mark() != DefaultMark::Absent
    }

    /// Which personal certificate is the default, or why kdbman cannot
    /// tell.
    pub fn default_state(&self) -> DefaultState<'_> {
        let mut marked = self
            .entries
            .iter()
            .filter(|e| e.is_default() && e.kind() == EntryKind::Personal);
        match self.default_mark() {
            DefaultMark::Absent => DefaultState::NotRecorded,
            DefaultMark::Native => marked
                .next()
                .map_or(DefaultState::NoneSet, DefaultState::Entry),
            DefaultMark::CmsFlag => {
                let all: Vec<&Entry> = marked.collect();
                match all.as_slice() {
                    [] => DefaultState::Unmarked,
                    [one] => DefaultState::Entry(one),
                    many => DefaultState::SeveralMarked(many.iter().map(|e| e.label()).collect()),
                }
            }
        }
    }

    /// Whether kdbman can tell which certificate is the default, or that
    /// there is none: always for native stores, for a CMS store when
    /// exactly one personal record carries the mark, never for PKCS#12.
    pub fn default_known(&self) -> bool {
        matches!(
            self.default_state(),
            DefaultState::Entry(_) | DefaultState::NoneSet
        )
    }

    /// CMS container facts: (version, slot size, records in the .kdb,
    /// whether a .rdb exists, secret-key records kept as they are).
    pub fn cms_facts(&self) -> Option<CmsFacts> {
        self.state::<cms::State>().map(|s| CmsFacts {
            version: s.kdb.version,
            slot_size: s.kdb.slot_size,
            request_db: s.request_db(),
            secret_keys: s.secret_keys(),
        })
    }

    /// What was found beside a CMS store (`.rdb`, `.crl`), each read in
    /// its own version; empty for other formats. Front ends show the ones
    /// that could not be used: the store opened without them.
    pub fn cms_companions(&self) -> Vec<cms::Companion> {
        self.state::<cms::State>()
            .map(|s| s.companions(&self.file.path))
            .unwrap_or_default()
    }

    /// A stash of `password` at `path` in this store's own stash format
    /// (kdbman's for native stores, GSKit v2 otherwise).
    pub fn stash_at(&self, path: &Path, password: &Password) -> Stash {
        let format = self.model.stash_format();
        Stash::new(path, format, password)
    }

    /// A GSKit stash of a version for a CMS store (v1 for old GSKit).
    pub fn gskit_stash_at(
        &self,
        path: &Path,
        password: &Password,
        version: gskit::Version,
    ) -> Result<Stash> {
        let format = StashFormat::Gskit(version);
        crate::stash::check_password(&format, password)?;
        Ok(Stash::new(path, format, password))
    }

    /// Decrypts every private key the store still holds sealed (CMS keys
    /// are decrypted on first use only), on every core: for commands that
    /// use them all (`lint` proves every key against its certificate).
    /// The first key that does not decrypt, in store order, is returned as
    /// the damage it is (the store's MAC proved the password).
    pub fn unseal_keys(&self) -> Result<()> {
        unseal_entries(&self.entries)
    }

    pub fn path(&self) -> &Path {
        &self.file.path
    }
    /// The key derivation of a native store (other formats have none).
    pub fn kdf(&self) -> Option<Kdf> {
        self.state::<native::State>().map(|s| s.header.kdf)
    }
    /// The id a native store's stashes are bound to.
    pub fn store_id(&self) -> Option<&[u8; 16]> {
        self.state::<native::State>().map(|s| &s.header.store_id)
    }
    pub fn password_expires(&self) -> Option<i64> {
        self.state::<native::State>()
            .and_then(|s| s.header.password_expires)
    }
    /// Whether the password has expired at `now` (Unix seconds).
    pub fn password_expired_at(&self, now: i64) -> bool {
        self.password_expires().is_some_and(|t| t <= now)
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
                store: self.file.path.clone(),
                label: label.to_string(),
            })
    }

    /// The entry with this label, which must be of kind `kind`.
    pub fn get_kind(&self, label: &str, kind: EntryKind) -> Result<&Entry> {
        let e = self.get(label)?;
        if e.kind() != kind {
            return Err(Error::WrongKind {
                store: self.file.path.clone(),
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

    /// The default personal entry, or why there is none: an error that
    /// says kdbman cannot tell (a CMS store with no mark or several
    /// marks, PKCS#12), or SSL0223E when a native store simply has none.
    pub fn require_default(&self) -> Result<&Entry> {
        let why = match self.default_state() {
            DefaultState::Entry(e) => return Ok(e),
            DefaultState::NoneSet => {
                return Err(Error::NoDefault {
                    store: self.file.path.clone(),
                });
            }
            DefaultState::Unmarked => cms::DEFAULT_UNMARKED.to_string(),
            DefaultState::SeveralMarked(labels) => several_marked(&labels),
            DefaultState::NotRecorded => "a PKCS#12 file has no default certificate".to_string(),
        };
        Err(Error::Unsupported {
            path: self.file.path.clone(),
            what: "tell which certificate is its default",
            why,
            remedy: crate::error::Remedy::NameTheLabel {
                store: self.can_mark_default().then(|| self.file.path.clone()),
            },
        })
    }

    /// The default personal entry, if kdbman can tell which it is.
    pub fn default_entry(&self) -> Option<&Entry> {
        match self.default_state() {
            DefaultState::Entry(e) => Some(e),
            _ => None,
        }
    }

    /// Adds an entry, refusing a duplicate label or key (SSL0217E, SSL0216E).
    pub fn add(&mut self, entry: Entry) -> Result<()> {
        check_label(entry.label())?;
        let index = self
            .index
            .get_or_insert_with(|| Index::build(&self.entries));
        if let Some(&i) = index.labels.get(&fold_label(entry.label())) {
            return Err(Error::DuplicateLabel {
                store: self.file.path.clone(),
                label: entry.label().to_string(),
                existing: self.entries[i].label().to_string(),
            });
        }
        if let Some(&i) = key_ids(&entry).iter().find_map(|k| index.keys.get(k)) {
            return Err(Error::DuplicateKey {
                store: self.file.path.clone(),
                label: entry.label().to_string(),
                existing: self.entries[i].label().to_string(),
            });
        }
        let make_default = entry.is_default();
        if make_default && !self.can_mark_default() {
            return Err(self.default_unsupported());
        }
        let label = entry.label().to_string();
        let chain_signers = match self.model.codec().supports().whole_chains {
            false => self.missing_chain_signers(&entry),
            true => Vec::new(),
        };
        let index = self
            .index
            .get_or_insert_with(|| Index::build(&self.entries));
        index.insert(self.entries.len(), &entry);
        self.entries.push(entry.with_default_flag(false));
        for signer in chain_signers {
            self.index = None;
            self.entries.push(signer);
        }
        if make_default {
            self.set_default(&label)?;
        }
        Ok(())
    }

    /// A CMS personal record holds only its own certificate: the rest of
    /// its chain must be in the store as signers, or the chain is lost.
    /// These are the signer entries to add for that, labelled by their CN.
    fn missing_chain_signers(&self, entry: &Entry) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for cert in entry.certificates().iter().skip(1) {
            let present = self
                .entries
                .iter()
                .chain(out.iter())
                .any(|e| e.certificate() == Some(cert.as_slice()));
            if present {
                continue;
            }
            let base = pki::pkcs12::default_label(cert, "signer");
            let mut label = base.clone();
            let mut n = 2;
            while self
                .entries
                .iter()
                .chain(out.iter())
                .chain(std::iter::once(entry))
                .any(|e| fold_label(e.label()) == fold_label(&label))
            {
                label = format!("{base} ({n})");
                n += 1;
            }
            out.push(Entry::signer(label, cert.clone()));
        }
        out
    }

    /// Labels of signers [`Store::add`] would add for `entry`'s chain.
    pub fn chain_signers_needed(&self, entry: &Entry) -> Vec<String> {
        match self.model.codec().supports().whole_chains {
            false => self
                .missing_chain_signers(entry)
                .iter()
                .map(|e| e.label().to_string())
                .collect(),
            true => Vec::new(),
        }
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
                store: self.file.path.clone(),
                label: new_label.to_string(),
                existing: other.1.label().to_string(),
            });
        }
        self.index = None;
        self.entries[i].set_label(new_label.to_string());
        Ok(())
    }

    /// Makes a personal entry the one default. A CMS store marks it with
    /// flag bit 1 and clears that bit on every other record (the reading
    /// of [`cms::DEFAULT_EVIDENCE`]); PKCS#12 has no default.
    pub fn set_default(&mut self, label: &str) -> Result<()> {
        let i = self.position(label)?;
        if !self.can_mark_default() {
            return Err(self.default_unsupported());
        }
        if self.entries[i].kind() != EntryKind::Personal {
            return Err(Error::WrongKind {
                store: self.file.path.clone(),
                label: self.entries[i].label().to_string(),
                found: self.entries[i].kind(),
                needed: Needed::Personal,
            });
        }
        self.model.clear_default_marks();
        for (j, e) in self.entries.iter_mut().enumerate() {
            e.set_default_flag(j == i);
        }
        Ok(())
    }

    /// Upgrades a CMS store in place to container version `to` (its
    /// companions of an older version with it), for the next save; what
    /// was upgraded, in words. Other formats have no such versions.
    pub fn upgrade_cms(&mut self, to: cms::Version) -> Result<Vec<String>> {
        match self.state_mut::<cms::State>() {
            Some(state) => state.upgrade(to),
            None => Err(Error::Unsupported {
                path: self.file.path.clone(),
                what: "be upgraded in place",
                why: format!("it is a {} store, which has no CMS version", self.format()),
                remedy: crate::error::Remedy::ConvertToCopy,
            }),
        }
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
        self.model
            .change_password(new_password, kdf, password_expires)
            .map_err(|e| e.at(&self.file.path))
    }

    /// Checks a stash against this store without opening anything.
    pub fn stash_problem(&self, stash: &Stash) -> Option<StashProblem> {
        self.model.stash_problem(stash.format(), stash.password())
    }

    /// Why [`Store::set_default`] is refused: PKCS#12 has no default.
    fn default_unsupported(&self) -> Error {
        Error::Unsupported {
            path: self.file.path.clone(),
            what: "mark a default certificate",
            why: "a PKCS#12 file has no default certificate".to_string(),
            remedy: crate::error::Remedy::NameTheLabel { store: None },
        }
    }
}

/// Why a CMS store with several marked records has no default kdbman can
/// name.
pub fn several_marked(labels: &[&str]) -> String {
    let list: Vec<String> = labels
        .iter()
        .map(|l| format!("`{}`", crate::text::escape(l)))
        .collect();
    format!(
        "{} personal records carry the default mark kdbman reads (flag bit 1, known from IBM-made files, not from documentation): {}; which of them GSKit uses is not known",
        labels.len(),
        list.join(", ")
    )
}

fn check_password(p: &Password) -> Result<()> {
    if p.is_empty() {
        return Err(Error::BadPassword {
            reason: PasswordProblem::Empty,
        });
    }
    if p.as_bytes().len() > crate::stash::MAX_PASSWORD {
        return Err(Error::BadPassword {
            reason: PasswordProblem::TooLong {
                max: crate::stash::MAX_PASSWORD,
                format: "a kdbman store",
            },
        });
    }
    Ok(())
}

/// Labels: 1–128 characters, no control characters, not blank.
pub fn check_label(label: &str) -> Result<()> {
    match label_problem(label) {
        None => Ok(()),
        Some(detail) => Err(Error::Usage {
            detail: format!("label `{}` is not usable: {detail}", label.escape_debug()),
        }),
    }
}

/// Why a label is not usable (see [`check_label`]), or None.
pub fn label_problem(label: &str) -> Option<&'static str> {
    if label.trim().is_empty() {
        Some("it is empty")
    } else if label.chars().count() > 128 {
        Some("it is longer than 128 characters")
    } else if label.chars().any(char::is_control) {
        Some("it contains control characters")
    } else {
        None
    }
}

/// The identities by which two entries hold "the same key": the SHA-256 of
/// the subject public key info (from the certificate or request) and of
/// the certificate itself.
pub fn key_ids(entry: &Entry) -> Vec<[u8; 32]> {
    let mut ids = Vec::with_capacity(2);
    if let Some(cert) = entry.certificate() {
        ids.push(pki::sha256(cert));
        // A DER walk, not an X.509 parse: lint runs this on every entry.
        // What the strict walk refuses, x509-parser may still read.
        let spki = pki::der_walk::cert_parts(cert)
            .map(|p| p.spki.to_vec())
            .or_else(|| pki::cert_spki(cert));
        if let Some(spki) = spki {
            ids.push(pki::sha256(&spki));
        }
    } else if let Some(csr) = entry.csr()
        && let Some(spki) = pki::csr_spki(csr)
    {
        ids.push(pki::sha256(&spki));
    }
    ids
}

/// Decrypts every sealed key of `entries` on every core (each keeps its
/// plaintext, or why it has none); the first that does not decrypt, in
/// entry order, as the damage it is. [`Store::unseal_keys`], for entries
/// not in a store yet (lint decrypts them while a CMS MAC is computed).
pub fn unseal_entries(entries: &[Entry]) -> Result<()> {
    let sealed: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.private_key, Some(entry::Key::Sealed(_))))
        .collect();
    if sealed.is_empty() {
        return Ok(());
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, sealed.len());
    let chunk = sealed.len().div_ceil(threads);
    let first_error = std::thread::scope(|s| {
        let workers: Vec<_> = sealed
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().find_map(|e| e.key().err())))
            .collect();
        workers.into_iter().find_map(|w| w.join().unwrap_or(None))
    });
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
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
