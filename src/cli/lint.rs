//! `kdbman lint`: find the conditions behind IHS SSL02xx messages before
//! deployment. Exit status: 0 nothing at or above --fail-on; 1 findings;
//! 2 usage; 3–7 the store could not be opened (the finding is still printed
//! in the requested format, with its code).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kdbman::diagnose::{self, Coverage, LintTarget, Severity, catalogue, report};
use kdbman::stash;
use kdbman::{Access, ErrorClass, Result};
use serde_json::json;

use super::password::PwArgs;
use super::{exit, output};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Grouped text for people (coloured on a terminal)
    Text,
    /// JSON (schema kdbman-lint/1)
    Json,
    /// SARIF 2.1.0 for CI code scanning
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// The key database to check
    #[arg(long, value_name = "PATH", required_unless_present = "checks")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub pw: PwArgs,
    /// The label the server is configured with (SSLServerCert); default: the store's default
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
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
    #[arg(long, conflicts_with = "db")]
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

pub fn run(args: LintArgs) -> Result<u8> {
    if args.checks {
        return Ok(list_checks(args.format));
    }
    let db = args.db.clone().unwrap_or_default();
    let at = match &args.at {
        Some(s) => super::values::parse_at(s)?,
        None => kdbman::clock::now(),
    };
    // Lint reports an exposed stash as a warning instead of refusing it.
    let mut pw = args.pw.clone();
    pw.allow_insecure_stash = true;
    let stash_path = match (&args.pw.stash_path, args.pw.stashed) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => Some(stash::default_path(&db)),
        _ => None,
    };
    let opened = match pw.open(&db, Access::Read) {
        Ok((store, _)) => Ok(store),
        Err(e) if e.class() == ErrorClass::Usage => return Err(e),
        Err(e) => Err(e),
    };
    let target = LintTarget {
        path: &db,
        store: opened.as_ref(),
        stash: stash_path.as_deref(),
        label: args.label.as_deref(),
        at,
        warn_days: args.warn_days,
    };
    let findings = diagnose::lint(&target);
    let meta = report::Meta {
        store: &db,
        format: opened.as_ref().ok().map(|s| s.format().name()),
        label: args.label.as_deref(),
        at,
    };
    match args.format {
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            output::emit(&report::text(&findings, &meta, color));
        }
        Format::Json => output::json(&report::json(&findings, &meta)),
        Format::Sarif => {
            let v = serde_json::to_value(report::sarif(&findings, &meta)).unwrap_or_default();
            output::json(&v);
        }
    }
    if let Err(e) = &opened {
        return Ok(super::status_of(e));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(if findings.iter().any(|f| f.severity <= threshold) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
