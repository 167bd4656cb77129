//! Spreading connections over the event loops: one loop per core
//! ([`super::event_loop`]), each accepting from the listening socket and
//! serving many connections ([`super::session`]), at most
//! `max_connections` at once. A client accepted with every slot taken is
//! handed to the acceptor thread, which waits for a slot (making room as
//! [`Limits::max_connections`] says) while the loops accept no more.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::config::Setup;
use super::event_loop;
pub use super::shared::{Limits, Sink};
use super::shared::{Shared, TICK};
use kdbman::error::{Error, Result};

/// A bound listener with its configuration.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    setup: Arc<Setup>,
    limits: Limits,
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    use rustls::pki_types::{CertificateDer, ServerName};
    use rustls::{ClientConfig, ClientConnection, RootCertStore};

    use super::*;
    use crate::config::{ServeOptions, from_entries};

    /// A client that sends thousands of pipelined requests and reads
    /// nothing for a while fills the socket both ways (about 10 MB of
    /// answers): the server's writes block (it watches a socket for
    /// writability only from then on), and every answer still arrives once
    /// the client reads.
    #[test]
    fn answers_held_up_by_a_client_that_does_not_read_all_arrive() {
        const N: usize = 12_000;
        let (entries, ca) = crate::demo_entries().unwrap();
        let opts = ServeOptions {
            now: kdbman::clock::now(),
            ..ServeOptions::default()
        };
        let setup = from_entries(std::path::Path::new("t.kdb"), &entries, &opts).unwrap();
        let server = Server::bind("127.0.0.1:0", setup, Limits::default()).unwrap();
        let addr = server.local_addr();
        let stop = Arc::new(AtomicBool::new(false));
        let stopper = stop.clone();
        let runner = std::thread::spawn(move || server.run(&stopper, false, Arc::new(|_| {})));

        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from(ca)).unwrap();
        let config =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
        let name = ServerName::try_from("localhost").unwrap();
        let mut conn = ClientConnection::new(Arc::new(config), name).unwrap();
        conn.set_buffer_limit(None);
        let mut sock = TcpStream::connect(addr).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        while conn.is_handshaking() {
            conn.complete_io(&mut sock).unwrap();
        }
        // Every request at once, sent by another thread (the server stops
        // reading while its answer cannot go out, so this write blocks too).
        for _ in 0..N {
            conn.writer()
                .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
        }
        let mut wire = Vec::new();
        while conn.wants_write() {
            conn.write_tls(&mut wire).unwrap();
        }
        let mut out = sock.try_clone().unwrap();
        let sender = std::thread::spawn(move || out.write_all(&wire));
        // Reads nothing until the server has long filled the socket.
        std::thread::sleep(Duration::from_millis(500));

        const OK: &[u8] = b"HTTP/1.1 200 OK";
        let (mut plain, mut answers, mut scanned) = (Vec::new(), 0, 0);
        let until = Instant::now() + Duration::from_secs(60);
        while answers < N && Instant::now() < until {
            match conn.read_tls(&mut sock) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            conn.process_new_packets().unwrap();
            let _ = conn.reader().read_to_end(&mut plain);
            answers += plain[scanned..]
                .windows(OK.len())
                .filter(|w| w == &OK)
                .count();
            scanned = plain.len().saturating_sub(OK.len() - 1).max(scanned);
        }
        sender.join().unwrap().unwrap();
        stop.store(true, Ordering::SeqCst);
        runner.join().unwrap().unwrap();
        assert_eq!(answers, N, "answers received");
    }
}
