//! The CLI's own input and output files (certificates, requests, keys,
//! PKCS#12 exports): shared by every command that reads or writes one.

use std::path::Path;

use clap::ValueEnum;
use kdbman::{Error, Result};

/// How a certificate or request is written.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Encoding {
    Pem,
    Der,
}

/// Writes a public file (certificate) with mode 0644, owned by the caller.
/// Refused when `target` is one of the files of `store`.
pub fn write_public(target: &Path, bytes: &[u8], force: bool, store: &Path) -> Result<()> {
    kdbman::file::check_output(target, store)?;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
    kdbman::file::replace_output(target, bytes, 0o644)
}

/// Reads one or more certificates from PEM (a bundle) or DER.
pub fn read_certificates(file: &Path) -> Result<Vec<Vec<u8>>> {
    kdbman::pki::pem::read_certificates(file)
}

/// A PKCS#10 request from PEM (`CERTIFICATE REQUEST`) or DER.
pub fn read_request(file: &Path) -> Result<Vec<u8>> {
    let bytes = kdbman::file::read_input(file)?;
    kdbman::pki::sign::parse_request(&bytes, &format!("request file {}", file.display()))
}

/// Writes a file holding a private key: mode 0600, owned by the caller.
/// Refused when `target` is one of the files of `store`.
pub fn write_secret(target: &Path, bytes: &[u8], force: bool, store: &Path) -> Result<()> {
    kdbman::file::check_output(target, store)?;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
    kdbman::file::replace_output(target, bytes, kdbman::file::SECRET_MODE)
}
