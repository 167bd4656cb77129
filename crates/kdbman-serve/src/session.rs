//! One connection as a state machine driven by readiness, not by a thread
//! of its own: the first bytes, the TLS handshake, HTTP/1.1 with
//! keep-alive and pipelining, and a closing that lets the last answer
//! arrive. [`Session::drive`] runs until the socket would block;
//! [`Session::on_tick`] enforces the deadlines.
//!
//! Before rustls sees a byte, the first read is classified
//! ([`super::first_bytes`]): nothing before the deadline (SSL0270I), closed
//! at once (SSL0271I), an error (SSL0272I), plain HTTP (SSL0273I, answered
//! with a 400 that says to use https), anything that is not a TLS handshake
//! record (SSL0253E). During the handshake, a clean close by the client is
//! SSL0240I ("socket closed") and a reset, another I/O error or the
//! deadline passing is SSL0226I ("I/O error during handshake"); rustls's
//! own errors map in [`super::tls_codes`]. After the handshake, the server
//! closing a connection unasked is an [`Event::Closed`] saying why.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use rustls::ServerConnection;

use super::first_bytes::{FirstBytes, classify_first};
use super::log::Event;
use super::page::{self, Negotiated, Parsed, Request};
use super::shared::Shared;
use super::tls_codes::code_for;

/// How long a plain HTTP client has to finish its head, so the 400 can
/// name the host it asked for.
const PLAIN_WAIT: Duration = Duration::from_secs(1);
/// Socket reads one session may make per turn of its loop, so that a
/// client that keeps its socket full cannot starve the others (nor the
/// loop's deadlines): with reads left over, it goes to the back.
const READS_PER_TURN: u32 = 16;
/// After the last answer, how long (and how much) the client's leftover
/// bytes are drained, so closing does not reset the answer away.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;
/// How old a connection with no request yet must be before it can give up
/// its slot at the bound: a real client finishes its handshake and sends
/// its request well within this, a silent or dribbling one does not.
pub(super) const EVICT_AFTER: Duration = Duration::from_millis(300);

/// Whether a session goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Open,
    Done,
}

pub(super) struct Session<'s, S: Transport = TcpStream> {
    io: Io<S>,
    phase: Phase<'s>,
    /// When the connection was accepted: at the bound, the oldest of the
    /// connections that have not yet sent a request gives up its slot.
    since: Instant,
}

/// How a session ranks for eviction at the connection bound: the lowest
/// key goes first. Connections that have not finished a handshake or sent
/// a request come first, oldest accepted first; then kept-alive ones idle
/// between requests, longest idle first. The rest (a request being
/// answered, a connection closing) are never evicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Evictable {
    /// No request yet: silent, mid-handshake, or sending its first
    /// request's head: since it was accepted.
    Unproductive(Instant),
    /// Kept alive between requests: since its last answer was taken.
    Idle(Instant),
}

/// The byte stream under a session: the client's socket, or memory in
/// the `serve_session` fuzz target ([`super::fuzz`]), so that the state
/// machine runs on fuzzer bytes exactly as it does on a socket.
pub(super) trait Transport: Read + Write {
    /// Ends our side of the stream (the closing drain goes on reading).
    fn shutdown_write(&mut self) -> io::Result<()>;
}

impl Transport for TcpStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

/// The socket, with what is known of its unread bytes.
struct Io<S> {
    sock: S,
    peer: SocketAddr,
    /// Bytes may be waiting: set by a readable event, cleared by a read
    /// that came back short or would block. Readiness is edge-triggered,
    /// so a socket not read dry would never be reported again, and a read
    /// of a socket known to be dry is a wasted system call. (A short read
    /// also happens at a TCP urgent mark, with bytes behind it and no new
    /// edge; no TLS or HTTP client sends urgent data, and one that does
    /// stalls only its own connection until its deadline.)
    unread: bool,
    /// Reads left in this turn; at 0 a read says "would block" with
    /// `unread` still set, and the loop drives the session again later.
    reads_left: u32,
    /// The client's end (or an error) was reported: a short read no
    /// longer means dry, since no new edge follows the end.
    ended: bool,
    /// Writability is reported: the socket is watched for it. A socket is
    /// first watched for reading only (an answer almost always fits in
    /// its send buffer, and every writable edge would be a wake-up for
    /// nothing); the first write that would block asks for it.
    writable: Writable,
}

/// Whether a session's socket is watched for writability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writable {
    /// Not watched, and no write has blocked.
    No,
    /// A write blocked: the loop must watch for writability.
    Wanted,
    /// Watched.
    Yes,
}

impl<S: Transport> Read for Io<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.reads_left == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.reads_left -= 1;
        match self.sock.read(buf) {
            Ok(n) => {
                // A short read emptied the socket; anything arriving later
                // raises a new edge.
                if n < buf.len() && !self.ended {
                    self.unread = false;
                }
                Ok(n)
            }
            Err(e) => {
                if e.kind() == io::ErrorKind::WouldBlock {
                    self.unread = false;
                }
                Err(e)
            }
        }
    }
}

impl<S> Io<S> {
    /// A write came back: one that would block needs a writable edge.
    fn wrote(&mut self, r: io::Result<usize>) -> io::Result<usize> {
        if self.writable == Writable::No
            && matches!(&r, Err(e) if e.kind() == io::ErrorKind::WouldBlock)
        {
            self.writable = Writable::Wanted;
        }
        r
    }
}

impl<S: Transport> Write for Io<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.sock.write(buf);
        self.wrote(r)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let r = self.sock.write_vectored(bufs);
        self.wrote(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Phase<'s> {
    /// Nothing read yet: the first bytes decide what the client speaks.
    First {
        deadline: Instant,
    },
    /// Plain HTTP on the TLS port: its head is read briefly, so that the
    /// 400 can name the host.
    Plain {
        head: Vec<u8>,
        until: Instant,
    },
    Handshake {
        tls: Box<ServerConnection>,
        deadline: Instant,
    },
    Http(Box<Http<'s>>),
    Closing(Box<Closing>),
    /// Finished; also what a phase is while a step owns it.
    Done,
}

/// HTTP/1.1 over a finished handshake.
struct Http<'s> {
    tls: ServerConnection,
    negotiated: Negotiated<'s>,
    /// Request bytes received and not yet answered.
    buf: Vec<u8>,
    served: u64,
    /// The deadline for the next request (head and body) to arrive, and
    /// for the client to take the last answer.
    idle_until: Instant,
    /// Clients repeat the same request on a kept-alive connection; the
    /// page depends only on the request and the handshake, so the last
    /// answer is kept and sent again for an identical request.
    last: Option<Answer>,
    /// The client closed its side: answer what is buffered, then end.
    peer_done: bool,
    /// What rustls has queued is the handshake's tail, not an answer: the
    /// first answer may be queued behind it and both sent in one write.
    /// Cleared by the first answer or before waiting for the client.
    tail: bool,
}

struct Answer {
    req: Request,
    keep: bool,
    bytes: Vec<u8>,
    status: u16,
    /// The request's bytes when it had no body and the connection stays
    /// (see [`repeated`]); empty otherwise.
    head: Vec<u8>,
}

/// The server is done: the last bytes go out, our side shuts, and what the
/// client still sends is drained briefly, so that unread bytes do not make
/// the kernel answer with a reset that destroys the answer in flight.
struct Closing {
    tls: Option<ServerConnection>,
    /// Bytes to send outside TLS (the plain HTTP 400), and how many went.
    raw: Vec<u8>,
    sent: usize,
    /// Until the last bytes are sent; then, until draining stops.
    until: Instant,
    shut: bool,
    drained: usize,
}

/// What a step did with its phase.
enum Flow<'s> {
    /// Waiting for the socket or a deadline.
    Wait(Phase<'s>),
    /// Moved on: step again.
    Go(Phase<'s>),
    Done,
}

impl<'s, S: Transport> Session<'s, S> {
    pub(super) fn new(sock: S, peer: SocketAddr, sh: &Shared, now: Instant) -> Self {
        Session {
            io: Io {
                sock,
                peer,
                unread: false,
                reads_left: READS_PER_TURN,
                ended: false,
                writable: Writable::No,
            },
            phase: Phase::First {
                deadline: now + sh.limits.handshake_timeout,
            },
            since: now,
        }
    }

    pub(super) fn peer(&self) -> SocketAddr {
        self.io.peer
    }

    pub(super) fn sock(&mut self) -> &mut S {
        &mut self.io.sock
    }

    /// The socket was reported ready: `readable` says it has bytes to
    /// read, `ended` that the client closed its side or the socket failed.
    pub(super) fn on_ready(
        &mut self,
        readable: bool,
        ended: bool,
        sh: &'s Shared,
        now: Instant,
    ) -> Status {
        if readable || ended {
            self.io.unread = true;
        }
        if ended {
            self.io.ended = true;
        }
        self.io.reads_left = READS_PER_TURN;
        self.drive(sh, now)
    }

    /// A write would have blocked and the socket is watched for reading
    /// only: `true` once, and the loop then watches it for writability too
    /// (re-registering after the failed write loses no edge: epoll looks
    /// at the socket's state as the interest changes).
    pub(super) fn wants_writable(&mut self) -> bool {
        if self.io.writable == Writable::Wanted {
            self.io.writable = Writable::Yes;
            return true;
        }
        false
    }

    /// The session used up its reads for this turn with bytes still
    /// waiting: no new edge will come, so the loop must drive it again.
    pub(super) fn wants_another_turn(&self) -> bool {
        self.io.unread && self.io.reads_left == 0
    }

    /// Steps until the socket would block or the session ends.
    fn drive(&mut self, sh: &'s Shared, now: Instant) -> Status {
        loop {
            let phase = std::mem::replace(&mut self.phase, Phase::Done);
            match step(phase, &mut self.io, sh, now) {
                Flow::Wait(p) => {
                    self.phase = p;
                    return Status::Open;
                }
                Flow::Go(p) => self.phase = p,
                Flow::Done => return Status::Done,
            }
        }
    }

    /// Deadlines, and a graceful stop: a client that has said nothing or
    /// waits idle between requests is not waited for.
    pub(super) fn on_tick(&mut self, sh: &'s Shared, now: Instant) -> Status {
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        match expire(phase, &mut self.io, sh, now) {
            Flow::Wait(p) => {
                self.phase = p;
                Status::Open
            }
            Flow::Go(p) => {
                self.phase = p;
                self.drive(sh, now)
            }
            Flow::Done => Status::Done,
        }
    }

    /// Whether, and how readily, this connection gives up its slot for a
    /// client waiting at the bound. A connection with no request yet is a
    /// candidate whatever its age (its key is when it was accepted, so the
    /// acceptor can see the oldest across loops), but is given up only
    /// once it is [`EVICT_AFTER`] old (see [`Session::evict`]), so that
    /// clients merely in the middle of a handshake are not cut.
    pub(super) fn evictable(&self, sh: &Shared) -> Option<Evictable> {
        match &self.phase {
            Phase::First { .. } | Phase::Plain { .. } | Phase::Handshake { .. } => {
                Some(Evictable::Unproductive(self.since))
            }
            Phase::Http(h) if h.served == 0 && !h.tls.wants_write() => {
                // Its first request is not complete (or not begun).
                let complete = matches!(page::parse(&h.buf), Parsed::Complete(..));
                (!complete).then_some(Evictable::Unproductive(self.since))
            }
            Phase::Http(h) if h.idle() => Some(Evictable::Idle(
                h.idle_until
                    .checked_sub(sh.limits.idle_timeout)
                    .unwrap_or(self.since),
            )),
            _ => None,
        }
    }

    /// Gives up the slot for a client waiting at the bound (see
    /// [`Session::evictable`]); `None` if this one is not evictable.
    pub(super) fn evict(&mut self, sh: &'s Shared, now: Instant) -> Option<Status> {
        let kind = self.evictable(sh)?;
        let old_enough = now.saturating_duration_since(self.since) >= EVICT_AFTER;
        if matches!(kind, Evictable::Unproductive(_)) && !old_enough {
            return None;
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        let waited = now.saturating_duration_since(self.since).as_secs_f64();
        let why = match (&phase, kind) {
            (Phase::Http(h), Evictable::Idle(_)) => format!("idle after {}", plural(h.served)),
            (Phase::Http(_), _) => format!("no complete request {waited:.1} s after connecting"),
            (Phase::Handshake { .. }, _) => {
                format!("handshake not finished {waited:.1} s after connecting")
            }
            _ => format!("nothing usable received {waited:.1} s after connecting"),
        };
        (sh.sink)(Event::Closed {
            peer: self.io.peer,
            detail: format!(
                "{why}; closed to make room for a waiting client (--max-connections {})",
                sh.limits.max_connections
            ),
        });
        // Nothing is in flight to protect (no request, or the last answer
        // taken): close_notify if the socket takes it, and the slot is
        // free at once, not after a closing drain.
        if let Phase::Http(h) = phase {
            let _ = gone(h.tls, &mut self.io);
        }
        Some(Status::Done)
    }
}

impl Http<'_> {
    /// Between requests, with nothing left to send.
    fn idle(&self) -> bool {
        self.buf.is_empty() && !self.tls.wants_write()
    }
}

fn step<'s, S: Transport>(
    phase: Phase<'s>,
    io: &mut Io<S>,
    sh: &'s Shared,
    now: Instant,
) -> Flow<'s> {
    match phase {
        Phase::First { deadline } => first(io, deadline, sh, now),
        Phase::Plain { mut head, until } => {
            if read_plain_head(io, &mut head) {
                answer_plain(&head, io.peer, sh, now)
            } else {
                Flow::Wait(Phase::Plain { head, until })
            }
        }
        Phase::Handshake { tls, deadline } => handshake(io, tls, deadline, sh, now),
        Phase::Http(h) => http(io, h, sh, now),
        Phase::Closing(c) => closing(io, c, now),
        Phase::Done => Flow::Done,
    }
}

fn fail<'s>(sh: &Shared, peer: SocketAddr, code: &'static str, detail: String) -> Flow<'s> {
    (sh.sink)(Event::Handshake { peer, code, detail });
    Flow::Done
}

fn is_would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

fn is_interrupted(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Interrupted
}

/// Classifies the first bytes, before rustls sees them.
fn first<'s, S: Transport>(
    io: &mut Io<S>,
    deadline: Instant,
    sh: &'s Shared,
    now: Instant,
) -> Flow<'s> {
    if !io.unread {
        return Flow::Wait(Phase::First { deadline });
    }
    let mut first = [0u8; 4096];
    let n = loop {
        match io.read(&mut first) {
            Ok(0) => {
                return fail(
                    sh,
                    io.peer,
                    "SSL0271I",
                    "client closed the connection without sending anything".into(),
                );
            }
            Ok(n) => break n,
            Err(e) if is_would_block(&e) => return Flow::Wait(Phase::First { deadline }),
            Err(e) if is_interrupted(&e) => {}
            Err(e) => {
                return fail(
                    sh,
                    io.peer,
                    "SSL0272I",
                    format!("{e} before any data arrived"),
                );
            }
        }
    };
    let data = &first[..n];
    match classify_first(data) {
        FirstBytes::TlsHandshake => {}
        FirstBytes::PlainHttp => {
            return Flow::Go(Phase::Plain {
                head: data.to_vec(),
                until: deadline.min(now + PLAIN_WAIT),
            });
        }
        FirstBytes::NotTls(detail) => return fail(sh, io.peer, "SSL0253E", detail),
    }

    let mut tls = match ServerConnection::new(sh.setup.config.clone()) {
        Ok(c) => c,
        Err(e) => {
            return fail(
                sh,
                io.peer,
                "SSL0266E",
                format!("cannot start a TLS session: {e}"),
            );
        }
    };
    let mut pending: &[u8] = data;
    while !pending.is_empty() {
        match tls.read_tls(&mut pending) {
            // rustls takes nothing more until it has processed what it has;
            // never spin on a slice it will not consume.
            Ok(0) if !pending.is_empty() => {
                if let Err(e) = tls.process_new_packets() {
                    return tls_failed(&mut tls, io, &e, sh);
                }
                if tls.read_tls(&mut pending).unwrap_or(0) == 0 {
                    return fail(
                        sh,
                        io.peer,
                        "SSL0230I",
                        "the client's first flight is too large".into(),
                    );
                }
            }
            Ok(_) => {}
            Err(_) => {
                return fail(
                    sh,
                    io.peer,
                    "SSL0230I",
                    "the client's first record is too large".into(),
                );
            }
        }
        if let Err(e) = tls.process_new_packets() {
            return tls_failed(&mut tls, io, &e, sh);
        }
    }
    Flow::Go(Phase::Handshake {
        tls: Box::new(tls),
        deadline,
    })
}

/// A rustls error: its alert goes out if the socket takes it, and the
/// failure is logged with its code.
fn tls_failed<'s, S: Transport>(
    tls: &mut ServerConnection,
    io: &mut Io<S>,
    e: &rustls::Error,
    sh: &Shared,
) -> Flow<'s> {
    let _ = tls.write_tls(io);
    let (code, detail) = code_for(e);
    fail(sh, io.peer, code, detail)
}

/// Reads more of a plain HTTP head; `true` once it is complete, refused,
/// or the client stopped sending.
fn read_plain_head<S: Transport>(io: &mut Io<S>, head: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 2048];
    loop {
        if !matches!(page::parse(head), Parsed::Partial) {
            return true;
        }
        if !io.unread {
            return false;
        }
        match io.read(&mut chunk) {
            Ok(0) => return true,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if is_would_block(&e) => return false,
            Err(e) if is_interrupted(&e) => {}
            Err(_) => return true,
        }
    }
}

/// Answers plain HTTP with a 400 that says to use https.
fn answer_plain<'s>(head: &[u8], peer: SocketAddr, sh: &Shared, now: Instant) -> Flow<'s> {
    let host = match page::parse(head) {
        Parsed::Complete(r, _) => r.header("host").map(str::to_string),
        _ => None,
    };
    let raw = page::use_https(host.as_deref());
    let host = host.filter(|h| h.len() <= 255 && h.bytes().all(|b| b.is_ascii_graphic()));
    (sh.sink)(Event::Handshake {
        peer,
        code: "SSL0273I",
        detail: format!(
            "plain HTTP request{} on the TLS port; answered 400 (use https)",
            host.map(|h| format!(" for {h}")).unwrap_or_default()
        ),
    });
    Flow::Go(Phase::Closing(Box::new(Closing {
        tls: None,
        raw,
        sent: 0,
        until: now + sh.limits.handshake_timeout,
        shut: false,
        drained: 0,
    })))
}

/// Sends what rustls has queued: `Ok(true)` when all of it went,
/// `Ok(false)` when the socket is full.
fn flush<S: Transport>(tls: &mut ServerConnection, io: &mut Io<S>) -> io::Result<bool> {
    while tls.wants_write() {
        match tls.write_tls(io) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(_) => {}
            Err(e) if is_would_block(&e) => return Ok(false),
            Err(e) if is_interrupted(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

fn handshake<'s, S: Transport>(
    io: &mut Io<S>,
    mut tls: Box<ServerConnection>,
    deadline: Instant,
    sh: &'s Shared,
    now: Instant,
) -> Flow<'s> {
    loop {
        if !tls.is_handshaking() {
            // What the handshake still has queued (the TLS 1.3 session
            // ticket) goes out with the first answer when its request came
            // with the client's last flight: one write, one segment.
            return Flow::Go(Phase::Http(Box::new(Http::new(*tls, sh, now))));
        }
        match flush(&mut tls, io) {
            Ok(true) => {}
            Ok(false) => return Flow::Wait(Phase::Handshake { tls, deadline }),
            Err(e) => {
                return fail(
                    sh,
                    io.peer,
                    "SSL0226I",
                    format!("cannot send the handshake: {e}"),
                );
            }
        }
        if !io.unread {
            return Flow::Wait(Phase::Handshake { tls, deadline });
        }
        match tls.read_tls(io) {
            Ok(0) => {
                return fail(
                    sh,
                    io.peer,
                    "SSL0240I",
                    "the client closed the connection in the middle of the handshake".into(),
                );
            }
            Ok(_) => {}
            Err(e) if is_would_block(&e) => return Flow::Wait(Phase::Handshake { tls, deadline }),
            Err(e) if is_interrupted(&e) => continue,
            Err(e) => return fail(sh, io.peer, "SSL0226I", format!("{e} during the handshake")),
        }
        if let Err(e) = tls.process_new_packets() {
            return tls_failed(&mut tls, io, &e, sh);
        }
    }
}

impl<'s> Http<'s> {
    fn new(tls: ServerConnection, sh: &'s Shared, now: Instant) -> Self {
        let negotiated = negotiated(&tls, sh);
        Http {
            tls,
            negotiated,
            buf: Vec::new(),
            served: 0,
            idle_until: now + sh.limits.idle_timeout,
            last: None,
            peer_done: false,
            tail: true,
        }
    }
}

/// The client closed or the connection broke: nothing to drain.
fn gone<'s, S: Transport>(mut tls: ServerConnection, io: &mut Io<S>) -> Flow<'s> {
    tls.send_close_notify();
    let _ = tls.write_tls(io);
    Flow::Done
}

/// The server chose to close: close_notify after what is queued, then the
/// closing drain.
fn closing_tls<'s>(mut tls: ServerConnection, sh: &Shared, now: Instant) -> Phase<'s> {
    tls.send_close_notify();
    Phase::Closing(Box::new(Closing {
        tls: Some(tls),
        raw: Vec::new(),
        sent: 0,
        until: now + sh.limits.idle_timeout,
        shut: false,
        drained: 0,
    }))
}

/// A final answer (`Connection: close`), then closing.
fn refuse<'s>(mut tls: ServerConnection, r: page::Response, sh: &Shared, now: Instant) -> Flow<'s> {
    let _ = tls.writer().write_all(&r.to_bytes(false, false));
    Flow::Go(closing_tls(tls, sh, now))
}

fn plural(n: u64) -> String {
    format!("{n} request{}", if n == 1 { "" } else { "s" })
}

/// HTTP/1.1: answers every complete request in order, one at a time: the
/// next is not answered, nor more read, until the client has taken the
/// last answer, so a client that does not read holds no more than one.
fn http<'s, S: Transport>(
    io: &mut Io<S>,
    mut h: Box<Http<'s>>,
    sh: &'s Shared,
    now: Instant,
) -> Flow<'s> {
    loop {
        if !h.tail {
            match flush(&mut h.tls, io) {
                Ok(true) => {}
                Ok(false) => return Flow::Wait(Phase::Http(h)),
                Err(_) => return gone(h.tls, io),
            }
        }
        if let Some(used) = repeated(&h, sh) {
            send_last(&mut h, io.peer, sh);
            h.buf.drain(..used);
            h.idle_until = now + sh.limits.idle_timeout;
            continue;
        }
        match page::parse(&h.buf) {
            Parsed::Complete(req, used) => {
                let body = match req.content_length() {
                    Ok(n) if n <= page::MAX_BODY as u64 => n as usize,
                    // Refused from the header alone: the body is never read.
                    Ok(n) => return refuse(h.tls, page::body_too_large(n), sh, now),
                    Err(why) => return refuse(h.tls, page::bad_request(why), sh, now),
                };
                if h.buf.len() >= used + body {
                    let head = if body == 0 { used } else { 0 };
                    let keep = answer(&mut h, &req, head, io.peer, sh);
                    if !keep {
                        return Flow::Go(closing_tls(h.tls, sh, now));
                    }
                    h.buf.drain(..used + body);
                    h.idle_until = now + sh.limits.idle_timeout;
                    continue;
                }
            }
            Parsed::Bad(why) => return refuse(h.tls, page::bad_request(why), sh, now),
            Parsed::TooLarge(why) => return refuse(h.tls, page::head_too_large(why), sh, now),
            Parsed::Partial => {}
        }
        // More of the request is needed: first what rustls has decrypted
        // already (a request can arrive with the handshake's last flight).
        match take_plaintext(&mut h) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(()) => return gone(h.tls, io),
        }
        if h.tail {
            // No request yet: the handshake's tail goes alone (at the top).
            h.tail = false;
            continue;
        }
        if h.peer_done {
            return gone(h.tls, io);
        }
        if !io.unread {
            return Flow::Wait(Phase::Http(h));
        }
        match h.tls.read_tls(io) {
            Ok(0) => h.peer_done = true,
            Ok(_) => {
                if h.tls.process_new_packets().is_err() {
                    return gone(h.tls, io);
                }
            }
            Err(e) if is_would_block(&e) => return Flow::Wait(Phase::Http(h)),
            Err(e) if is_interrupted(&e) => {}
            Err(_) => return gone(h.tls, io),
        }
    }
}

/// Moves decrypted bytes into the request buffer: `Ok(true)` if there were
/// any; a close_notify marks the client done. (Straight from rustls's
/// buffer: no scratch buffer to clear on every request.)
fn take_plaintext(h: &mut Http<'_>) -> Result<bool, ()> {
    use std::io::BufRead;
    let mut took = false;
    loop {
        let mut reader = h.tls.reader();
        match reader.fill_buf() {
            Ok([]) => {
                h.peer_done = true;
                return Ok(took);
            }
            Ok(chunk) => {
                let n = chunk.len();
                h.buf.extend_from_slice(chunk);
                reader.consume(n);
                took = true;
            }
            Err(e) if is_would_block(&e) => return Ok(took),
            Err(_) => return Err(()),
        }
    }
}

/// Queues the answer to a complete request; returns whether the
/// connection stays. The access log line (and `--once`'s stop) comes as
/// the answer is queued: a client that vanishes before taking it is
/// still logged as answered.
/// `head` is the length of the request's bytes at the front of the buffer
/// when it had no body, else 0.
fn answer(h: &mut Http<'_>, req: &Request, head: usize, peer: SocketAddr, sh: &Shared) -> bool {
    let keep = req.keep_alive() && !sh.once && !sh.stop.load(Ordering::SeqCst);
    let cached = matches!(&h.last, Some(a) if a.req == *req && a.keep == keep);
    if !cached {
        let resp = page::respond(req, &h.negotiated);
        let bytes = resp.to_bytes(keep, req.method == "HEAD");
        h.last = Some(Answer {
            req: req.clone(),
            keep,
            bytes,
            status: resp.status,
            head: Vec::new(),
        });
    }
    if let Some(last) = &mut h.last {
        // Without a body, the same bytes next time are the same request.
        last.head.clear();
        if keep && head <= h.buf.len() {
            last.head.extend_from_slice(&h.buf[..head]);
        }
    }
    send_last(h, peer, sh);
    keep
}

/// How many bytes at the front of the buffer repeat the last kept-alive
/// request exactly (a head without a body): the same bytes parse to the
/// same request, so its answer goes again without parsing them.
fn repeated(h: &Http<'_>, sh: &Shared) -> Option<usize> {
    let last = h.last.as_ref()?;
    (last.keep
        && !last.head.is_empty()
        && h.buf.starts_with(&last.head)
        && !sh.once
        && !sh.stop.load(Ordering::SeqCst))
    .then_some(last.head.len())
}

/// Queues the last answer (again).
fn send_last(h: &mut Http<'_>, peer: SocketAddr, sh: &Shared) {
    let Some(last) = &h.last else {
        return;
    };
    // The buffer was empty (flushed before) but for the handshake's tail,
    // so this is not refused for size: rustls's limit is far above any page.
    let _ = h.tls.writer().write_all(&last.bytes);
    h.tail = false;
    h.served += 1;
    if sh.limits.log_requests {
        (sh.sink)(Event::Request {
            peer,
            method: last.req.method.clone(),
            path: last.req.target.chars().take(200).collect(),
            status: last.status,
        });
    }
    if sh.once {
        sh.stop.store(true, Ordering::SeqCst);
    }
}

fn closing<'s, S: Transport>(io: &mut Io<S>, mut c: Box<Closing>, now: Instant) -> Flow<'s> {
    if let Some(tls) = &mut c.tls {
        match flush(tls, io) {
            Ok(true) => {}
            Ok(false) => return Flow::Wait(Phase::Closing(c)),
            Err(_) => return Flow::Done,
        }
    }
    while c.sent < c.raw.len() {
        match io.write(&c.raw[c.sent..]) {
            Ok(0) => return Flow::Done,
            Ok(n) => c.sent += n,
            Err(e) if is_would_block(&e) => return Flow::Wait(Phase::Closing(c)),
            Err(e) if is_interrupted(&e) => {}
            Err(_) => return Flow::Done,
        }
    }
    if !c.shut {
        let _ = io.sock.shutdown_write();
        c.shut = true;
        c.until = now + LINGER;
    }
    let mut scratch = [0u8; 8192];
    loop {
        if !io.unread {
            return Flow::Wait(Phase::Closing(c));
        }
        match io.read(&mut scratch) {
            Ok(0) => return Flow::Done,
            Ok(n) => {
                c.drained += n;
                if c.drained >= LINGER_BYTES {
                    return Flow::Done;
                }
            }
            Err(e) if is_would_block(&e) => return Flow::Wait(Phase::Closing(c)),
            Err(e) if is_interrupted(&e) => {}
            Err(_) => return Flow::Done,
        }
    }
}

/// What a deadline passing (or a graceful stop) does to each phase.
fn expire<'s, S: Transport>(
    phase: Phase<'s>,
    io: &mut Io<S>,
    sh: &'s Shared,
    now: Instant,
) -> Flow<'s> {
    let stopping = sh.stop.load(Ordering::SeqCst);
    let hs_secs = sh.limits.handshake_timeout.as_secs_f64();
    let idle_secs = sh.limits.idle_timeout.as_secs_f64();
    let peer = io.peer;
    let closed = |detail: String| (sh.sink)(Event::Closed { peer, detail });
    match phase {
        // Shutting down: a client that has said nothing is not waited for.
        Phase::First { .. } if stopping => Flow::Done,
        Phase::First { deadline } if now >= deadline => fail(
            sh,
            io.peer,
            "SSL0270I",
            format!("nothing received within {hs_secs} s"),
        ),
        Phase::Plain { head, until } if now >= until => answer_plain(&head, io.peer, sh, now),
        Phase::Handshake { deadline, .. } if now >= deadline => fail(
            sh,
            io.peer,
            "SSL0226I",
            format!("the handshake did not finish within {hs_secs} s"),
        ),
        Phase::Http(h) if stopping && h.idle() => Flow::Go(closing_tls(h.tls, sh, now)),
        Phase::Http(h) if now >= h.idle_until => {
            if h.tls.wants_write() {
                // The client has not taken its answer in all this time.
                return gone(h.tls, io);
            }
            if h.buf.is_empty() {
                closed(if h.served == 0 {
                    format!("idle: no request within {idle_secs} s of the handshake")
                } else {
                    format!("idle for {idle_secs} s after {}", plural(h.served))
                });
                return Flow::Go(closing_tls(h.tls, sh, now));
            }
            if let Parsed::Complete(..) = page::parse(&h.buf) {
                closed(format!(
                    "request body incomplete after {idle_secs} s; answered 408"
                ));
            } else {
                closed(format!(
                    "request head incomplete after {idle_secs} s ({} bytes); answered 408",
                    h.buf.len()
                ));
            }
            refuse(h.tls, page::request_timeout(), sh, now)
        }
        Phase::Closing(c) if now >= c.until => Flow::Done,
        other => Flow::Wait(other),
    }
}

/// What the page reports, read once after the handshake.
fn negotiated<'s>(conn: &ServerConnection, sh: &'s Shared) -> Negotiated<'s> {
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
        .and_then(|c| kdbman::pki::cert::cert_info(c).ok())
        .map(|i| i.subject);
    Negotiated {
        protocol,
        cipher_suite,
        served: sh.setup.served_for(sni.as_deref()),
        sni,
        alpn,
        client_subject,
    }
}
