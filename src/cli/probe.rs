//! `kdbman probe HOST[:PORT]`: what a live server does, checked against
//! its store and as a client would see it. Exit status: 0 nothing at or
//! above --fail-on; 1 a finding is; 3 no handshake reached a certificate
//! (the socket error or TLS alert is named); 2 usage. Over many targets:
//! the highest status any target gives.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use kdbman::diagnose::Severity;
use kdbman::probe::{self, ClientIdentity, Options, ProbeReport, Target, TrustSource};
use kdbman::store::EntryKind;
use kdbman::{Access, Error, Result, Store};

use super::lint::FailOn;
use super::password::{PwArgs, SecretArg};
use super::{exit, output};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Text for people (coloured on a terminal)
    Text,
    /// JSON (schema kdbman-probe/1; kdbman-probe-fleet/1 with --targets)
    Json,
    /// SARIF 2.1.0 (one run; each result located at its target)
    Sarif,
    /// JUnit XML: one test suite per target, one test case per check
    Junit,
    /// Prometheus text exposition (x509-certificate-exporter names and labels)
    Prometheus,
}

const ABOUT: &str = r#"Connects to a TLS server and reports what it does: the TLS versions it accepts (1.3 and 1.2 are tried separately), the cipher suite, key exchange group and ALPN protocol (h2 and http/1.1 are offered) it picks, whether it staples an OCSP response, the chain it sends (leaf first: subject, issuer, serial, not-after, key, SANs, SHA-256), and whether it asks for a client certificate and which CA names it lists. kdbman records the chain without trusting it, then decides with its own path validation (the one of lint and cert validate).

Against the server's store (--db, with --label, a --sni HOST=LABEL mapping as kdbman serve takes it, the label on a --targets line, else the store's default): the served leaf must be the store's certificate for that label (KDBP0001E names both fingerprints and not-after dates: the typical "store renewed, server not restarted"); the served chain must reach a trusted signer of the store without help (KDBP0002E names the missing intermediate); the certificate must be valid now (SSL0219E, SSL0221E) and beyond --warn-days (KDB0001W); the name must match (KDBP0004E, against --servername, else HOST).

As a client would see it (--trust-db STORE, e.g. an MQ client's key database, or --trust-system, the system CA bundle /etc/ssl/certs/ca-certificates.crt): would a client with only these signers accept the server? If not, KDBP0003E names the missing certificate and the kdbman cert extract / cert add commands that fix it. --client-label LABEL presents that personal certificate (from --db, else --trust-db) and reports whether the server accepted it (KDBP0005E when it refused, with the TLS alert: a TLS 1.3 server refuses after the handshake, so kdbman sends a HEAD request and reads the answer; an nginx HTTP 400 counts as a refusal). A server that asks for a certificate when none is presented is KDBP0006I; one that accepts TLS 1.2 but not 1.3 KDBP0008I.

Many targets (--targets FILE): one "HOST[:PORT] [LABEL]" per line (blank lines and # comments skipped), probed --jobs at a time; one report.

Prometheus (--format prometheus) uses the names and labels of the x509-certificate-exporter (enix), so its dashboards and alerts work unchanged: x509_cert_not_before, x509_cert_not_after (Unix seconds) and x509_cert_expired (1 when expired) for every certificate the server sent, labelled serial_number (decimal), subject_C, subject_ST, subject_L, subject_O, subject_OU, subject_CN and the same issuer_* labels (each only when the name has it), plus target (HOST:PORT) and position (0 the leaf) where the exporter has filename/filepath. kdbman's own series: kdbman_probe_success{target}, kdbman_probe_tls_version_accepted{target,version}, kdbman_probe_findings{target,code,severity}, kdbman_probe_timestamp_seconds. lint --format prometheus writes the same x509_cert_* series for every certificate of a store, labelled filename, filepath, label and kind.

JSON (schema kdbman-probe/1): {"target", "address", "servername", "at", "reachable", "error", "protocol", "cipher_suite", "key_exchange", "alpn", "ocsp_stapled", "protocols": {"TLSv1.3": {"accepted", "completed", "cipher_suite", "key_exchange", "alpn", "error"}, "TLSv1.2": {...}}, "chain": [{"subject", "issuer", "serial", "not_before", "not_after", "sha256", "key", "sans"}], "client_auth": {"requested", "ca_names"} | null, "client_certificate": {"label", "result": accepted|refused|not-requested, "reason"} | null, "store": {"label", "chain_complete"} | null, "client_views": [{"trust", "accepts"}], "summary", "findings": [{"code", "severity", "title", "label", "message", "fix", "check"}]}; with --targets {"schema": "kdbman-probe-fleet/1", "at", "summary", "targets": [...]}.

Exit status: 0 nothing at or above --fail-on; 1 a finding is; 2 usage; 3 no handshake reached a certificate (KDBP0007E: the socket error, such as connection refused, or the TLS alert, or a plain-HTTP answer, is named). Over many targets: the highest status any target gives."#;

/// Passwords of the --trust-db store.
#[derive(Args, Debug, Clone, Default)]
pub struct TrustPwArgs {
    /// Read the --trust-db store's password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Client store password")]
    pub trust_pw_env: Option<String>,
    /// Read the --trust-db store's password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Client store password")]
    pub trust_pw_file: Option<PathBuf>,
    /// Use the stash file beside the --trust-db store (STORE.sth)
    #[arg(long, help_heading = "Client store password")]
    pub trust_stashed: bool,
    /// Use this stash file for the --trust-db store
    #[arg(long, value_name = "PATH", help_heading = "Client store password")]
    pub trust_stash: Option<PathBuf>,
    /// The --trust-db store's password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Client store password",
        allow_hyphen_values = true
    )]
    pub trust_pw: Option<SecretArg>,
}

#[derive(Args, Debug)]
#[command(after_long_help = ABOUT)]
pub struct ProbeArgs {
    /// The server: HOST, HOST:PORT, [IPv6]:PORT (default port 443)
    #[arg(
        value_name = "HOST[:PORT]",
        required_unless_present = "targets",
        conflicts_with = "targets"
    )]
    pub target: Option<String>,
    /// Probe every target of FILE: one `HOST[:PORT] [LABEL]` per line
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Targets probed at once with --targets
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// The SNI name to send and the name to check (default: HOST)
    #[arg(long, value_name = "NAME", conflicts_with = "no_sni")]
    pub servername: Option<String>,
    /// Send no SNI (for servers configured without it)
    #[arg(long)]
    pub no_sni: bool,
    /// Seconds to wait for the TCP connection
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub connect_timeout: u64,
    /// Seconds a handshake may take (TLS 1.3 and 1.2 are tried at the same time)
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub handshake_timeout: u64,
    /// The server's own store: compare the served certificate and chain with it
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub pw: PwArgs,
    /// The label the server is configured with (default: the store's default)
    #[arg(long, value_name = "LABEL", requires = "db")]
    pub label: Option<String>,
    /// The label served to clients asking for HOST by SNI, as kdbman serve --sni takes it (repeatable)
    #[arg(long, value_name = "HOST=LABEL", requires = "db", value_parser = parse_sni)]
    pub sni: Vec<(String, String)>,
    /// A client's store (e.g. an MQ client's key database): would a client with only its signers accept the server?
    #[arg(long, value_name = "PATH")]
    pub trust_db: Option<PathBuf>,
    #[command(flatten)]
    pub trust_pw: TrustPwArgs,
    /// Judge the server as a client trusting the system's CA bundle would
    #[arg(long)]
    pub trust_system: bool,
    /// Present this personal certificate (from --db, else --trust-db) and report whether the server accepts it
    #[arg(long, value_name = "LABEL")]
    pub client_label: Option<String>,
    /// Evaluate time checks at this instant: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Warn about a served certificate expiring within DAYS days
    #[arg(long, value_name = "DAYS", default_value_t = kdbman::diagnose::DEFAULT_WARN_DAYS)]
    pub warn_days: u32,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Lowest severity that makes probe exit 1
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
}

fn parse_sni(s: &str) -> std::result::Result<(String, String), String> {
    let (host, label) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not HOST=LABEL"))?;
    if host.trim().is_empty() || label.is_empty() {
        return Err(format!("`{s}` is not HOST=LABEL"));
    }
    Ok((host.trim().to_string(), label.to_string()))
}

fn threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    }
}

fn open_trust(args: &ProbeArgs, path: &std::path::Path) -> Result<Store> {
    let t = &args.trust_pw;
    let pw = PwArgs {
        pw_env: t.trust_pw_env.clone(),
        pw_file: t.trust_pw_file.clone(),
        stashed: t.trust_stashed,
        stash_path: t.trust_stash.clone(),
        pw: t.trust_pw.clone(),
        ..PwArgs::default()
    };
    Ok(pw.open(path, Access::Read)?.0)
}

/// The personal certificate and key of `label` in the first store that has it.
fn client_identity(label: &str, stores: &[&Store]) -> Result<ClientIdentity> {
    for s in stores {
        let Ok(e) = s.get(label) else { continue };
        if e.kind() != EntryKind::Personal {
            return Err(Error::Usage {
                detail: format!(
                    "--client-label `{label}` is a {} entry of {}; a client presents a personal certificate with its key",
                    e.kind(),
                    s.path().display()
                ),
            });
        }
        let Some(key) = e.key()? else {
            return Err(Error::Usage {
                detail: format!(
                    "--client-label `{label}` in {} has no private key",
                    s.path().display()
                ),
            });
        };
        return Ok(ClientIdentity {
            label: e.label().to_string(),
            chain: e.certificates().to_vec(),
            key_pkcs8: zeroize::Zeroizing::new(key.pkcs8_der().to_vec()),
        });
    }
    Err(Error::Usage {
        detail: format!(
            "--client-label `{label}` is in none of the stores given (--db, --trust-db); `kdbman cert list` shows the labels"
        ),
    })
}

fn status(r: &ProbeReport, fail_on: Severity) -> u8 {
    if r.unreachable.is_some() {
        exit::IO
    } else if r.findings.iter().any(|f| f.severity <= fail_on) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

pub fn run(args: ProbeArgs) -> Result<u8> {
    let at = match &args.at {
        Some(s) => super::values::parse_at(s)?,
        None => kdbman::clock::now(),
    };
    let targets: Vec<Target> = match (&args.target, &args.targets) {
        (Some(t), _) => vec![probe::parse_target(t).map_err(|d| Error::Usage { detail: d })?],
        (None, Some(file)) => {
            let bytes = kdbman::file::read_input(file)?;
            let text = String::from_utf8_lossy(&bytes);
            let t = probe::parse_targets(&text).map_err(|d| Error::Usage {
                detail: format!("--targets {}: {d}", file.display()),
            })?;
            if t.is_empty() {
                return Err(Error::Usage {
                    detail: format!("--targets {}: no targets in the file", file.display()),
                });
            }
            t
        }
        (None, None) => {
            return Err(Error::Usage {
                detail: "give HOST[:PORT] or --targets FILE".into(),
            });
        }
    };
    let store = match &args.db {
        Some(db) => Some(args.pw.open(db, Access::Read)?.0),
        None => None,
    };
    let trust_store = match &args.trust_db {
        Some(p) => Some(open_trust(&args, p)?),
        None => None,
    };
    let mut trust: Vec<TrustSource> = Vec::new();
    if let Some(t) = &trust_store {
        trust.push(TrustSource::of_store(t));
    }
    if args.trust_system {
        trust.push(probe::system_trust()?);
    }
    let lookup: Vec<&Store> = store.iter().chain(trust_store.iter()).collect();
    let client = match &args.client_label {
        Some(l) => Some(client_identity(l, &lookup)?),
        None => None,
    };
    let opts = Options {
        servername: args.servername.clone(),
        no_sni: args.no_sni,
        connect_timeout: Duration::from_secs(args.connect_timeout),
        io_timeout: Duration::from_secs(args.handshake_timeout),
        store: store.as_ref(),
        label: args.label.clone(),
        sni: args.sni.clone(),
        trust,
        client,
        lookup: lookup.clone(),
        at,
        warn_days: args.warn_days,
    };
    let reports = probe::probe_all(&targets, &opts, usize::from(args.jobs));
    let fail_on = threshold(args.fail_on);
    let color = || std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let many = args.targets.is_some();
    match args.format {
        Format::Text => {
            let mut out = String::new();
            for r in &reports {
                out.push_str(&probe::report::text(r, color()));
                if many {
                    out.push('\n');
                }
            }
            if many {
                let down = reports.iter().filter(|r| r.unreachable.is_some()).count();
                let failing = reports
                    .iter()
                    .filter(|r| r.findings.iter().any(|f| f.severity <= fail_on))
                    .count();
                out.push_str(&format!(
                    "{} target(s), {down} unreachable, {failing} with findings at or above --fail-on\n",
                    reports.len()
                ));
            }
            output::emit(&out);
        }
        Format::Json if many => output::json(&probe::report::fleet_json(&reports, at)),
        Format::Json => output::json(&probe::report::json(&reports[0])),
        Format::Sarif => {
            let v = serde_json::to_value(super::sarif::probe(&reports)).unwrap_or_default();
            output::json(&v);
        }
        Format::Junit => output::emit(&probe::report::junit(&reports, fail_on, at)),
        Format::Prometheus => output::emit(&probe::report::prometheus(&reports, at)),
    }
    Ok(reports
        .iter()
        .map(|r| status(r, fail_on))
        .max()
        .unwrap_or(exit::OK))
}
