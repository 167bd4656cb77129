//! The CLI's own input and output files (certificates, requests, keys,
//! PKCS#12 exports): shared by every command that reads or writes one.

use std::path::Path;

use clap::ValueEnum;
use kdbman::Result;

/// How a certificate or request is written.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Encoding {
    Pem,
    Der,
}

impl From<Encoding> for kdbman::ops::Encoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Pem => kdbman::ops::Encoding::Pem,
            Encoding::Der => kdbman::ops::Encoding::Der,
        }
    }
}

/// Writes a public file (certificate) with mode 0644, owned by the caller.
/// Refused when `target` is one of the files of `store`.
pub use kdbman::ops::write_public;

/// Reads one or more certificates from PEM (a bundle) or DER.
pub fn read_certificates(file: &Path) -> Result<Vec<Vec<u8>>> {
    kdbman::pki::pem::read_certificates(file)
}

/// Writes a file holding a private key: mode 0600, owned by the caller.
/// Refused when `target` is one of the files of `store`.
pub use kdbman::ops::write_secret;
