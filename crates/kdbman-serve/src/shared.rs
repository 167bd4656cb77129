//! What the acceptor ([`super::server`]), the event loops
//! ([`super::event_loop`]) and their sessions ([`super::session`]) share:
//! limits, the event sink and the [`Shared`] state. The three use this
//! module; it uses none of them, so the arrows point one way
//! (server -> event_loop -> session -> shared).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::config::Setup;
use super::log::Event;

/// Timeouts and bounds.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From accept to a finished handshake.
    pub handshake_timeout: Duration,
    /// Between requests on a kept-alive connection; also the time a whole
    /// request head (and body) has to arrive, so a client dribbling bytes
    /// cannot hold a connection longer than this.
    pub idle_timeout: Duration,
    /// Connections served at once. One more is accepted and waits for a
    /// slot; the connection that gives up its slot for it is the oldest of
    /// those that have not finished a handshake or sent a request, else the
    /// longest idle kept-alive one; the rest wait in the kernel's listen
    /// queue.
    pub max_connections: usize,
    /// Event loops (threads) serving the connections; 0 means one per
    /// core. Never more than `max_connections`.
    pub threads: usize,
    /// Report every answered request as an [`Event::Request`].
    pub log_requests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 256,
            threads: 0,
            log_requests: false,
        }
    }
}

/// Where events go; the front end decides how to show them.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// How often deadlines and the stop flag are looked at.
pub(super) const TICK: Duration = Duration::from_millis(100);
/// How long shutdown waits for connections in flight.
pub(super) const GRACE: Duration = Duration::from_secs(3);

/// What every event loop shares.
pub(super) struct Shared {
    pub(super) setup: Arc<Setup>,
    pub(super) limits: Limits,
    pub(super) sink: Sink,
    pub(super) stop: Arc<AtomicBool>,
    pub(super) once: bool,
    /// The instant eviction keys count from ([`event_loop::Inbox::candidate`]).
    pub(super) epoch: std::time::Instant,
    /// A loop was asked to give up a slot and has not said it had none:
    /// the acceptor asks no other until that slot is released, so one
    /// waiting client never costs two connections.
    pub(super) evicting: AtomicBool,
    /// Connections handed to a loop and not yet finished.
    pub(super) open: Mutex<usize>,
    /// The acceptor waits on `freed` (changed and read only under `open`):
    /// a finished connection wakes it only then, not with a system call
    /// for every connection.
    pub(super) acceptor_waits: AtomicBool,
    /// A connection finished (the acceptor waits on it at the bound).
    pub(super) freed: Condvar,
    /// Connections a loop accepted with every slot taken, for the acceptor
    /// to place ([`Shared::hand_over`]); while any wait, loops accept no
    /// more, so that clients beyond the bound wait in the kernel's listen
    /// queue, not in ours.
    pub(super) handed: Mutex<VecDeque<(mio::net::TcpStream, SocketAddr, std::time::Instant)>>,
    pub(super) handed_ready: Condvar,
    pub(super) at_bound: AtomicBool,
}

impl Shared {
    pub(super) fn new(
        setup: Arc<Setup>,
        limits: Limits,
        sink: Sink,
        stop: Arc<AtomicBool>,
        once: bool,
    ) -> Shared {
        Shared {
            setup,
            limits,
            sink,
            stop,
            once,
            epoch: std::time::Instant::now(),
            evicting: AtomicBool::new(false),
            open: Mutex::new(0),
            acceptor_waits: AtomicBool::new(false),
            freed: Condvar::new(),
            handed: Mutex::new(VecDeque::new()),
            handed_ready: Condvar::new(),
            at_bound: AtomicBool::new(false),
        }
    }

    pub(super) fn open(&self) -> std::sync::MutexGuard<'_, usize> {
        // Nothing panics while holding it; recover regardless.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the acceptor, waiting at the bound, look again at which loop
    /// should make room (one found it had nothing to give).
    pub(super) fn nudge(&self) {
        self.freed.notify_all();
    }

    /// Takes a slot for a connection a loop has just accepted, if one is free.
    pub(super) fn take_slot(&self) -> bool {
        let mut open = self.open();
        if *open < self.limits.max_connections.max(1) {
            *open += 1;
            true
        } else {
            false
        }
    }

    /// A loop accepted a connection with every slot taken: the acceptor
    /// waits for a slot for it (making room as the bound says), and the
    /// loops accept no more until it has.
    pub(super) fn hand_over(
        &self,
        sock: mio::net::TcpStream,
        peer: SocketAddr,
        accepted: std::time::Instant,
    ) {
        let mut q = self.handed.lock().unwrap_or_else(|p| p.into_inner());
        self.at_bound.store(true, Ordering::SeqCst);
        q.push_back((sock, peer, accepted));
        drop(q);
        self.handed_ready.notify_all();
    }

    /// The next handed-over connection, waiting at most `TICK`; when none
    /// is left, loops may accept again (`true` in the second place: the
    /// acceptor must wake them for what waits in the listen queue).
    pub(super) fn next_handed(
        &self,
    ) -> (
        Option<(mio::net::TcpStream, SocketAddr, std::time::Instant)>,
        bool,
    ) {
        let mut q = self.handed.lock().unwrap_or_else(|p| p.into_inner());
        if q.is_empty() && self.at_bound.swap(false, Ordering::SeqCst) {
            return (None, true);
        }
        if q.is_empty() && !self.stop.load(Ordering::SeqCst) {
            q = self
                .handed_ready
                .wait_timeout(q, TICK)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let job = q.pop_front();
        let reopen = job.is_none() && self.at_bound.swap(false, Ordering::SeqCst);
        (job, reopen)
    }

    /// A connection is finished: its slot is free.
    pub(super) fn release(&self) {
        let mut open = self.open();
        *open = open.saturating_sub(1);
        let waits = self.acceptor_waits.load(Ordering::SeqCst);
        drop(open);
        if waits {
            self.freed.notify_all();
        }
    }
}
