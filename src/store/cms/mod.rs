//! IBM CMS key databases: the `.kdb` (keys and signers) with its `.rdb`
//! (pending requests) beside it, as GSKit, IHS, MQ and Db2 read them.
//! Specified in `man/kdbman-cms.5`.
//!
//! [`container`] and [`record`] are pure codecs; [`keycrypt`] encrypts
//! private keys. This module turns their records into [`Entry`]s and
//! back, and decides between a wrong password and damage.
//!
//! What the format does not say, kdbman does not guess: where GSKit marks
//! the default key and the password expiry is unknown, so a CMS store
//! reports neither (see [`DEFAULT_UNKNOWN`]).

pub mod container;
pub mod keycrypt;
pub mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Damage, Error, Result};
use crate::pki;
use crate::secret::{Password, PrivateKey};
use crate::store::entry::{Entry, EntryKind};
pub use container::{Kind, Version};
use keycrypt::KeyError;
use record::{Body, Record};

/// Why a CMS store has no default and no password expiry in kdbman.
pub const DEFAULT_UNKNOWN: &str = "where GSKit marks the default certificate in a CMS key database is not documented, and kdbman does not guess";

/// The request database beside a key database: `NAME.rdb` for `NAME.kdb`.
pub fn rdb_path(kdb: &Path) -> PathBuf {
    let p = kdb.with_extension("rdb");
    if p == kdb {
        let mut s = kdb.as_os_str().to_owned();
        s.push(".rdb");
        return PathBuf::from(s);
    }
    p
}

/// What a CMS record held that an [`Entry`] does not: kept so a rewrite
/// leaves GSKit's bytes as they were.
#[derive(Clone)]
struct Original {
    record_type: u32,
    flags: Vec<u8>,
    label: Vec<u8>,
    key_sha256: Option<[u8; 32]>,
    encrypted_key: Option<Vec<u8>>,
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
    /// The `.rdb`'s parameters, if it exists (or is to be written).
    pub(crate) rdb: Option<FileParams>,
    originals: HashMap<[u8; 32], Original>,
    /// Records kdbman does not model (secret keys): written back as read.
    passthrough: Vec<Record>,
}

impl State {
    /// A new, empty store: `.kdb` and `.rdb` of `version`.
    pub fn new(version: Version, password: &Password) -> State {
        State {
            password: password.clone(),
            kdb: FileParams::new(version),
            rdb: Some(FileParams::new(version)),
            originals: HashMap::new(),
            passthrough: Vec::new(),
        }
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
                *key = keycrypt::encrypt(&raw, new);
            }
        }
        self.password = new.clone();
        self.kdb.salt = container::new_salt();
        if let Some(r) = &mut self.rdb {
            r.salt = container::new_salt();
        }
        for o in self.originals.values_mut() {
            o.encrypted_key = None;
        }
        Ok(())
    }

    /// Whether a password is this store's (no I/O).
    pub fn password_is(&self, pw: &Password) -> bool {
        self.password.as_bytes() == pw.as_bytes()
    }
}

/// The identity a record is remembered by: its certificate or request.
fn identity(e: &Entry) -> Option<[u8; 32]> {
    e.certificate().or(e.csr()).map(pki::sha256)
}

/// What happened when the password was tried.
pub enum Opened {
    Ok(State, Vec<Entry>),
    /// The verifier rejected it, and a private key proved it wrong.
    WrongPassword,
    /// The verifier rejected it, but a private key decrypts with it: the
    /// password is right and the header is damaged.
    HeaderDamaged,
    /// The verifier rejected it, and nothing in the store can decide
    /// between a wrong password and a damaged header.
    Undecided,
}

fn damaged_payload(path: &Path, damage: Damage) -> Error {
    Error::DamagedPayload {
        path: path.to_path_buf(),
        damage,
    }
}

/// Records of a container, with the slot index of any that is malformed.
fn records(layout: &container::Layout<'_>) -> Vec<(usize, std::result::Result<Record, String>)> {
    layout
        .slots()
        .enumerate()
        .map(|(i, s)| (i, record::decode_slot(s)))
        .collect()
}

/// Charges the derivation of every record's private key to `budget`,
/// refusing the file (naming the record, its count and the total) when
/// the keys together ask for more than the cap.
fn charge_keys(
    path: &Path,
    recs: &[(usize, std::result::Result<Record, String>)],
    budget: &mut crate::limits::KdfBudget,
) -> Result<()> {
    for (i, rec) in recs {
        let Ok(rec) = rec else { continue };
        let key = match &rec.body {
            Body::Personal { key, .. } | Body::Request { key, .. } => key,
            _ => continue,
        };
        let Some(work) = keycrypt::work(key) else {
            continue;
        };
        let item = format!(
            "the private key of `{}` (record {})",
            record::label_text(&rec.label),
            i + 1
        );
        budget
            .charge(item, work)
            .map_err(|over| Error::KdfWorkRefused {
                path: path.to_path_buf(),
                over,
            })?;
    }
    Ok(())
}

/// Opens a `.kdb` (and its `.rdb` bytes, if present) with `password`.
pub fn open(
    kdb_path: &Path,
    kdb: &[u8],
    rdb: Option<&[u8]>,
    password: &Password,
) -> Result<Opened> {
    let layout = container::parse(kdb_path, kdb)?;
    if layout.kind != Kind::Keys {
        return Err(Error::Usage {
            detail: format!(
                "{} is a CMS request database (.rdb); name its key database (.kdb) with --db",
                kdb_path.display()
            ),
        });
    }
    // Every key's derivation, in both files, is charged to one budget
    // before any runs: a file asking for more in total is refused.
    let budget = &mut crate::limits::KdfBudget::iterations();
    if !layout.password_matches(password) {
        let mut recs = records(&layout);
        charge_keys(kdb_path, &recs, budget)?;
        // No key in the .kdb: the requests' keys in the .rdb can decide.
        let rdb_path = rdb_path(kdb_path);
        if let Some(l) = rdb.and_then(|b| container::parse(&rdb_path, b).ok()) {
            let more = records(&l);
            charge_keys(&rdb_path, &more, budget)?;
            recs.extend(more);
        }
        return Ok(prove_password(&recs, password));
    }
    // The integrity MAC covers every slot (50 MB for 10,000 records in
    // GSKit's 5000-byte slots): one core computes it while the other
    // decrypts the records' keys, and joins the decryption when the MAC
    // is done. Nothing decoded counts until the MAC has passed; a failing
    // MAC stops the decryption, and keys asking for more than GSKit-like
    // work wait for the MAC.
    let recs = records(&layout);
    charge_keys(kdb_path, &recs, budget)?;
    let mac_failed = AtomicBool::new(false);
    let keys = KeyQueue::new(&recs, password, &mac_failed);
    let (integrity, kdb_keys) = std::thread::scope(|s| {
        let mac = s.spawn(|| {
            let ok = layout.integrity_matches(password);
            mac_failed.store(!ok, Ordering::Relaxed);
            // Past the MAC, a key may ask for all it is allowed.
            let theirs = if ok {
                keys.work(keycrypt::MAX_ITERATIONS)
            } else {
                Vec::new()
            };
            (ok, theirs)
        });
        let mine = keys.work(SPECULATIVE_ITERATIONS);
        let (ok, theirs) = match mac.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (ok, keys.results(mine, theirs))
    });
    if !integrity {
        return Err(damaged_payload(kdb_path, Damage::IntegrityMac));
    }
    let mut all = slots_or_damage(kdb_path, recs)?;
    let kdb_keys = finish_keys(&all, kdb_keys, password);
    let rdb_path = rdb_path(kdb_path);
    let mut rdb_params = None;
    let mut rdb_keys = Vec::new();
    if let Some(bytes) = rdb {
        let l = container::parse(&rdb_path, bytes)?;
        if l.kind != Kind::Requests {
            return Err(Error::DamagedHeader {
                path: rdb_path.clone(),
                damage: Damage::HeaderField {
                    field: "type tag (not a request database)",
                },
            });
        }
        if !l.password_matches(password) {
            // The .kdb proved the password: the .rdb is another store's,
            // or its header is damaged.
            return Err(Error::DamagedHeader {
                path: rdb_path.clone(),
                damage: Damage::CompanionMismatch,
            });
        }
        if !l.integrity_matches(password) {
            return Err(damaged_payload(&rdb_path, Damage::IntegrityMac));
        }
        let recs = records(&l);
        charge_keys(&rdb_path, &recs, budget)?;
        let recs = slots_or_damage(&rdb_path, recs)?;
        rdb_keys = finish_keys(&recs, Vec::new(), password);
        all.extend(recs);
        rdb_params = Some(FileParams {
            version: l.version,
            salt: l.salt,
            slot_size: l.slot_size,
        });
    }
    // Both files are intact: a key that does not decrypt is damage.
    let mut keys = slots_or_damage(kdb_path, kdb_keys.into_iter().enumerate())?;
    keys.extend(slots_or_damage(
        &rdb_path,
        rdb_keys.into_iter().enumerate(),
    )?);
    let mut state = State {
        password: password.clone(),
        kdb: FileParams {
            version: layout.version,
            salt: layout.salt,
            slot_size: layout.slot_size,
        },
        rdb: rdb_params,
        originals: HashMap::new(),
        passthrough: Vec::new(),
    };
    let mut entries = Vec::with_capacity(all.len());
    for (rec, key) in all.into_iter().zip(keys) {
        let label = record::label_text(&rec.label);
        let trusted = rec.trusted();
        let (entry, encrypted) = match rec.body {
            Body::Signer { ref cert } => {
                (Entry::signer(label, cert.clone()).with_trust(trusted), None)
            }
            Body::Personal {
                ref cert,
                key: ref enc,
            } => {
                let Some(key) = key else { continue };
                (
                    Entry::personal(label, vec![cert.clone()], key),
                    Some(enc.clone()),
                )
            }
            Body::Request {
                ref csr,
                key: ref enc,
            } => {
                let Some(key) = key else { continue };
                (Entry::request(label, csr.clone(), key), Some(enc.clone()))
            }
            Body::SecretKey { .. } => {
                state.passthrough.push(rec);
                continue;
            }
        };
        if let Some(id) = identity(&entry) {
            state.originals.insert(
                id,
                Original {
                    record_type: rec.record_type,
                    flags: rec.flags.clone(),
                    label: rec.label.clone(),
                    key_sha256: entry.private_key().map(|k| pki::sha256(k.pkcs8_der())),
                    encrypted_key: encrypted,
                },
            );
        }
        entries.push(entry.with_created(0));
    }
    assemble_chains(&mut entries);
    Ok(Opened::Ok(state, entries))
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
    path: &Path,
    results: impl IntoIterator<Item = (usize, std::result::Result<T, String>)>,
) -> Result<Vec<T>> {
    results
        .into_iter()
        .map(|(i, r)| {
            r.map_err(|detail| {
                damaged_payload(
                    path,
                    Damage::Record {
                        index: i + 1,
                        detail,
                    },
                )
            })
        })
        .collect()
}

/// A record's private key: none for signers, secret keys and malformed
/// records (reported as such), or why it does not decrypt.
type KeyResult = std::result::Result<Option<PrivateKey>, String>;

/// The most PBKDF2 iterations a key may ask for to be decrypted before the
/// file's MAC has passed (GSKit writes 5, KdbTool 4096).
const SPECULATIVE_ITERATIONS: u32 = 10_000;

fn decrypt_one(rec: &Record, password: &Password, max_iterations: u32) -> Option<KeyResult> {
    let key = match &rec.body {
        Body::Personal { key, .. } | Body::Request { key, .. } => key,
        _ => return Some(Ok(None)),
    };
    let label = || record::label_text(&rec.label);
    Some(
        match keycrypt::decrypt_within(key, password, max_iterations) {
            Ok(plain) => Ok(Some(PrivateKey::from_pkcs8_der(plain.to_vec()))),
            Err(KeyError::TooCostly(_)) if max_iterations < keycrypt::MAX_ITERATIONS => {
                return None;
            }
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
        },
    )
}

/// The records' private keys, decrypted by every thread that calls
/// [`KeyQueue::work`] (in chunks, so the threads share the work however
/// long each has) while the MAC is being checked.
struct KeyQueue<'a> {
    recs: &'a [(usize, std::result::Result<Record, String>)],
    password: &'a Password,
    stop: &'a AtomicBool,
    next: AtomicUsize,
}

impl<'a> KeyQueue<'a> {
    const CHUNK: usize = 32;

    fn new(
        recs: &'a [(usize, std::result::Result<Record, String>)],
        password: &'a Password,
        stop: &'a AtomicBool,
    ) -> Self {
        KeyQueue {
            recs,
            password,
            stop,
            next: AtomicUsize::new(0),
        }
    }

    /// Decrypts chunks, each key allowed `max_iterations`, until none is
    /// left or `stop` is set: each result with its record's index (`None`:
    /// left for later, see [`decrypt_one`]; records not reached stay so).
    fn work(&self, max_iterations: u32) -> Vec<(usize, Option<KeyResult>)> {
        let mut done = Vec::new();
        loop {
            let start = self.next.fetch_add(Self::CHUNK, Ordering::Relaxed);
            if start >= self.recs.len() {
                return done;
            }
            let end = (start + Self::CHUNK).min(self.recs.len());
            for (i, (_, rec)) in self.recs[start..end].iter().enumerate() {
                if self.stop.load(Ordering::Relaxed) {
                    return done;
                }
                let result = match rec {
                    Ok(rec) => decrypt_one(rec, self.password, max_iterations),
                    Err(_) => Some(Ok(None)),
                };
                done.push((start + i, result));
            }
        }
    }

    /// The threads' results in record order; `None` where nothing was done.
    fn results(
        &self,
        mine: Vec<(usize, Option<KeyResult>)>,
        theirs: Vec<(usize, Option<KeyResult>)>,
    ) -> Vec<Option<KeyResult>> {
        let mut all: Vec<Option<KeyResult>> = (0..self.recs.len()).map(|_| None).collect();
        for (i, r) in mine.into_iter().chain(theirs) {
            if let Some(slot) = all.get_mut(i) {
                *slot = r;
            }
        }
        all
    }
}

/// Every key of an intact file: what [`KeyQueue::work`] left (or all, when
/// `done` is empty) decrypted now, with the full iteration limit.
fn finish_keys(
    recs: &[Record],
    done: Vec<Option<KeyResult>>,
    password: &Password,
) -> Vec<KeyResult> {
    let mut done = done.into_iter();
    recs.iter()
        .map(|rec| {
            done.next()
                .flatten()
                .or_else(|| decrypt_one(rec, password, keycrypt::MAX_ITERATIONS))
                .unwrap_or(Ok(None))
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

/// The bytes of the `.kdb` and (if it is to exist) the `.rdb` for
/// `entries`, laid out as GSKit lays them out.
pub fn encode(state: &State, entries: &[Entry]) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    let mut keys = Vec::new();
    let mut requests = Vec::new();
    for e in entries {
        let rec = to_record(state, e);
        match e.kind() {
            EntryKind::Request => requests.push(rec),
            _ => keys.push(rec),
        }
    }
    keys.extend(state.passthrough.iter().cloned());
    let kdb = encode_container(&state.kdb, Kind::Keys, keys, &state.password);
    let rdb = match state.rdb {
        Some(params) => Some(encode_container(
            &params,
            Kind::Requests,
            requests,
            &state.password,
        )),
        None if !requests.is_empty() => Some(encode_container(
            &FileParams::new(state.kdb.version),
            Kind::Requests,
            requests,
            &state.password,
        )),
        None => None,
    };
    Ok((kdb, rdb))
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
            record::encode_slot(r)
        })
        .collect();
    let slot_size = container::slot_size_for(&slots).max(params.slot_size);
    container::encode(
        params.version,
        kind,
        &params.salt,
        slot_size,
        &slots,
        password,
    )
}

fn to_record(state: &State, e: &Entry) -> Record {
    let original = identity(e).and_then(|id| state.originals.get(&id));
    let key_bytes = e.private_key().map(|k| {
        let reuse = original.and_then(|o| {
            (o.key_sha256 == Some(pki::sha256(k.pkcs8_der())))
                .then(|| o.encrypted_key.clone())
                .flatten()
        });
        reuse.unwrap_or_else(|| keycrypt::encrypt(k.pkcs8_der(), &state.password))
    });
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
    let label = match original {
        Some(o) if record::label_text(&o.label) == e.label() => o.label.clone(),
        _ => e.label().as_bytes().to_vec(),
    };
    Record {
        record_type: original.map_or(record::RECORD_TYPE, |o| o.record_type),
        number: 0,
        id: 0,
        body,
        label,
        flags,
    }
}

/// Bytes the caller can use to tell a `.kdb` from other CMS files.
pub fn is_key_database(bytes: &[u8]) -> bool {
    container::looks_like(bytes) && bytes.get(8..16) == Some(b"X509KEY\0".as_slice())
}
