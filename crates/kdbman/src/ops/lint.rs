//! `lint` over many stores: which stores (named directly, found under
//! directories, named by IBM HTTP Server's configuration or by a labels
//! file), each with its label, then every check on each. The one-store
//! lint of the command line opens its store as every command does and
//! calls [`crate::diagnose::fleet::report`].
//!
//! Nothing is printed: what a front end says besides the reports (a
//! crypto token lint leaves alone, a FIFO skipped under a directory, an
//! interrupted write) comes back as data in [`LintRun`].

use std::path::{Path, PathBuf};

use crate::diagnose::fleet::{self, Job, Options, Skipped, StoreReport};
use crate::diagnose::{httpd_conf, labels};
use crate::error::{Error, Result};

/// Where the stores to lint are named.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a> {
    /// Store files, and directories searched for stores.
    Stores {
        db: &'a [PathBuf],
        dirs: &'a [PathBuf],
    },
    /// IBM HTTP Server configuration files (`KeyFile`, `SSLServerCert`,
    /// `Include`), each store with the label its sites use.
    HttpdConf(&'a [PathBuf]),
    /// A labels file (`STORE LABEL` lines), then the stores of `db` and
    /// `dirs` that no line names.
    Labels {
        file: &'a Path,
        db: &'a [PathBuf],
        dirs: &'a [PathBuf],
    },
}

/// A store whose last write was interrupted: its commit marker remains.
#[derive(Debug, Clone)]
pub struct Interrupted {
    pub store: PathBuf,
    pub marker: PathBuf,
}

/// What a many-store lint found.
#[derive(Debug)]
pub struct LintRun {
    /// One report per store, in the order the stores were named.
    pub reports: Vec<StoreReport>,
    /// Configuration lines lint left alone (crypto tokens, SAF key rings).
    pub notes: Vec<httpd_conf::Note>,
    /// Files under a directory that are not regular files.
    pub skipped: Vec<Skipped>,
    /// Stores read while an interrupted write's marker remains.
    pub interrupted: Vec<Interrupted>,
}

/// Lints every store `targets` names with `options`.
pub fn lint(targets: Targets<'_>, options: &Options) -> Result<LintRun> {
    let mut notes = Vec::new();
    let mut skipped = Vec::new();
    let reports = match targets {
        Targets::Stores { db, dirs } => {
            let (paths, s) = fleet::discover_noting(db, dirs);
            skipped = s;
            fleet::lint_all(&paths, options)
        }
        Targets::HttpdConf(confs) => {
            let (jobs, n) = httpd_jobs(confs)?;
            notes = n;
            fleet::lint_jobs(&jobs, options)
        }
        Targets::Labels { file, db, dirs } => {
            let (jobs, s) = labels_jobs(file, db, dirs)?;
            skipped = s;
            fleet::lint_jobs(&jobs, options)
        }
    };
    let interrupted = reports
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| {
            let p = crate::file::pending(&crate::file::resolve_for_read(&r.path)).ok()??;
            Some(Interrupted {
                store: r.path.clone(),
                marker: p.marker().to_path_buf(),
            })
        })
        .collect();
    Ok(LintRun {
        reports,
        notes,
        skipped,
        interrupted,
    })
}

/// The stores IBM HTTP Server configurations name, each with its label
/// (a store named twice with one label is linted once).
pub fn httpd_jobs(confs: &[PathBuf]) -> Result<(Vec<Job>, Vec<httpd_conf::Note>)> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut notes = Vec::new();
    for conf in confs {
        let cfg = httpd_conf::read(conf, &httpd_conf::Disk)?;
        let plan = httpd_conf::plan(&cfg)?;
        for site in plan.sites {
            let job = Job {
                path: site.key_file,
                label: site.label,
                store_at: Some(site.key_file_at),
                label_at: site.label_at,
                sites: site.names,
            };
            if !jobs
                .iter()
                .any(|j| j.path == job.path && j.label == job.label)
            {
                jobs.push(job);
            }
        }
        notes.extend(plan.notes);
    }
    Ok((jobs, notes))
}

/// The stores of a labels file: each (store, label) pair, then the
/// stores found that no line names (linted without a label).
pub fn labels_jobs(
    file: &Path,
    db: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<(Vec<Job>, Vec<Skipped>)> {
    let bytes = crate::file::read_input(file)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::BadInput {
        what: file.display().to_string(),
        detail: "the labels file is not UTF-8 text; write one `STORE LABEL` per line".into(),
        code: None,
    })?;
    let lines = labels::parse(&text, file)?;
    let (found, skipped) = fleet::discover_noting(db, dirs);
    let base = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cwd = std::env::current_dir().unwrap_or_default();
    let (assigned, rest) = labels::assign(&lines, base, &found, &cwd)?;
    let mut jobs: Vec<Job> = assigned
        .into_iter()
        .map(|a| Job {
            path: a.path,
            label: Some(a.label),
            store_at: Some(a.at.clone()),
            label_at: Some(a.at),
            sites: Vec::new(),
        })
        .collect();
    jobs.extend(rest.iter().map(|p| Job::of(p)));
    Ok((jobs, skipped))
}
