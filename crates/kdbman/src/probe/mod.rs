//! `kdbman probe`: what a live TLS server does, checked against a store.
//!
//! [`connect`] makes one handshake per TLS version (1.3, then 1.2) and
//! records what the server sends and chooses; [`probe`] then decides,
//! with kdbman's own path validation ([`crate::pki::validate`]):
//!
//! - whether the served leaf is the store's certificate for the label
//!   (`--label`, the target's label, the SNI mapping `kdbman serve` uses,
//!   else the store's default) — KDBP0001E naming both fingerprints;
//! - whether the served chain reaches a signer of the store without help
//!   (KDBP0002E names the missing intermediate);
//! - validity now and within the warning window (SSL0219E, SSL0221E,
//!   KDB0001W, as lint words them) and the host name (KDBP0004E);
//! - whether a client holding only other signers (`--trust-db`, the
//!   system bundle) accepts it (KDBP0003E, with the `cert add` to run);
//! - whether the server asks for a client certificate, which CA names it
//!   lists, and whether it accepts the one presented (KDBP0005E).
//!
//! A target where no handshake got as far as a certificate is KDBP0007E
//! with the socket error or TLS alert ([`ProbeReport::unreachable`]).
//! Nothing here prints; [`report`] renders.

pub use crate::diagnose::probe_codes as codes;
pub mod connect;
pub mod report;

use std::net::SocketAddr;
use std::time::Duration;

use crate::diagnose::Finding;
use crate::pki::cert::{CertInfo, cert_info, rfc3339};
use crate::pki::validate::{ChainProblem, Purpose, validate_chain};
use crate::store::{EntryKind, Store};

pub use connect::{Attempt, ClientAuthRequest, ClientIdentity, Failure, Negotiated, TlsVersion};

/// The default TLS port.
pub const DEFAULT_PORT: u16 = 443;

/// One server to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// The store label expected there (a `--targets` line's third field).
    pub label: Option<String>,
}

impl Target {
    /// `host:port` (IPv6 hosts in brackets).
    pub fn display(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Reads `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`.
pub fn parse_target(s: &str) -> Result<Target, String> {
    let s = s.trim();
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("`{s}`: an IPv6 address in [ ] has no closing ]"))?;
        match after.strip_prefix(':') {
            Some(p) => (h, Some(p)),
            None if after.is_empty() => (h, None),
            None => return Err(format!("`{s}`: expected :PORT after ]")),
        }
    } else if s.matches(':').count() > 1 {
        (s, None) // a bare IPv6 address
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b))
    {
        return Err(format!(
            "`{}` is not a host name or IP address",
            crate::text::escape(host)
        ));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(format!(
                    "`{}` is not a port (1-65535)",
                    crate::text::escape(p)
                ));
            }
        },
    };
    Ok(Target {
        host: host.to_string(),
        port,
        label: None,
    })
}

/// Reads a targets file: one `HOST[:PORT] [LABEL]` per line; blank lines
/// and lines starting with `#` are skipped. The error names the line.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        let mut t = parse_target(first).map_err(|e| format!("line {}: {e}", n + 1))?;
        t.label = words.next().map(str::to_string);
        if let Some(extra) = words.next() {
            return Err(format!(
                "line {}: unexpected `{}` after the label (one `HOST:PORT [LABEL]` per line)",
                n + 1,
                crate::text::escape(extra)
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// Signers a client would trust.
#[derive(Debug, Clone)]
pub struct TrustSource {
    /// How reports name it: `client.kdb`, `the system CA bundle`.
    pub name: String,
    /// For `cert add` advice: the store path, when it is a store.
    pub store: Option<String>,
    pub anchors: Vec<Vec<u8>>,
}

impl TrustSource {
    /// The trusted signers of a store.
    pub fn of_store(store: &Store) -> TrustSource {
        TrustSource {
            name: store.path().display().to_string(),
            store: Some(store.path().display().to_string()),
            anchors: trusted_signers(store),
        }
    }
}

/// The certificates of a store's trusted signer entries.
pub fn trusted_signers(store: &Store) -> Vec<Vec<u8>> {
    store
        .entries()
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer && e.is_trusted())
        .filter_map(|e| e.certificate().map(<[u8]>::to_vec))
        .collect()
}

/// What to probe with and check against.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The SNI name (and the name checked); `None`: the target's host.
    pub servername: Option<String>,
    /// Send no SNI at all.
    pub no_sni: bool,
    pub connect_timeout: Duration,
    /// Bound on each handshake.
    pub io_timeout: Duration,
    /// The server's own store (`--db`).
    pub store: Option<&'a Store>,
    /// `--label`: the entry the server should present.
    pub label: Option<String>,
    /// `HOST=LABEL` as `kdbman serve --sni` takes it.
    pub sni: Vec<(String, String)>,
    /// Client views (`--trust-db`, `--trust-system`).
    pub trust: Vec<TrustSource>,
    /// The certificate to present (`--client-label`).
    pub client: Option<ClientIdentity>,
    /// Stores to look in for a missing CA certificate (advice).
    pub lookup: Vec<&'a Store>,
    /// Unix seconds.
    pub at: i64,
    pub warn_days: u32,
}

/// Whether the server accepted the presented client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCertOutcome {
    /// The server did not ask for one.
    NotRequested,
    Accepted,
    /// Refused, with the alert or HTTP answer.
    Refused(String),
}

/// Everything probe learned about one target.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub target: Target,
    pub servername: Option<String>,
    pub address: Option<SocketAddr>,
    /// TLS 1.3, then TLS 1.2.
    pub attempts: Vec<(TlsVersion, Attempt)>,
    /// The chain the server sent, leaf first.
    pub chain: Vec<Vec<u8>>,
    pub chain_info: Vec<Option<CertInfo>>,
    /// The store label the leaf was compared with.
    pub label: Option<String>,
    /// Whether the chain reached a signer of the store (`None`: no store).
    pub store_chain_ok: Option<bool>,
    /// Per client view: its name and whether it accepts the server.
    pub client_views: Vec<(String, bool)>,
    pub client_cert: Option<(String, ClientCertOutcome)>,
    /// Set when no handshake reached a certificate: why.
    pub unreachable: Option<String>,
    pub findings: Vec<Finding>,
    pub at: i64,
}

impl ProbeReport {
    /// The attempt with the highest version that was accepted.
    pub fn best(&self) -> Option<&Attempt> {
        self.attempts
            .iter()
            .map(|(_, a)| a)
            .find(|a| a.negotiated.is_some() && !a.chain.is_empty())
    }

    /// Whether the server accepted `v` (it sent its certificate).
    pub fn accepts(&self, v: TlsVersion) -> bool {
        self.attempts
            .iter()
            .any(|(w, a)| *w == v && a.negotiated.is_some() && !a.chain.is_empty())
    }

    /// The CA names of the server's certificate request, if it sent one.
    pub fn client_auth(&self) -> Option<&ClientAuthRequest> {
        self.attempts
            .iter()
            .find_map(|(_, a)| a.client_auth.as_ref())
    }
}

fn describe(info: &Option<CertInfo>, der: &[u8]) -> String {
    match info {
        Some(i) => format!(
            "`{}` (SHA-256 {}, not after {})",
            i.subject,
            i.sha256,
            rfc3339(i.not_after)
        ),
        None => format!(
            "an undecodable certificate (SHA-256 {})",
            crate::pki::hex(&crate::pki::sha256(der))
        ),
    }
}

/// Probes one target.
pub fn probe(target: &Target, opts: &Options<'_>) -> ProbeReport {
    // An IP address is never sent as SNI (RFC 6066).
    let servername = if opts.no_sni {
        None
    } else {
        Some(
            opts.servername
                .clone()
                .unwrap_or_else(|| target.host.clone()),
        )
        .filter(|n| n.parse::<std::net::IpAddr>().is_err())
    };
    let dial = connect::Dial {
        host: target.host.clone(),
        port: target.port,
        servername: servername.clone(),
        connect_timeout: opts.connect_timeout,
        io_timeout: opts.io_timeout,
        client: opts.client.clone(),
    };
    // Both versions at once: a silent server costs one timeout, not two.
    let attempts: Vec<(TlsVersion, Attempt)> = std::thread::scope(|s| {
        let v13 = s.spawn(|| connect::attempt(&dial, TlsVersion::Tls13));
        let a12 = connect::attempt(&dial, TlsVersion::Tls12);
        let a13 = v13.join().unwrap_or_else(|_| Attempt {
            failure: Some(Failure::Tls("the TLS 1.3 attempt failed".into())),
            ..Attempt::default()
        });
        vec![(TlsVersion::Tls13, a13), (TlsVersion::Tls12, a12)]
    });
    let chain = attempts
        .iter()
        .map(|(_, a)| &a.chain)
        .find(|c| !c.is_empty())
        .cloned()
        .unwrap_or_default();
    let mut r = ProbeReport {
        target: target.clone(),
        servername,
        address: attempts.iter().find_map(|(_, a)| a.address),
        chain_info: chain.iter().map(|d| cert_info(d).ok()).collect(),
        chain,
        attempts,
        label: None,
        store_chain_ok: None,
        client_views: Vec::new(),
        client_cert: None,
        unreachable: None,
        findings: Vec::new(),
        at: opts.at,
    };
    if r.chain.is_empty() {
        unreachable(&mut r);
        return r;
    }
    assess(&mut r, opts);
    r.findings.sort_by_key(|f| f.severity);
    r
}

fn unreachable(r: &mut ProbeReport) {
    let mut why: Vec<String> = Vec::new();
    for (v, a) in &r.attempts {
        let f = a
            .failure
            .as_ref()
            .map_or_else(|| "no certificate".to_string(), |f| f.to_string());
        why.push(format!("{}: {f}", v.as_str()));
    }
    let same = r
        .attempts
        .windows(2)
        .all(|w| w[0].1.failure == w[1].1.failure);
    let reason = if same {
        r.attempts
            .first()
            .and_then(|(_, a)| a.failure.as_ref())
            .map_or_else(|| "no certificate".into(), |f| f.to_string())
    } else {
        why.join("; ")
    };
    r.findings.push(Finding::new(
        codes::UNREACHABLE,
        "connect",
        None,
        format!("no TLS handshake with {} reached a certificate: {reason}", r.target.display()),
        "check the host, port and firewall; for a TLS alert, compare the protocol versions and cipher suites both sides allow; a plain-HTTP answer means the port serves no TLS",
    ));
    r.unreachable = Some(reason);
}

fn assess(r: &mut ProbeReport, opts: &Options<'_>) {
    let mut out = Vec::new();
    if r.accepts(TlsVersion::Tls12) && !r.accepts(TlsVersion::Tls13) {
        out.push(Finding::new(
            codes::NO_TLS13,
            "protocol",
            None,
            format!(
                "{} accepts TLS 1.2 but not TLS 1.3 ({})",
                r.target.display(),
                r.attempts
                    .iter()
                    .find(|(v, _)| *v == TlsVersion::Tls13)
                    .and_then(|(_, a)| a.failure.as_ref())
                    .map_or_else(|| "refused".into(), |f| f.to_string())
            ),
            "enable TLS 1.3 on the server (IHS: SSLProtocolEnable TLSv13 with TLS13 cipher specs)",
        ));
    }
    if let Some(store) = opts.store {
        check_store(r, opts, store, &mut out);
    }
    check_validity(r, opts, &mut out);
    check_name(r, &mut out);
    for t in &opts.trust {
        check_client_view(r, opts, t, &mut out);
    }
    check_client_auth(r, opts, &mut out);
    r.findings = out;
}

/// The store label for the target: its own, the SNI mapping, `--label`,
/// else the store's default.
fn label_for(r: &ProbeReport, opts: &Options<'_>, store: &Store) -> Option<String> {
    if let Some(l) = &r.target.label {
        return Some(l.clone());
    }
    if let Some(sni) = &r.servername
        && let Some((_, l)) = opts.sni.iter().find(|(h, _)| h.eq_ignore_ascii_case(sni))
    {
        return Some(l.clone());
    }
    if let Some(l) = &opts.label {
        return Some(l.clone());
    }
    store.default_entry().map(|e| e.label().to_string())
}

fn check_store(r: &mut ProbeReport, opts: &Options<'_>, store: &Store, out: &mut Vec<Finding>) {
    let served = &r.chain[0];
    let served_desc = describe(&r.chain_info[0], served);
    let label = label_for(r, opts, store);
    let other = store
        .entries()
        .iter()
        .find(|e| e.kind() == EntryKind::Personal && e.certificate() == Some(served.as_slice()))
        .map(|e| e.label().to_string());
    match &label {
        Some(l) => match store.get(l) {
            Ok(e) if e.kind() == EntryKind::Personal => {
                let mine = e.certificate().unwrap_or_default();
                if mine != served.as_slice() {
                    let mine_info = cert_info(mine).ok();
                    let mut msg = format!(
                        "the server presents {served_desc}, but the store's `{}` is {}",
                        e.label(),
                        describe(&mine_info, mine)
                    );
                    if let Some(o) = &other {
                        msg.push_str(&format!(
                            "; what the server presents is the store's entry `{o}`"
                        ));
                    }
                    let newer = matches!((&mine_info, &r.chain_info[0]), (Some(m), Some(s)) if m.not_after > s.not_after);
                    if newer {
                        msg.push_str(
                            ": the store's certificate is newer (renewed, but the server not restarted?)",
                        );
                    }
                    out.push(Finding::new(
                        codes::NOT_STORE_CERT,
                        "served",
                        Some(e.label()),
                        msg,
                        format!("restart or reload the server so that it loads the store's `{}`; check that it reads this store and label (SSLServerCert, SNI mapping)", e.label()),
                    ));
                }
            }
            Ok(e) => out.push(Finding::new(
                codes::NOT_STORE_CERT,
                "served",
                Some(e.label()),
                format!(
                    "`{}` is a {} entry of the store, not a personal certificate a server can present; the server presents {served_desc}",
                    e.label(),
                    e.kind()
                ),
                "give --label the personal certificate the server is configured with",
            )),
            Err(_) => out.push(Finding::new(
                codes::NOT_STORE_CERT,
                "served",
                Some(l),
                format!(
                    "the store {} has no entry `{l}`; the server presents {served_desc}{}",
                    store.path().display(),
                    other
                        .as_ref()
                        .map(|o| format!(", which is the store's `{o}`"))
                        .unwrap_or_default()
                ),
                "give --label the label the server is configured with (`kdbman cert list` shows them)",
            )),
        },
        None => {
            if other.is_none() {
                out.push(Finding::new(
                    codes::NOT_STORE_CERT,
                    "served",
                    None,
                    format!(
                        "the server presents {served_desc}, which is none of the store's personal certificates (the store has no default to compare with)"
                    ),
                    "give --label the label the server is configured with, and restart the server if the store was renewed",
                ));
            }
        }
    }
    r.label = label.or(other);
    let anchors = trusted_signers(store);
    let refs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    match validate_chain(&r.chain, &refs, &[], opts.at, Purpose::ServerAuth) {
        Ok(_) => r.store_chain_ok = Some(true),
        Err(p) => {
            r.store_chain_ok = Some(false);
            match &p {
                ChainProblem::Expired { .. } | ChainProblem::NotYetValid { .. } => {}
                ChainProblem::MissingIssuer { subject, issuer } => out.push(Finding::new(
                    codes::CHAIN_INCOMPLETE,
                    "chain",
                    r.label.as_deref(),
                    format!(
                        "the server sends {} certificate(s), and the chain stops at `{subject}`: its issuer, intermediate `{issuer}`, is neither sent by the server nor a signer in the store {}",
                        r.chain.len(),
                        store.path().display()
                    ),
                    format!(
                        "add intermediate `{issuer}` to the server's store (`kdbman cert add --db {} --label INTERMEDIATE --file CA.pem`) and restart the server so that it sends it",
                        store.path().display()
                    ),
                )),
                other => out.push(Finding::new(
                    other.code(),
                    "chain",
                    r.label.as_deref(),
                    format!(
                        "the chain the server sends does not validate against the store's signers: {other}"
                    ),
                    crate::advice::chain_fix(other),
                )),
            }
        }
    }
}

fn check_validity(r: &ProbeReport, opts: &Options<'_>, out: &mut Vec<Finding>) {
    for (n, info) in r.chain_info.iter().enumerate() {
        let Some(i) = info else { continue };
        let who = if n == 0 {
            "the server's certificate".to_string()
        } else {
            format!("chain certificate {n}")
        };
        if opts.at > i.not_after {
            out.push(Finding::new(
                if n == 0 { "SSL0219E" } else { "SSL0221E" },
                "validity",
                r.label.as_deref(),
                format!(
                    "{who} `{}` expired at {} (SHA-256 {})",
                    i.subject,
                    rfc3339(i.not_after),
                    i.sha256
                ),
                "renew the certificate, put it in the store and restart the server",
            ));
        } else if opts.at < i.not_before {
            out.push(Finding::new(
                "SSL0221E",
                "validity",
                r.label.as_deref(),
                format!(
                    "{who} `{}` is not valid until {}",
                    i.subject,
                    rfc3339(i.not_before)
                ),
                "check the server's and this machine's clocks, or serve a certificate that is valid now",
            ));
        } else if n == 0 && i.not_after - opts.at < i64::from(opts.warn_days) * 86_400 {
            out.push(Finding::new(
                "KDB0001W",
                "validity",
                r.label.as_deref(),
                format!(
                    "the server's certificate `{}` expires at {}, within {} days",
                    i.subject,
                    rfc3339(i.not_after),
                    opts.warn_days
                ),
                "renew the certificate before it expires, and restart the server after receiving it",
            ));
        }
    }
}

fn check_name(r: &ProbeReport, out: &mut Vec<Finding>) {
    let name = r
        .servername
        .clone()
        .unwrap_or_else(|| r.target.host.clone());
    let leaf = rustls_pki_types::CertificateDer::from(r.chain[0].as_slice());
    let Ok(ee) = webpki::EndEntityCert::try_from(&leaf) else {
        return; // undecodable: the chain finding says so
    };
    let Ok(sn) = rustls_pki_types::ServerName::try_from(name.as_str()) else {
        return;
    };
    if ee.verify_is_valid_for_subject_name(&sn).is_err() {
        let sans = r.chain_info[0]
            .as_ref()
            .map(|i| i.subject_alt_names.join(", "))
            .unwrap_or_default();
        out.push(Finding::new(
            codes::NAME_MISMATCH,
            "name",
            r.label.as_deref(),
            format!(
                "the server's certificate is not valid for `{name}`: its subject alternative names are {}",
                if sans.is_empty() { "none".to_string() } else { sans }
            ),
            format!("reissue the certificate with --san dns:{name}, or connect with a name it carries (--servername)"),
        ));
    }
}

/// A certificate whose subject is `dn`, from the served chain or the
/// stores kdbman knows: its label there (or `served`).
fn find_issuer(r: &ProbeReport, opts: &Options<'_>, dn: &str) -> Option<(String, String)> {
    for s in &opts.lookup {
        for e in s.entries() {
            for c in e.certificates() {
                if cert_info(c).is_ok_and(|i| i.subject == dn) {
                    return Some((s.path().display().to_string(), e.label().to_string()));
                }
            }
        }
    }
    r.chain_info
        .iter()
        .flatten()
        .find(|i| i.subject == dn)
        .map(|_| ("the server's chain".to_string(), String::new()))
}

fn check_client_view(
    r: &mut ProbeReport,
    opts: &Options<'_>,
    t: &TrustSource,
    out: &mut Vec<Finding>,
) {
    let refs: Vec<&[u8]> = t.anchors.iter().map(Vec::as_slice).collect();
    let res = validate_chain(&r.chain, &refs, &[], opts.at, Purpose::ServerAuth);
    let ok = match &res {
        Ok(_) => true,
        Err(ChainProblem::Expired { .. } | ChainProblem::NotYetValid { .. }) => false,
        Err(p) => {
            let missing = match p {
                ChainProblem::MissingIssuer { issuer, .. } => Some(issuer.clone()),
                ChainProblem::UntrustedRoot { subject, .. } => Some(subject.clone()),
                _ => None,
            };
            let add_to = t.store.as_deref().unwrap_or("CLIENT.kdb");
            let fix = match missing.as_deref().map(|m| (m, find_issuer(r, opts, m))) {
                Some((m, Some((src, label)))) if !label.is_empty() => format!(
                    "`{m}` is `{label}` in {src}: `kdbman cert extract --db {src} --label {label} --file ca.pem`, then `kdbman cert add --db {add_to} --label {label} --file ca.pem`"
                ),
                Some((m, _)) => format!(
                    "get the CA certificate `{m}` from its issuer, then `kdbman cert add --db {add_to} --label CA --file ca.pem`"
                ),
                None => crate::advice::chain_fix(p),
            };
            out.push(Finding::new(
                codes::CLIENT_REFUSES,
                "client-trust",
                r.label.as_deref(),
                match missing {
                    Some(m) => format!(
                        "a client trusting only {} would refuse the server: certificate `{m}` is missing ({p})",
                        t.name
                    ),
                    None => format!(
                        "a client trusting only {} would refuse the server: {p}",
                        t.name
                    ),
                },
                fix,
            ));
            false
        }
    };
    r.client_views.push((t.name.clone(), ok));
}

fn check_client_auth(r: &mut ProbeReport, opts: &Options<'_>, out: &mut Vec<Finding>) {
    let asked: Vec<&(TlsVersion, Attempt)> = r
        .attempts
        .iter()
        .filter(|(_, a)| a.client_auth.is_some())
        .collect();
    let names = r
        .client_auth()
        .map(|c| c.ca_names.clone())
        .unwrap_or_default();
    let names_text = if names.is_empty() {
        "no CA names listed".to_string()
    } else {
        format!(
            "CA names listed: {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let refusal = |a: &Attempt| -> Option<String> {
        if let Some(p) = &a.post_handshake_refusal {
            return Some(p.clone());
        }
        match &a.failure {
            Some(Failure::Alert(al)) if connect::is_client_cert_refusal(al) => {
                Some(format!("TLS alert {al}"))
            }
            Some(Failure::Closed) if !a.completed => {
                Some("the server closed the connection during the handshake".into())
            }
            _ => None,
        }
    };
    let Some(id) = &opts.client else {
        if !asked.is_empty() {
            let insists: Vec<String> = asked
                .iter()
                .filter_map(|(v, a)| refusal(a).map(|w| format!("{}: {w}", v.as_str())))
                .collect();
            out.push(Finding::new(
                codes::CLIENT_AUTH_ASKED,
                "client-auth",
                None,
                format!(
                    "the server asks for a client certificate ({names_text}){}",
                    if insists.is_empty() {
                        "; it completed the handshake without one".to_string()
                    } else {
                        format!(
                            "; without one it refuses the connection ({})",
                            insists.join(", ")
                        )
                    }
                ),
                "to check a client certificate, probe with --client-label LABEL",
            ));
        }
        return;
    };
    if asked.is_empty() {
        r.client_cert = Some((id.label.clone(), ClientCertOutcome::NotRequested));
        return;
    }
    let refused: Vec<String> = asked
        .iter()
        .filter_map(|(v, a)| refusal(a).map(|w| format!("{}: {w}", v.as_str())))
        .collect();
    if refused.is_empty() {
        r.client_cert = Some((id.label.clone(), ClientCertOutcome::Accepted));
        return;
    }
    let (subject, issuer) = id
        .chain
        .first()
        .and_then(|c| cert_info(c).ok())
        .map(|i| (i.subject, i.issuer))
        .unwrap_or_default();
    let listed = names.is_empty() || names.contains(&issuer);
    let hint = if listed {
        String::new()
    } else {
        format!("; its issuer `{issuer}` is not among the CA names the server lists")
    };
    out.push(Finding::new(
        codes::CLIENT_CERT_REFUSED,
        "client-auth",
        Some(&id.label),
        format!(
            "the server refused client certificate `{}` (`{subject}`, issued by `{issuer}`): {}{hint} ({names_text})",
            id.label,
            refused.join(", ")
        ),
        format!(
            "add the CA that issued `{}` (`{issuer}`) to the server's store as a trusted signer and restart it, or present a certificate from a CA the server lists",
            id.label
        ),
    ));
    r.client_cert = Some((
        id.label.clone(),
        ClientCertOutcome::Refused(refused.join(", ")),
    ));
}

/// The system CA bundle paths tried, in order.
pub const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The system's CA bundle (the first of [`SYSTEM_BUNDLES`] that exists)
/// as a client view.
pub fn system_trust() -> crate::Result<TrustSource> {
    let Some(path) = SYSTEM_BUNDLES
        .iter()
        .map(std::path::Path::new)
        .find(|p| p.is_file())
    else {
        return Err(crate::Error::Usage {
            detail: format!(
                "--trust-system: no system CA bundle found (looked for {}); give the client's signers with --trust-db",
                SYSTEM_BUNDLES.join(", ")
            ),
        });
    };
    Ok(TrustSource {
        name: format!("the system CA bundle {}", path.display()),
        store: None,
        anchors: crate::pki::pem::read_certificates(path)?,
    })
}

/// Probes every target, `jobs` at a time; reports in target order.
pub fn probe_all(targets: &[Target], opts: &Options<'_>, jobs: usize) -> Vec<ProbeReport> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<ProbeReport>>> = Mutex::new(vec![None; targets.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs.min(targets.len()).max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = targets.get(i) else { break };
                    let r = probe(t, opts);
                    if let Ok(mut v) = results.lock() {
                        v[i] = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_with_default_port_ipv6_and_labels() {
        let t = parse_target("www.example.com").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("www.example.com", 443));
        let t = parse_target("[::1]:8443").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.display()),
            ("::1", 8443, "[::1]:8443".to_string())
        );
        assert_eq!(parse_target("::1").unwrap().port, 443);
        assert!(parse_target("h:0").is_err());
        assert!(parse_target("h:70000").is_err());
        assert!(parse_target("bad host:1").is_err());
        assert!(parse_target("[::1").is_err());
        let list = parse_targets("# c\n\na.example:1414 qm1\n  b.example  \n").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].label.as_deref(), Some("qm1"));
        assert_eq!(list[1].port, 443);
        let e = parse_targets("a:1\nb:x\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }

    #[test]
    fn alert_names_are_rfc_8446_names() {
        use rustls::AlertDescription as A;
        assert_eq!(connect::alert_name(A::UnknownCA), "unknown_ca");
        assert_eq!(
            connect::alert_name(A::CertificateRequired),
            "certificate_required"
        );
        assert_eq!(
            connect::alert_name(A::HandshakeFailure),
            "handshake_failure"
        );
        assert!(connect::is_client_cert_refusal("certificate_unknown"));
        assert!(!connect::is_client_cert_refusal("close_notify"));
    }

    #[test]
    fn every_probe_code_has_a_title_and_severity_letter() {
        for r in codes::PROBE_RULES {
            assert!(r.id.starts_with("KDBP") && r.id.len() == 9, "{}", r.id);
            assert_eq!(r.id.chars().last(), Some(r.severity.letter()), "{}", r.id);
            assert_eq!(crate::diagnose::finding::rule_title(r.id), r.title);
            assert!(!r.help.is_empty());
        }
    }
}
