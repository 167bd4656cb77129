//! A TLS 1.3 load client for `benches/compare.sh`: the same client for
//! every server, so that a handshake figure compares servers, not clients.
//!
//! ```text
//! tls_load new|resume PORT SECS CLIENTS [COUNT]
//! ```
//!
//! Each of CLIENTS threads loops for SECS seconds (or until it has made
//! COUNT connections, for instruction counts under valgrind): connect to
//! 127.0.0.1:PORT, handshake, `GET /` with `Connection: close`, read the
//! answer to its end, close. Offered: TLS 1.3 only, X25519 only,
//! TLS13_AES_256_GCM_SHA384 only, ECDSA P-256 and the other usual
//! signature schemes, ALPN http/1.1, SNI localhost.
//!
//! - `new`: resumption disabled: every connection is a full handshake
//!   (certificate, CertificateVerify signature, X25519).
//! - `resume`: tickets kept in memory (shared by the threads) and offered
//!   on the next connection: PSK with (EC)DHE, as browsers and OpenSSL
//!   resume in TLS 1.3: X25519 still, no certificate, no signature.
//!
//! The certificate chain is not checked (the servers share one; checking
//! it costs the client, not the server), but the server's
//! CertificateVerify signature is, so every full handshake is a real one.
//! Prints one line of `key=value` pairs: `handshakes` (answered with a
//! 200), `full`, `resumed`, `per_sec`, `errors`, `suite`, `group`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientSessionMemoryCache, Resumption};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, HandshakeKind, SignatureScheme,
    StreamOwned,
};

#[derive(Debug)]
struct SignatureOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for SignatureOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

fn config(resume: bool) -> Arc<ClientConfig> {
    let base = rustls::crypto::ring::default_provider();
    let provider = CryptoProvider {
        cipher_suites: vec![rustls::crypto::ring::cipher_suite::TLS13_AES_256_GCM_SHA384],
        kx_groups: vec![rustls::crypto::ring::kx_group::X25519],
        ..base
    };
    let algs = provider.signature_verification_algorithms;
    let mut cfg = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3 with X25519 and AES-256-GCM is a valid client")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(SignatureOnly(algs)))
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    cfg.resumption = if resume {
        Resumption::store(Arc::new(ClientSessionMemoryCache::new(1024)))
    } else {
        Resumption::disabled()
    };
    Arc::new(cfg)
}

#[derive(Default)]
struct Counts {
    ok: AtomicU64,
    full: AtomicU64,
    resumed: AtomicU64,
    errors: AtomicU64,
}

/// One connection; `Some(kind)` when it was answered with a 200.
fn one(cfg: &Arc<ClientConfig>, port: u16) -> Option<(HandshakeKind, String, String)> {
    let sock = TcpStream::connect(("127.0.0.1", port)).ok()?;
    sock.set_nodelay(true).ok()?;
    sock.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let name = ServerName::try_from("localhost").ok()?;
    let mut s = StreamOwned::new(ClientConnection::new(cfg.clone(), name).ok()?, sock);
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = Vec::with_capacity(8192);
    // A server that closes without close_notify still answered.
    let _ = s.read_to_end(&mut answer);
    if !answer.starts_with(b"HTTP/1.1 200") {
        return None;
    }
    let kind = s.conn.handshake_kind()?;
    let suite = s
        .conn
        .negotiated_cipher_suite()
        .and_then(|x| x.suite().as_str())
        .unwrap_or("?")
        .to_string();
    let group = s
        .conn
        .negotiated_key_exchange_group()
        .map(|g| format!("{:?}", g.name()))
        .unwrap_or_else(|| "?".into());
    Some((kind, suite, group))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: tls_load new|resume PORT SECS CLIENTS [COUNT]";
    let (mode, port, secs, clients, count) = match args.as_slice() {
        [m, p, s, c] => (m, p, s, c, None),
        [m, p, s, c, n] => (m, p, s, c, Some(n)),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let count = match count.map(|n| n.parse::<u64>()) {
        None => u64::MAX,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let resume = match mode.as_str() {
        "new" => false,
        "resume" => true,
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let (Ok(port), Ok(secs), Ok(clients)) = (
        port.parse::<u16>(),
        secs.parse::<f64>(),
        clients.parse::<usize>(),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let cfg = config(resume);
    let counts = Counts::default();
    let seen = std::sync::Mutex::new((String::new(), String::new()));
    if resume {
        // Prime the ticket store, outside the measured run.
        for _ in 0..clients {
            let _ = one(&cfg, port);
        }
    }
    let start = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..clients.max(1) {
            sc.spawn(|| {
                let mut made = 0;
                while start.elapsed().as_secs_f64() < secs && made < count {
                    made += 1;
                    match one(&cfg, port) {
                        Some((kind, suite, group)) => {
                            counts.ok.fetch_add(1, Ordering::Relaxed);
                            let c = if kind == HandshakeKind::Resumed {
                                &counts.resumed
                            } else {
                                &counts.full
                            };
                            c.fetch_add(1, Ordering::Relaxed);
                            let mut s = seen.lock().unwrap_or_else(|p| p.into_inner());
                            if s.0.is_empty() {
                                *s = (suite, group);
                            }
                        }
                        None => {
                            counts.errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    let ok = counts.ok.load(Ordering::Relaxed);
    let (suite, group) = seen.into_inner().unwrap_or_else(|p| p.into_inner());
    println!(
        "handshakes={ok} full={} resumed={} per_sec={:.0} errors={} suite={suite} group={group}",
        counts.full.load(Ordering::Relaxed),
        counts.resumed.load(Ordering::Relaxed),
        ok as f64 / elapsed,
        counts.errors.load(Ordering::Relaxed),
    );
}
