//! One TLS handshake with a live server, recording what it does.
//!
//! The client's certificate verifier never decides trust: it records the
//! chain the server sends (and whether an OCSP response was stapled) and
//! lets the handshake go on, checking only that the server holds the key
//! of its certificate (the handshake signature). Trust is decided later,
//! by [`super::assess`], with kdbman's own path validation.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, Resumption};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{
    AlertDescription, ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme,
};

/// A TLS protocol version kdbman tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    Tls12,
    Tls13,
}

impl TlsVersion {
    /// `TLSv1.2` or `TLSv1.3`, as OpenSSL names them.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::Tls12 => "TLSv1.2",
            TlsVersion::Tls13 => "TLSv1.3",
        }
    }
}

/// A client certificate (chain and PKCS#8 key) to present.
#[derive(Clone)]
pub struct ClientIdentity {
    /// The entry's label, for reports.
    pub label: String,
    pub chain: Vec<Vec<u8>>,
    pub key_pkcs8: zeroize::Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// How to reach the server.
#[derive(Debug, Clone)]
pub struct Dial {
    pub host: String,
    pub port: u16,
    /// The SNI name sent; `None` sends none.
    pub servername: Option<String>,
    pub connect_timeout: Duration,
    /// Bound on the whole handshake (and on each read and write of it).
    pub io_timeout: Duration,
    pub client: Option<ClientIdentity>,
}

/// What the server asked of the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAuthRequest {
    /// The CA names the server listed (RFC 4514), in its order.
    pub ca_names: Vec<String>,
    /// Whether kdbman presented a certificate.
    pub presented: bool,
}

/// Why a handshake did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// DNS, connect, or a socket error (the text says which).
    Socket(String),
    /// The server sent a TLS alert (its name, as in RFC 8446: `unknown_ca`).
    Alert(String),
    /// The server answered, but not in TLS (the first bytes, escaped).
    NotTls(String),
    /// The server closed the connection without an alert.
    Closed,
    /// Any other TLS error (rustls's words).
    Tls(String),
    /// No answer within the timeout.
    Timeout,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Socket(s) => write!(f, "{s}"),
            Failure::Alert(a) => write!(f, "the server sent TLS alert {a}"),
            Failure::NotTls(first) => write!(
                f,
                "the server does not speak TLS on this port: it answered `{first}`"
            ),
            Failure::Closed => f.write_str("the server closed the connection without a TLS alert"),
            Failure::Tls(s) => write!(f, "TLS error: {s}"),
            Failure::Timeout => f.write_str(
                "no complete answer within the handshake timeout (--handshake-timeout): the server accepted the connection but did not answer the TLS ClientHello",
            ),
        }
    }
}

/// One handshake's outcome.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// The address connected to, when the connection was made.
    pub address: Option<SocketAddr>,
    /// The chain the server sent, leaf first (empty if none arrived).
    pub chain: Vec<Vec<u8>>,
    /// Whether the server stapled an OCSP response.
    pub ocsp_stapled: bool,
    /// What the server chose (set once its ServerHello arrived).
    pub negotiated: Option<Negotiated>,
    /// Whether the handshake completed.
    pub completed: bool,
    /// What the server asked of the client, if it asked.
    pub client_auth: Option<ClientAuthRequest>,
    /// Why the handshake (or the exchange after it) failed.
    pub failure: Option<Failure>,
    /// The alert the server sent after the handshake (TLS 1.3 rejects a
    /// client certificate there), or its HTTP refusal.
    pub post_handshake_refusal: Option<String>,
}

/// What a completed handshake agreed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    pub version: TlsVersion,
    /// rustls's name: `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// `X25519`, `secp256r1`, …
    pub key_exchange: Option<String>,
    pub alpn: Option<String>,
}

#[derive(Debug, Default)]
struct Record {
    chain: Vec<Vec<u8>>,
    ocsp: bool,
    hints: Option<Vec<Vec<u8>>>,
    presented: bool,
}

#[derive(Debug)]
struct Recorder {
    record: Arc<Mutex<Record>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut r) = self.record.lock() {
            r.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.as_ref().to_vec())
                .collect();
            r.ocsp = !ocsp_response.is_empty();
        }
        // Trust is decided afterwards, by kdbman's own validation.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[derive(Debug)]
struct ClientCert {
    record: Arc<Mutex<Record>>,
    key: Option<Arc<CertifiedKey>>,
}

impl ResolvesClientCert for ClientCert {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        if let Ok(mut r) = self.record.lock() {
            r.hints = Some(root_hint_subjects.iter().map(|h| h.to_vec()).collect());
            r.presented = self.key.is_some();
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// The CA name a server listed, as RFC 4514 text.
fn ca_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    if let Ok((_, n)) = x509_parser::x509::X509Name::from_der(der) {
        return crate::pki::dn::display(&n);
    }
    format!("(undecodable name, {} bytes)", der.len())
}

/// The alert's name as RFC 8446 spells it.
pub fn alert_name(a: AlertDescription) -> String {
    let s = format!("{a:?}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    match out.as_str() {
        "unknown_c_a" => "unknown_ca".into(),
        _ => out,
    }
}

/// Alerts by which a server refuses a client certificate.
pub fn is_client_cert_refusal(alert: &str) -> bool {
    matches!(
        alert,
        "bad_certificate"
            | "unsupported_certificate"
            | "certificate_revoked"
            | "certificate_expired"
            | "certificate_unknown"
            | "unknown_ca"
            | "access_denied"
            | "certificate_required"
            | "handshake_failure"
            | "decrypt_error"
    )
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Connects to the first address of `host:port` that answers.
fn connect(dial: &Dial) -> Result<(TcpStream, SocketAddr), Failure> {
    let addrs: Vec<SocketAddr> = (dial.host.as_str(), dial.port)
        .to_socket_addrs()
        .map_err(|e| Failure::Socket(format!("cannot resolve `{}`: {e}", dial.host)))?
        .collect();
    if addrs.is_empty() {
        return Err(Failure::Socket(format!(
            "`{}` resolves to no address",
            dial.host
        )));
    }
    let mut last = None;
    for a in &addrs {
        match TcpStream::connect_timeout(a, dial.connect_timeout) {
            Ok(s) => return Ok((s, *a)),
            Err(e) => last = Some((*a, e)),
        }
    }
    let (a, e) = last.expect("addrs is not empty");
    let why = match e.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            "connection refused (nothing listens on that port)".to_string()
        }
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
            "connect timed out after {} s",
            dial.connect_timeout.as_secs_f32()
        ),
        _ => e.to_string(),
    };
    Err(Failure::Socket(format!("cannot connect to {a}: {why}")))
}

/// A socket that keeps the first bytes the server sent (to tell a
/// plain-HTTP answer from TLS).
struct Peek<'a> {
    inner: &'a mut TcpStream,
    first: &'a mut Vec<u8>,
}

impl Read for Peek<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.first.len() < 64 {
            let take = n.min(64 - self.first.len());
            self.first.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }
}

/// The first line of what a non-TLS server sent (shown escaped by the
/// renderers).
fn first_line(first: &[u8]) -> String {
    let text = String::from_utf8_lossy(first);
    text.split(['\r', '\n'])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn classify_io(e: &std::io::Error) -> Failure {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Failure::Timeout,
        std::io::ErrorKind::UnexpectedEof => Failure::Closed,
        std::io::ErrorKind::ConnectionReset => {
            Failure::Socket("the server reset the connection".into())
        }
        _ => Failure::Socket(e.to_string()),
    }
}

fn classify_tls(e: &rustls::Error, first: &[u8]) -> Failure {
    match e {
        rustls::Error::AlertReceived(a) => Failure::Alert(alert_name(*a)),
        rustls::Error::InvalidMessage(_) if !first.is_empty() && first[0] != 0x15 => {
            Failure::NotTls(first_line(first))
        }
        other => Failure::Tls(other.to_string()),
    }
}

/// What the handshake agreed on so far (after the ServerHello).
fn negotiated(conn: &ClientConnection) -> Option<Negotiated> {
    let version = match conn.protocol_version()? {
        rustls::ProtocolVersion::TLSv1_2 => TlsVersion::Tls12,
        _ => TlsVersion::Tls13,
    };
    Some(Negotiated {
        version,
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default(),
        key_exchange: conn
            .negotiated_key_exchange_group()
            .map(|g| format!("{:?}", g.name())),
        alpn: conn
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
    })
}

/// Performs one handshake with `version` only.
pub fn attempt(dial: &Dial, version: TlsVersion) -> Attempt {
    let mut out = Attempt::default();
    let provider = provider();
    let record = Arc::new(Mutex::new(Record::default()));
    let key = match &dial.client {
        None => None,
        Some(id) => {
            let chain = id
                .chain
                .iter()
                .map(|c| CertificateDer::from(c.clone()))
                .collect();
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_pkcs8.to_vec()));
            match CertifiedKey::from_der(chain, key, &provider) {
                Ok(k) => Some(Arc::new(k)),
                Err(e) => {
                    out.failure = Some(Failure::Tls(format!(
                        "the client certificate `{}` cannot be used: {e}",
                        id.label
                    )));
                    return out;
                }
            }
        }
    };
    let versions: &[&rustls::SupportedProtocolVersion] = match version {
        TlsVersion::Tls12 => &[&rustls::version::TLS12],
        TlsVersion::Tls13 => &[&rustls::version::TLS13],
    };
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(Recorder {
                    record: record.clone(),
                    provider: provider.clone(),
                }))
                .with_client_cert_resolver(Arc::new(ClientCert {
                    record: record.clone(),
                    key,
                }))
        });
    let mut config = match config {
        Ok(c) => c,
        Err(e) => {
            out.failure = Some(Failure::Tls(e.to_string()));
            return out;
        }
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config.resumption = Resumption::disabled();
    config.enable_sni = dial.servername.is_some();
    let name = dial.servername.clone().unwrap_or_else(|| dial.host.clone());
    let server_name = ServerName::try_from(name.clone())
        .or_else(|_| ServerName::try_from("kdbman-probe.invalid".to_string()));
    let Ok(server_name) = server_name else {
        out.failure = Some(Failure::Tls(format!("`{name}` is not a server name")));
        return out;
    };
    let (mut sock, addr) = match connect(dial) {
        Ok(s) => s,
        Err(f) => {
            out.failure = Some(f);
            return out;
        }
    };
    out.address = Some(addr);
    let _ = sock.set_read_timeout(Some(dial.io_timeout));
    let _ = sock.set_write_timeout(Some(dial.io_timeout));
    let mut conn = match ClientConnection::new(Arc::new(config), server_name) {
        Ok(c) => c,
        Err(e) => {
            out.failure = Some(Failure::Tls(e.to_string()));
            return out;
        }
    };
    let mut first = Vec::new();
    let deadline = Instant::now() + dial.io_timeout;
    let result = handshake(&mut conn, &mut sock, &mut first, deadline);
    let take = |out: &mut Attempt| {
        if let Ok(r) = record.lock() {
            out.chain = r.chain.clone();
            out.ocsp_stapled = r.ocsp;
            out.client_auth = r.hints.as_ref().map(|h| ClientAuthRequest {
                ca_names: h.iter().map(|d| ca_name(d)).collect(),
                presented: r.presented,
            });
        }
    };
    out.negotiated = negotiated(&conn);
    out.completed = result.is_ok();
    if let Err(f) = result {
        take(&mut out);
        out.failure = Some(f);
        return out;
    }
    take(&mut out);
    // A server that asked for a certificate may refuse it (or its
    // absence) after the handshake: in TLS 1.3 the client's certificate
    // arrives with its Finished, so the refusal is the next thing read.
    if out.client_auth.is_some() {
        out.post_handshake_refusal = after_handshake(&mut conn, &mut sock, dial, &name);
    }
    conn.send_close_notify();
    let _ = conn.write_tls(&mut sock);
    out
}

fn handshake(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
    first: &mut Vec<u8>,
    deadline: Instant,
) -> Result<(), Failure> {
    while conn.is_handshaking() {
        if Instant::now() > deadline {
            return Err(Failure::Timeout);
        }
        while conn.wants_write() {
            if let Err(e) = conn.write_tls(sock) {
                return Err(classify_io(&e));
            }
        }
        if !conn.is_handshaking() {
            break;
        }
        let n = conn.read_tls(&mut Peek { inner: sock, first });
        match n {
            Ok(0) => {
                // Process what came before the close: it may hold an alert.
                if let Err(e) = conn.process_new_packets() {
                    return Err(classify_tls(&e, first));
                }
                if !first.is_empty() && first[0] != 0x16 && first[0] != 0x15 {
                    return Err(Failure::NotTls(first_line(first)));
                }
                return Err(Failure::Closed);
            }
            Ok(_) => {
                if let Err(e) = conn.process_new_packets() {
                    // Send our alert, as a polite client does.
                    let _ = conn.write_tls(sock);
                    return Err(classify_tls(&e, first));
                }
            }
            Err(e) => return Err(classify_io(&e)),
        }
    }
    while conn.wants_write() {
        if let Err(e) = conn.write_tls(sock) {
            return Err(classify_io(&e));
        }
    }
    Ok(())
}

/// Sends a small HTTP/1.1 request (unless HTTP/2 was agreed) and reads
/// until an answer, an alert, the close or a short timeout: returns the
/// refusal (alert name or HTTP refusal), if any.
fn after_handshake(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
    dial: &Dial,
    host: &str,
) -> Option<String> {
    let wait = dial.io_timeout.min(Duration::from_secs(3));
    let _ = sock.set_read_timeout(Some(wait));
    if conn.alpn_protocol() != Some(b"h2") {
        let req = format!("HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let _ = conn.writer().write_all(req.as_bytes());
    }
    let deadline = Instant::now() + wait;
    let mut got = Vec::new();
    while Instant::now() < deadline {
        while conn.wants_write() {
            if conn.write_tls(sock).is_err() {
                return None;
            }
        }
        match conn.read_tls(sock) {
            Ok(0) | Err(_) => {
                if let Err(rustls::Error::AlertReceived(a)) = conn.process_new_packets() {
                    return Some(alert_name(a));
                }
                break;
            }
            Ok(_) => match conn.process_new_packets() {
                Err(rustls::Error::AlertReceived(a)) => return Some(alert_name(a)),
                Err(_) => return None,
                Ok(state) => {
                    if state.plaintext_bytes_to_read() > 0 {
                        let mut buf = vec![0u8; state.plaintext_bytes_to_read().min(4096)];
                        if let Ok(n) = conn.reader().read(&mut buf) {
                            got.extend_from_slice(&buf[..n]);
                        }
                        if got.len() > 12 {
                            break;
                        }
                    }
                    if state.peer_has_closed() {
                        break;
                    }
                }
            },
        }
    }
    // nginx completes the handshake and answers 400 when the client
    // certificate failed or is missing.
    let text = String::from_utf8_lossy(&got);
    let status = text.lines().next().unwrap_or("");
    if status.starts_with("HTTP/") && (status.contains(" 400") || status.contains(" 495"))
        || status.contains(" 496")
    {
        return Some(format!("HTTP refusal `{}`", crate::text::escape(status)));
    }
    None
}
