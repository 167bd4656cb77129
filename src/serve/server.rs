//! Spreading connections over the event loops: one loop per core
//! ([`super::event_loop`]), each accepting from the listening socket and
//! serving many connections ([`super::session`]), at most
//! `max_connections` at once. A client accepted with every slot taken is
//! handed to the acceptor thread, which waits for a slot (making room as
//! [`Limits::max_connections`] says) while the loops accept no more.

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::config::Setup;
use super::event_loop;
use super::log::Event;
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

/// A bound listener with its configuration.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    setup: Arc<Setup>,
    limits: Limits,
}

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
    open: Mutex<usize>,
    /// The acceptor waits on `freed` (changed and read only under `open`):
    /// a finished connection wakes it only then, not with a system call
    /// for every connection.
    acceptor_waits: AtomicBool,
    /// A connection finished (the acceptor waits on it at the bound).
    freed: Condvar,
    /// Connections a loop accepted with every slot taken, for the acceptor
    /// to place ([`Shared::hand_over`]); while any wait, loops accept no
    /// more, so that clients beyond the bound wait in the kernel's listen
    /// queue, not in ours.
    handed: Mutex<VecDeque<(mio::net::TcpStream, SocketAddr, std::time::Instant)>>,
    handed_ready: Condvar,
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

    fn open(&self) -> std::sync::MutexGuard<'_, usize> {
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
    fn next_handed(
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
        let shared = Arc::new(Shared::new(
            self.setup.clone(),
            self.limits.clone(),
            sink,
            stop.clone(),
            once,
        ));
        // One loop per core unless told otherwise, and never more loops
        // than connections.
        let threads = match self.limits.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        // The loops accept from the listener themselves (no thread between
        // the kernel and the loop that serves a connection); this thread
        // only places connections accepted with every slot taken.
        let listen_err = |source| Error::Listen {
            addr: self.addr.to_string(),
            source,
        };
        self.listener.set_nonblocking(true).map_err(listen_err)?;
        let listener = || self.listener.try_clone();
        let mut loops = Vec::new();
        for _ in 0..threads.min(max) {
            match listener().and_then(|l| event_loop::spawn(shared.clone(), l)) {
                Ok(l) => loops.push(l),
                Err(_) if !loops.is_empty() => break,
                Err(source) => return Err(listen_err(source)),
            }
        }
        while !stop.load(Ordering::SeqCst) {
            // A loop that failed is replaced.
            for l in loops.iter_mut().filter(|l| l.inbox.is_dead()) {
                if let Ok(fresh) = listener().and_then(|l| event_loop::spawn(shared.clone(), l)) {
                    *l = fresh;
                }
            }
            let (job, reopen) = shared.next_handed();
            if reopen {
                // Clients may wait in the listen queue with their edge
                // spent while loops were not accepting.
                loops.iter().for_each(|l| l.inbox.wake());
            }
            let Some((sock, peer, accepted)) = job else {
                continue;
            };
            // At the bound, this client waits here for a slot, and the
            // loop holding the best candidate (the oldest connection with
            // no request yet, else the longest idle kept-alive one) is asked
            // to give one up. Silent sockets cannot hold every slot.
            let mut open = shared.open();
            if *open >= max {
                while *open >= max && !stop.load(Ordering::SeqCst) {
                    // An eviction already asked for frees its slot soon;
                    // asking again before it is released would close a
                    // second connection for the same client.
                    if !shared.evicting.load(Ordering::SeqCst) {
                        let best = loops
                            .iter()
                            .filter(|l| !l.inbox.is_dead())
                            .map(|l| (l.inbox.candidate(), l))
                            .filter(|(k, _)| *k != event_loop::NO_CANDIDATE)
                            .min_by_key(|(k, _)| *k);
                        let now = std::time::Instant::now();
                        if let Some((_, l)) =
                            best.filter(|(k, _)| event_loop::eligible(&shared, *k, now))
                        {
                            shared.evicting.store(true, Ordering::SeqCst);
                            l.inbox.request_eviction();
                        }
                    }
                    shared.acceptor_waits.store(true, Ordering::SeqCst);
                    open = shared
                        .freed
                        .wait_timeout(open, TICK)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                    shared.acceptor_waits.store(false, Ordering::SeqCst);
                }
                loops.iter().for_each(|l| l.inbox.cancel_eviction());
                shared.evicting.store(false, Ordering::SeqCst);
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            *open += 1;
            drop(open);
            // The loop with the fewest connections takes it.
            let Some(least) = loops.iter().min_by_key(|l| l.inbox.load()) else {
                break;
            };
            if !least.inbox.push(sock, peer, accepted) {
                shared.release();
            }
        }
        loops.iter().for_each(|l| l.inbox.wake());
        for l in loops {
            let _ = l.thread.join();
        }
        Ok(())
    }
}
