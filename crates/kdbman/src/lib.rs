//! kdbman: an encrypted key database with password stash files.
//!
//! A [`Store`] holds labelled entries (personal certificates with their
//! keys, trusted signers, pending requests) sealed under a password; a
//! [`Stash`] lets servers open it unattended. The library never prints,
//! prompts or exits: front ends word its [`Error`]s. [`ops`] holds one
//! typed operation per user action (create, import, sign, convert, ...),
//! which kdbman's command line and its gsk8capicmd front end share; see
//! `ARCHITECTURE.md`.
//!
//! ```no_run
//! use kdbman::{Access, CreateOptions, Entry, Password, Store};
//! use kdbman::pki::{CertSpec, KeyType, keygen};
//!
//! # fn main() -> kdbman::Result<()> {
//! let pw = Password::new("correct horse battery staple");
//! let path = std::path::Path::new("server.kdb");
//! let mut store = Store::create(path, &pw, &CreateOptions::default())?;
//!
//! let key = keygen::generate(KeyType::EcP256)?;
//! let mut spec = CertSpec::new("CN=www.example.com", 365);
//! spec.sans.push("dns:www.example.com".parse().unwrap());
//! let cert = spec.self_signed(&key)?;
//! store.add(Entry::personal("www", vec![cert], key))?;
//! store.set_default("www")?;
//! store.save()?;
//!
//! let store = Store::open(path, &pw, Access::Read)?;
//! assert_eq!(store.default_entry().map(|e| e.label()), Some("www"));
//! # Ok(()) }
//! ```

// Unsafe code is refused everywhere but in `file` (owners, modes and
// locks through libc), which allows it for itself.
#![deny(unsafe_code)]

pub mod advice;
pub mod chain_problem;
pub mod clock;
pub mod diagnose;
pub mod error;
pub mod file;
#[doc(hidden)]
pub mod fuzzing;
pub mod kinds;
pub mod limits;
pub mod ops;
pub mod pki;
pub mod probe;
pub mod secret;
pub mod stash;
pub mod store;
pub mod text;
pub mod time;

pub use error::{
    Damage, Error, ErrorClass, FileKind, ForeignFormat, PasswordProblem, Result, StashProblem,
};
pub use secret::{Password, PrivateKey};
pub use stash::Stash;
pub use store::{Access, CreateOptions, Entry, EntryKind, HeaderInfo, Kdf, Store, StoreFormat};
