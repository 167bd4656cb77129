//! The command line: clap definitions and dispatch. A thin shell over the
//! library; the only place that prints, prompts and picks exit statuses.

pub mod cert;
pub mod certreq;
pub mod docs;
pub mod explain;
pub mod files;
pub mod gsk;
pub mod keydb;
pub mod lint;
pub mod output;
pub mod password;
pub mod serve;
pub mod values;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kdbman::Error;

/// Key database and stash file manager for GSKit-style keystores.
#[derive(Parser, Debug)]
#[command(
    name = "kdbman",
    version,
    about = "Key database and stash file manager",
    long_about = "kdbman manages encrypted key databases (personal certificates with their keys, trusted signers, pending requests) and their password stash files, diagnoses the conditions behind IBM HTTP Server's SSL02xx handshake messages, and serves test HTTPS from a store.",
    after_help = "Exit status: 0 success; 1 findings (lint, cert list --expiring, cert validate); 2 usage error (bad option, missing password source); 3 file cannot be read or written (SSL0214E); 4 not a store kdbman reads, named for what it is (KeePass, JKS, PEM, empty…), or a CMS or kdbman store of a version it cannot read (SSL0215E); 5 damaged store (SSL0218E); 6 wrong password (SSL0218E; for serve also an expired store password, SSL0219E); 7 stash cannot open the store (SSL0228E); 8 entry not found or duplicate (SSL0227E, SSL0216E, SSL0217E); 9 unusable input file; 10 wrong password or damaged header, which a CMS store without private keys cannot tell apart (SSL0218E)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create, re-key, stash, inspect, export and delete key databases
    Keydb {
        #[command(subcommand)]
        action: keydb::KeydbAction,
    },
    /// Create, add, import, list, inspect, rename, extract, export, sign, validate and delete certificates
    Cert {
        #[command(subcommand)]
        action: cert::CertAction,
    },
    /// Create, list, inspect, extract and delete certificate requests
    Certreq {
        #[command(subcommand)]
        action: certreq::CertreqAction,
    },
    /// Check stores for the conditions behind IHS SSL02xx messages (text, JSON, SARIF, JUnit, Prometheus)
    Lint(Box<lint::LintArgs>),
    /// Explain an IHS message code (SSL0218E) or GSKit return code (408)
    Explain(explain::ExplainArgs),
    /// Serve HTTPS from a store's certificate, logging failed handshakes with their IHS codes
    Serve(Box<serve::ServeArgs>),
    /// Write the man pages and shell completions (for packagers)
    #[command(hide = true)]
    GenerateDocs {
        /// Directory that receives man/ and completions/
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub mod exit;
pub use exit::status_of;

/// Prints an error with its code and fix to standard error. A closed
/// stderr is ignored: there is nobody left to tell.
pub fn report(e: &Error) {
    let code = e.code().map(|c| format!("[{c}]")).unwrap_or_default();
    let mut text = format!("kdbman: error{code}: {e}\n  fix: {}\n", e.fix());
    if let Some(c) = e.code() {
        text.push_str(&format!("  see: kdbman explain {c}\n"));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints a warning to standard error (a closed stderr is ignored).
pub fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "kdbman: warning: {msg}");
}

/// Runs a parsed command line, returning the exit status.
pub fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Command::Keydb { action } => keydb::run(action),
        Command::Cert { action } => cert::run(action),
        Command::Certreq { action } => certreq::run(action),
        Command::Lint(args) => lint::run(*args),
        Command::Explain(args) => explain::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::GenerateDocs { out } => docs::generate(&out).map(|()| exit::OK),
    }
}
