//! Diagnosis of the conditions behind IBM HTTP Server's SSL02xx messages.
//!
//! [`lint`] runs one check per store condition (modules under `checks`,
//! named by their code) and returns [`Finding`]s; [`report`] renders the same
//! list as text, JSON or SARIF. The library never prints: `kdbman lint` and
//! `kdbman serve` word and show the findings.
//!
//! Decisions where the issue left a choice:
//! - RSA keys under 2048 bits are an **error** under SSL0225E: the bundled
//!   server (rustls with ring) cannot load them, and current clients refuse
//!   them, so a store relying on one fails at its first handshake.
//! - SSL0225E covers key types no TLS server should present (DSA, unknown
//!   curves or algorithms, small RSA); SSL0213E covers a key of a known type
//!   for which the bundled server offers no cipher suite (P-521, RSA over
//!   8192 bits): the key loads nowhere in rustls's ring provider.
//! - "In use" is the `--label` entry, else the default personal entry. Time,
//!   chain, key-type, cipher and certificate-quality checks concern it (and
//!   its chain); duplicates, malformed certificates (SSL0210E, SSL0224E) and
//!   key/certificate mismatch (SSL0209E) are checked for every entry, since
//!   any personal entry can be chosen by SNI or a later configuration.
//! - The chain check (SSL0208E) uses `pki::validate`, the one policy of
//!   `cert validate` and `serve`: a self-signed certificate in use
//!   validates only when it is also a trusted signer in the store.
//! - Expiry of the certificate in use (and of the store password) is
//!   SSL0219E; "not yet valid", and expiry of a certificate above it in the
//!   chain, are SSL0221E. A validity period that ends before it starts is a
//!   field that breaks X.509 rules (SSL0210E) and suppresses the time checks.
//! - As the catalogue words them: SSL0224E is a stored certificate whose DER
//!   does not decode, SSL0210E one that decodes but breaks an X.509 rule
//!   (serial, validity, version). A self-issued trust anchor's serial
//!   number, MD2/MD5/SHA-1 self-signature or X.509 v1 is never processed by
//!   path validation: those are KDB0014W, a warning. When the undecodable certificate is the
//!   one in use, the finding is SSL0264E (the server cannot get the
//!   certificate data for its label) instead of SSL0224E.
//! - Runtime-only codes ([`catalogue::Scope::Runtime`]) are checked by
//!   `kdbman serve`, which reproduces and logs them; codes for parts kdbman
//!   does not have ([`catalogue::Scope::NotApplicable`]) are listed with the
//!   reason by [`coverage`].
//! - Every other certificate in the store (other personal certificates,
//!   members of other entries' chains, signers) is checked for expiry too:
//!   KDB0010W when it expires within `--warn-days`, KDB0011W when it has
//!   expired. Both are warnings: the server does not present such a
//!   certificate, so nothing fails today, and stock stores often carry
//!   expired CA signers; `--fail-on warning` makes them fail a run. The
//!   chain in use keeps SSL0219E / SSL0221E / KDB0001W, and a certificate
//!   is reported once even when several entries hold it.
//! - Many stores in one run: [`fleet`] finds them, opens each and lints
//!   them in parallel; [`report`] renders the list (JSON schema
//!   `kdbman-lint-fleet/1`, JUnit, Prometheus, GitHub annotations).
//! - Labels from where they live: [`httpd_conf`] reads IHS's
//!   configuration (includes, virtual hosts) and [`labels`] a
//!   `STORE LABEL` file, both pure; [`fleet::Job`] carries each store's
//!   own label and the lines that named it. A label a configuration names
//!   and the store lacks is SSL0227E at that file and line — the message
//!   IHS logs at startup for a misspelt `SSLServerCert` — while a missing
//!   `--label` stays SSL0206E; either way the checks of the certificate in
//!   use are skipped (JUnit `<skipped>`), never passed.

pub mod catalogue;
pub mod checks;
pub mod exporter;
pub mod finding;
pub mod fleet;
pub mod glob;
pub mod httpd_conf;
pub mod labels;
pub mod probe_codes;
pub mod report;
pub mod rule;

use std::path::Path;

pub use catalogue::Severity;
pub use finding::{EXTRA_RULES, ExtraRule, Finding, Location};

use crate::error::Error;
use crate::store::Store;

/// What to lint: a store (opened, or the error that stopped it opening).
#[derive(Debug, Clone, Copy)]
pub struct LintTarget<'a> {
    /// The store file, for messages and the permission check.
    pub path: &'a Path,
    /// The open store, or why it did not open (a finding in itself).
    pub store: Result<&'a Store, &'a Error>,
    /// The stash file used to open it, if any (permission check).
    pub stash: Option<&'a Path>,
    /// The label the server would be configured with (`SSLServerCert`).
    pub label: Option<&'a str>,
    /// The instant all time checks use, Unix seconds.
    pub at: i64,
    /// Warn about certificates expiring within this many days.
    pub warn_days: u32,
}

/// The current time in Unix seconds (the default instant of [`lint`]).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The default warning window for expiring certificates.
pub const DEFAULT_WARN_DAYS: u32 = 30;

/// Runs every check and returns the findings, errors first.
pub fn lint(target: &LintTarget<'_>) -> Vec<Finding> {
    lint_prepared(target, None)
}

/// [`lint`], with what [`checks::Prepare`] did while the store opened.
pub fn lint_prepared(target: &LintTarget<'_>, prepared: Option<checks::Prepared>) -> Vec<Finding> {
    let mut out = Vec::new();
    checks::run_target(target, &mut out);
    match target.store {
        Err(e) => checks::run_open_failed(target, e, &mut out),
        Ok(store) => checks::run_prepared(store, target, prepared, &mut out),
    }
    // Stable: within a severity, the order the checks ran.
    out.sort_by_key(|f| f.severity);
    out
}

/// How lint treats one catalogue code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// Checked by lint, by these checks.
    Checked(Vec<&'static str>),
    /// Only shows during a handshake: `kdbman serve` reproduces it.
    Runtime,
    /// Concerns a part kdbman does not have; the reason.
    NotApplicable(&'static str),
}

/// Each catalogue code lint checks, in code order, with the checks that
/// can report it (from [`checks::CHECKS`]).
pub fn checked() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for c in checks::CHECKS {
        for &code in c.reports {
            match out.iter_mut().find(|(id, _)| *id == code) {
                Some((_, names)) => names.push(c.name),
                None => out.push((code, vec![c.name])),
            }
        }
    }
    out.sort_by_key(|(id, _)| *id);
    out
}

/// How lint treats a catalogue code: checked, left to `serve`, or not
/// applicable (with the catalogue's reason).
pub fn coverage(code: &catalogue::Code) -> Coverage {
    if let Some((_, checks)) = checked().into_iter().find(|(id, _)| *id == code.id) {
        return Coverage::Checked(checks);
    }
    match code.scope {
        catalogue::Scope::NotApplicable => Coverage::NotApplicable(code.kdbman),
        // Store-scope codes lint has no check for are reproduced by serve.
        _ => Coverage::Runtime,
    }
}
