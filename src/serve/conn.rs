//! Accepting, handshaking and answering: a pool of at most
//! `max_connections` worker threads, one connection each, a deadline on
//! every wait, and every failure turned into one [`Event`] with its IHS
//! code (or, after the handshake, an [`Event::Closed`] saying why).
//!
//! Before rustls sees a byte, the first read is classified: nothing before
//! the deadline (SSL0270I), closed at once (SSL0271I), an error (SSL0272I),
//! plain HTTP (SSL0273I, answered with a 400 that says to use https),
//! anything that is not a TLS handshake record (SSL0253E). During the
//! handshake, a clean close by the client is SSL0240I ("socket closed") and
//! a reset, another I/O error or the deadline passing is SSL0226I ("I/O
//! error during handshake"); rustls's own errors map in [`code_for`].

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rustls::{AlertDescription, CertificateError, ServerConnection};

use super::config::Setup;
use super::log::Event;
use super::page::{self, Negotiated, Parsed, Request};
use crate::error::{Error, Result};

/// Timeouts and bounds.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From accept to a finished handshake.
    pub handshake_timeout: Duration,
    /// Between requests on a kept-alive connection; also the time a whole
    /// request head (and body) has to arrive, so a client dribbling bytes
    /// cannot hold a connection longer than this.
    pub idle_timeout: Duration,
    /// Connections served at once, each by one worker thread. One more is
    /// accepted and waits for a slot (an idle kept-alive connection gives
    /// up its slot for it); the rest wait in the kernel's listen queue.
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
/// A worker idle this long exits; the pool shrinks back after a burst.
const WORKER_IDLE: Duration = Duration::from_secs(60);
/// After the last answer, how long (and how much) the client's leftover
/// bytes are drained, so closing does not reset the answer away.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;

type Job = (TcpStream, SocketAddr);

/// The connection workers: at most `max_connections` threads, each
/// serving one connection at a time, spawned on demand and reused.
struct Pool {
    state: Mutex<PoolState>,
    /// A job was queued (workers wait on it).
    work: Condvar,
    /// A worker finished a connection (the acceptor waits on it).
    freed: Condvar,
    /// A client is accepted and waiting for a slot: one idle kept-alive
    /// connection should close to make room. A count of requests for room.
    want_room: AtomicUsize,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Job>,
    /// Connections queued or being served.
    busy: usize,
    /// Worker threads alive (decremented by a worker as it exits).
    threads: usize,
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // A worker panic is caught outside the lock; recover regardless.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What every worker shares.
struct Shared {
    pool: Pool,
    setup: Arc<Setup>,
    limits: Limits,
    sink: Sink,
    stop: Arc<AtomicBool>,
    once: bool,
}

impl Server {
    /// Binds `addr` (`127.0.0.1:8443`, `[::1]:8443`; port 0 picks a free one).
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
        let max = self.limits.max_connections.max(1);
        let shared = Arc::new(Shared {
            pool: Pool {
                state: Mutex::new(PoolState::default()),
                work: Condvar::new(),
                freed: Condvar::new(),
                want_room: AtomicUsize::new(0),
            },
            setup: self.setup.clone(),
            limits: self.limits.clone(),
            sink,
            stop: stop.clone(),
            once,
        });
        let pool = &shared.pool;
        let waker = spawn_waker(self.addr, stop.clone());
        while !stop.load(Ordering::SeqCst) {
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
            // At the bound, this client waits here for a slot; an idle
            // kept-alive connection is asked to make room.
            let mut st = pool.lock();
            if st.busy >= max {
                pool.want_room.store(1, Ordering::SeqCst);
                while st.busy >= max && !stop.load(Ordering::SeqCst) {
                    st = pool
                        .freed
                        .wait_timeout(st, TICK)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                pool.want_room.store(0, Ordering::SeqCst);
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            st.busy += 1;
            st.queue.push_back((sock, peer));
            if st.threads < st.busy {
                // Fewer workers than connections: one more thread. Workers
                // only exit with the queue empty, so every queued job has a
                // worker, and threads <= busy <= max holds throughout.
                let worker = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("kdbman-conn".into())
                    .stack_size(512 * 1024)
                    .spawn(move || work(&worker));
                match spawned {
                    Ok(_) => st.threads += 1,
                    Err(_) if st.threads == 0 => {
                        // No thread to serve it: close it and back off.
                        st.queue.pop_back();
                        st.busy -= 1;
                        drop(st);
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    Err(_) => {}
                }
            }
            pool.work.notify_one();
        }
        pool.work.notify_all();
        let until = Instant::now() + GRACE;
        let mut st = pool.lock();
        while st.busy > 0 {
            let Some(left) = remaining(until) else { break };
            st = pool
                .freed
                .wait_timeout(st, left.min(TICK))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(st);
        let _ = waker.join();
        Ok(())
    }
}

/// A worker: takes connections until stopped or idle for [`WORKER_IDLE`].
fn work(shared: &Shared) {
    let pool = &shared.pool;
    let mut idle_since = Instant::now();
    loop {
        let mut st = pool.lock();
        let job = loop {
            if let Some(job) = st.queue.pop_front() {
                break job;
            }
            if shared.stop.load(Ordering::SeqCst) || idle_since.elapsed() >= WORKER_IDLE {
                st.threads -= 1;
                return;
            }
            st = pool
                .work
                .wait_timeout(st, TICK)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        };
        drop(st);
        let (sock, peer) = job;
        let serve = std::panic::AssertUnwindSafe(|| handle(sock, peer, shared));
        if std::panic::catch_unwind(serve).is_err() {
            (shared.sink)(Event::Handshake {
                peer,
                code: "SSL0266E",
                detail: "internal error while serving the connection; the server goes on".into(),
            });
        }
        let mut st = pool.lock();
        st.busy -= 1;
        drop(st);
        pool.freed.notify_all();
        idle_since = Instant::now();
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

/// Closes our side and drains what the client still sends, briefly, so
/// the kernel does not answer unread bytes with a reset that would
/// destroy the answer in flight (a 400, 408, 413 or 431).
fn linger(sock: &mut TcpStream) {
    let _ = sock.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut drained = 0;
    let mut buf = [0u8; 8192];
    while drained < LINGER_BYTES {
        let Some(left) = remaining(until) else { return };
        let _ = sock.set_read_timeout(Some(left));
        match sock.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => drained += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
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

/// What the first bytes a client sends say it is speaking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstBytes {
    /// A TLS handshake record: hand it to rustls.
    TlsHandshake,
    /// Plain HTTP on the TLS port (SSL0273I).
    PlainHttp,
    /// Anything else (SSL0253E), with the detail for the log.
    NotTls(String),
}

/// Classifies the first read of a connection before rustls sees it.
pub fn classify_first(data: &[u8]) -> FirstBytes {
    if page::looks_like_http(data) {
        return FirstBytes::PlainHttp;
    }
    if data.first() == Some(&0x16) {
        return FirstBytes::TlsHandshake;
    }
    let shown: Vec<String> = data.iter().take(8).map(|b| format!("{b:02x}")).collect();
    FirstBytes::NotTls(format!(
        "the first bytes ({}) are not a TLS handshake record",
        shown.join(" ")
    ))
}

fn handle(mut sock: TcpStream, peer: SocketAddr, shared: &Shared) {
    let (setup, limits, sink) = (&*shared.setup, &shared.limits, &shared.sink);
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
        if shared.stop.load(Ordering::SeqCst) {
            // Shutting down: a client that has said nothing is not waited for.
            return;
        }
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
    match classify_first(data) {
        FirstBytes::TlsHandshake => {}
        FirstBytes::PlainHttp => {
            let host = answer_plain_http(&mut sock, data, deadline);
            return fail(
                "SSL0273I",
                format!(
                    "plain HTTP request{} on the TLS port; answered 400 (use https)",
                    host.map(|h| format!(" for {h}")).unwrap_or_default()
                ),
            );
        }
        FirstBytes::NotTls(detail) => return fail("SSL0253E", detail),
    }

    let mut conn = match ServerConnection::new(setup.config.clone()) {
        Ok(c) => c,
        Err(e) => return fail("SSL0266E", format!("cannot start a TLS session: {e}")),
    };
    let mut pending: &[u8] = data;
    while !pending.is_empty() {
        match conn.read_tls(&mut pending) {
            // rustls takes nothing more until it has processed what it has;
            // never spin on a slice it will not consume.
            Ok(0) if !pending.is_empty() => {
                if let Err(e) = conn.process_new_packets() {
                    let _ = conn.write_tls(&mut sock);
                    let (code, detail) = code_for(&e);
                    return fail(code, detail);
                }
                if conn.read_tls(&mut pending).unwrap_or(0) == 0 {
                    return fail("SSL0230I", "the client's first flight is too large".into());
                }
            }
            Ok(_) => {}
            Err(_) => {
                return fail("SSL0230I", "the client's first record is too large".into());
            }
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
    let end = serve_http(&mut conn, &mut sock, peer, shared);
    conn.send_close_notify();
    let _ = conn.write_tls(&mut sock);
    if end != End::Gone {
        linger(&mut sock);
    }
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
    linger(sock);
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
            CertificateError::Other(o) => (
                "SSL0208E",
                format!("the client certificate does not validate: {}", o.0),
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

/// How a served connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The server chose to close (an answer with `Connection: close`, a
    /// refusal, a timeout, shutdown): close_notify, then linger.
    Closing,
    /// The client closed or the connection broke: nothing to drain.
    Gone,
}

/// Sends a final answer (`Connection: close`).
fn refuse(tls: &mut rustls::Stream<'_, ServerConnection, TcpStream>, r: page::Response) -> End {
    let _ = tls.write_all(&r.to_bytes(false, false));
    let _ = tls.flush();
    End::Closing
}

fn plural(n: u64) -> String {
    format!("{n} request{}", if n == 1 { "" } else { "s" })
}

/// HTTP/1.1 over the finished handshake: keep-alive, pipelining, a
/// deadline for each request (the idle timeout), and an [`Event::Closed`]
/// whenever the server, not the client, ends the connection unasked.
fn serve_http(
    conn: &mut ServerConnection,
    sock: &mut TcpStream,
    peer: SocketAddr,
    shared: &Shared,
) -> End {
    let (setup, limits, sink, stop) = (&*shared.setup, &shared.limits, &shared.sink, &*shared.stop);
    let closed = |detail: String| sink(Event::Closed { peer, detail });
    let idle_secs = limits.idle_timeout.as_secs_f64();
    let negotiated = negotiated(conn, setup);
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 8192];
    let mut served: u64 = 0;
    let mut idle_until = Instant::now() + limits.idle_timeout;
    let mut tls = rustls::Stream::new(conn, sock);
    // Clients repeat the same request on a kept-alive connection; the page
    // depends only on the request and the handshake, so the last answer
    // is kept and sent again for an identical request.
    let mut last: Option<(Request, bool, Vec<u8>, u16)> = None;
    // The socket's read timeout, changed only when it must be (one
    // system call less per request).
    let mut timeout = ReadTimeout::default();
    loop {
        match page::parse(&buf) {
            Parsed::Complete(req, used) => {
                let body = match req.content_length() {
                    Ok(n) if n <= page::MAX_BODY as u64 => n as usize,
                    // Refused from the header alone: the body is never read.
                    Ok(n) => return refuse(&mut tls, page::body_too_large(n)),
                    Err(why) => return refuse(&mut tls, page::bad_request(why)),
                };
                // Read and discard the body, under the same deadline.
                while buf.len() < used + body {
                    let Some(left) = remaining(idle_until) else {
                        closed(format!(
                            "request body incomplete after {idle_secs} s; answered 408"
                        ));
                        return refuse(&mut tls, page::request_timeout());
                    };
                    timeout.set(tls.sock, left);
                    match tls.read(&mut chunk) {
                        Ok(0) => return End::Gone,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return End::Gone,
                    }
                }
                let keep = req.keep_alive() && !shared.once && !stop.load(Ordering::SeqCst);
                let status = match &last {
                    Some((r, k, _, status)) if *r == req && *k == keep => *status,
                    _ => {
                        let resp = page::respond(&req, &negotiated);
                        let head_only = req.method == "HEAD";
                        let bytes = resp.to_bytes(keep, head_only);
                        last = Some((req.clone(), keep, bytes, resp.status));
                        resp.status
                    }
                };
                let bytes = last.as_ref().map_or(&[][..], |l| &l.2[..]);
                if tls.write_all(bytes).is_err() {
                    return End::Gone;
                }
                let _ = tls.flush();
                served += 1;
                if limits.log_requests {
                    sink(Event::Request {
                        peer,
                        method: req.method.clone(),
                        path: req.target.chars().take(200).collect(),
                        status,
                    });
                }
                if shared.once {
                    stop.store(true, Ordering::SeqCst);
                }
                if !keep {
                    return End::Closing;
                }
                buf.drain(..used + body);
                idle_until = Instant::now() + limits.idle_timeout;
            }
            Parsed::Bad(why) => return refuse(&mut tls, page::bad_request(why)),
            Parsed::TooLarge(why) => return refuse(&mut tls, page::head_too_large(why)),
            Parsed::Partial => {
                if buf.is_empty() {
                    if stop.load(Ordering::SeqCst) {
                        return End::Closing;
                    }
                    // Between requests, a waiting client may claim this slot.
                    if served > 0
                        && shared
                            .pool
                            .want_room
                            .compare_exchange(1, 0, Ordering::SeqCst, Ordering::SeqCst)
                            .is_ok()
                    {
                        closed(format!(
                            "idle after {}; closed to make room for a waiting client (--max-connections {})",
                            plural(served),
                            limits.max_connections
                        ));
                        return End::Closing;
                    }
                }
                let Some(left) = remaining(idle_until) else {
                    if buf.is_empty() {
                        closed(if served == 0 {
                            format!("idle: no request within {idle_secs} s of the handshake")
                        } else {
                            format!("idle for {idle_secs} s after {}", plural(served))
                        });
                        return End::Closing;
                    }
                    closed(format!(
                        "request head incomplete after {idle_secs} s ({} bytes); answered 408",
                        buf.len()
                    ));
                    return refuse(&mut tls, page::request_timeout());
                };
                timeout.set(tls.sock, left);
                match tls.read(&mut chunk) {
                    Ok(0) => return End::Gone,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return End::Gone,
                }
            }
        }
    }
}

/// The read timeout last set on a socket: at most [`TICK`], so the stop
/// flag is seen, and never past the deadline.
#[derive(Default)]
struct ReadTimeout(Option<Duration>);

impl ReadTimeout {
    fn set(&mut self, sock: &TcpStream, left: Duration) {
        let want = left.min(TICK);
        // A timeout already at TICK stays; a shorter one is set exactly.
        if self.0 != Some(want) && sock.set_read_timeout(Some(want)).is_ok() {
            self.0 = Some(want);
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
