//! One small unit per condition, named by its code. Each pushes
//! [`Finding`]s; [`run`] orders them so that a later check can skip what an
//! earlier one already explained (a certificate that does not decode is not
//! also reported as expired).

pub mod kdb0001w;
pub mod kdb0002w;
pub mod kdb0003w;
pub mod kdb0004w;
pub mod kdb0005w;
pub mod kdb0006w;
pub mod kdb0007w;
pub mod kdb0008w;
pub mod kdb0009w;
pub mod kdb0010w;
pub mod kdb0011w;
pub mod kdb0012w;
pub mod kdb0013w;
pub mod kdb0014w;
pub mod open;
pub mod ssl0206e;
pub mod ssl0208e;
pub mod ssl0209e;
pub mod ssl0210e;
pub mod ssl0213e;
pub mod ssl0216e;
pub mod ssl0217e;
pub mod ssl0219e;
pub mod ssl0221e;
pub mod ssl0223e;
pub mod ssl0224e;
pub mod ssl0225e;
pub mod ssl0248e;

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use super::{Finding, LintTarget};
use crate::pki::cert::{self, CertInfo};
use crate::store::{Entry, EntryKind, Store};

/// One stored certificate, decoded once per run (X.509 parsing is most of
/// what lint costs, and many checks look at the same certificate).
pub struct Decoded {
    pub info: CertInfo,
    /// Fields that break X.509 rules, in words (SSL0210E), but the serial.
    pub problems: Vec<String>,
    /// What is wrong with the serial number: SSL0210E's, or KDB0014W's on
    /// a trust anchor ([`is_anchor`]).
    pub serial_problem: Option<String>,
    /// The X.509 version as written (0 for v1, 2 for v3).
    pub version: u32,
    /// The subjectPublicKey BIT STRING contents (SSL0209E).
    pub public_key: Vec<u8>,
}

fn decode(der: &[u8]) -> Result<Decoded, String> {
    let c = cert::decode(der)?;
    Ok(Decoded {
        info: cert::info_of(&c, der),
        problems: ssl0210e::field_problems(&c),
        serial_problem: ssl0210e::serial_problem(&c),
        version: c.version().0,
        public_key: c.public_key().subject_public_key.data.to_vec(),
    })
}

/// Every entry's certificates decoded: each distinct certificate once
/// (CMS stores repeat their signers in every personal entry's chain), on
/// every core. Returns the decoded certificates and, per entry, the index
/// of each of its certificates among them.
fn decode_all(entries: &[Entry]) -> (Vec<Result<Decoded, String>>, Vec<Vec<usize>>) {
    let mut index: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    let mut unique: Vec<&[u8]> = Vec::new();
    let places = entries
        .iter()
        .map(|e| {
            e.certificates()
                .iter()
                .map(|der| {
                    *index.entry(der.as_slice()).or_insert_with(|| {
                        unique.push(der);
                        unique.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    (par_map(&unique, |der| decode(der)), places)
}

/// Runs `f` over `items` on up to every core, keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    par_chunks(items, |part| part.iter().map(&f).collect::<Vec<R>>())
        .into_iter()
        .flatten()
        .collect()
}

/// Runs `f` over up to one share of `items` per core (at least 32 items a
/// share), returning each share's result in order.
fn par_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    const MIN_PER_THREAD: usize = 32;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().div_ceil(MIN_PER_THREAD))
        .max(1);
    if threads == 1 {
        return vec![f(items)];
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || f(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                // A panic in a worker is a bug; surface it as the caller's.
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    })
}

/// What the checks share: the store, the target and what earlier checks
/// learnt. A clone is cheap (what is large is shared): each core checks
/// its own share of the personal entries with one.
#[derive(Clone)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub target: &'a LintTarget<'a>,
    /// The personal entry the server would present, once resolved.
    pub in_use: Option<usize>,
    /// Entries with a certificate that does not decode or breaks X.509
    /// rules: later checks leave them alone.
    pub broken: HashSet<usize>,
    /// Entries whose validity period is inverted (no time check applies).
    pub bad_validity: HashSet<usize>,
    /// Whether the key in use was found unusable (SSL0225E or SSL0213E).
    pub key_unusable: bool,
    /// Personal entries checked as if each were in use, because which one
    /// is cannot be determined (no label, no default known): none passes
    /// unchecked. Their chains are left out of [`Ctx::other_certificates`].
    pub as_in_use: Vec<usize>,
    /// Each distinct certificate of the store, decoded.
    decoded: Arc<Vec<Result<Decoded, String>>>,
    /// `places[i][n]`: where certificate `n` of entry `i` is in `decoded`.
    places: Arc<Vec<Vec<usize>>>,
    /// The first signer entry (by index) with each subject, built on first
    /// use: chains are followed for every personal entry of an undetermined
    /// store, and a scan of all entries for each would be quadratic.
    signers_by_subject: Arc<OnceLock<std::collections::HashMap<String, usize>>>,
    /// The store's signers for chain validation, gathered on first use
    /// (SSL0208E validates every personal entry of an undetermined store).
    trust: Arc<OnceLock<crate::store::TrustSet<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn entries(&self) -> &'a [Entry] {
        self.store.entries()
    }

    /// The entry in use and its index.
    pub fn in_use_entry(&self) -> Option<(usize, &'a Entry)> {
        let i = self.in_use?;
        Some((i, &self.store.entries()[i]))
    }

    /// The store's signers as chain validation uses them.
    pub fn trust_set(&self) -> &crate::store::TrustSet<'a> {
        self.trust.get_or_init(|| self.store.trust_set())
    }

    /// Certificate `n` of entry `i`, if it decoded.
    pub fn decoded(&self, i: usize, n: usize) -> Option<&Decoded> {
        self.decoded
            .get(*self.places.get(i)?.get(n)?)?
            .as_ref()
            .ok()
    }

    /// Entry `i`'s certificates in chain order: decoded, or why not.
    pub fn decode_results(&self, i: usize) -> impl Iterator<Item = &Result<Decoded, String>> {
        self.places
            .get(i)
            .into_iter()
            .flatten()
            .filter_map(|&u| self.decoded.get(u))
    }

    /// The certificate in use, parsed, unless it is broken.
    pub fn in_use_cert(&self) -> Option<(&'a Entry, CertInfo)> {
        let (i, e) = self.in_use_entry()?;
        if self.broken.contains(&i) {
            return None;
        }
        Some((e, self.decoded(i, 0)?.info.clone()))
    }

    /// The chain of the certificate in use, leaf first: the entry's own
    /// certificates, then issuers found among the signer entries by name,
    /// up to a depth of 10. Certificates that do not parse are skipped.
    pub fn chain(&self) -> Vec<(String, CertInfo)> {
        match self.in_use {
            Some(i) => self.chain_of(i),
            None => Vec::new(),
        }
    }

    /// [`Ctx::chain`] for entry `i`.
    fn chain_of(&self, i: usize) -> Vec<(String, CertInfo)> {
        let Some(e) = self.entries().get(i) else {
            return Vec::new();
        };
        if self.broken.contains(&i) {
            return Vec::new();
        }
        let mut out: Vec<(String, CertInfo)> = Vec::new();
        for n in 0..e.certificates().len() {
            let Some(d) = self.decoded(i, n) else { break };
            let who = if n == 0 {
                "the certificate".to_string()
            } else {
                format!("chain certificate {n} ({})", d.info.subject)
            };
            out.push((who, d.info.clone()));
        }
        let signers = self.signers_by_subject.get_or_init(|| {
            let mut by = std::collections::HashMap::new();
            for (j, s) in self.entries().iter().enumerate() {
                if s.kind() != EntryKind::Signer {
                    continue;
                }
                if let Some(d) = self.decoded(j, 0) {
                    by.entry(d.info.subject.clone()).or_insert(j);
                }
            }
            by
        });
        while let Some((_, last)) = out.last() {
            if last.self_issued || out.len() > 10 {
                break;
            }
            let Some((label, info)) = signers
                .get(&last.issuer)
                .and_then(|&j| Some((self.entries()[j].label(), &self.decoded(j, 0)?.info)))
            else {
                break;
            };
            if out.iter().any(|(_, c)| c.sha256 == info.sha256) {
                break;
            }
            out.push((
                format!("signer `{label}` ({})", info.subject),
                (*info).clone(),
            ));
        }
        out
    }
}

impl Ctx<'_> {
    /// Every decodable certificate of the store that is not in the chain
    /// in use (SSL0219E, SSL0221E and KDB0001W speak for that chain), once
    /// each (by fingerprint), in entry order. Entries found broken and
    /// certificates whose validity ends before it starts are left out.
    pub fn other_certificates(&self) -> Vec<Other<'_>> {
        let mut seen: HashSet<String> = self
            .in_use
            .iter()
            .chain(&self.as_in_use)
            .flat_map(|&i| self.chain_of(i))
            .map(|(_, c)| c.sha256)
            .collect();
        let mut out = Vec::new();
        for (i, e) in self.entries().iter().enumerate() {
            if self.broken.contains(&i) || e.kind() == EntryKind::Request {
                continue;
            }
            for n in 0..e.certificates().len() {
                let Some(d) = self.decoded(i, n) else {
                    continue;
                };
                let info = &d.info;
                if info.not_after < info.not_before || !seen.insert(info.sha256.clone()) {
                    continue;
                }
                out.push(Other {
                    label: e.label(),
                    kind: e.kind(),
                    n,
                    info,
                });
            }
        }
        out
    }
}

/// When a check runs (its place in the order is its row in [`CHECKS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// On the target, before and whether or not the store opens
    /// ([`crate::diagnose::lint`]).
    Target,
    /// On the open store, before the certificate in use is checked; these
    /// find it ([`Ctx::in_use`]) and the entries later checks leave alone.
    Store,
    /// On the certificate in use, or on each personal certificate in turn
    /// when which one is in use cannot be determined; skipped (and listed
    /// by [`not_run`]) when there is none.
    InUse,
    /// The key match (SSL0209E): with the in-use checks when one
    /// certificate is in use; once, store-wide, after them otherwise.
    KeyMatch,
    /// On the open store, after the certificate in use.
    After,
}

/// What runs a check.
#[derive(Clone, Copy)]
pub enum Run {
    /// On the target, before the store opens.
    Target(fn(&LintTarget<'_>, &mut Vec<Finding>)),
    /// When the store did not open.
    OpenFailed(fn(&LintTarget<'_>, &crate::error::Error, &mut Vec<Finding>)),
    /// On the open store.
    Store(fn(&mut Ctx<'_>, &mut Vec<Finding>)),
    /// Its findings come from the named check's function.
    By(&'static str),
}

/// One lint check: the one place it is registered.
pub struct Check {
    /// The name its findings carry in `check`: the module's name, the
    /// JUnit test case, and what `lint --checks` lists for its codes.
    pub name: &'static str,
    pub stage: Stage,
    /// The catalogue codes it reports (`lint --checks`, SARIF rules);
    /// kdbman's own KDB codes are [`crate::diagnose::EXTRA_RULES`].
    pub reports: &'static [&'static str],
    pub run: Run,
}

/// Every check, in the order they run within its [`Stage`] (the stages
/// run in the order they are declared). A new check is a module above
/// and a row here.
#[rustfmt::skip]
pub const CHECKS: &[Check] = &[
    Check { name: "open", stage: Stage::Target, reports: &["SSL0214E", "SSL0215E", "SSL0218E", "SSL0228E"], run: Run::OpenFailed(open::check) },
    Check { name: "kdb0005w", stage: Stage::Target, reports: &[], run: Run::Target(kdb0005w::check) },
    Check { name: "kdb0008w", stage: Stage::Target, reports: &[], run: Run::Target(kdb0008w::check) },
    Check { name: "ssl0217e", stage: Stage::Store, reports: &["SSL0217E"], run: Run::Store(|c, o| ssl0217e::check(c, o)) },
    Check { name: "ssl0216e", stage: Stage::Store, reports: &["SSL0216E"], run: Run::Store(|c, o| ssl0216e::check(c, o)) },
    Check { name: "ssl0206e", stage: Stage::Store, reports: &["SSL0206E", "SSL0227E"], run: Run::Store(ssl0206e::check) },
    Check { name: "ssl0227e", stage: Stage::Store, reports: &[], run: Run::By("ssl0206e") },
    Check { name: "kdb0009w", stage: Stage::Store, reports: &[], run: Run::Store(|c, o| kdb0009w::check(c, o)) },
    Check { name: "ssl0223e", stage: Stage::Store, reports: &["SSL0223E"], run: Run::Store(ssl0223e::check) },
    Check { name: "ssl0224e", stage: Stage::Store, reports: &["SSL0224E", "SSL0264E"], run: Run::Store(ssl0224e::check) },
    Check { name: "ssl0210e", stage: Stage::Store, reports: &["SSL0210E"], run: Run::Store(ssl0210e::check) },
    Check { name: "ssl0248e", stage: Stage::InUse, reports: &["SSL0248E"], run: Run::Store(ssl0248e::check) },
    Check { name: "ssl0219e", stage: Stage::InUse, reports: &["SSL0219E"], run: Run::Store(|c, o| ssl0219e::check(c, o)) },
    Check { name: "ssl0221e", stage: Stage::InUse, reports: &["SSL0221E"], run: Run::Store(|c, o| ssl0221e::check(c, o)) },
    Check { name: "ssl0225e", stage: Stage::InUse, reports: &["SSL0225E"], run: Run::Store(ssl0225e::check) },
    Check { name: "ssl0213e", stage: Stage::InUse, reports: &["SSL0213E"], run: Run::Store(ssl0213e::check) },
    Check { name: "ssl0209e", stage: Stage::KeyMatch, reports: &["SSL0209E"], run: Run::Store(|c, o| ssl0209e::check(c, o)) },
    Check { name: "ssl0208e", stage: Stage::InUse, reports: &["SSL0208E"], run: Run::Store(|c, o| ssl0208e::check(c, o)) },
    Check { name: "kdb0001w", stage: Stage::InUse, reports: &[], run: Run::Store(|c, o| kdb0001w::check(c, o)) },
    Check { name: "kdb0002w", stage: Stage::InUse, reports: &[], run: Run::Store(|c, o| kdb0002w::check(c, o)) },
    Check { name: "kdb0003w", stage: Stage::InUse, reports: &[], run: Run::Store(|c, o| kdb0003w::check(c, o)) },
    Check { name: "kdb0004w", stage: Stage::InUse, reports: &[], run: Run::Store(|c, o| kdb0004w::check(c, o)) },
    Check { name: "kdb0006w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0006w::check(c, o)) },
    Check { name: "kdb0007w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0007w::check(c, o)) },
    Check { name: "kdb0012w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0012w::check(c, o)) },
    Check { name: "kdb0013w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0013w::check(c, o)) },
    Check { name: "kdb0014w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0014w::check(c, o)) },
    Check { name: "kdb0010w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0010w::check(c, o)) },
    Check { name: "kdb0011w", stage: Stage::After, reports: &[], run: Run::Store(|c, o| kdb0011w::check(c, o)) },
];

/// Every check's name, in the order they run (`open` stands for the store
/// opening at all), read from [`CHECKS`] when compiling. JUnit reports one
/// test case per name.
pub static NAMES: [&str; CHECKS.len()] = {
    let mut names = [""; CHECKS.len()];
    let mut i = 0;
    while i < CHECKS.len() {
        names[i] = CHECKS[i].name;
        i += 1;
    }
    names
};

/// The checks of a stage, in order.
pub fn of(stage: Stage) -> impl Iterator<Item = &'static Check> {
    CHECKS.iter().filter(move |c| c.stage == stage)
}

/// Runs the checks that look at the target itself, before it is opened.
pub fn run_target(target: &LintTarget<'_>, out: &mut Vec<Finding>) {
    for c in of(Stage::Target) {
        if let Run::Target(f) = c.run {
            f(target, out);
        }
    }
}

/// Runs the checks of a store that did not open.
pub fn run_open_failed(target: &LintTarget<'_>, e: &crate::error::Error, out: &mut Vec<Finding>) {
    for c in CHECKS {
        if let Run::OpenFailed(f) = c.run {
            f(target, e, out);
        }
    }
}

fn run_stage(stage: Stage, ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    for c in of(stage) {
        if let Run::Store(f) = c.run {
            f(ctx, out);
        }
    }
}

/// What lint does to a store's entries before any check: every key
/// decrypted (each keeps its plaintext) and every certificate decoded.
/// Done while a CMS store's integrity MAC is computed on another core
/// ([`crate::store::codec::Meanwhile`]); kept only if the store opens.
#[derive(Default)]
pub struct Prepare(OnceLock<Prepared>);

/// The certificates [`Prepare`] decoded, for the entries it was given.
pub struct Prepared {
    entries: usize,
    decoded: Vec<Result<Decoded, String>>,
    places: Vec<Vec<usize>>,
}

impl Prepare {
    pub fn into_prepared(self) -> Option<Prepared> {
        self.0.into_inner()
    }
}

impl crate::store::codec::Meanwhile for Prepare {
    fn decoded(&self, entries: &[Entry]) {
        // A key that does not decrypt keeps why; the store's own
        // `unseal_keys` reports it once the store has opened.
        let _ = crate::store::unseal_entries(entries);
        let (decoded, places) = decode_all(entries);
        let _ = self.0.set(Prepared {
            entries: entries.len(),
            decoded,
            places,
        });
    }
}

/// Runs the checks on an open store, in dependency order.
pub fn run(store: &Store, target: &LintTarget<'_>, out: &mut Vec<Finding>) {
    run_prepared(store, target, None, out);
}

/// [`run`], with what [`Prepare`] did while the store opened.
pub fn run_prepared(
    store: &Store,
    target: &LintTarget<'_>,
    prepared: Option<Prepared>,
    out: &mut Vec<Finding>,
) {
    let (decoded, places) = match prepared.filter(|p| p.entries == store.entries().len()) {
        Some(p) => (p.decoded, p.places),
        None => decode_all(store.entries()),
    };
    let mut ctx = Ctx {
        store,
        target,
        in_use: None,
        broken: HashSet::new(),
        bad_validity: HashSet::new(),
        key_unusable: false,
        as_in_use: Vec::new(),
        decoded: Arc::new(decoded),
        places: Arc::new(places),
        signers_by_subject: Arc::default(),
        trust: Arc::default(),
    };
    run_stage(Stage::Store, &mut ctx, out);
    if ctx.in_use.is_none() && undetermined(store, target) {
        ctx.as_in_use = personal(store);
    }
    if ctx.as_in_use.is_empty() {
        in_use_checks(&mut ctx, out, true);
    } else {
        // Each personal entry is checked on its own (the in-use checks
        // write nothing but `in_use` and `key_unusable`), so every core
        // takes a share; the findings keep the entries' order.
        let each = ctx.as_in_use.clone();
        let shared = &ctx;
        let found = par_chunks(&each, |part| {
            let mut c = shared.clone();
            let mut found = Vec::new();
            for &i in part {
                c.in_use = Some(i);
                c.key_unusable = false;
                in_use_checks(&mut c, &mut found, false);
            }
            found
        });
        out.extend(found.into_iter().flatten());
        ctx.in_use = None;
        ctx.key_unusable = false;
        run_stage(Stage::KeyMatch, &mut ctx, out);
    }
    run_stage(Stage::After, &mut ctx, out);
}

/// The checks of the certificate in use, in table order (with the key
/// match among them when `with_key_match`: checked as if in use, each
/// personal entry gets the key match once, after all of them).
fn in_use_checks(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>, with_key_match: bool) {
    for c in CHECKS {
        let runs = c.stage == Stage::InUse || (with_key_match && c.stage == Stage::KeyMatch);
        if let (true, Run::Store(f)) = (runs, c.run) {
            f(ctx, out);
        }
    }
}

/// The checks that did not run on an open store, each with why, so that
/// reports show them as skipped rather than passed.
pub fn not_run(store: &Store, findings: &[Finding]) -> Vec<(&'static str, String)> {
    let why = if let Some(f) = findings
        .iter()
        .find(|f| matches!(f.code, "SSL0206E" | "SSL0227E" | "SSL0223E"))
    {
        format!("no certificate in use to check ({})", f.code)
    } else if personal(store).is_empty() {
        "the store holds no personal certificate (a trust store): no certificate is in use"
            .to_string()
    } else {
        return Vec::new();
    };
    of(Stage::InUse).map(|c| (c.name, why.clone())).collect()
}

/// Whether the certificate in use cannot be determined: no label, and the
/// store's default is not known (KDB0009W).
pub fn undetermined(store: &Store, target: &LintTarget<'_>) -> bool {
    target.label.is_none() && !store.default_known()
}

/// The personal entries of a store, by index.
pub fn personal(store: &Store) -> Vec<usize> {
    store
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind() == EntryKind::Personal)
        .map(|(i, _)| i)
        .collect()
}

/// Whether certificate `n` of an entry of kind `kind` is a trust anchor:
/// self-issued (subject equals issuer) and either a signer entry of its
/// own or the top of a personal entry's chain. TLS path validation starts
/// from an anchor and never checks its serial number or its
/// self-signature (RFC 5280 §6.1), so their faults are warnings
/// (KDB0014W), not SSL0210E. A self-issued personal certificate is
/// presented and checked by clients: it is not counted.
pub fn is_anchor(kind: EntryKind, n: usize, info: &CertInfo) -> bool {
    info.self_issued && (kind == EntryKind::Signer || n > 0)
}

/// A certificate of the store outside the chain in use: another personal
/// certificate, a member of another entry's chain, or a signer.
pub struct Other<'c> {
    /// The entry that holds it.
    pub label: &'c str,
    kind: EntryKind,
    /// Its place in the entry's chain (0: the entry's own certificate).
    n: usize,
    pub info: &'c CertInfo,
}

/// The fix for a personal certificate that expires or has expired:
/// `kdbman cert renew`, then `cert receive`, under the same label.
pub fn renew_fix(label: &str) -> String {
    let shown = if label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-@+".contains(c))
    {
        label.to_string()
    } else {
        format!("'{}'", label.replace('\'', "'\\''"))
    };
    format!(
        "renew it in one step: `kdbman cert renew --db STORE --label {shown} --target renew.csr` (add --new-key for a new key), have the CA sign renew.csr, then `kdbman cert receive --db STORE --file CERT.pem` replaces the certificate under the same label, keeping its chain and default mark"
    )
}

impl Other<'_> {
    /// Whether it is a personal entry's own certificate (not a signer, nor
    /// a member of a chain): what `kdbman cert renew` renews.
    pub fn is_personal_leaf(&self) -> bool {
        self.kind == EntryKind::Personal && self.n == 0
    }

    /// Words naming it in a message: "personal certificate `web2` (CN=…)".
    pub fn who(&self) -> String {
        let (label, subject) = (self.label, &self.info.subject);
        match (self.kind, self.n) {
            (EntryKind::Signer, _) => format!("signer `{label}` ({subject})"),
            (_, 0) => format!("personal certificate `{label}` ({subject})"),
            (_, n) => format!("chain certificate {n} of `{label}` ({subject})"),
        }
    }
}

/// A duration in words, to say how far a bound was missed.
pub fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (n, unit) = if s >= 2 * 86_400 {
        (s / 86_400, "days")
    } else if s >= 2 * 3_600 {
        (s / 3_600, "hours")
    } else if s >= 120 {
        (s / 60, "minutes")
    } else {
        (s, "seconds")
    };
    format!("{n} {unit}")
}

/// Unix seconds as RFC 3339.
pub fn when(unix: i64) -> String {
    crate::pki::cert::rfc3339(unix)
}
