//! An event loop: one thread that serves many connections, each a
//! [`Session`] woken by edge-triggered readiness (epoll through mio).
//! Every [`TICK`] it looks at deadlines, a graceful stop and a request
//! for room. A panic while serving one connection ends that connection
//! only (SSL0266E); should the loop itself fail, its connections' slots
//! are freed and the acceptor starts another loop.
//!
//! A thread per connection (the first design) lost keep-alive throughput
//! to the scheduler: with 50 busy connections on two cores, every request
//! woke a thread. One loop per core answers whatever is ready in one wake.

use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Registry, Token, Waker};

use super::log::Event;
use super::session::{Evictable, Session, Status};
use super::shared::{GRACE, Shared, TICK};

/// [`Inbox::candidate`] when a loop has no connection to give up.
pub(super) const NO_CANDIDATE: u64 = u64::MAX;

/// The token of the loop's waker; sessions use their slot index.
const WAKE: Token = Token(usize::MAX);
/// The token of the listening socket (every loop accepts from it).
const LISTEN: Token = Token(usize::MAX - 1);
/// Connections one loop accepts per turn before serving its others.
const ACCEPTS_PER_TURN: usize = 16;
/// How long a loop waits before accepting again after an error such as
/// running out of descriptors.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// Where the acceptor hands a loop its connections.
pub(super) struct Inbox {
    jobs: Mutex<Vec<(TcpStream, SocketAddr, Instant)>>,
    waker: Waker,
    /// Connections this loop holds or is about to (changed on the
    /// acceptor's side only under `jobs`).
    load: AtomicUsize,
    /// The loop failed; it takes no more connections (set under `jobs`).
    dead: AtomicBool,
    /// The eviction key of this loop's best candidate to give up a slot
    /// ([`eviction_key`]), refreshed every tick and as connections come;
    /// [`NO_CANDIDATE`] when it has none.
    candidate: AtomicU64,
    /// The acceptor, at the bound, asks this loop to give up a slot.
    evict: AtomicBool,
}

impl Inbox {
    fn jobs(&self) -> std::sync::MutexGuard<'_, Vec<(TcpStream, SocketAddr, Instant)>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands over a connection accepted at `accepted` (its age, for
    /// deadlines and eviction, counts from then whichever loop takes it
    /// first); `false` (and the connection closed) if the loop has failed.
    pub(super) fn push(&self, sock: TcpStream, peer: SocketAddr, accepted: Instant) -> bool {
        let mut jobs = self.jobs();
        if self.dead.load(Ordering::SeqCst) {
            return false;
        }
        self.load.fetch_add(1, Ordering::SeqCst);
        jobs.push((sock, peer, accepted));
        drop(jobs);
        self.wake();
        true
    }

    pub(super) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Makes the loop look at its inbox, the stop flag and room requests.
    pub(super) fn wake(&self) {
        let _ = self.waker.wake();
    }

    pub(super) fn load(&self) -> usize {
        self.load.load(Ordering::SeqCst)
    }

    pub(super) fn candidate(&self) -> u64 {
        self.candidate.load(Ordering::SeqCst)
    }

    /// Asks the loop to close its best candidate for a waiting client.
    pub(super) fn request_eviction(&self) {
        if !self.evict.swap(true, Ordering::SeqCst) {
            self.wake();
        }
    }

    /// The waiting client got a slot another way: no eviction is wanted.
    pub(super) fn cancel_eviction(&self) {
        self.evict.store(false, Ordering::SeqCst);
    }
}

/// Orders candidates across loops: connections with no request yet
/// before idle kept-alive ones, each oldest first.
fn eviction_key(sh: &Shared, e: Evictable) -> u64 {
    const IDLE: u64 = 1 << 62;
    let micros =
        |t: Instant| (t.saturating_duration_since(sh.epoch).as_micros() as u64).min(IDLE - 1);
    match e {
        Evictable::Unproductive(t) => micros(t),
        Evictable::Idle(t) => IDLE | micros(t),
    }
}

/// Whether the candidate with `key` may be given up now: an idle
/// kept-alive one at once, one with no request yet once it is
/// [`super::session::EVICT_AFTER`] old.
pub(super) fn eligible(sh: &Shared, key: u64, now: Instant) -> bool {
    const IDLE: u64 = 1 << 62;
    if key == NO_CANDIDATE {
        return false;
    }
    if key & IDLE != 0 {
        return true;
    }
    let age = now.saturating_duration_since(sh.epoch).as_micros() as u64;
    age.saturating_sub(key) >= super::session::EVICT_AFTER.as_micros() as u64
}

/// A running loop, as the acceptor sees it.
pub(super) struct Loop {
    pub(super) inbox: Arc<Inbox>,
    pub(super) thread: JoinHandle<()>,
}

/// Starts a loop accepting from `listener` (its own descriptor of the
/// server's nonblocking listening socket).
pub(super) fn spawn(shared: Arc<Shared>, listener: std::net::TcpListener) -> io::Result<Loop> {
    let poll = Poll::new()?;
    let waker = Waker::new(poll.registry(), WAKE)?;
    let mut listener = mio::net::TcpListener::from_std(listener);
    // Edge-triggered in every loop: a new client wakes them, one accepts it.
    poll.registry()
        .register(&mut listener, LISTEN, Interest::READABLE)?;
    let inbox = Arc::new(Inbox {
        jobs: Mutex::new(Vec::new()),
        waker,
        load: AtomicUsize::new(0),
        dead: AtomicBool::new(false),
        candidate: AtomicU64::new(NO_CANDIDATE),
        evict: AtomicBool::new(false),
    });
    let mine = inbox.clone();
    let thread = std::thread::Builder::new()
        .name("kdbman-conn".into())
        .spawn(move || {
            if catch_unwind(AssertUnwindSafe(|| run(&shared, &mine, poll, &listener))).is_err() {
                // Its sessions are gone with the stack: free their slots
                // so that the acceptor does not wait on them.
                let mut jobs = mine.jobs();
                mine.dead.store(true, Ordering::SeqCst);
                jobs.clear();
                for _ in 0..mine.load.swap(0, Ordering::SeqCst) {
                    shared.release();
                }
            }
        })?;
    Ok(Loop { inbox, thread })
}

/// The sessions of one loop, by token.
struct Slots<'s> {
    slots: Vec<Option<Session<'s>>>,
    free: Vec<usize>,
    live: usize,
}

impl<'s> Slots<'s> {
    fn insert(&mut self, session: Session<'s>) -> usize {
        self.live += 1;
        match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(session);
                i
            }
            None => {
                self.slots.push(Some(session));
                self.slots.len() - 1
            }
        }
    }

    fn remove(&mut self, i: usize) {
        if self.slots.get_mut(i).and_then(Option::take).is_some() {
            self.live -= 1;
            self.free.push(i);
        }
    }
}

fn run(sh: &Shared, inbox: &Inbox, mut poll: Poll, listener: &mio::net::TcpListener) {
    let mut slots = Slots {
        slots: Vec::new(),
        free: Vec::new(),
        live: 0,
    };
    let mut events = Events::with_capacity(1024);
    let mut next_tick = Instant::now() + TICK;
    let mut stopped_at: Option<Instant> = None;
    // Sessions that used up their reads with bytes still waiting.
    let mut again: Vec<usize> = Vec::new();
    // Clients may wait in the listen queue: accept from this instant on.
    let mut accept_at: Option<Instant> = Some(Instant::now());
    loop {
        let wait = if again.is_empty() {
            let until = accept_at.map_or(next_tick, |a| a.min(next_tick));
            until.saturating_duration_since(Instant::now())
        } else {
            Duration::ZERO
        };
        let turn = std::mem::take(&mut again);
        if let Err(e) = poll.poll(&mut events, Some(wait))
            && e.kind() != io::ErrorKind::Interrupted
        {
            // Not expected from epoll; do not spin on it.
            std::thread::sleep(TICK);
        }
        let now = Instant::now();
        let mut woken = false;
        for ev in events.iter() {
            if ev.token() == WAKE {
                woken = true;
                // The acceptor wakes every loop when they may accept again.
                accept_at.get_or_insert(now);
                continue;
            }
            if ev.token() == LISTEN {
                accept_at.get_or_insert(now);
                continue;
            }
            let readable = ev.is_readable();
            let ended = ev.is_read_closed() || ev.is_error();
            ready(
                sh,
                inbox,
                poll.registry(),
                &mut slots,
                &mut again,
                ev.token().0,
                readable,
                ended,
            );
        }
        for i in turn {
            // Unless an event drove it already.
            if matches!(slots.slots.get(i), Some(Some(s)) if s.wants_another_turn()) {
                ready(
                    sh,
                    inbox,
                    poll.registry(),
                    &mut slots,
                    &mut again,
                    i,
                    false,
                    false,
                );
            }
        }
        if woken {
            let jobs = std::mem::take(&mut *inbox.jobs());
            for (sock, peer, accepted) in jobs {
                let i = slots.insert(Session::new(sock, peer, sh, accepted.min(now)));
                let Some(Some(session)) = slots.slots.get_mut(i) else {
                    continue;
                };
                // Readable only until a write blocks (see `watch_writable`).
                let registered =
                    poll.registry()
                        .register(session.sock(), Token(i), Interest::READABLE);
                if registered.is_err() {
                    finish(sh, inbox, &mut slots, i);
                }
            }
        }
        if accept_at.is_some_and(|a| now >= a) {
            accept_at = accept(sh, inbox, &poll, &mut slots, listener, now);
        }
        if woken && inbox.evict.swap(false, Ordering::SeqCst) {
            make_room(sh, inbox, &mut slots, now);
        }
        if now >= next_tick || (woken && sh.stop.load(Ordering::SeqCst)) {
            for i in 0..slots.slots.len() {
                let Some(Some(session)) = slots.slots.get_mut(i) else {
                    continue;
                };
                if guarded(sh, session, |s| s.on_tick(sh, now)) == Status::Done
                    || watch_writable(poll.registry(), session, i).is_err()
                {
                    finish(sh, inbox, &mut slots, i);
                }
            }
            if inbox.evict.swap(false, Ordering::SeqCst) {
                make_room(sh, inbox, &mut slots, now);
            } else {
                publish_candidate(sh, inbox, &slots);
            }
            next_tick = now + TICK;
        }
        if sh.stop.load(Ordering::SeqCst) {
            let since = *stopped_at.get_or_insert(now);
            if slots.live == 0 || now.duration_since(since) >= GRACE {
                break;
            }
        }
    }
    // Whatever is left (past the grace period, or handed over after the
    // stop) closes now.
    for i in 0..slots.slots.len() {
        if matches!(slots.slots.get(i), Some(Some(_))) {
            finish(sh, inbox, &mut slots, i);
        }
    }
    for _ in std::mem::take(&mut *inbox.jobs()) {
        inbox.load.fetch_sub(1, Ordering::SeqCst);
        sh.release();
    }
}

/// Accepts waiting clients while slots are free; one accepted with every
/// slot taken goes to the acceptor, which applies the bound. Returns when
/// to accept again: `None` until the next edge (the queue is empty, or
/// the acceptor has the bound in hand), now if this turn's share was used.
fn accept<'s>(
    sh: &'s Shared,
    inbox: &Inbox,
    poll: &Poll,
    slots: &mut Slots<'s>,
    listener: &mio::net::TcpListener,
    now: Instant,
) -> Option<Instant> {
    for _ in 0..ACCEPTS_PER_TURN {
        if sh.stop.load(Ordering::SeqCst) || sh.at_bound.load(Ordering::SeqCst) {
            return None;
        }
        let (sock, peer) = match listener.accept() {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Out of descriptors or an aborted connection: back off.
            Err(_) => return Some(now + ACCEPT_BACKOFF),
        };
        let _ = sock.set_nodelay(true);
        if !sh.take_slot() {
            sh.hand_over(sock, peer, now);
            return None;
        }
        inbox.load.fetch_add(1, Ordering::SeqCst);
        let i = slots.insert(Session::new(sock, peer, sh, now));
        let Some(Some(session)) = slots.slots.get_mut(i) else {
            continue;
        };
        // Readable only until a write blocks (see `watch_writable`).
        let registered = poll
            .registry()
            .register(session.sock(), Token(i), Interest::READABLE);
        if registered.is_err() {
            finish(sh, inbox, slots, i);
        }
    }
    Some(now)
}

/// A session is over: its slot, and its place in the connection bound.
fn finish(sh: &Shared, inbox: &Inbox, slots: &mut Slots<'_>, i: usize) {
    slots.remove(i);
    inbox.load.fetch_sub(1, Ordering::SeqCst);
    sh.release();
}

/// Watches session `i`'s socket for writability too once one of its
/// writes blocked (until then it is watched for reading only).
fn watch_writable(registry: &Registry, session: &mut Session<'_>, i: usize) -> io::Result<()> {
    if session.wants_writable() {
        registry.reregister(
            session.sock(),
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
    }
    Ok(())
}

/// Drives session `i` on readiness; one that used up its reads with bytes
/// still waiting goes to `again`.
#[allow(clippy::too_many_arguments)]
fn ready<'s>(
    sh: &'s Shared,
    inbox: &Inbox,
    registry: &Registry,
    slots: &mut Slots<'s>,
    again: &mut Vec<usize>,
    i: usize,
    readable: bool,
    ended: bool,
) {
    let Some(Some(session)) = slots.slots.get_mut(i) else {
        return;
    };
    let status = guarded(sh, session, |s| {
        s.on_ready(readable, ended, sh, Instant::now())
    });
    if status == Status::Open && watch_writable(registry, session, i).is_err() {
        finish(sh, inbox, slots, i);
        return;
    }
    match status {
        Status::Done => finish(sh, inbox, slots, i),
        Status::Open if session.wants_another_turn() => again.push(i),
        Status::Open => {}
    }
}

/// This loop's best candidate to give up a slot, by [`eviction_key`].
fn best_candidate(sh: &Shared, slots: &Slots<'_>) -> Option<(u64, usize)> {
    slots
        .slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let e = s.as_ref()?.evictable(sh)?;
            Some((eviction_key(sh, e), i))
        })
        .min()
}

fn publish_candidate(sh: &Shared, inbox: &Inbox, slots: &Slots<'_>) {
    let key = best_candidate(sh, slots).map_or(NO_CANDIDATE, |(k, _)| k);
    inbox.candidate.store(key, Ordering::SeqCst);
}

/// Closes this loop's best candidate for a client waiting at the bound;
/// with none, tells the acceptor to ask another loop.
fn make_room<'s>(sh: &'s Shared, inbox: &Inbox, slots: &mut Slots<'s>, now: Instant) {
    let evicted = best_candidate(sh, slots).and_then(|(_, i)| {
        let Some(Some(session)) = slots.slots.get_mut(i) else {
            return None;
        };
        let mut made = None;
        let status = guarded(sh, session, |s| {
            made = s.evict(sh, now);
            made.unwrap_or(Status::Open)
        });
        if status == Status::Done {
            finish(sh, inbox, slots, i);
        }
        made
    });
    publish_candidate(sh, inbox, slots);
    if evicted.is_none() {
        sh.evicting.store(false, Ordering::SeqCst);
        sh.nudge();
    }
}

/// Runs one step of a session; a panic ends that session only.
fn guarded<'s>(
    sh: &Shared,
    session: &mut Session<'s>,
    f: impl FnOnce(&mut Session<'s>) -> Status,
) -> Status {
    let peer = session.peer();
    match catch_unwind(AssertUnwindSafe(|| f(session))) {
        Ok(status) => status,
        Err(_) => {
            (sh.sink)(Event::Handshake {
                peer,
                code: "SSL0266E",
                detail: "internal error while serving the connection; the server goes on".into(),
            });
            Status::Done
        }
    }
}
