//! `kdbman lint`: find the conditions behind IHS SSL02xx messages before
//! deployment. Exit status: 0 nothing at or above --fail-on; 1 findings;
//! 2 usage; 3–7 and 10 the store could not be opened (the finding is still
//! printed in the requested format, with its code). Over many stores
//! (`--db` more than once, or `--dir`): the highest status any store alone
//! would give, so an unopenable store outranks findings. `--httpd-conf`
//! and `--labels` lint the stores a configuration names, each with its
//! own label (readers: `kdbman::diagnose::{httpd_conf, labels}`); a file
//! of theirs that cannot be used is exit 9.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use kdbman::diagnose::fleet::{self, Auth, StoreReport};
use kdbman::diagnose::{self, Coverage, Severity, catalogue, report};
use kdbman::ops;
use kdbman::stash;
use kdbman::{Access, Error, ErrorClass, Result};
use serde_json::json;

use super::password::PwArgs;
use super::{exit, output};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Grouped text for people (coloured on a terminal)
    Text,
    /// JSON (schema kdbman-lint/1; kdbman-lint-fleet/1 over many stores)
    Json,
    /// SARIF 2.1.0 for CI code scanning (one run; each result on its store)
    Sarif,
    /// JUnit XML: one test suite per store, one test case per check
    Junit,
    /// Prometheus text exposition (node_exporter textfile collector)
    Prometheus,
    /// GitHub Actions workflow commands (::error / ::warning annotations)
    Github,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

const MANY: &str = r#"Many stores in one run: give --db more than once, or --dir DIR (repeatable) to search a directory tree. --db always names one store (a directory given as --db is reported as unreadable, SSL0214E); --dir is searched recursively, in name order, for files whose first bytes are a store kdbman reads (CMS key database, kdbman store, PKCS#12 — told by content, never by name, so a damaged store is still found). Skipped: .rdb, .crl and .sth companions, CMS request and CRL databases, directories starting with "." (.git) and symbolic links to directories, and every other file (PEM, password files, READMEs). A directory or *.kdb/*.p12/*.pfx file that cannot be read is linted, so it shows as SSL0214E. A FIFO, socket or device found by the search (or a symbolic link to one) is never opened: it is skipped with a notice on standard error ("kdbman: notice: skipped PATH: it is a FIFO ..."), and the other stores are linted; named with --db, it is refused at once (SSL0214E). Stores linted in parallel share one Argon2id memory budget (KDBMAN_MAX_KDF_MEMORY_MIB, 512 MiB), so --jobs does not multiply memory.

Passwords over many stores (no prompt): --stashed opens each store with its own stash beside it (NAME.sth for NAME.kdb); with --stashed and --pw-env/--pw-file/--pw-stdin, stores without a stash use that password; --stash PATH is one stash for all; --pw-env/--pw-file/--pw-stdin alone is one password for all (--pw-stdin reads one line, once). With no password source at all, each store is opened with its own NAME.sth, as one store alone is (said once on standard error); a store without one is reported as unreadable and the others are linted.

Stores are linted in parallel (--jobs). A store that cannot be opened is a finding of that store (SSL0214E, SSL0215E, SSL0218E, SSL0228E) and the run goes on. Output is one report: text per store and a summary line; JSON schema kdbman-lint-fleet/1 {"schema", "label", "at", "summary": {"stores", "opened", "failed", "error", "warning", "info"}, "stores": [each store's kdbman-lint/1 object plus "opened" and "certificates": [{"label", "kind": personal|chain|signer, "subject", "serial", "not_after", "sha256"}]]}; SARIF one run with each result located at its store (checks that did not run are toolExecutionNotifications); JUnit one testsuite per store, one testcase per check (failures: findings at or above --fail-on, with code, message and fix; an unopenable store is an error in the "open" case; a check that did not run, such as those of the certificate in use when there is none, is skipped with its reason, never a pass); Prometheus x509_cert_not_before, x509_cert_not_after and x509_cert_expired with the x509-certificate-exporter's labels (serial_number, subject_*/issuer_* C, ST, L, O, OU, CN, plus filename, filepath, label and kind; see kdbman-probe(1)) so its dashboards work unchanged, and kdbman's own kdbman_certificate_not_after_seconds{store,label,kind,subject,serial}, kdbman_store_opened{store}, kdbman_lint_findings{store,code,severity}, kdbman_lint_timestamp_seconds; github one ::error/::warning/::notice annotation per finding. One --db alone keeps the kdbman-lint/1 JSON.

Every certificate of a store is checked for expiry: the one in use and its chain as SSL0219E (expired), SSL0221E (chain member expired, or not yet valid) and KDB0001W (expiring within --warn-days); every other certificate (other personal certificates, other entries' chain members, signers) as KDB0010W (expiring within --warn-days) and KDB0011W (expired), both warnings.

Labels from the servers' configuration: --httpd-conf FILE (repeatable) reads IBM HTTP Server's httpd.conf, following Include and IncludeOptional (relative to ServerRoot, else to the file's directory; wildcards; a directory read whole; include loops and nesting over 16 deep are errors), and lints, for the main server and every <VirtualHost> that enables SSL or names its own KeyFile or SSLServerCert, the KeyFile (a virtual host without one uses the main server's) with the SSLServerCert label IHS uses there (the virtual host's own, else the main server's; none: the store's default), opened with the stash beside it (KEYFILE.sth, as IHS does; a password source serves stores without one). A label the store lacks is SSL0227E located at the SSLServerCert line (text "at: FILE:LINE", JSON "location", SARIF's first location, GitHub annotations); a KeyFile that cannot be read is SSL0214E at the KeyFile line. SSLServerCert TOKEN:LABEL (a PKCS#11 crypto token, such as crypto:server) and KeyFile /saf are notes (standard error, JSON "notes", SARIF notifications), not linted; SSLStashfile is the token's password stash, not the key database's. --labels FILE: one `STORE LABEL` per line (# comments, blank lines, "quoted" fields); STORE is relative to the labels file's directory and may hold wildcards (* and ? within a directory, ** across, [...]) matched against the stores --dir finds and --db names; a store matched by several lines is linted once per label, one matched by none without a label; a line without wildcards is linted even if not found (a missing store is SSL0214E at its line); a label a store lacks is SSL0227E at its line. --mq-qmgr NAME lints with MQ's default label, ibmwebspheremq followed by the queue manager name in lower case, unless --label is given. A configuration or labels file that cannot be used (an Include that is missing or loops, a section left open, an SSL host with no KeyFile, a wildcard line matching no store, a malformed line) stops lint with exit 9, naming the file and line.

Exit status: 0 nothing at or above --fail-on; 1 findings; 2 usage; 3-7 and 10 a store could not be opened (as for one store); 9 an unusable --httpd-conf or --labels file. Over many stores: the highest status any store gives."#;

#[derive(Args, Debug)]
#[command(after_long_help = MANY)]
pub struct LintArgs {
    /// A key database to check (repeat for several: one combined report)
    #[arg(long, value_name = "PATH", required_unless_present_any = ["checks", "dir", "labels", "httpd_conf"])]
    pub db: Vec<PathBuf>,
    /// A directory searched recursively for stores of every format kdbman reads, told by content (repeatable; .rdb, .crl and .sth companions and other files are skipped; with --stashed each store uses its own NAME.sth)
    #[arg(long, value_name = "DIR")]
    pub dir: Vec<PathBuf>,
    /// Stores linted at once (default: the number of CPUs)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub pw: PwArgs,
    /// The label the server is configured with (SSLServerCert); default: the store's default
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
    /// A file of `STORE LABEL` lines: each store is linted with its own label (STORE relative to the file's directory; wildcards match the stores --dir finds and --db names; a label a store lacks is SSL0227E at that line)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["label", "mq_qmgr"])]
    pub labels: Option<PathBuf>,
    /// IBM HTTP Server configuration (repeatable): lint every KeyFile with the SSLServerCert label IHS uses there, per virtual host, following Include; a label the store lacks is SSL0227E at the directive's file and line
    #[arg(long, value_name = "FILE", conflicts_with_all = ["db", "dir", "label", "labels", "mq_qmgr"])]
    pub httpd_conf: Vec<PathBuf>,
    /// An MQ queue manager's name: lint with its default certificate label, ibmwebspheremq followed by the name in lower case (unless --label is given, as CERTLABL overrides it)
    #[arg(long, value_name = "NAME")]
    pub mq_qmgr: Option<String>,
    /// Evaluate time checks at this instant: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Warn about certificates expiring within DAYS days
    #[arg(long, value_name = "DAYS", default_value_t = diagnose::DEFAULT_WARN_DAYS)]
    pub warn_days: u32,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Lowest severity that makes lint exit 1
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// List every catalogue code and how lint treats it (checked, left to serve, not applicable)
    #[arg(long, conflicts_with_all = ["db", "dir", "labels", "httpd_conf"])]
    pub checks: bool,
}

fn list_checks(format: Format) -> u8 {
    let rows: Vec<(&catalogue::Code, Coverage)> = catalogue::CODES
        .iter()
        .map(|c| (c, diagnose::coverage(c)))
        .collect();
    if matches!(format, Format::Text) {
        for (c, cov) in &rows {
            let how = match cov {
                Coverage::Checked(checks) => format!("checked by lint ({})", checks.join(", ")),
                Coverage::Runtime => "run time: reproduced and logged by `kdbman serve`".into(),
                Coverage::NotApplicable(why) => format!("not applicable: {why}"),
            };
            output::line(format!("{}  {}", c.id, how));
        }
        for r in diagnose::EXTRA_RULES {
            output::line(format!("{}  checked by lint ({})", r.id, r.title));
        }
    } else {
        let codes: Vec<_> = rows
            .iter()
            .map(|(c, cov)| match cov {
                Coverage::Checked(checks) => {
                    json!({"code": c.id, "coverage": "lint", "checks": checks})
                }
                Coverage::Runtime => json!({"code": c.id, "coverage": "serve"}),
                Coverage::NotApplicable(why) => {
                    json!({"code": c.id, "coverage": "not-applicable", "reason": why})
                }
            })
            .collect();
        output::json(&json!({"codes": codes}));
    }
    exit::OK
}

fn threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    }
}

/// The exit status one store alone gives.
fn status(r: &StoreReport, fail_on: Severity) -> u8 {
    match &r.error {
        Some(e) => super::status_of(e),
        None if r.findings.iter().any(|f| f.severity <= fail_on) => exit::FINDINGS,
        None => exit::OK,
    }
}

/// How many stores' passwords are found: each store's own stash
/// (`--stashed`, falling back to a password source for stores without
/// one), one stash for all (`--stash PATH`), or one password for all.
pub(crate) fn fleet_auth(pw: &super::password::PwArgs) -> Result<Auth> {
    let plain = pw.given()?;
    match (&pw.stash_path, pw.stashed, plain) {
        (Some(_), true, _) | (Some(_), _, Some(_)) => Err(Error::Usage {
            detail: "--stash PATH names one stash for every store: give it alone, or --stashed for each store's own NAME.sth (optionally with a password source for stores without one)".into(),
        }),
        (Some(p), false, None) => Ok(Auth::Stash(p.clone())),
        (None, true, fallback) => Ok(Auth::OwnStash { fallback }),
        (None, false, Some(p)) => Ok(Auth::Password(p)),
        (None, false, None) => {
            // As for one store: with no source, each store's own stash.
            crate::cli::notice(
                "no password source given: each store is opened with the stash beside it (NAME.sth); a store without one is reported as unreadable",
            );
            Ok(Auth::OwnStash { fallback: None })
        }
    }
}

fn jobs(args: &LintArgs) -> usize {
    match args.jobs {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    }
}

/// MQ's default certificate label for a queue manager: `ibmwebspheremq`
/// and the name in lower case. Names are 1 to 48 characters of
/// `A-Z a-z 0-9 . / _ %`, as MQ allows.
pub(crate) fn mq_label(qmgr: &str) -> Result<String> {
    let ok = !qmgr.is_empty()
        && qmgr.len() <= 48
        && qmgr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '%'));
    if !ok {
        return Err(Error::Usage {
            detail: format!(
                "--mq-qmgr `{}` is not a queue manager name (1 to 48 characters: letters, digits, . / _ %)",
                kdbman::text::escape(qmgr)
            ),
        });
    }
    Ok(format!("ibmwebspheremq{}", qmgr.to_ascii_lowercase()))
}

fn note_skipped(skipped: &[fleet::Skipped]) {
    for s in skipped {
        crate::cli::notice(&format!(
            "skipped {}: it is {}, not a regular file (a store is never one)",
            s.path.display(),
            s.kind
        ));
    }
}

pub fn run(args: LintArgs) -> Result<u8> {
    if args.checks {
        return Ok(list_checks(args.format));
    }
    let at = match &args.at {
        Some(s) => super::values::parse_at(s)?,
        None => kdbman::clock::now(),
    };
    let fail_on = threshold(args.fail_on);
    let label = match (&args.label, &args.mq_qmgr) {
        (Some(l), _) => Some(l.clone()),
        (None, Some(q)) => Some(mq_label(q)?),
        (None, None) => None,
    };
    let configured = args.labels.is_some() || !args.httpd_conf.is_empty();
    let many = args.db.len() + args.dir.len() > 1 || !args.dir.is_empty() || configured;
    let mut options = fleet::Options {
        auth: Auth::OwnStash { fallback: None },
        label: label.clone(),
        at,
        warn_days: args.warn_days,
        jobs: jobs(&args),
        inventory: matches!(
            (args.format, many),
            (Format::Json, true) | (Format::Prometheus, _)
        ),
    };
    let targets = if !args.httpd_conf.is_empty() {
        // IHS opens each KeyFile with the stash beside it: so does lint,
        // falling back to a password given for a store without one.
        options.auth = match (&args.pw.stash_path, args.pw.given()?) {
            (Some(_), Some(_)) => {
                return Err(Error::Usage {
                    detail: "--stash PATH names one stash for every KeyFile: give it alone, or a password source (--pw-env, --pw-file, --pw-stdin) for the stores without their own KEYFILE.sth".into(),
                });
            }
            (Some(p), None) => Auth::Stash(p.clone()),
            (None, fallback) => Auth::OwnStash { fallback },
        };
        Some(ops::lint::Targets::HttpdConf(&args.httpd_conf))
    } else if let Some(file) = &args.labels {
        options.auth = fleet_auth(&args.pw)?;
        Some(ops::lint::Targets::Labels {
            file,
            db: &args.db,
            dirs: &args.dir,
        })
    } else if many {
        options.auth = fleet_auth(&args.pw)?;
        Some(ops::lint::Targets::Stores {
            db: &args.db,
            dirs: &args.dir,
        })
    } else {
        None
    };
    let (reports, notes) = match targets {
        Some(targets) => {
            let done = ops::lint::lint(targets, &options)?;
            for n in &done.notes {
                crate::cli::notice(&kdbman::text::escape(&format!("{}: {}", n.at, n.message)));
            }
            note_skipped(&done.skipped);
            // One store alone says it through the open; over many, here.
            for i in &done.interrupted {
                super::warn(&format!(
                    "a write to {} was interrupted (its commit marker {} remains): lint read the files that write committed; the next command that changes the store completes it",
                    i.store.display(),
                    i.marker.display()
                ));
            }
            (done.reports, done.notes)
        }
        None => {
            let db = args.db.first().cloned().unwrap_or_default();
            (vec![lint_single(&db, &args, &options)?], Vec::new())
        }
    };
    let run = report::Run {
        label: label.as_deref(),
        at,
        fail_on,
    };
    let color = || std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match (args.format, many) {
        (Format::Text, false) => {
            let r = &reports[0];
            output::emit(&report::text(&r.findings, &run.meta(r), color()));
        }
        (Format::Text, true) => output::emit(&report::fleet_text(&reports, &run, color())),
        (Format::Json, false) => {
            let r = &reports[0];
            output::json(&report::json(&r.findings, &run.meta(r)));
        }
        (Format::Json, true) => {
            let mut v = report::fleet_json(&reports, &run);
            if configured {
                v["notes"] = report::notes_json(&notes);
            }
            output::json(&v);
        }
        (Format::Sarif, _) => {
            let mut log = super::sarif::fleet_sarif(&reports, &run);
            super::sarif::sarif_notes(&mut log, &notes);
            let v = serde_json::to_value(log).unwrap_or_default();
            output::json(&v);
        }
        (Format::Junit, _) => output::emit(&report::junit(&reports, &run)),
        (Format::Prometheus, _) => output::emit(&report::prometheus(&reports, &run)),
        (Format::Github, _) => output::emit(&report::github(&reports)),
    }
    Ok(reports
        .iter()
        .map(|r| status(r, fail_on))
        .max()
        .unwrap_or(exit::OK))
}

/// One store, opened as every other command opens it (prompt included).
fn lint_single(db: &Path, args: &LintArgs, options: &fleet::Options) -> Result<StoreReport> {
    // Lint reports an exposed stash as a warning instead of refusing it.
    let mut pw = args.pw.or_stash_beside(db);
    pw.allow_insecure_stash = true;
    let stash_path = match (&pw.stash_path, pw.stashed) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => Some(stash::default_path(db)),
        _ => None,
    };
    // Keys are decrypted and certificates decoded while a CMS store's
    // integrity MAC is computed.
    let prepare = kdbman::diagnose::checks::Prepare::default();
    let opened = pw
        .key(db)
        .and_then(|key| pw.at(db, &key).open_meanwhile(Access::Read, &prepare));
    let opened = match opened {
        Ok(o) => Ok(o.store),
        Err(e) if e.class() == ErrorClass::Usage => return Err(e),
        Err(e) => Err(e),
    };
    Ok(fleet::report_prepared(
        db,
        opened,
        prepare.into_prepared(),
        stash_path.as_deref(),
        options,
    ))
}
