//! The read-only operations: what `cert list`, `cert getdefault` and
//! `keydb details` report, as data. They change nothing on disk; front
//! ends word the results (kdbman's table and JSON, gsk8capicmd's lines).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::pki;
use crate::stash::{Permissions, Stash};
use crate::store::{DefaultMark, Entry, EntryKind, Kdf, Store, StoreFormat, cms};

use super::StoreAt;

/// What `cert list` lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListRequest {
    /// Only entries of this kind (all when `None`).
    pub kind: Option<EntryKind>,
    /// Only certificates whose not-after falls within this many days of
    /// `now` (already expired ones included).
    pub expiring_within_days: Option<u32>,
    /// Unix seconds.
    pub now: i64,
}

/// One listed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub label: String,
    pub kind: EntryKind,
    /// `None` where the format cannot say (PKCS#12): never `false` for
    /// "unknown".
    pub default: Option<bool>,
    pub subject: Option<String>,
    /// Unix seconds.
    pub not_after: Option<i64>,
    /// SHA-256 of the certificate (or request), hex.
    pub sha256: Option<String>,
    pub serial: Option<String>,
    pub trusted: bool,
}

/// A store's listing.
#[derive(Debug, Clone)]
pub struct Listing {
    pub format: StoreFormat,
    /// What the default mark rests on where it is evidence, not
    /// documentation (CMS): to be said wherever the default is shown.
    pub default_note: Option<&'static str>,
    pub entries: Vec<Listed>,
}

/// What a store's default mark rests on, where it is not documentation.
pub fn default_note(store: &Store) -> Option<&'static str> {
    (store.default_mark() == DefaultMark::CmsFlag).then_some(cms::DEFAULT_EVIDENCE)
}

/// An entry's default flag as shown: `None` where the format cannot say.
pub fn default_shown(e: &Entry, mark: DefaultMark) -> Option<bool> {
    (mark != DefaultMark::Absent).then(|| e.is_default())
}

/// `cert list` of a store that is open already (`lint`-style many-store
/// listings open each store their own way). Decrypts no private key.
pub fn list(store: &Store, req: &ListRequest) -> Listing {
    list_parsed(store, req, None)
}

/// [`list`], with each entry's certificate parsed already (`parsed`, by
/// entry, when it came from the store's open: [`Parsed`]).
fn list_parsed(
    store: &Store,
    req: &ListRequest,
    parsed: Option<Vec<Option<pki::cert::ListFacts>>>,
) -> Listing {
    let horizon = req
        .expiring_within_days
        .map(|d| req.now + i64::from(d) * 86_400);
    let kept: Vec<(usize, &Entry)> = store
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| req.kind.is_none_or(|k| e.kind() == k))
        .collect();
    let infos: Vec<_> = match parsed.filter(|p| p.len() == store.entries().len()) {
        Some(mut all) => kept.iter().map(|&(i, _)| all[i].take()).collect(),
        // Certificates are parsed once each, on every core (10,000
        // entries take longer to parse than the store takes to verify).
        None => parse_all(&kept.iter().map(|&(_, e)| e).collect::<Vec<_>>()),
    };
    let kept = kept.into_iter().map(|(_, e)| e);
    let mut entries = Vec::with_capacity(kept.len());
    for (e, info) in kept.into_iter().zip(infos) {
        let not_after = info.as_ref().map(|i| i.not_after);
        if let Some(h) = horizon
            && not_after.is_none_or(|t| t > h)
        {
            continue;
        }
        // The parse computed the certificate's SHA-256 already.
        let sha256 = match &info {
            Some(i) => Some(i.sha256.clone()),
            None => e
                .certificate()
                .or(e.csr())
                .map(|d| pki::hex(&pki::sha256(d))),
        };
        entries.push(Listed {
            label: e.label().to_string(),
            kind: e.kind(),
            default: default_shown(e, store.default_mark()),
            subject: info
                .as_ref()
                .map(|i| i.subject.clone())
                .or_else(|| subject_of(e)),
            not_after,
            sha256,
            serial: info.as_ref().map(|i| i.serial.clone()),
            trusted: e.is_trusted(),
        });
    }
    Listing {
        format: store.format(),
        default_note: default_note(store),
        entries,
    }
}

/// `cert list`: opens the store for reading and lists it.
pub fn list_at(at: StoreAt<'_>, req: &ListRequest) -> Result<Listing> {
    let parsed = Parsed(std::sync::OnceLock::new());
    let opened = at.open_meanwhile(crate::store::Access::Read, &parsed)?;
    Ok(list_parsed(&opened.store, req, parsed.0.into_inner()))
}

/// Every entry's certificate parsed while the store's codec still checks
/// the entries: on a 10,000-entry CMS store that is while one core
/// computes the 50 MB integrity MAC, and the other would wait for it.
struct Parsed(std::sync::OnceLock<Vec<Option<pki::cert::ListFacts>>>);

impl crate::store::codec::Meanwhile for Parsed {
    fn decoded(&self, entries: &[Entry]) {
        let _ = self.0.set(parse_all(&entries.iter().collect::<Vec<_>>()));
    }
}

/// The subject of an entry's certificate, or of its request.
pub fn subject_of(e: &Entry) -> Option<String> {
    if let Some(c) = e.certificate() {
        return pki::cert::cert_info(c).ok().map(|i| i.subject);
    }
    e.csr().and_then(pki::cert::csr_subject)
}

/// The parsed certificate of each entry (`None`: none, or malformed), in
/// order, parsed on every core.
fn parse_all(entries: &[&Entry]) -> Vec<Option<pki::cert::ListFacts>> {
    let parse = |e: &&Entry| e.certificate().and_then(|c| pki::cert::list_facts(c).ok());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || entries.len() < 256 {
        return entries.iter().map(parse).collect();
    }
    let chunk = entries.len().div_ceil(threads);
    std::thread::scope(|s| {
        let workers: Vec<_> = entries
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(parse).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// How many entries of each kind a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub personal: usize,
    pub signer: usize,
    pub request: usize,
}

/// What `keydb details` reports of a store, besides its stash.
#[derive(Debug, Clone)]
pub struct StoreSummary {
    pub format: StoreFormat,
    /// The file's size in bytes (0 when it cannot be read again).
    pub size: u64,
    pub kdf: Option<Kdf>,
    pub counts: Counts,
    /// The default entry's label.
    pub default: Option<String>,
    /// Unix seconds, where the format keeps it.
    pub password_expires: Option<i64>,
    pub password_expired: bool,
    /// The format of the stash at `stash_path`, if one is there and reads.
    pub stash_format: Option<String>,
    pub stash_path: PathBuf,
}

/// Counts a store's entries by kind.
pub fn counts(store: &Store) -> Counts {
    let count = |k| store.entries().iter().filter(|e| e.kind() == k).count();
    Counts {
        total: store.entries().len(),
        personal: count(EntryKind::Personal),
        signer: count(EntryKind::Signer),
        request: count(EntryKind::Request),
    }
}

/// `keydb details` of a store opened already: `stash_path` is the stash
/// the front end means (given, or the one beside the store).
pub fn summary(db: &Path, store: &Store, stash_path: &Path, now: i64) -> StoreSummary {
    StoreSummary {
        format: store.format(),
        size: std::fs::metadata(db).map(|m| m.len()).unwrap_or(0),
        kdf: store.kdf(),
        counts: counts(store),
        default: store.default_entry().map(|e| e.label().to_string()),
        password_expires: store.password_expires(),
        password_expired: store.password_expired_at(now),
        stash_format: Stash::read(stash_path, db, Permissions::AllowInsecure)
            .ok()
            .map(|s| s.format_name()),
        stash_path: stash_path.to_path_buf(),
    }
}
