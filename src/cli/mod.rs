//! The command line: clap definitions and dispatch. A thin shell over the
//! library; the only place that prints, prompts and picks exit statuses.

pub mod cert;
pub mod certreq;
pub mod docs;
pub mod examples;
#[cfg(test)]
mod examples_tests;
pub mod explain;
pub mod files;
pub mod gsk;
pub mod keydb;
pub mod lint;
pub mod output;
pub mod password;
pub mod probe;
pub mod sarif;
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
    after_help = "Exit status: 0 success; 1 findings (lint, cert list --expiring, cert validate); 2 usage error (bad option, missing password source); 3 file cannot be read or written (SSL0214E); 4 not a store kdbman reads, named for what it is (KeePass, JKS, PEM, empty…), or a CMS or kdbman store of a version it cannot read (SSL0215E); 5 damaged store (SSL0218E); 6 wrong password (SSL0218E; for serve also an expired store password, SSL0219E); 7 stash cannot open the store (SSL0228E); 8 entry not found or duplicate (SSL0227E, SSL0216E, SSL0217E); 9 unusable input file; 10 wrong password or damaged header, which a CMS store without private keys cannot tell apart (SSL0218E).

Limits on what one file may cost, so that no hostile file keeps a command busy for more than about two seconds (each refused before the work, naming the item and the figures; set the environment variable to raise a limit for a file you trust): stores and stashes are read only if they are regular files (a FIFO, device, socket or directory is refused at once); input files may also be pipes (--file <(cmd), a FIFO), read once up to their limit, while devices, sockets and directories are refused; store files at most 256 MiB (KDBMAN_MAX_STORE_MIB), input files (PEM, DER, PKCS#12, requests) 16 MiB (KDBMAN_MAX_INPUT_MIB), stash files 64 KiB; the PBKDF2 and PKCS#12-KDF iterations of one file, summed over its items (the MAC, every encrypted safe and key bag, every CMS key), at most 6,000,000 (KDBMAN_MAX_KDF_ITERATIONS); Argon2id memory x passes of one store at most 512 MiB (KDBMAN_MAX_ARGON2_WORK_MIB); Argon2id memory in flight at once, over all stores a command opens in parallel (lint --jobs), at most 512 MiB (KDBMAN_MAX_KDF_MEMORY_MIB; the rest wait)."
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
    #[command(after_long_help = NAMES_HELP)]
    Cert {
        #[command(subcommand)]
        action: cert::CertAction,
    },
    /// Create, list, inspect, extract and delete certificate requests
    #[command(after_long_help = NAMES_HELP)]
    Certreq {
        #[command(subcommand)]
        action: certreq::CertreqAction,
    },
    /// Check stores for the conditions behind IHS SSL02xx messages (text, JSON, SARIF, JUnit, Prometheus)
    Lint(Box<lint::LintArgs>),
    /// Explain an IHS message code (SSL0218E), a GSKit return code (408) or a code kdbman prints (KDB0009W, KDBG0008W)
    Explain(explain::ExplainArgs),
    /// Serve HTTPS from a store's certificate, logging failed handshakes with their IHS codes
    Serve(Box<serve::ServeArgs>),
    /// Check a live TLS server: what it sends, against its store and as a client would see it
    Probe(Box<probe::ProbeArgs>),
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

/// How names are read and shown (cert and certreq man pages).
pub const NAMES_HELP: &str = "Distinguished names: a --dn string is read as RFC 4514, most specific RDN first, exactly as keytool -dname, GSKit's -dn and kdbman's gsk8capicmd front end read it: --dn \"CN=web,O=Example,C=US\" makes a name whose DER holds C, then O, then CN (what openssl req -subj /C=US/O=Example/CN=web makes). Escape a comma or plus inside a value with a backslash (CN=Smith\\, John) or quote the value (O=\"Example, Inc\"); join the attributes of a multi-valued RDN with + (CN=web+UID=w1); #HEX gives a value's DER. Values are PrintableString where they fit, else UTF8String (emailAddress and DC IA5String). Every listing, detail and JSON output shows names in that same order, most specific first, with RFC 4514 escaping, as openssl x509 -nameopt RFC2253 prints them (the AVAs of a multi-valued RDN in reverse DER set order, as OpenSSL does).";

/// Prints an error with its code and fix to standard error. A closed
/// stderr is ignored: there is nobody left to tell.
pub fn report(e: &Error) {
    let code = e.code().map(|c| format!("[{c}]")).unwrap_or_default();
    let mut text = format!(
        "kdbman: error{code}: {e}\n  fix: {}\n",
        kdbman::advice::fix(e)
    );
    if let Some(c) = e.code() {
        text.push_str(&format!("  see: kdbman explain {c}\n"));
    }
    let text = kdbman::text::escape_lines(&text);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints a warning to standard error (a closed stderr is ignored).
pub fn warn(msg: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "kdbman: warning: {}",
        kdbman::text::escape_lines(msg)
    );
}

/// The algorithm policy for `--fips`; says once per process on stderr that
/// kdbman's cryptography is not a FIPS 140-validated module.
pub fn policy(fips: bool) -> kdbman::pki::policy::Policy {
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    if !fips {
        return kdbman::pki::policy::Policy::Default;
    }
    if !SAID.swap(true, Ordering::Relaxed) {
        warn(
            "FIPS mode restricts this command to FIPS-approved algorithms, but kdbman's own cryptography is not a FIPS 140-validated module",
        );
    }
    kdbman::pki::policy::Policy::Fips
}

/// The signature hash for `key` under `policy`, with any note about the
/// choice printed as a warning.
pub fn signature_hash(
    policy: kdbman::pki::policy::Policy,
    key: &kdbman::pki::KeyAlgorithm,
    asked: Option<kdbman::pki::policy::HashRequest>,
) -> Result<Option<kdbman::pki::policy::SigHash>, Error> {
    let choice = policy.signature(key, asked)?;
    for n in &choice.notes {
        warn(n);
    }
    Ok(choice.hash)
}

/// Options whose value is a password: never echoed by an error.
const SECRET_OPTIONS: &[&str] = &["--pw", "--new-pw", "--file-pw", "--target-pw", "--trust-pw"];

/// The passwords given as option values on the command line (`--pw V`,
/// `--pw=V`), and the argument after each (most likely the rest of an
/// unquoted password with a space).
fn secret_values(args: &[std::ffi::OsString]) -> Vec<String> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if SECRET_OPTIONS.contains(&a.as_str()) {
            out.extend(
                args.get(i + 1..i + 3)
                    .unwrap_or(&args[i + 1..])
                    .iter()
                    .cloned(),
            );
        } else if let Some((opt, v)) = a.split_once('=')
            && SECRET_OPTIONS.contains(&opt)
        {
            out.push(v.to_string());
            out.extend(args.get(i + 1).cloned());
        }
    }
    out.retain(|s| !s.is_empty() && !s.starts_with("--"));
    out
}

/// Prints a command-line error and exits as clap would, but with every
/// password of the command line masked: clap quotes the arguments it
/// rejects, and one of them may be (part of) a password.
pub fn parse_error_exit(e: clap::Error, args: &[std::ffi::OsString]) -> ! {
    let secrets = secret_values(args);
    if secrets.is_empty() {
        e.exit();
    }
    let mut text = e.render().to_string();
    for s in &secrets {
        text = gsk::messages::redact_one(&text, s);
    }
    if e.use_stderr() {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    std::process::exit(e.exit_code())
}

/// A notice on standard error: something left out that the user may want
/// to know about, not a problem with what was asked.
pub fn notice(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "kdbman: notice: {msg}");
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
        Command::Probe(args) => probe::run(*args),
        Command::GenerateDocs { out } => docs::generate(&out).map(|()| exit::OK),
    }
}
