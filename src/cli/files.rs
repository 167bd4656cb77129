//! The CLI's own input files and encodings; the files kdbman writes
//! (certificates, requests, keys, PKCS#12) are written by the operations
//! (`kdbman::ops::write_public`, `write_secret`).

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

/// Reads one or more certificates from PEM (a bundle) or DER.
pub fn read_certificates(file: &Path) -> Result<Vec<Vec<u8>>> {
    kdbman::pki::pem::read_certificates(file)
}
