//! `kdbman serve`: load a store, refuse what IHS would refuse, serve HTTPS.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::{Args, ValueEnum};
use kdbman::{Access, Error, Result};
use kdbman_serve::{
    self as serve, ClientAuth, Event, Limits, LogFormat, MinTls, ServeOptions, Server,
};

use super::exit;
use super::password::{Opened, PwArgs};
use kdbman::diagnose::LintTarget;
use kdbman::text::escape as esc;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ClientAuthArg {
    None,
    Optional,
    Required,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MinTlsArg {
    #[value(name = "1.2")]
    V12,
    #[value(name = "1.3")]
    V13,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormatArg {
    Text,
    Json,
}

/// Serve HTTPS from a store's personal certificate, as IHS would.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The store to serve from (not needed with --demo)
    #[arg(long, value_name = "PATH", required_unless_present = "demo")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub pw: PwArgs,
    /// Personal entry to serve (default: the store's default entry)
    #[arg(long)]
    pub label: Option<String>,
    /// Address to listen on; port 0 picks a free port
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// Serve entry LABEL to clients asking for HOST by SNI (repeatable)
    #[arg(long, value_name = "HOST=LABEL", value_parser = parse_sni)]
    pub sni: Vec<(String, String)>,
    /// Client certificates, verified against the store's trusted signers
    #[arg(long, value_enum, default_value = "none")]
    pub client_auth: ClientAuthArg,
    /// Lowest TLS version accepted
    #[arg(long, value_enum, default_value = "1.2")]
    pub min_tls: MinTlsArg,
    /// Cipher suites to enable, comma-separated rustls names (e.g. TLS13_AES_128_GCM_SHA256)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub ciphers: Option<Vec<String>>,
    /// Seconds from connect to a finished handshake
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub handshake_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request (and a request has to arrive in full)
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Connections served at once; at the bound the oldest connection that has sent no request (after 0.3 s), else the longest idle kept-alive one, makes room; others queue
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_connections: u64,
    /// Threads serving connections, each an event loop; 0 means one per core
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1024))]
    pub threads: u64,
    /// Log line format
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormatArg,
    /// Also log each answered request
    #[arg(long)]
    pub access_log: bool,
    /// Answer one request, then exit
    #[arg(long)]
    pub once: bool,
    /// No store: a throwaway CA and localhost certificate made in memory
    #[arg(long, conflicts_with_all = ["db", "label", "sni", "client_auth"])]
    pub demo: bool,
}

fn parse_sni(s: &str) -> std::result::Result<(String, String), String> {
    let (host, label) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not HOST=LABEL"))?;
    let host = host.trim();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
    {
        return Err(format!("`{host}` is not a host name"));
    }
    if label.is_empty() {
        return Err("the label after = is empty".into());
    }
    Ok((host.to_string(), label.to_string()))
}

/// A private directory for the demo's CA file, removed when dropped.
struct DemoDir(PathBuf);

impl DemoDir {
    fn create() -> Result<DemoDir> {
        use std::os::unix::fs::DirBuilderExt;
        let mut r = [0u8; 8];
        getrandom::fill(&mut r).map_err(|e| Error::Usage {
            detail: format!("no randomness for a temporary directory: {e}"),
        })?;
        let dir = std::env::temp_dir().join(format!("kdbman-demo-{}", kdbman::pki::hex(&r)));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|source| Error::Io {
                path: dir.clone(),
                action: "create",
                source,
            })?;
        Ok(DemoDir(dir))
    }
}

impl Drop for DemoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run(args: ServeArgs) -> Result<u8> {
    let opts = ServeOptions {
        label: args.label.clone(),
        sni: args.sni.clone(),
        client_auth: match args.client_auth {
            ClientAuthArg::None => ClientAuth::None,
            ClientAuthArg::Optional => ClientAuth::Optional,
            ClientAuthArg::Required => ClientAuth::Required,
        },
        min_tls: match args.min_tls {
            MinTlsArg::V12 => MinTls::V12,
            MinTlsArg::V13 => MinTls::V13,
        },
        ciphers: args.ciphers.clone(),
        now: kdbman::clock::now(),
    };
    let mut demo_dir = None;
    let mut ca_file = None;
    let setup = if args.demo {
        let (entries, ca) = serve::demo_entries()?;
        let dir = DemoDir::create()?;
        let path = dir.0.join("kdbman-demo-ca.pem");
        std::fs::write(&path, kdbman::pki::pem_encode("CERTIFICATE", &ca)).map_err(|source| {
            Error::Io {
                path: path.clone(),
                action: "write",
                source,
            }
        })?;
        demo_dir = Some(dir);
        ca_file = Some(path);
        serve::config::from_entries(std::path::Path::new("(demo store)"), &entries, &opts)?
    } else {
        let db = args.db.clone().ok_or_else(|| Error::Usage {
            detail: "--db STORE is needed (or --demo)".into(),
        })?;
        let mut pw = args.pw.clone();
        let no_source = pw.pw_env.is_none()
            && pw.pw_file.is_none()
            && !pw.pw_stdin
            && pw.pw.is_none()
            && !pw.stashed
            && pw.stash_path.is_none();
        if no_source && kdbman::stash::default_path(&db).exists() {
            // As IHS does: the stash beside the store opens it unattended.
            pw.stashed = true;
        }
        let (store, opened) = pw.open(&db, Access::Read)?;
        // The lint below proves every key against its certificate: all
        // are decrypted, and one that does not is the store's damage.
        store.unseal_keys()?;
        let stash = match &opened {
            Opened::Stash(s) => Some(s.path().to_path_buf()),
            Opened::Password(_) => None,
        };
        let findings = kdbman::diagnose::lint(&LintTarget {
            path: &db,
            store: Ok(&store),
            stash: stash.as_deref(),
            label: args.label.as_deref(),
            at: opts.now,
            warn_days: kdbman::diagnose::DEFAULT_WARN_DAYS,
        });
        let mut err = std::io::stderr().lock();
        for f in &findings {
            let label = f
                .label
                .as_deref()
                .map(|l| format!(" `{}`", esc(l)))
                .unwrap_or_default();
            let _ = writeln!(
                err,
                "kdbman: lint {} {}{label}: {}",
                f.code,
                f.severity,
                esc(&f.message)
            );
        }
        drop(err);
        serve::config::from_store(&store, &opts)?
    };

    let limits = Limits {
        handshake_timeout: Duration::from_secs(args.handshake_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        threads: usize::try_from(args.threads).unwrap_or(0),
        log_requests: args.access_log,
    };
    let server = Server::bind(&args.listen, setup, limits)?;
    let stop = Arc::new(AtomicBool::new(false));
    let graceful = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];
    super::password::hand_over_signals(&graceful);
    for sig in graceful {
        // The first signal stops gracefully; a second, while connections
        // drain, exits at once (status 128 + signal, as a shell reports a
        // killed process), as a second Ctrl-C should.
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, stop.clone())
            .and_then(|_| signal_hook::flag::register(sig, stop.clone()))
            .map_err(|e| Error::Usage {
                detail: format!("cannot install the signal handler: {e}"),
            })?;
    }
    let addr = server.local_addr();
    {
        let mut out = std::io::stdout().lock();
        let served = &server.setup().default;
        let _ = writeln!(
            out,
            "listening on https://{addr}/ (serving `{}`)",
            esc(&served.label)
        );
        if let Some(ca) = &ca_file {
            let _ = writeln!(
                out,
                "try: curl --cacert {} https://{addr}/?format=json",
                kdbman::text::path(ca)
            );
            let _ = writeln!(
                out,
                "(demo CA and key live only as long as this process; Ctrl-C stops it)"
            );
        }
        let _ = out.flush();
    }
    let format = match args.log_format {
        LogFormatArg::Text => LogFormat::Text,
        LogFormatArg::Json => LogFormat::Json,
    };
    let sink = Arc::new(move |ev: Event| {
        let line = ev.render(format, &serve::log::timestamp());
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    });
    server.run(&stop, args.once, sink)?;
    drop(demo_dir);
    Ok(exit::OK)
}
