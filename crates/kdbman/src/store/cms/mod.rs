//! IBM CMS key databases: the `.kdb` (keys and signers) with its `.rdb`
//! (pending requests) and `.crl` (revocation lists) beside it, as GSKit,
//! IHS, MQ and Db2 read them. Specified in `man/kdbman-cms.5`.
//!
//! Each file is read, verified and rewritten by its own version byte (IBM's
//! Java tooling puts a v3 `.rdb` beside v4 and v6 `.kdb` files). A
//! companion that is missing, empty or unusable never stops the `.kdb`
//! from opening: what was found is reported ([`Companion`]), and only a
//! change that must rewrite an unusable companion is refused.
//!
//! [`container`] and [`record`] are pure codecs; [`keycrypt`] encrypts
//! private keys. This module turns their records into [`Entry`]s and
//! back, and decides between a wrong password and damage.
//!
//! Opening proves the password with the file's own MACs (the verifier,
//! then the integrity MAC over every slot) and decrypts no private key:
//! each stays sealed in its entry ([`SealedKey`]) until a command uses it
//! (extract, export, serve, lint's key-certificate check, conversion,
//! signing), once, and is zeroized with the entry. A key whose bytes are
//! damaged behind intact MACs is therefore not noticed by listing; it is
//! reported as damage by whatever decrypts it (`lint` decrypts them all).
//! A rewrite in the same version under the same password keeps every
//! sealed key's bytes as read: the encryption of a key depends only on
//! the password and the parameters (salt, IV) inside its own bytes.
//!
//! What the format does not say, kdbman does not guess: where GSKit keeps
//! the password expiry is unknown, so a CMS store reports none. The
//! default key is read from flag bit 1, on evidence rather than
//! documentation (see [`DEFAULT_EVIDENCE`]).

mod codec;
pub mod container;
pub mod keycrypt;
pub mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::error::{Damage, Error, Result};
use crate::pki;
use crate::secret::{Password, PrivateKey};
use crate::store::codec::Meanwhile;
use crate::store::entry::{Entry, EntryKind, Key};
pub use crate::store::fault::Beside;
use crate::store::fault::{CodecError, CodecResult, Encoded, Fault, Part, Problem};
pub use codec::{CODEC, CmsCodec};
pub use container::{Kind, Version};
use keycrypt::KeyError;
use record::{Body, Record};

/// What kdbman's reading of a CMS default rests on, for output and docs.
pub const DEFAULT_EVIDENCE: &str = "kdbman reads flag bit 1 of a CMS record as the default mark, on evidence from IBM-made files; IBM does not document where GSKit keeps the default";

/// Why a CMS store with no marked record may still have a default.
pub const DEFAULT_UNMARKED: &str = "no record carries the default mark kdbman reads (flag bit 1 of the record, known from IBM-made files, not from documentation): either the store has no default, or GSKit keeps it where kdbman cannot read it";

/// The request database beside a key database: `NAME.rdb` for `NAME.kdb`.
pub fn rdb_path(kdb: &Path) -> PathBuf {
    crate::store::fault::beside(kdb, RDB)
}

/// The CRL database beside a key database: `NAME.crl` for `NAME.kdb`.
pub fn crl_path(kdb: &Path) -> PathBuf {
    crate::store::fault::beside(kdb, CRL)
}

/// The request database's extension.
pub const RDB: &str = "rdb";
/// The CRL database's extension.
pub const CRL: &str = "crl";

/// The companion's extension.
fn ext_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Crls => CRL,
        _ => RDB,
    }
}

/// The companions' bytes given to [`open`].
#[derive(Debug)]
pub struct Besides {
    pub rdb: Beside,
    pub crl: Beside,
}

impl Besides {
    /// Neither companion exists.
    pub fn none() -> Besides {
        Besides {
            rdb: Beside::Absent,
            crl: Beside::Absent,
        }
    }
}

/// A companion file (`.rdb`, `.crl`) as the open store knows it.
#[derive(Debug)]
enum CompanionFile {
    Absent,
    /// Zero bytes: holds nothing, so a write that needs it replaces it.
    Empty,
    /// Read and verified in its own version (or new: `written` is `None`).
    /// Rewritten in that version, and only when its bytes change.
    Intact {
        params: FileParams,
        records: usize,
        /// SHA-256 of the bytes on disk, as read or last written.
        written: Option<[u8; 32]>,
    },
    /// There, but not usable: why. Reads go on without it; a change that
    /// must rewrite it is refused.
    Unusable(Problem),
}

/// What was found beside the `.kdb`, for front ends to show.
#[derive(Debug, Clone)]
pub struct Companion {
    pub path: PathBuf,
    pub kind: Kind,
    pub found: Found,
}

/// The state of one companion file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Found {
    /// No such file (the store has no pending requests, or no CRLs).
    Absent,
    /// A file of zero bytes: read as holding nothing.
    Empty,
    /// Verified with the store's password, in its own container version.
    Intact { version: Version, records: usize },
    /// Could not be used (damaged, another store's, a version kdbman does
    /// not read, unreadable): what stopped it. Read-only commands go on
    /// without it; a change that must rewrite it is refused.
    Unusable(Arc<Error>),
}

impl Found {
    /// The problem, if the file is there but not usable.
    pub fn problem(&self) -> Option<&Error> {
        match self {
            Found::Unusable(e) => Some(e),
            _ => None,
        }
    }
}

/// What a CMS record held that an [`Entry`] does not: kept so a rewrite
/// leaves GSKit's bytes as they were.
#[derive(Clone)]
struct Original {
    record_type: u32,
    flags: Vec<u8>,
    label: Vec<u8>,
}

/// What the sealed keys of one file share: the password that proved it
/// and the file (for the damage a key that does not decrypt is: its part,
/// and the store's path once whoever read it says where from).
struct SealedFile {
    password: Password,
    part: Part,
    store: OnceLock<PathBuf>,
    /// The container version: each has its own key scheme.
    version: Version,
}

/// A private key as its CMS record holds it (EncryptedPrivateKeyInfo),
/// decrypted on first use: the plaintext is kept (zeroized on drop) so
/// the key is decrypted once however often it is used.
pub struct SealedKey {
    file: Arc<SealedFile>,
    encrypted: Vec<u8>,
    /// The slot (1-based) and label of the record, for the damage report.
    record: usize,
    label: String,
    plain: OnceLock<std::result::Result<PrivateKey, String>>,
}

impl std::fmt::Debug for SealedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedKey(record {})", self.record)
    }
}

impl crate::store::entry::Sealed for SealedKey {
    /// The key, decrypted now if this is its first use; why not, if it
    /// does not decrypt (the file's MAC has proved the password).
    fn plain(&self) -> std::result::Result<&PrivateKey, String> {
        self.plain
            .get_or_init(|| {
                let label = || record::label_text(self.label.as_bytes());
                match keycrypt::decrypt(&self.encrypted, &self.file.password) {
                    Ok(plain) => Ok(PrivateKey::from_pkcs8_der(plain.to_vec())),
                    Err(KeyError::Rejected) => Err(format!(
                        "the private key of `{}` does not decrypt although the password is right",
                        label()
                    )),
                    Err(KeyError::TooCostly(n)) => Err(format!(
                        "the private key of `{}` asks for {n} PBKDF2 iterations (refused without running it)",
                        label()
                    )),
                    Err(KeyError::Malformed(m)) => Err(format!(
                        "the private key of `{}` is malformed: {m}",
                        label()
                    )),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The damage a key that does not decrypt is, in its file and record.
    fn damage(&self, detail: String) -> Error {
        let store = self.file.store.get().cloned().unwrap_or_default();
        CodecError::payload(
            self.file.part,
            Damage::Record {
                index: self.record,
                detail,
            },
        )
        .at(&store)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl SealedKey {
    /// The bytes as read, if they can go into a file of `version` sealed
    /// with `password` unchanged.
    fn reusable(&self, version: Version, password: &Password) -> Option<&[u8]> {
        (self.file.version == version && self.file.password.as_bytes() == password.as_bytes())
            .then_some(self.encrypted.as_slice())
    }
}

/// One container file's own parameters.
#[derive(Debug, Clone, Copy)]
pub struct FileParams {
    pub version: Version,
    pub salt: [u8; 24],
    pub slot_size: u32,
}

impl FileParams {
    pub fn new(version: Version) -> FileParams {
        FileParams {
            version,
            salt: container::new_salt(),
            slot_size: container::DEFAULT_SLOT_SIZE,
        }
    }
}

/// What a CMS store keeps besides its entries.
pub struct State {
    pub(crate) password: Password,
    pub(crate) kdb: FileParams,
    rdb: CompanionFile,
    crl: CompanionFile,
    /// Set by [`State::change_password`]: every companion must be
    /// rewritten under the new password.
    password_changed: bool,
    originals: HashMap<[u8; 32], Original>,
    /// Records kdbman does not model (secret keys): written back as read.
    passthrough: Vec<Record>,
    /// The files whose keys are sealed in the entries.
    sealed: Vec<Arc<SealedFile>>,
}

impl State {
    /// A new, empty store: `.kdb` and `.rdb` of `version` (no `.crl`).
    pub fn new(version: Version, password: &Password) -> State {
        State {
            password: password.clone(),
            kdb: FileParams::new(version),
            rdb: CompanionFile::Intact {
                params: FileParams::new(version),
                records: 0,
                written: None,
            },
            crl: CompanionFile::Absent,
            password_changed: false,
            originals: HashMap::new(),
            passthrough: Vec::new(),
            sealed: Vec::new(),
        }
    }

    /// The store was read from `kdb_path`: where the damage of a sealed
    /// key found later is.
    pub fn read_from(&self, kdb_path: &Path) {
        for f in &self.sealed {
            let _ = f.store.set(kdb_path.to_path_buf());
        }
    }

    /// Whether the `.rdb` was read and verified (or is new).
    pub fn request_db(&self) -> bool {
        matches!(self.rdb, CompanionFile::Intact { .. })
    }

    /// What was found beside the `.kdb` at `kdb_path`: `.rdb`, then `.crl`.
    pub fn companions(&self, kdb_path: &Path) -> Vec<Companion> {
        let report = |path: PathBuf, kind, file: &CompanionFile| Companion {
            path,
            kind,
            found: match file {
                CompanionFile::Absent => Found::Absent,
                CompanionFile::Empty => Found::Empty,
                CompanionFile::Intact {
                    params, records, ..
                } => Found::Intact {
                    version: params.version,
                    records: *records,
                },
                CompanionFile::Unusable(e) => Found::Unusable(e.at(kdb_path)),
            },
        };
        vec![
            report(rdb_path(kdb_path), Kind::Requests, &self.rdb),
            report(crl_path(kdb_path), Kind::Crls, &self.crl),
        ]
    }

    /// The files of `written` (as [`encode`] made them) are on disk now:
    /// the next [`encode`] compares with them.
    pub fn written(&mut self, written: &Encoded) {
        for (ext, bytes) in &written.companions {
            let file = match *ext {
                RDB => &mut self.rdb,
                CRL => &mut self.crl,
                _ => continue,
            };
            if let Ok(l) = container::decode(bytes) {
                *file = CompanionFile::Intact {
                    params: FileParams {
                        version: l.version,
                        salt: l.salt,
                        slot_size: l.slot_size,
                    },
                    records: l.count(),
                    written: Some(pki::sha256(bytes)),
                };
            }
        }
        self.password_changed = false;
    }

    pub fn version(&self) -> Version {
        self.kdb.version
    }

    /// Secret-key records kept as they are (kdbman does not manage them).
    pub fn secret_keys(&self) -> usize {
        self.passthrough.len()
    }

    /// Switches to a new password: fresh salts, every key re-encrypted on
    /// the next save (secret keys now).
    pub fn change_password(&mut self, new: &Password) -> Result<()> {
        let old = self.password.clone();
        for rec in &mut self.passthrough {
            if let Body::SecretKey { key } = &mut rec.body {
                let raw = keycrypt::decrypt_raw(key, &old).map_err(|_| Error::Usage {
                    detail: "a secret key of the store does not decrypt; nothing was changed"
                        .into(),
                })?;
                *key = keycrypt::encrypt_for(self.kdb.version, &raw, new);
            }
        }
        // Sealed keys are re-encrypted on the next save: they were sealed
        // with the old password.
        self.password = new.clone();
        self.password_changed = true;
        self.kdb.salt = container::new_salt();
        for file in [&mut self.rdb, &mut self.crl] {
            if let CompanionFile::Intact { params, .. } = file {
                params.salt = container::new_salt();
            }
        }
        Ok(())
    }

    /// Upgrades the `.kdb` to container version `to` (never down), and
    /// each intact companion of an older version with it: fresh salts, and
    /// every key re-encrypted in the new version's scheme on the next
    /// save. Returns what was upgraded and what was left, in words. A
    /// CRL database that holds records (which kdbman does not read) and
    /// a companion that could not be read keep their version.
    pub fn upgrade(&mut self, to: Version) -> Result<Vec<String>> {
        let from = self.kdb.version;
        if to.number() < from.number() {
            return Err(Error::Usage {
                detail: format!(
                    "a CMS v{} store is not converted down to v{} in place; name --target to write a copy of another version",
                    from.number(),
                    to.number()
                ),
            });
        }
        let mut notes = Vec::new();
        if to == from {
            notes.push(format!(
                "the key database is CMS v{} already",
                from.number()
            ));
        } else {
            for rec in &mut self.passthrough {
                if let Body::SecretKey { key } = &mut rec.body {
                    let raw =
                        keycrypt::decrypt_raw(key, &self.password).map_err(|_| Error::Usage {
                            detail:
                                "a secret key of the store does not decrypt; nothing was changed"
                                    .into(),
                        })?;
                    *key = keycrypt::encrypt_for(to, &raw, &self.password);
                }
            }
            self.kdb.version = to;
            self.kdb.salt = container::new_salt();
            notes.push(format!(
                "key database: CMS v{} to v{}, every private key re-encrypted",
                from.number(),
                to.number()
            ));
        }
        for (name, file) in [(".rdb", &mut self.rdb), (".crl", &mut self.crl)] {
            match file {
                CompanionFile::Intact {
                    params, records, ..
                } if params.version.number() < to.number() => {
                    if name == ".crl" && *records > 0 {
                        notes.push(format!(
                            "{name}: kept as CMS v{} (it holds {records} CRL records kdbman does not read)",
                            params.version.number()
                        ));
                        continue;
                    }
                    notes.push(format!(
                        "{name}: CMS v{} to v{}",
                        params.version.number(),
                        to.number()
                    ));
                    params.version = to;
                    params.salt = container::new_salt();
                }
                CompanionFile::Unusable(_) => {
                    notes.push(format!("{name}: not usable, left as it is"));
                }
                _ => {}
            }
        }
        Ok(notes)
    }

    /// Whether a password is this store's (no I/O).
    pub fn password_is(&self, pw: &Password) -> bool {
        self.password.as_bytes() == pw.as_bytes()
    }

    /// Clears the default mark (flag bit 1) kept for every record, before
    /// one is marked: on signers, requests and secret keys too, so the
    /// store ends with one mark. Personal records take theirs from
    /// [`Entry::is_default`] when written.
    pub(crate) fn clear_default_marks(&mut self) {
        for o in self.originals.values_mut() {
            record::set_flag_bit(&mut o.flags, record::BIT_DEFAULT, false);
        }
        for r in &mut self.passthrough {
            record::set_flag_bit(&mut r.flags, record::BIT_DEFAULT, false);
        }
    }
}

/// The identity a record is remembered by: its certificate or request.
fn identity(e: &Entry) -> Option<[u8; 32]> {
    e.certificate().or(e.csr()).map(pki::sha256)
}

/// What happened when the password was tried.
pub enum Opened {
    Ok(Box<State>, Vec<Entry>),
    /// The verifier rejected it, and a private key proved it wrong.
    WrongPassword,
    /// The verifier rejected it, but a private key decrypts with it: the
    /// password is right and the header is damaged.
    HeaderDamaged,
    /// The verifier rejected it, and nothing in the store can decide
    /// between a wrong password and a damaged header.
    Undecided,
}

fn damaged_payload(part: Part, damage: Damage) -> CodecError {
    CodecError::payload(part, damage)
}

/// Records of a container, with the slot index of any that is malformed.
/// In v3, whose integrity value is an XOR that cannot see the order of
/// the slots, a record whose number is not its place (1..n) is malformed.
fn records(layout: &container::Layout<'_>) -> Vec<(usize, std::result::Result<Record, String>)> {
    let ordered = layout.version == Version::V3;
    layout
        .slots()
        .enumerate()
        .map(|(i, s)| {
            let r = record::decode_slot(s).and_then(|rec| match rec.number {
                n if ordered && n as usize != i + 1 => Err(format!(
                    "it carries record number {n} in slot {} (records moved or damaged)",
                    i + 1
                )),
                _ => Ok(rec),
            });
            (i, r)
        })
        .collect()
}

/// Charges the derivation of every record's private key to `budget`,
/// refusing the file (naming the record, its count and the total) when
/// the keys together ask for more than the cap.
fn charge_keys(
    part: Part,
    recs: &[(usize, std::result::Result<Record, String>)],
    budget: &mut crate::limits::KdfBudget,
) -> CodecResult<()> {
    for (i, rec) in recs {
        let Ok(rec) = rec else { continue };
        let key = match &rec.body {
            Body::Personal { key, .. } | Body::Request { key, .. } => key,
            _ => continue,
        };
        let Some(work) = keycrypt::work(key) else {
            continue;
        };
        let item = || {
            format!(
                "the private key of `{}` (record {})",
                record::label_text(&rec.label),
                i + 1
            )
        };
        budget.charge_for(item, work).map_err(|over| CodecError {
            part,
            fault: Fault::KdfWorkRefused(over),
        })?;
    }
    Ok(())
}

/// Opens a `.kdb` with `password`, and reads its companions (`.rdb`,
/// `.crl`) each in its own version. Only the `.kdb` decides whether the
/// store opens: a companion's problem is recorded in the state (see
/// [`State::companions`]), never returned. Errors name `kdb_path`.
pub fn open(kdb_path: &Path, kdb: &[u8], besides: Besides, password: &Password) -> Result<Opened> {
    let opened = decode(kdb, besides, password, &()).map_err(|e| e.at(kdb_path))?;
    if let Opened::Ok(state, _) = &opened {
        state.read_from(kdb_path);
    }
    Ok(opened)
}

/// [`open`] without a path: the bytes of a `.kdb` and its companions.
pub fn decode(
    kdb: &[u8],
    besides: Besides,
    password: &Password,
    meanwhile: &dyn Meanwhile,
) -> CodecResult<Opened> {
    let layout = container::decode_header(kdb)?;
    if layout.kind != Kind::Keys {
        return Err(CodecError::store(Fault::CompanionGiven {
            what: if layout.kind == Kind::Requests {
                "request"
            } else {
                "CRL"
            },
            ext: ext_of(layout.kind),
        }));
    }
    let header_damage = |damage| CodecError::header(Part::Store, damage);
    // Every key's derivation, in both files, is charged to one budget
    // before any runs: a file asking for more in total is refused.
    let budget = &mut crate::limits::KdfBudget::iterations();
    if !layout.password_matches(password) {
        // The count and slot size are under the verifier: putting back
        // the values the length implies may prove the password right.
        if let Some(damage) = layout.altered_field(password) {
            return Err(header_damage(damage));
        }
        let mut recs = records(&layout);
        charge_keys(Part::Store, &recs, budget)?;
        // No key in the .kdb: the requests' keys in the .rdb can decide.
        if let Beside::Bytes(b) = &besides.rdb
            && let Ok(l) = container::decode(b)
        {
            let more = records(&l);
            charge_keys(Part::Companion(RDB), &more, budget)?;
            recs.extend(more);
        }
        return match (prove_password(&recs, password), layout.misfit()) {
            (Opened::HeaderDamaged, _) => Ok(Opened::HeaderDamaged),
            // Whatever the password, a length that disagrees with the
            // header is damage.
            (_, Some(damage)) => Err(header_damage(damage.clone())),
            (other, None) => Ok(other),
        };
    }
    // The verifier vouches for the count and slot size: a length that
    // disagrees is truncation or bytes added.
    if let Some(damage) = layout.misfit() {
        return Err(header_damage(damage.clone()));
    }
    // The integrity MAC covers every slot (50 MB for 10,000 records in
    // GSKit's 5000-byte slots): one core computes it while the other
    // decodes the records and builds the entries. Nothing decoded counts
    // until it has passed: a failed MAC is the answer whatever the
    // records hold. No key is decrypted: the MACs proved the password.
    let (integrity, opened) = std::thread::scope(|s| {
        let mac = s.spawn(|| layout.integrity_matches(password));
        let recs = records(&layout);
        let opened = charge_keys(Part::Store, &recs, budget)
            .and_then(|()| entries_of(&layout, recs, besides, password));
        if let Ok(Opened::Ok(_, entries)) = &opened {
            meanwhile.decoded(entries);
        }
        let ok = match mac.join() {
            Ok(ok) => ok,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (ok, opened)
    });
    if !integrity {
        return Err(damaged_payload(Part::Store, Damage::IntegrityMac));
    }
    opened
}

/// The model and entries of a `.kdb` whose password is proven, from its
/// records and its companions.
fn entries_of(
    layout: &container::Layout<'_>,
    recs: Vec<(usize, std::result::Result<Record, String>)>,
    besides: Besides,
    password: &Password,
) -> CodecResult<Opened> {
    let kdb_file = Arc::new(SealedFile {
        password: password.clone(),
        part: Part::Store,
        store: OnceLock::new(),
        version: layout.version,
    });
    let mut all: Vec<(Record, usize, &Arc<SealedFile>)> = slots_or_damage(Part::Store, recs)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| (r, i + 1, &kdb_file))
        .collect();
    let (rdb, requests) = open_companion(besides.rdb, Kind::Requests, password);
    let rdb_file;
    let mut sealed = vec![kdb_file.clone()];
    if let Some((recs, version)) = requests {
        rdb_file = Arc::new(SealedFile {
            password: password.clone(),
            part: Part::Companion(RDB),
            store: OnceLock::new(),
            version,
        });
        sealed.push(rdb_file.clone());
        all.extend(
            recs.into_iter()
                .enumerate()
                .map(|(i, r)| (r, i + 1, &rdb_file)),
        );
    }
    let (crl, _) = open_companion(besides.crl, Kind::Crls, password);
    let mut state = State {
        password: password.clone(),
        kdb: FileParams {
            version: layout.version,
            salt: layout.salt,
            slot_size: layout.slot_size,
        },
        rdb,
        crl,
        password_changed: false,
        originals: HashMap::new(),
        passthrough: Vec::new(),
        sealed,
    };
    let mut entries = Vec::with_capacity(all.len());
    for (rec, slot, file) in all {
        let label = record::label_text(&rec.label);
        let trusted = rec.trusted();
        let default_mark = rec.default_mark();
        let sealed = |encrypted: Vec<u8>, label: &str| {
            Key::Sealed(Arc::new(SealedKey {
                file: Arc::clone(file),
                encrypted,
                record: slot,
                label: label.to_string(),
                plain: OnceLock::new(),
            }))
        };
        let entry = match rec.body {
            Body::Signer { cert } => Entry {
                certificates: vec![cert],
                ..Entry::empty(label, EntryKind::Signer)
            }
            .with_trust(trusted),
            Body::Personal { cert, key } => Entry {
                certificates: vec![cert],
                private_key: Some(sealed(key, &label)),
                ..Entry::empty(label, EntryKind::Personal)
            }
            .with_default_flag(default_mark),
            Body::Request { csr, key } => Entry {
                request: Some(csr),
                private_key: Some(sealed(key, &label)),
                ..Entry::empty(label, EntryKind::Request)
            },
            body @ Body::SecretKey { .. } => {
                state.passthrough.push(Record { body, ..rec });
                continue;
            }
        };
        if let Some(id) = identity(&entry) {
            state.originals.insert(
                id,
                Original {
                    record_type: rec.record_type,
                    flags: rec.flags,
                    label: rec.label,
                },
            );
        }
        entries.push(entry.with_created(0));
    }
    assemble_chains(&mut entries);
    Ok(Opened::Ok(Box::new(state), entries))
}

/// A companion's records (their keys still sealed) and its version.
type CompanionRecords = (Vec<Record>, Version);

/// Reads a companion in its own version with the `.kdb`'s (proven)
/// password: its state, and (`.rdb`) its records when it is intact (their
/// keys sealed, like the `.kdb`'s). Every problem becomes
/// [`CompanionFile::Unusable`].
fn open_companion(
    found: Beside,
    kind: Kind,
    password: &Password,
) -> (CompanionFile, Option<CompanionRecords>) {
    let bytes = match found {
        Beside::Absent => return (CompanionFile::Absent, None),
        Beside::Unreadable(e) => {
            return (CompanionFile::Unusable(Problem::Read(Arc::new(e))), None);
        }
        Beside::Bytes(b) if b.is_empty() => return (CompanionFile::Empty, None),
        Beside::Bytes(b) => b,
    };
    match read_companion(&bytes, kind, password) {
        Ok((params, count, recs)) => (
            CompanionFile::Intact {
                params,
                records: count,
                written: Some(pki::sha256(&bytes)),
            },
            Some(recs),
        ),
        Err(e) => (CompanionFile::Unusable(Problem::Fault(Box::new(e))), None),
    }
}

fn read_companion(
    bytes: &[u8],
    kind: Kind,
    password: &Password,
) -> CodecResult<(FileParams, usize, CompanionRecords)> {
    let part = Part::Companion(ext_of(kind));
    let in_part = |e: CodecError| CodecError { part, ..e };
    let l = container::decode_header(bytes).map_err(in_part)?;
    if l.kind != kind {
        return Err(CodecError::header(
            part,
            Damage::HeaderField {
                field: match kind {
                    Kind::Crls => "type tag (not a CRL database)",
                    _ => "type tag (not a request database)",
                },
            },
        ));
    }
    if !l.password_matches(password) {
        // The .kdb proved the password: the companion is another store's,
        // or its header is damaged.
        return Err(CodecError::header(
            part,
            l.altered_field(password)
                .unwrap_or(Damage::CompanionMismatch),
        ));
    }
    if let Some(damage) = l.misfit() {
        return Err(CodecError::header(part, damage.clone()));
    }
    if !l.integrity_matches(password) {
        return Err(damaged_payload(part, Damage::IntegrityMac));
    }
    let params = FileParams {
        version: l.version,
        salt: l.salt,
        slot_size: l.slot_size,
    };
    if kind == Kind::Crls {
        // CRL records are not read (only empty CRL databases have been
        // seen): their number is kept, and they are never rewritten.
        return Ok((params, l.count(), (Vec::new(), l.version)));
    }
    let recs = records(&l);
    // A companion is a file of its own: its keys have a budget of their own.
    charge_keys(part, &recs, &mut crate::limits::KdfBudget::iterations())?;
    let recs = slots_or_damage(part, recs)?;
    Ok((params, recs.len(), (recs, l.version)))
}

/// The verifier said no: a private key decides whether the password is
/// wrong (GSKit's 5 PBKDF2 iterations make this cheap).
fn prove_password(
    recs: &[(usize, std::result::Result<Record, String>)],
    password: &Password,
) -> Opened {
    for (_, r) in recs {
        let Ok(rec) = r else { continue };
        let key = match &rec.body {
            Body::Personal { key, .. } | Body::Request { key, .. } => key,
            _ => continue,
        };
        match keycrypt::decrypt(key, password) {
            Ok(_) => return Opened::HeaderDamaged,
            Err(KeyError::Rejected) => return Opened::WrongPassword,
            Err(_) => continue,
        }
    }
    Opened::Undecided
}

/// One file's per-slot results (records, or their keys once the MACs
/// passed), or the first failure as damage of that slot.
fn slots_or_damage<T>(
    part: Part,
    results: impl IntoIterator<Item = (usize, std::result::Result<T, String>)>,
) -> CodecResult<Vec<T>> {
    results
        .into_iter()
        .map(|(i, r)| {
            r.map_err(|detail| {
                damaged_payload(
                    part,
                    Damage::Record {
                        index: i + 1,
                        detail,
                    },
                )
            })
        })
        .collect()
}

/// Personal records hold only their own certificate; the chain is the
/// store's signers, found by issuer name (as GSKit builds it).
fn assemble_chains(entries: &mut [Entry]) {
    let mut by_subject: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
    let mut names: Vec<Option<(Vec<u8>, Vec<u8>)>> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let n = e
            .certificate()
            .and_then(record::cert_names)
            .map(|(s, i)| (s.to_vec(), i.to_vec()));
        if e.kind() == EntryKind::Signer
            && let Some((subject, _)) = &n
        {
            by_subject.entry(subject.clone()).or_default().push(i);
        }
        names.push(n);
    }
    for i in 0..entries.len() {
        if entries[i].kind() != EntryKind::Personal {
            continue;
        }
        let Some((mut subject, mut issuer)) = names[i].clone() else {
            continue;
        };
        let mut chain = vec![entries[i].certificates[0].clone()];
        while subject != issuer && chain.len() < 10 {
            let Some(&j) = by_subject.get(&issuer).and_then(|v| v.first()) else {
                break;
            };
            let Some(cert) = entries[j].certificate() else {
                break;
            };
            if chain.iter().any(|c| c.as_slice() == cert) {
                break;
            }
            chain.push(cert.to_vec());
            let Some((s, iss)) = names[j].clone() else {
                break;
            };
            (subject, issuer) = (s, iss);
        }
        entries[i].certificates = chain;
    }
}

/// The files to write for `entries`, laid out as GSKit lays them out: the
/// `.kdb` first, then each companion that must change, in its own
/// version. A companion whose bytes would not change is left alone; one
/// that could not be read when the store was opened is never written, and
/// a change that needs it rewritten (requests, a new password) is refused
/// before anything is written.
pub fn encode(
    kdb_path: &Path,
    state: &State,
    entries: &[Entry],
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let encoded = encode_files(state, entries).map_err(|e| e.at(kdb_path))?;
    let mut files = vec![(kdb_path.to_path_buf(), encoded.store)];
    for (ext, bytes) in encoded.companions {
        files.push((crate::store::fault::beside(kdb_path, ext), bytes));
    }
    Ok(files)
}

/// [`encode`] without a path: the `.kdb`'s bytes, and each companion's
/// that must change (by extension).
pub fn encode_files(state: &State, entries: &[Entry]) -> CodecResult<Encoded> {
    let refuse = |companion: &'static str, problem: &Problem| {
        CodecError::store(Fault::CompanionUnusable {
            companion,
            action: if state.password_changed {
                "change its password"
            } else {
                "change its certificate requests"
            },
            problem: problem.clone(),
        })
    };
    let rdb_version = match &state.rdb {
        CompanionFile::Intact { params, .. } => params.version,
        _ => state.kdb.version,
    };
    let mut keys = Vec::new();
    let mut requests = Vec::new();
    for e in entries {
        match e.kind() {
            EntryKind::Request => requests.push(to_record(state, e, rdb_version)?),
            _ => keys.push(to_record(state, e, state.kdb.version)?),
        }
    }
    keys.extend(state.passthrough.iter().cloned());
    let mut files = Encoded {
        store: encode_container(&state.kdb, Kind::Keys, keys, &state.password),
        companions: Vec::new(),
    };
    match &state.rdb {
        CompanionFile::Intact {
            params, written, ..
        } => {
            let bytes = encode_container(params, Kind::Requests, requests, &state.password);
            if *written != Some(pki::sha256(&bytes)) {
                files.companions.push((RDB, bytes));
            }
        }
        CompanionFile::Absent | CompanionFile::Empty => {
            if !requests.is_empty() {
                let params = FileParams::new(state.kdb.version);
                let bytes = encode_container(&params, Kind::Requests, requests, &state.password);
                files.companions.push((RDB, bytes));
            }
        }
        CompanionFile::Unusable(problem) => {
            if !requests.is_empty() || state.password_changed {
                return Err(refuse(RDB, problem));
            }
        }
    }
    match &state.crl {
        CompanionFile::Intact {
            params, records, ..
        } if state.password_changed => {
            if *records > 0 {
                return Err(CodecError::store(Fault::UnreadRecords {
                    companion: CRL,
                    records: *records,
                }));
            }
            let bytes = encode_container(params, Kind::Crls, Vec::new(), &state.password);
            files.companions.push((CRL, bytes));
        }
        CompanionFile::Unusable(problem) if state.password_changed => {
            return Err(refuse(CRL, problem));
        }
        _ => {}
    }
    Ok(files)
}

fn encode_container(
    params: &FileParams,
    kind: Kind,
    mut records: Vec<Record>,
    password: &Password,
) -> Vec<u8> {
    let slots: Vec<Vec<u8>> = records
        .iter_mut()
        .enumerate()
        .map(|(i, r)| {
            r.number = i as u32 + 1;
            r.id = u64::from(r.number);
            let after_label = match params.version {
                Version::V3 => r.number,
                _ => 0,
            };
            record::encode_slot_with(r, after_label)
        })
        .collect();
    // 5000 whenever every record fits, as in every IBM-made file (the
    // public Java tool leaves 5001): the slot size read is not kept.
    let slot_size = container::slot_size_for(&slots);
    container::encode(
        params.version,
        kind,
        &params.salt,
        slot_size,
        &slots,
        password,
    )
}

/// The record for `e`. A key still sealed as read goes back as its bytes
/// were when the file it goes to has the version it came from and the
/// password is unchanged (no decryption); any other key is sealed now
/// with the scheme of that `version`. A sealed key that does not decrypt
/// is damage, and nothing is written.
fn to_record(state: &State, e: &Entry, version: Version) -> Result<Record> {
    let original = identity(e).and_then(|id| state.originals.get(&id));
    let reused = match &e.private_key {
        Some(Key::Sealed(s)) => s
            .as_any()
            .downcast_ref::<SealedKey>()
            .and_then(|s| s.reusable(version, &state.password))
            .map(<[u8]>::to_vec),
        _ => None,
    };
    let key_bytes = match reused {
        Some(bytes) => Some(bytes),
        None => e
            .key()?
            .map(|k| keycrypt::encrypt_for(version, k.pkcs8_der(), &state.password)),
    };
    let cert = e.certificate().map(<[u8]>::to_vec).unwrap_or_default();
    let body = match e.kind() {
        EntryKind::Signer => Body::Signer { cert },
        EntryKind::Personal => Body::Personal {
            cert,
            key: key_bytes.unwrap_or_default(),
        },
        EntryKind::Request => Body::Request {
            csr: e.csr().map(<[u8]>::to_vec).unwrap_or_default(),
            key: key_bytes.unwrap_or_default(),
        },
    };
    let mut flags = original
        .map(|o| o.flags.clone())
        .filter(|f| f.len() >= 2)
        .unwrap_or_else(|| record::FLAGS_TRUSTED.to_vec());
    if e.kind() == EntryKind::Signer {
        if e.is_trusted() {
            flags[1] |= 0x80;
        } else {
            flags[1] &= !0x80;
        }
        // The unused-bits count must leave bit 0 representable.
        flags[0] = flags[0].min(7);
    }
    if e.kind() == EntryKind::Personal {
        // A no-op unless the mark changed, so other records keep their bytes.
        record::set_flag_bit(&mut flags, record::BIT_DEFAULT, e.is_default());
    }
    let label = match original {
        Some(o) if record::label_text(&o.label) == e.label() => o.label.clone(),
        _ => e.label().as_bytes().to_vec(),
    };
    Ok(Record {
        record_type: original.map_or(record::RECORD_TYPE, |o| o.record_type),
        number: 0,
        id: 0,
        body,
        label,
        flags,
    })
}

/// Bytes the caller can use to tell a `.kdb` from other CMS files.
pub fn is_key_database(bytes: &[u8]) -> bool {
    container::looks_like(bytes) && bytes.get(8..16) == Some(b"X509KEY\0".as_slice())
}
