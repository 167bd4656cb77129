//! Accepting, handshaking and answering: one thread per connection, a
//! bound on how many, a deadline on every wait, and every failure turned
//! into one [`Event`] with its IHS code.
//!
//! Before rustls sees a byte, the first read is classified: nothing before
//! the deadline (SSL0270I), closed at once (SSL0271I), an error (SSL0272I),
//! plain HTTP (SSL0273I, answered with a 400 that says to use https),
//! anything that is not a TLS handshake record (SSL0253E). During the
//! handshake, a clean close by the client is SSL0240I ("socket closed") and
//! a reset, another I/O error or the deadline passing is SSL0226I ("I/O
//! error during handshake"); rustls's own errors map in [`code_for`].

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rustls::{AlertDescription, CertificateError, ServerConnection};

use super::config::Setup;
use super::log::Event;
use super::page::{self, Negotiated, Parsed};
use crate::error::{Error, Result};

/// Timeouts and bounds.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From accept to a finished handshake.
    pub handshake_timeout: Duration,
    /// Between requests on a kept-alive connection.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones wait in the listen queue.
    pub max_connections: usize,
    /// Report every answered request as an [`Event::Request`].
    pub log_requests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 256,
            log_requests: false,
        }
    }
}

/// Where events go; the front end decides how to show them.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A bound listener with its configuration.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    setup: Arc<Setup>,
    limits: Limits,
}

/// How often waiting threads look at the stop flag.
const TICK: Duration = Duration::from_millis(100);
/// How long shutdown waits for connections in flight.
const GRACE: Duration = Duration::from_secs(3);

impl Server {
    /// Binds `addr` (`127.0.0.1:8443`; port 0 picks a free one).
    pub fn bind(addr: &str, setup: Setup, limits: Limits) -> Result<Server> {
        let listener = TcpListener::bind(addr).map_err(|source| Error::Listen {
            addr: addr.to_string(),
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| Error::Listen {
            addr: addr.to_string(),
            source,
        })?;
        Ok(Server {
            listener,
            addr,
            setup: Arc::new(setup),
            limits,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Serves until `stop` is set; with `once`, sets it after the first
    /// answered request. Waits a short grace period for connections in
    /// flight, then returns.
    pub fn run(&self, stop: &Arc<AtomicBool>, once: bool, sink: Sink) -> Result<()> {
        let active = Arc::new(AtomicUsize::new(0));
        let waker = spawn_waker(self.addr, stop.clone());
        while !stop.load(Ordering::SeqCst) {
            while active.load(Ordering::SeqCst) >= self.limits.max_connections.max(1) {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            let (sock, peer) = match self.listener.accept() {
                Ok(x) => x,
                Err(_) => {
                    // Out of descriptors or an aborted connection: back off.
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            };
            if stop.load(Ordering::SeqCst) {
                break;
            }
            active.fetch_add(1, Ordering::SeqCst);
            let guard = ActiveGuard(active.clone());
            let (setup, limits, sink, stop) = (
                self.setup.clone(),
                self.limits.clone(),
                sink.clone(),
                stop.clone(),
            );
            let spawned = std::thread::Builder::new()
                .name("kdbman-conn".into())
                .stack_size(512 * 1024)
                .spawn(move || {
                    let _guard = guard;
                    let work = std::panic::AssertUnwindSafe(|| {
                        handle(sock, peer, &setup, &limits, &sink, &stop, once)
                    });
                    if std::panic::catch_unwind(work).is_err() {
                        sink(Event::Handshake {
                            peer,
                            code: "SSL0266E",
                            detail:
                                "internal error while serving the connection; the server goes on"
                                    .into(),
                        });
                    }
                });
            if spawned.is_err() {
                // The guard went with the closure and was dropped with it.
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let until = Instant::now() + GRACE;
        while active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = waker.join();
        Ok(())
    }
}

struct ActiveGuard(Arc<AtomicUsize>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Wakes the blocking `accept` once `stop` is set, by connecting to it.
fn spawn_waker(addr: SocketAddr, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(TICK);
        }
        let mut target = addr;
        if target.ip().is_unspecified() {
            target.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&target, Duration::from_secs(1));
    })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn remaining(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    (!left.is_zero()).then_some(left)
}

fn handle(
    mut sock: TcpStream,
    peer: SocketAddr,
    setup: &Setup,
    limits: &Limits,
    sink: &Sink,
    stop: &AtomicBool,
    once: bool,
) {
    let fail = |code: &'static str, detail: String| sink(Event::Handshake { peer, code, detail });
    let _ = sock.set_nodelay(true);
    // A client that stops reading must not hold a thread forever.
    let _ = sock.set_write_timeout(Some(limits.handshake_timeout));
    let hs_secs = limits.handshake_timeout.as_secs_f64();
    let deadline = Instant::now() + limits.handshake_timeout;

    // Classify the first bytes before handing them to rustls.
    let mut first = [0u8; 4096];
    let n = loop {
        let Some(left) = remaining(deadline) else {
            return fail("SSL0270I", format!("nothing received within {hs_secs} s"));
        };
        let _ = sock.set_read_timeout(Some(left.min(TICK)));
        match sock.read(&mut first) {
            Ok(0) => {
                return fail(
                    "SSL0271I",
                    "client closed the connection without sending anything".into(),
                );
            }
            Ok(n) => break n,
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return fail("SSL0272I", format!("{e} before any data arrived")),
        }
    };
    let data = &first[..n];
    if page::looks_like_http(data) {
        let host = answer_plain_http(&mut sock, data, deadline);
        return fail(
            "SSL0273I",
            format!(
                "plain HTTP request{} on the TLS port; answered 400 (use https)",
                host.map(|h| format!(" for {h}")).unwrap_or_default()
            ),
        );
    }
    if data[0] != 0x16 {
        let shown: Vec<String> = data.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return fail(
            "SSL0253E",
            format!(
                "the first bytes ({}) are not a TLS handshake record",
                shown.join(" ")
            ),
        );
    }

    let mut conn = match ServerConnection::new(setup.config.clone()) {
        Ok(c) => c,
        Err(e) => return fail("SSL0266E", format!("cannot start a TLS session: {e}")),
    };
    let mut pending: &[u8] = data;
    while !pending.is_empty() {
        if conn.read_tls(&mut pending).is_err() {
            return fail("SSL0230I", "the client's first record is too large".into());
        }
        if let Err(e) = conn.process_new_packets() {
            let _ = conn.write_tls(&mut sock);
            let (code, detail) = code_for(&e);
            return fail(code, detail);
        }
    }

    // The handshake, under the same deadline.
    loop {
        while conn.wants_write() {
            if let Err(e) = conn.write_tls(&mut sock) {
                return fail("SSL0226I", format!("cannot send the handshake: {e}"));
            }
        }
        if !conn.is_handshaking() {
            break;
        }
        let Some(left) = remaining(deadline) else {
            return fail(
                "SSL0226I",
                format!("the handshake did not finish within {hs_secs} s"),
            );
        };
        let _ = sock.set_read_timeout(Some(left.min(TICK)));
        match conn.read_tls(&mut sock) {
            Ok(0) => {
                return fail(
                    "SSL0240I",
                    "the client closed the connection in the middle of the handshake".into(),
                );
            }
            Ok(_) => {}
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return fail("SSL0226I", format!("{e} during the handshake")),
        }
        if let Err(e) = conn.process_new_packets() {
            let _ = conn.write_tls(&mut sock);
            let (code, detail) = code_for(&e);
            return fail(code, detail);
        }
    }

    let _ = sock.set_write_timeout(Some(limits.idle_timeout));
    serve_http(&mut conn, &mut sock, peer, setup, limits, sink, stop, once);
    conn.send_close_notify();
    let _ = conn.write_tls(&mut sock);
    let _ = sock.shutdown(Shutdown::Write);
}

/// Reads the rest of a plain HTTP head (briefly) and answers 400, so that
/// the client sees the message rather than a reset. Returns the Host.
fn answer_plain_http(sock: &mut TcpStream, first: &[u8], deadline: Instant) -> Option<String> {
    let mut buf = first.to_vec();
    let until = deadline.min(Instant::now() + Duration::from_secs(1));
    let mut chunk = [0u8; 2048];
    while !matches!(page::parse(&buf), Parsed::Complete(..) | Parsed::Bad(_)) {
        let Some(left) = remaining(until) else { break };
        let _ = sock.set_read_timeout(Some(left));
        match sock.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let host = match page::parse(&buf) {
        Parsed::Complete(r, _) => r.header("host").map(str::to_string),
        _ => None,
    };
    let _ = sock.write_all(&page::use_https(host.as_deref()));
    let _ = sock.shutdown(Shutdown::Write);
    host.filter(|h| h.len() <= 255 && h.bytes().all(|b| b.is_ascii_graphic()))
}

/// The IHS code and a short explanation for a rustls handshake error.
pub fn code_for(e: &rustls::Error) -> (&'static str, String) {
    use rustls::Error as E;
    match e {
        E::NoCertificatesPresented => (
            "SSL0207E",
            "the client sent no certificate and client authentication is required".into(),
        ),
        E::InvalidCertificate(ce) => match ce {
            CertificateError::Expired
            | CertificateError::NotValidYet
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYetContext { .. } => (
                "SSL0221E",
                format!("the client certificate is outside its validity period ({ce:?})"),
            ),
            CertificateError::UnknownIssuer => (
                "SSL0208E",
                "the client certificate is not issued by a trusted signer in the store".into(),
            ),
            other => (
                "SSL0208E",
                format!("the client certificate failed validation ({other:?})"),
            ),
        },
        E::AlertReceived(a) => {
            let why = match a {
                AlertDescription::UnknownCA => "it does not trust the server certificate's issuer",
                AlertDescription::BadCertificate => "it rejects the server certificate",
                AlertDescription::CertificateExpired => "it finds the server certificate expired",
                AlertDescription::HandshakeFailure => "no protocol or cipher suite in common",
                AlertDescription::ProtocolVersion => "no protocol version in common",
                _ => "it gave up",
            };
            ("SSL0266E", format!("the client sent alert {a:?}: {why}"))
        }
        E::PeerIncompatible(p) => (
            "SSL0232W",
            format!(
                "the client has no protocol version, cipher suite or signature scheme in common with the server ({p:?})"
            ),
        ),
        E::DecryptError => ("SSL0231W", "a record failed its integrity check".into()),
        E::InvalidMessage(m) => ("SSL0230I", format!("malformed TLS message ({m:?})")),
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            ("SSL0230I", "a TLS message arrived out of order".into())
        }
        E::PeerMisbehaved(p) => ("SSL0230I", format!("the client broke the protocol ({p:?})")),
        other => ("SSL0266E", other.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
fn serve_http(
    conn: &mut ServerConnection,
    sock: &mut TcpStream,
    peer: SocketAddr,
    setup: &Setup,
    limits: &Limits,
    sink: &Sink,
    stop: &AtomicBool,
    once: bool,
) {
    let negotiated = negotiated(conn, setup);
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 8192];
    let mut idle_until = Instant::now() + limits.idle_timeout;
    let mut tls = rustls::Stream::new(conn, sock);
    loop {
        match page::parse(&buf) {
            Parsed::Complete(req, used) => {
                let body = match req.content_length() {
                    Ok(n) if n <= page::MAX_BODY => n,
                    Ok(_) => {
                        let r = page::bad_request("request body too large");
                        let _ = tls.write_all(&r.to_bytes(false, false));
                        return;
                    }
                    Err(why) => {
                        let _ = tls.write_all(&page::bad_request(why).to_bytes(false, false));
                        return;
                    }
                };
                // Read and discard the body.
                while buf.len() < used + body {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let keep = req.keep_alive() && !once && !stop.load(Ordering::SeqCst);
                let resp = page::respond(&req, &negotiated);
                let head_only = req.method == "HEAD";
                if tls.write_all(&resp.to_bytes(keep, head_only)).is_err() {
                    return;
                }
                let _ = tls.flush();
                if limits.log_requests {
                    sink(Event::Request {
                        peer,
                        method: req.method.clone(),
                        path: req.target.chars().take(200).collect(),
                        status: resp.status,
                    });
                }
                if once {
                    stop.store(true, Ordering::SeqCst);
                }
                if !keep {
                    return;
                }
                buf.drain(..used + body);
                idle_until = Instant::now() + limits.idle_timeout;
            }
            Parsed::Bad(why) => {
                let _ = tls.write_all(&page::bad_request(why).to_bytes(false, false));
                return;
            }
            Parsed::Partial => {
                if stop.load(Ordering::SeqCst) && buf.is_empty() {
                    return;
                }
                let Some(left) = remaining(idle_until) else {
                    return;
                };
                let _ = tls.sock.set_read_timeout(Some(left.min(TICK)));
                match tls.read(&mut chunk) {
                    Ok(0) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        }
    }
}

/// What the page reports, read once after the handshake.
fn negotiated<'a>(conn: &ServerConnection, setup: &'a Setup) -> Negotiated<'a> {
    let protocol = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
        Some(v) => format!("{v:?}"),
        None => "unknown".into(),
    };
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|s| {
            s.suite()
                .as_str()
                .map_or_else(|| format!("{:?}", s.suite()), str::to_string)
        })
        .unwrap_or_default();
    let sni = conn.server_name().map(str::to_string);
    let alpn = conn
        .alpn_protocol()
        .map(|a| String::from_utf8_lossy(a).into_owned());
    let client_subject = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| crate::pki::cert::cert_info(c).ok())
        .map(|i| i.subject);
    Negotiated {
        protocol,
        cipher_suite,
        served: setup.served_for(sni.as_deref()),
        sni,
        alpn,
        client_subject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustls_errors_map_to_catalogue_codes() {
        use rustls::Error as E;
        assert_eq!(code_for(&E::NoCertificatesPresented).0, "SSL0207E");
        assert_eq!(
            code_for(&E::InvalidCertificate(CertificateError::UnknownIssuer)).0,
            "SSL0208E"
        );
        assert_eq!(
            code_for(&E::InvalidCertificate(CertificateError::Expired)).0,
            "SSL0221E"
        );
        for e in [
            E::NoCertificatesPresented,
            E::DecryptError,
            E::AlertReceived(AlertDescription::UnknownCA),
            E::General("x".into()),
        ] {
            let code = code_for(&e).0;
            assert!(
                crate::diagnose::catalogue::by_id(code).is_some(),
                "{code} is not in the catalogue"
            );
        }
    }
}
