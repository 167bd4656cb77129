//! The `serve_session` fuzz target's driver
//! ([`crate::fuzzing::serve_session`]): one `session::Session` over an
//! in-memory `session::Transport` instead of a socket, fed the fuzzer's
//! bytes as the client's stream in chunks, with readiness, the clock, a client's close,
//! eviction, a graceful stop and a slow-reading client all taken from the
//! input. No sockets, no threads: the event loop's part
//! (`serve::event_loop`) is played by `Driver`. Not part of the public API.
//!
//! Input: one flags byte, then operations until the bytes run out, each a
//! big-endian `u16` `x` and, for data, `x` bytes (fewer at the end):
//!
//! | `x` | operation |
//! |---|---|
//! | below `0xF000` | `x` bytes the client sends (raw bytes, or with [`TLS`] plaintext through a real client) |
//! | `0xF0nn` | the clock moves `nn` × 100 ms, then a tick |
//! | `0xF1nn` | the loop asks the session to give up its slot |
//! | `0xF2nn` | the client closes its side (end of stream) |
//! | `0xF3nn` | a graceful stop, then a tick |
//! | `0xF4nn` | the client takes `nn` bytes per turn from now on (0: all) |
//! | `0xF5nn` | the client sends close_notify ([`TLS`] only) |
//! | `0xF6nn` | a writable edge: the session is driven with nothing new to read |
//!
//! With [`TLS`], a rustls client first completes a real handshake with the
//! session in memory, so data reaches the HTTP side. When the input ends
//! the client closes (unless [`KEEP_OPEN`]) and the clock runs on: the
//! session must be finished within a few minutes of simulated time.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

use super::config::{self, ClientAuth, ServeOptions, Setup};
use super::log::{Event, LogFormat};
use super::session::{Session, Status, Transport};
use super::shared::{Limits, Shared};

/// Flags: a real TLS client does the handshake and encrypts the data.
pub const TLS: u8 = 1;
/// Flags: the client does not close when the input ends.
pub const KEEP_OPEN: u8 = 2;
/// Flags: `serve --once` (stop after the first answer).
pub const ONCE: u8 = 4;
/// Flags: the client presents the served certificate as its own.
pub const CLIENT_CERT: u8 = 8;

/// Operations, as the high byte of an operation word.
pub const OP_TICK: u8 = 0xF0;
pub const OP_EVICT: u8 = 0xF1;
pub const OP_CLOSE: u8 = 0xF2;
pub const OP_STOP: u8 = 0xF3;
pub const OP_ROOM: u8 = 0xF4;
pub const OP_CLOSE_NOTIFY: u8 = 0xF5;
pub const OP_WRITABLE: u8 = 0xF6;

/// The client's side of the connection, as the session's socket.
#[derive(Default)]
struct Memory {
    /// Sent by the client, not yet read by the session.
    inbound: Vec<u8>,
    taken: usize,
    /// The client closed its side.
    ended: bool,
    /// Written by the session, not yet taken by the client.
    outbound: Vec<u8>,
    /// Bytes the client takes per turn (a full socket past them); 0: all.
    room: usize,
    written: usize,
    shut: bool,
}

impl Read for Memory {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.inbound[self.taken..];
        if rest.is_empty() {
            return if self.ended {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.taken += n;
        if self.taken == self.inbound.len() {
            self.inbound.clear();
            self.taken = 0;
        }
        Ok(n)
    }
}

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.shut {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let n = match self.room {
            0 => buf.len(),
            room => buf.len().min(room.saturating_sub(self.written)),
        };
        if n == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.written += n;
        self.outbound.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Memory {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shut = true;
        Ok(())
    }
}

/// The demo store served, and a client that trusts it (and can present
/// its leaf as a client certificate, which the demo CA signed).
struct Fixture {
    setup: Arc<Setup>,
    client: Arc<ClientConfig>,
    client_with_cert: Arc<ClientConfig>,
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let (entries, ca) = super::demo_entries().ok()?;
            let opts = ServeOptions {
                sni: vec![("alt.example".into(), super::DEMO_LABEL.into())],
                client_auth: ClientAuth::Optional,
                now: kdbman::clock::now(),
                ..ServeOptions::default()
            };
            let setup =
                config::from_entries(std::path::Path::new("fuzz.kdb"), &entries, &opts).ok()?;
            let mut roots = RootCertStore::empty();
            roots.add(CertificateDer::from(ca)).ok()?;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let builder = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .ok()?
                .with_root_certificates(roots);
            let leaf = entries.first()?;
            let chain = leaf
                .certificates()
                .iter()
                .map(|c| CertificateDer::from(c.to_vec()))
                .collect();
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
                leaf.private_key()?.pkcs8_der().to_vec().into(),
            );
            Some(Fixture {
                setup: Arc::new(setup),
                client: Arc::new(builder.clone().with_no_client_auth()),
                client_with_cert: Arc::new(builder.with_client_auth_cert(chain, key).ok()?),
            })
        })
        .as_ref()
}

/// Every event the session reports is rendered, as the front end would,
/// and kept; a log line never spans two lines whatever the client sent.
fn sink(log: Arc<Mutex<Vec<String>>>) -> super::server::Sink {
    Arc::new(move |e: Event| {
        for f in [LogFormat::Text, LogFormat::Json] {
            assert!(!e.render(f, "t").contains('\n'), "a log line was split");
        }
        let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() < 64 {
            log.push(e.render(LogFormat::Text, "t"));
        }
    })
}

/// Plays the event loop and the client for one session.
struct Driver<'s> {
    session: Session<'s, Memory>,
    sh: &'s Shared,
    now: Instant,
    done: bool,
    /// The TLS client, while it has not failed.
    client: Option<ClientConnection>,
}

impl<'s> Driver<'s> {
    /// A readiness edge, then as many turns as the session wants (the
    /// loop's `again` list), then the client takes what was written.
    fn ready(&mut self, readable: bool) {
        if self.done {
            return;
        }
        let ended = self.session.sock().ended;
        self.session.sock().written = 0;
        let mut status = self.session.on_ready(readable, ended, self.sh, self.now);
        // Each turn reads at least once or clears `unread`: bounded by the
        // bytes sent.
        let mut turns = 0;
        while status == Status::Open && self.session.wants_another_turn() {
            turns += 1;
            assert!(turns < 1_000_000, "a session never stops wanting turns");
            self.session.sock().written = 0;
            status = self.session.on_ready(false, false, self.sh, self.now);
        }
        self.settle(status);
    }

    fn tick(&mut self, by: Duration) {
        if self.done {
            return;
        }
        self.now += by;
        let status = self.session.on_tick(self.sh, self.now);
        self.settle(status);
    }

    fn evict(&mut self) {
        if self.done {
            return;
        }
        if let Some(status) = self.session.evict(self.sh, self.now) {
            self.settle(status);
        }
    }

    /// After a step: the client reads what the session wrote.
    fn settle(&mut self, status: Status) {
        self.done |= status == Status::Done;
        let out = std::mem::take(&mut self.session.sock().outbound);
        let Some(c) = &mut self.client else {
            return;
        };
        let mut rest = &out[..];
        while !rest.is_empty() {
            match c.read_tls(&mut rest) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if c.process_new_packets().is_err() {
                self.client = None;
                return;
            }
            let mut sink = [0u8; 4096];
            while matches!(c.reader().read(&mut sink), Ok(n) if n > 0) {}
        }
    }

    /// The client's bytes go to the session's socket.
    fn send(&mut self, data: &[u8]) {
        if self.done {
            return;
        }
        match &mut self.client {
            Some(c) => {
                if !data.is_empty() && c.writer().write_all(data).is_err() {
                    self.client = None;
                    return;
                }
                self.flush_client();
            }
            None => self.session.sock().inbound.extend_from_slice(data),
        }
        self.ready(true);
    }

    fn flush_client(&mut self) {
        let Some(c) = &mut self.client else {
            return;
        };
        let mut wire = Vec::new();
        while c.wants_write() {
            if c.write_tls(&mut wire).is_err() {
                break;
            }
        }
        self.session.sock().inbound.extend_from_slice(&wire);
    }

    /// The client closes its side.
    fn close(&mut self) {
        self.session.sock().ended = true;
        self.ready(false);
    }
}

/// Runs one session on `data` (see the module comment).
pub fn session(data: &[u8]) {
    let _ = run(data);
}

/// Runs one session on `data`; returns the log lines it reported (the
/// first 64).
pub fn run(data: &[u8]) -> Vec<String> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let Some(fx) = fixture() else {
        return Vec::new();
    };
    let Some((&flags, mut rest)) = data.split_first() else {
        return Vec::new();
    };
    let stop = Arc::new(AtomicBool::new(false));
    let limits = Limits {
        log_requests: true,
        ..Limits::default()
    };
    let sh = Shared::new(
        fx.setup.clone(),
        limits,
        sink(log.clone()),
        stop.clone(),
        flags & ONCE != 0,
    );
    let peer = SocketAddr::from(([192, 0, 2, 1], 40000));
    let now = Instant::now();
    let client = if flags & TLS == 0 {
        None
    } else {
        let config = match flags & CLIENT_CERT {
            0 => &fx.client,
            _ => &fx.client_with_cert,
        };
        ServerName::try_from("localhost")
            .ok()
            .and_then(|name| ClientConnection::new(config.clone(), name).ok())
    };
    let mut d = Driver {
        session: Session::new(Memory::default(), peer, &sh, now),
        sh: &sh,
        now,
        done: false,
        client,
    };
    if d.client.is_some() {
        // The handshake, in as many flights as it takes.
        for _ in 0..8 {
            match &d.client {
                Some(c) if c.is_handshaking() || c.wants_write() => d.send(&[]),
                _ => break,
            }
        }
    }
    while rest.len() >= 2 {
        let x = u16::from_be_bytes([rest[0], rest[1]]);
        rest = &rest[2..];
        let [op, arg] = x.to_be_bytes();
        match op {
            OP_TICK => d.tick(Duration::from_millis(100 * u64::from(arg))),
            OP_EVICT => d.evict(),
            OP_CLOSE => d.close(),
            OP_STOP => {
                stop.store(true, Ordering::SeqCst);
                d.tick(Duration::ZERO);
            }
            OP_ROOM => d.session.sock().room = usize::from(arg),
            OP_CLOSE_NOTIFY => {
                if let Some(c) = &mut d.client {
                    c.send_close_notify();
                }
                d.send(&[]);
            }
            OP_WRITABLE => d.ready(false),
            0xF7..=0xFF => {}
            _ => {
                let (chunk, after) = rest.split_at(usize::from(x).min(rest.len()));
                d.send(chunk);
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        d.send(rest);
    }
    if flags & KEEP_OPEN == 0 {
        d.close();
    }
    // No connection lives forever: every phase has a deadline, the
    // longest (idle, then the closing drain) 30 s.
    for _ in 0..8 {
        d.tick(Duration::from_secs(31));
    }
    assert!(d.done, "a session outlived every deadline");
    drop(d);
    drop(sh);
    let log = log.lock().unwrap_or_else(|p| p.into_inner());
    log.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(code: u8, arg: u8) -> [u8; 2] {
        [code, arg]
    }

    fn input(flags: u8, parts: &[&[u8]]) -> Vec<u8> {
        let mut v = vec![flags];
        for p in parts {
            v.extend_from_slice(p);
        }
        v
    }

    fn data(bytes: &[u8]) -> Vec<u8> {
        [&(bytes.len() as u16).to_be_bytes()[..], bytes].concat()
    }

    /// The driver reaches every phase: without these lines the fuzz target
    /// would stop at the first bytes and still pass.
    #[test]
    fn the_driver_reaches_each_phase() {
        let log = |v: Vec<u8>| run(&v).join("\n");
        let get = data(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // Over a real handshake: the request is answered.
        let l = log(input(TLS, &[&get, &get, &op(OP_CLOSE_NOTIFY, 0)]));
        assert!(l.contains("GET /healthz") && l.contains("200"), "{l}");
        assert_eq!(l.matches("GET /healthz").count(), 2, "{l}");
        // Plain HTTP: the 400 naming the host.
        let l = log(input(
            0,
            &[&data(b"GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")],
        ));
        assert!(l.contains("SSL0273I") && l.contains("a.example"), "{l}");
        // Not TLS; silence; a handshake left unfinished; a client that
        // closed at once.
        assert!(log(input(0, &[&data(b"\x80\x2e\x01")])).contains("SSL0253E"));
        assert!(log(input(KEEP_OPEN, &[])).contains("SSL0270I"));
        assert!(log(input(0, &[])).contains("SSL0271I"));
        let hello = data(&[0x16, 3, 1, 0, 10, 1, 0, 0, 6]);
        assert!(log(input(KEEP_OPEN, &[&hello])).contains("SSL0226I"));
        // An idle kept-alive connection, then a head that never finishes.
        let l = log(input(TLS | KEEP_OPEN, &[&get]));
        assert!(l.contains("idle for 30 s after 1 request"), "{l}");
        let part = data(b"GET / HTTP/1.1\r\nHo");
        let l = log(input(TLS | KEEP_OPEN, &[&part]));
        assert!(l.contains("answered 408"), "{l}");
        // Evicted at the bound before any request.
        let l = log(input(KEEP_OPEN, &[&op(OP_TICK, 5), &op(OP_EVICT, 0)]));
        assert!(l.contains("make room"), "{l}");
    }
}
