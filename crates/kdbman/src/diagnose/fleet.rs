//! Linting many stores in one run: finding the stores under directories,
//! opening each with its own stash or one shared password, linting them in
//! parallel, and the certificate inventory that Prometheus metrics show.
//!
//! # Which files in a searched directory are stores
//!
//! Directories are walked recursively, in name order. A file is linted
//! when its first bytes say it is a store of a format kdbman reads — the
//! same content test [`Store::detect`] makes, never the name:
//!
//! - a CMS key database: the CMS container magic, or a container header a
//!   few bit flips away from one (a damaged store is still linted, and
//!   reported as damaged);
//! - a kdbman native store: its magic, or one a few bit flips away;
//! - a PKCS#12 file: a DER SEQUENCE whose first element is INTEGER 3,
//!   whatever its name (`runmqakm -type pkcs12 -db key.kdb` makes one
//!   named `.kdb`; its `key.sth` is its stash like a CMS store's).
//!
//! Skipped: GSKit companions — `*.rdb` (the request database), `*.crl`
//! and `*.sth` (stash files, of either format) by name, and any CMS
//! container whose tag says it is a request or CRL database by content —
//! and everything else (PEM files, password files, KeePass databases
//! named `.kdb`, JKS keystores, READMEs…) silently
//! ([`crate::store::detect::classify`] says what each is).
//! Directories whose name starts with `.` (`.git`) are not entered, nor
//! are symbolic links to directories (no loops); symbolic links to files
//! are followed. A file that cannot be read is linted (so it shows up as
//! SSL0214E) when its name ends in `.kdb`, `.p12` or `.pfx`, else skipped;
//! a directory that cannot be read is listed as a store, so it too is
//! reported (SSL0214E) instead of silently hiding what it holds. A path
//! named directly (not found by the walk) is always linted, whatever it
//! holds. The same file reached twice is linted once.
//!
//! Only regular files are read: a FIFO, socket or device found by the
//! walk (or a link to one) is skipped with a notice ([`Skipped`]), never
//! opened — a FIFO named `evil.kdb` would otherwise block the walk, and a
//! link to `/dev/zero` never end. The head is read from a descriptor
//! opened without blocking and checked to be a regular file.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::finding::Location;
use super::{Finding, LintTarget};
use crate::error::{Error, Result};
use crate::pki::cert::cert_info;
use crate::secret::Password;
use crate::stash::{self, Permissions, Stash};
use crate::store::formats::FORMATS;
use crate::store::{Access, EntryKind, Store, StoreFormat, Unlock};

/// How every store of a run gets its password.
#[derive(Debug, Clone)]
pub enum Auth {
    /// One password for every store.
    Password(Password),
    /// Each store's own stash beside it ([`stash::default_path`]:
    /// `NAME.sth` for `NAME.kdb`). With a `fallback`, a store that has no
    /// stash file is opened with that password instead; without one, a
    /// missing stash is that store's finding (SSL0228E).
    OwnStash { fallback: Option<Password> },
    /// One stash file for every store.
    Stash(PathBuf),
}

/// What a run checks, besides the stores.
#[derive(Debug, Clone)]
pub struct Options {
    pub auth: Auth,
    /// `--label`: the label every server is configured with.
    pub label: Option<String>,
    /// The instant of every time check, Unix seconds.
    pub at: i64,
    pub warn_days: u32,
    /// Stores linted at once (at least 1).
    pub jobs: usize,
    /// Keep each store's certificate inventory ([`StoreReport::certificates`]),
    /// which only the fleet JSON and Prometheus reports show; it costs a
    /// second decode of every certificate.
    pub inventory: bool,
}

/// A certificate held in a store, for the inventory (Prometheus).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRecord {
    /// The entry that holds it.
    pub label: String,
    /// `personal` (an entry's own certificate), `chain` (a member of a
    /// personal entry's chain) or `signer`.
    pub kind: &'static str,
    pub subject: String,
    /// Hex, as `cert list` shows it.
    pub serial: String,
    /// Unix seconds.
    pub not_after: i64,
    pub sha256: String,
    /// The x509-certificate-exporter labels and dates (Prometheus).
    pub x509: super::exporter::X509Facts,
}

/// Every decodable certificate in the store, entry by entry (a request
/// has none; a certificate that does not decode is left out — lint reports
/// it as SSL0224E).
pub fn certificates(store: &Store) -> Vec<CertRecord> {
    let mut out = Vec::new();
    for e in store.entries() {
        for (n, der) in e.certificates().iter().enumerate() {
            let Ok(info) = cert_info(der) else { continue };
            let kind = match (e.kind(), n) {
                (EntryKind::Signer, _) => "signer",
                (EntryKind::Request, _) => continue,
                (_, 0) => "personal",
                _ => "chain",
            };
            out.push(CertRecord {
                label: e.label().to_string(),
                kind,
                subject: info.subject,
                serial: info.serial,
                not_after: info.not_after,
                sha256: info.sha256,
                x509: super::exporter::facts(der).unwrap_or_default(),
            });
        }
    }
    out
}

/// The outcome for one store.
#[derive(Debug)]
pub struct StoreReport {
    /// As named on the command line or found by the walk.
    pub path: PathBuf,
    /// The store's format, when it opened.
    pub format: Option<StoreFormat>,
    /// Why it did not open (also the first finding).
    pub error: Option<Error>,
    pub findings: Vec<Finding>,
    /// Checks that did not run on the open store, with why (JUnit
    /// `<skipped>`, SARIF notifications): never shown as passed.
    pub not_run: Vec<(&'static str, String)>,
    /// Its certificates (empty when it did not open, or when
    /// [`Options::inventory`] is off).
    pub certificates: Vec<CertRecord>,
    /// The label it was linted with, when its own ([`Job::label`]).
    pub label: Option<String>,
    /// Where a configuration named the store and its label.
    pub store_at: Option<Location>,
    pub label_at: Option<Location>,
    /// The sites using it ([`Job::sites`]).
    pub sites: Vec<String>,
}

/// One store to lint, with what a server configuration says of it
/// (`lint --httpd-conf`, `--labels`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    pub path: PathBuf,
    /// The label its server uses; `None`: [`Options::label`].
    pub label: Option<String>,
    /// Where the store was named (`KeyFile`, a labels file line): a store
    /// that does not open is reported there too.
    pub store_at: Option<Location>,
    /// Where the label was named (`SSLServerCert`, a labels file line):
    /// a label the store lacks is then SSL0227E at that line, the
    /// message IHS logs when its configured label is not in the store.
    pub label_at: Option<Location>,
    /// The sites using the store with this label (`<VirtualHost *:443>`).
    pub sites: Vec<String>,
}

impl Job {
    /// A store and nothing else.
    pub fn of(path: &Path) -> Job {
        Job {
            path: path.to_path_buf(),
            ..Job::default()
        }
    }
}

impl StoreReport {
    pub fn opened(&self) -> bool {
        self.error.is_none()
    }
}

/// Lints a store already opened (or the error that stopped it), with the
/// stash that was used; keeps the store's inventory.
pub fn report(
    path: &Path,
    opened: Result<Store>,
    stash: Option<&Path>,
    options: &Options,
) -> StoreReport {
    report_job(&Job::of(path), opened, stash, options)
}

/// [`report`] of a store opened with a [`super::checks::Prepare`]
/// (`Store::open_meanwhile`): its keys decrypted and certificates decoded
/// while the store's MAC was computed.
pub fn report_prepared(
    path: &Path,
    opened: Result<Store>,
    prepared: Option<super::checks::Prepared>,
    stash: Option<&Path>,
    options: &Options,
) -> StoreReport {
    report_job_prepared(&Job::of(path), opened, prepared, stash, options)
}

/// [`report`] for a store a configuration named: its own label, and the
/// configuration's lines on the findings they explain.
pub fn report_job(
    job: &Job,
    opened: Result<Store>,
    stash: Option<&Path>,
    options: &Options,
) -> StoreReport {
    report_job_prepared(job, opened, None, stash, options)
}

/// [`report_job`], with what [`super::checks::Prepare`] did while the
/// store opened (nothing when `prepared` is `None`).
fn report_job_prepared(
    job: &Job,
    opened: Result<Store>,
    prepared: Option<super::checks::Prepared>,
    stash: Option<&Path>,
    options: &Options,
) -> StoreReport {
    let path = job.path.as_path();
    let label = job.label.as_deref().or(options.label.as_deref());
    // CMS keys stay sealed until used; lint proves every one against its
    // certificate, so all are decrypted here, and one that does not is
    // the store's damage, as when keys were decrypted on open.
    let opened = opened.and_then(|s| s.unseal_keys().map(|()| s));
    let target = LintTarget {
        path,
        store: opened.as_ref(),
        stash,
        label,
        at: options.at,
        warn_days: options.warn_days,
    };
    let mut findings = super::lint_prepared(&target, prepared);
    locate(&mut findings, job, opened.as_ref().ok());
    let not_run = match &opened {
        Ok(s) => super::checks::not_run(s, &findings),
        Err(_) => Vec::new(),
    };
    let (format, certs) = match &opened {
        Ok(s) if options.inventory => (Some(s.format()), certificates(s)),
        Ok(s) => (Some(s.format()), Vec::new()),
        Err(_) => (None, Vec::new()),
    };
    StoreReport {
        path: path.to_path_buf(),
        format,
        error: opened.err(),
        findings,
        not_run,
        certificates: certs,
        label: job.label.clone(),
        store_at: job.store_at.clone(),
        label_at: job.label_at.clone(),
        sites: job.sites.clone(),
    }
}

/// Puts the configuration's lines on the findings they explain: the
/// store's opening (where the store is named) and the label's checks
/// (where the label is named). A label the configuration names and the
/// store lacks is SSL0227E, as IHS logs it at startup.
fn locate(findings: &mut [Finding], job: &Job, store: Option<&Store>) {
    for f in findings.iter_mut() {
        match f.check {
            "open" if job.store_at.is_some() => {
                f.location = job.store_at.clone();
                if let Some(at) = &job.store_at {
                    f.message = format!("{} (named at {}{})", f.message, at, directive(at));
                }
            }
            "ssl0206e" | "ssl0227e" if job.label_at.is_some() => {
                let Some(at) = &job.label_at else { continue };
                f.location = Some(at.clone());
                if f.code != "SSL0206E" {
                    f.message = format!("{} (configured at {}{})", f.message, at, directive(at));
                    continue;
                }
                let label = job.label.as_deref().unwrap_or_default();
                let personal: Vec<String> = store
                    .map(|s| {
                        s.entries()
                            .iter()
                            .filter(|e| e.kind() == crate::store::EntryKind::Personal)
                            .map(|e| format!("`{}`", e.label()))
                            .collect()
                    })
                    .unwrap_or_default();
                let has = match personal.len() {
                    0 => "it holds no personal certificate".to_string(),
                    n if n <= 8 => format!("its personal certificates: {}", personal.join(", ")),
                    n => format!(
                        "its personal certificates: {} and {} more",
                        personal[..8].join(", "),
                        n - 8
                    ),
                };
                *f = Finding::new(
                    "SSL0227E",
                    "ssl0227e",
                    Some(label),
                    format!(
                        "{}{} names label `{label}`, which {} does not hold ({has}); the server fails its handshakes with SSL0227E",
                        at,
                        directive(at),
                        job.path.display()
                    ),
                    format!(
                        "correct the label at {at} to the one the certificate has (`kdbman cert list --db STORE` lists them), or give the entry this label with `kdbman cert rename`"
                    ),
                );
                f.location = Some(at.clone());
            }
            _ => {}
        }
    }
}

/// ` (KeyFile)`, or nothing for a line without a directive.
fn directive(at: &Location) -> String {
    at.directive
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

/// Opens a store for reading as `auth` says; returns the stash used, if
/// any (lint checks its permissions and version). As `kdbman` does for one
/// store: when a stash cannot even be read, the store's own problem (not a
/// store, damaged) is reported first.
pub fn open(path: &Path, auth: &Auth) -> (Result<Store>, Option<PathBuf>) {
    open_with(path, auth, Permissions::AllowInsecure)
}

/// [`open`], refusing an exposed kdbman stash unless `perms` allows it
/// (lint allows it and reports KDB0005W instead).
pub fn open_with(path: &Path, auth: &Auth, perms: Permissions) -> (Result<Store>, Option<PathBuf>) {
    open_meanwhile(path, auth, perms, &())
}

/// [`open_with`], doing `meanwhile` on the entries while the store's
/// codec still checks them.
fn open_meanwhile(
    path: &Path,
    auth: &Auth,
    perms: Permissions,
    meanwhile: &dyn crate::store::codec::Meanwhile,
) -> (Result<Store>, Option<PathBuf>) {
    let stash_path = match auth {
        Auth::Password(_) => None,
        Auth::OwnStash { fallback } => {
            let p = stash::default_path(path);
            (fallback.is_none() || p.exists()).then_some(p)
        }
        Auth::Stash(p) => Some(p.clone()),
    };
    let Some(sp) = stash_path else {
        let result = match auth {
            Auth::Password(pw)
            | Auth::OwnStash {
                fallback: Some(pw), ..
            } => Store::open_meanwhile(path, Unlock::Password(pw), Access::Read, meanwhile),
            // Unreachable by construction: a stash path was chosen above.
            _ => Err(Error::Usage {
                detail: "no password source for this store".into(),
            }),
        };
        return (result, None);
    };
    let result = match Stash::read(&sp, path, perms) {
        Ok(stash) => Store::open_meanwhile(path, Unlock::Stash(&stash), Access::Read, meanwhile),
        Err(e) => match Store::inspect(path) {
            Err(store_problem) => Err(store_problem),
            Ok(_) => Err(e),
        },
    };
    (result, Some(sp))
}

/// Opens and lints one store.
pub fn lint_one(path: &Path, options: &Options) -> StoreReport {
    lint_job(&Job::of(path), options)
}

/// Opens and lints one store a configuration named.
pub fn lint_job(job: &Job, options: &Options) -> StoreReport {
    let prepare = super::checks::Prepare::default();
    let (opened, stash) = open_meanwhile(
        &job.path,
        &options.auth,
        Permissions::AllowInsecure,
        &prepare,
    );
    report_job_prepared(
        job,
        opened,
        prepare.into_prepared(),
        stash.as_deref(),
        options,
    )
}

/// Lints every store, `options.jobs` at a time (scoped threads taking the
/// next store from a shared counter); reports come back in `paths` order.
pub fn lint_all(paths: &[PathBuf], options: &Options) -> Vec<StoreReport> {
    let jobs: Vec<Job> = paths.iter().map(|p| Job::of(p)).collect();
    lint_jobs(&jobs, options)
}

/// [`lint_all`] for stores configurations named, each with its label.
pub fn lint_jobs(paths: &[Job], options: &Options) -> Vec<StoreReport> {
    let jobs = options.jobs.clamp(1, paths.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, StoreReport)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = paths.get(i) else { break };
                        mine.push((i, lint_job(job, options)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    // A store whose worker failed is still reported (it never should),
    // and the others keep their reports.
    let mut out = Vec::with_capacity(paths.len());
    let mut it = done.into_iter().peekable();
    for (i, job) in paths.iter().enumerate() {
        match it.next_if(|(j, _)| *j == i) {
            Some((_, r)) => out.push(r),
            None => {
                let e = Error::BadInput {
                    what: job.path.display().to_string(),
                    detail: "kdbman failed while linting this store (a bug: please report it with the store's format and size)".into(),
                    code: None,
                };
                out.push(report_job(job, Err(e), None, options));
            }
        }
    }
    out
}

/// Whether the file's first bytes are a store kdbman reads (the rule in
/// the module documentation): a format of the registry claims them, and
/// they are not one of its companions (request and CRL databases).
pub fn looks_like_store(head: &[u8]) -> bool {
    crate::store::formats::is_store(head)
}

/// Companions of the registered formats (`rdb`, `crl`), and stash files.
fn companion_extensions() -> Vec<&'static str> {
    let mut exts: Vec<&str> = FORMATS
        .iter()
        .flat_map(|c| c.companions())
        .copied()
        .collect();
    exts.push("sth");
    exts
}

/// The extensions the registered formats' stores are given (`kdb`, `p12`,
/// `pfx`).
fn store_extensions() -> Vec<&'static str> {
    FORMATS
        .iter()
        .flat_map(|c| c.extensions())
        .copied()
        .collect()
}

fn has_ext(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// A path the walk left out because it is not a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    /// What it is: `a FIFO (named pipe)`, `a socket`, `a character device`…
    pub kind: &'static str,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => {
            out.push(dir.to_path_buf());
            return;
        }
    };
    entries.sort();
    for p in entries {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if meta.is_dir() {
            if !hidden {
                walk(&p, out, skipped);
            }
            continue;
        }
        if meta.file_type().is_symlink() && p.is_dir() {
            continue;
        }
        if has_ext(&p, &companion_extensions()) {
            continue;
        }
        if let Some(kind) = crate::file::irregular_kind(&p) {
            skipped.push(Skipped { path: p, kind });
            continue;
        }
        let mut head = [0u8; 64];
        let opened = match crate::file::open_regular(&p) {
            Ok((f, _)) => Ok(f),
            Err(Error::NotRegularFile { kind, .. }) => {
                // Swapped for a FIFO or device since the check above.
                skipped.push(Skipped { path: p, kind });
                continue;
            }
            Err(Error::Io { source, .. }) => Err(source),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        };
        let read = opened.and_then(|mut f| {
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        });
        match read {
            Ok(n) if looks_like_store(&head[..n]) => out.push(p),
            Ok(_) => {}
            Err(_) if has_ext(&p, &store_extensions()) => out.push(p),
            Err(_) => {}
        }
    }
}

/// The stores to lint: each of `files` as given, then the stores found
/// under each of `dirs` (rule above); the same file once.
pub fn discover(files: &[PathBuf], dirs: &[PathBuf]) -> Vec<PathBuf> {
    discover_noting(files, dirs).0
}

/// [`discover`], with the paths the walk skipped because they are not
/// regular files (for a notice each).
pub fn discover_noting(files: &[PathBuf], dirs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut found: Vec<PathBuf> = files.to_vec();
    let mut skipped = Vec::new();
    for d in dirs {
        if d.is_dir() {
            walk(d, &mut found, &mut skipped);
        } else {
            // Not a directory: lint it as named, so the problem shows.
            found.push(d.clone());
        }
    }
    let mut seen = HashSet::new();
    found.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    (found, skipped)
}
