//! `kdbman serve`: a small TLS server that proves a store end to end.
//!
//! [`config`] turns a store into a rustls configuration, refusing at start
//! what IBM HTTP Server would refuse; [`server`] accepts and spreads
//! connections over one event loop per core ([`event_loop`]), where each
//! connection is a [`session`] that handshakes and answers, reporting each
//! failed handshake as an [`log::Event`] with its catalogue code
//! ([`first_bytes`], [`tls_codes`]); [`page`] is the HTTP side. Nothing
//! here prints: the front end supplies the event sink.

#![forbid(unsafe_code)]

pub mod client_auth;
pub mod config;
mod event_loop;
pub mod first_bytes;
#[doc(hidden)]
pub mod fuzz;
#[doc(hidden)]
pub mod fuzzing;
pub mod log;
pub mod page;
pub mod server;
mod session;
mod shared;
pub mod tls_codes;

pub use config::{ClientAuth, MinTls, ServeOptions, Setup};
pub use log::{Event, LogFormat};
pub use server::{Limits, Server};

use kdbman::error::Result;
use kdbman::pki::{CertSpec, KeyType, SubjectAltName, keygen};
use kdbman::store::Entry;

/// Label of the demo's served entry.
pub const DEMO_LABEL: &str = "kdbman-demo";

/// A throwaway CA and a leaf for localhost, 127.0.0.1 and ::1, as store
/// entries (the leaf is the default). Returns the entries and the CA's DER,
/// which a client must trust. Nothing is written anywhere.
pub fn demo_entries() -> Result<(Vec<Entry>, Vec<u8>)> {
    let ca_key = keygen::generate(KeyType::EcP256)?;
    let mut ca_spec = CertSpec::new("CN=kdbman demo CA,O=kdbman demo", 2);
    ca_spec.is_ca = true;
    let ca = ca_spec.self_signed(&ca_key)?;

    let key = keygen::generate(KeyType::EcP256)?;
    let mut spec = CertSpec::new("CN=localhost,O=kdbman demo", 1);
    spec.sans = vec![
        SubjectAltName::Dns("localhost".into()),
        SubjectAltName::Ip(std::net::Ipv4Addr::LOCALHOST.into()),
        SubjectAltName::Ip(std::net::Ipv6Addr::LOCALHOST.into()),
    ];
    let spki = {
        use rcgen::PublicKeyData;
        keygen::rcgen_key_pair(&key)?.subject_public_key_info()
    };
    let leaf = spec.signed_by(&spki, &ca, &ca_key)?;
    let entries = vec![
        Entry::personal(DEMO_LABEL, vec![leaf, ca.clone()], key).with_default_flag(true),
        Entry::signer("kdbman-demo-ca", ca.clone()),
    ];
    Ok((entries, ca))
}
