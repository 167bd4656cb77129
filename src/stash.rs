//! Password stash files.
//!
//! A stash lets a server open its store unattended. It is obfuscated, not
//! encrypted: anyone who can read the stash can recover the password, so
//! its protection is the file's permissions. Specified in
//! `man/kdbman-stash.5`.
//!
//! ```text
//! offset  size  field
//! 0       8     magic 89 4B 44 42 53 54 48 0A ("\x89KDBSTH\n")
//! 8       2     version, big-endian (1)
//! 10      16    store id of the store it was written for
//! 26      16    password epoch of that store when it was written
//! 42      2     password length P, big-endian (1..=1024)
//! 44      P     password XOR keystream
//! 44+P    32    SHA-256 of bytes 0..44+P
//! ```
//!
//! The keystream is SHA-256("kdbman stash v1" ‖ store id ‖ epoch ‖ counter
//! as u32 BE) for counter 0, 1, 2, … concatenated.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Damage, Error, Result, StashProblem};
use crate::secret::Password;
use crate::store::{Store, file};

pub const MAGIC: [u8; 8] = *b"\x89KDBSTH\n";
pub const VERSION: u16 = 1;
pub const MAX_PASSWORD: usize = 1024;
const FIXED: usize = 44;
const SUM: usize = 32;

/// A stash read from disk (or made for a store), holding its password.
#[derive(Debug, Clone)]
pub struct Stash {
    path: PathBuf,
    store_id: [u8; 16],
    epoch: [u8; 16],
    password: Password,
}

/// Whether to accept a stash that group or others can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Permissions {
    /// Refuse it, as ssh refuses an exposed private key.
    #[default]
    Strict,
    /// Accept it (an explicit user choice).
    AllowInsecure,
}

/// The stash path kdbman uses beside a store: `NAME.sth` for `NAME.kdb`
/// (and `NAME.sth.sth` for a store oddly named `NAME.sth`, so a stash can
/// never replace its own store).
pub fn default_path(store: &Path) -> PathBuf {
    let p = store.with_extension("sth");
    if p == store {
        let mut s = store.as_os_str().to_owned();
        s.push(".sth");
        return PathBuf::from(s);
    }
    p
}

fn keystream(store_id: &[u8; 16], epoch: &[u8; 16], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter = 0u32;
    while out.len() < len {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(b"kdbman stash v1");
        ctx.update(store_id);
        ctx.update(epoch);
        ctx.update(&counter.to_be_bytes());
        out.extend_from_slice(ctx.finish().as_ref());
        counter += 1;
    }
    out.truncate(len);
    out
}

impl Stash {
    /// A stash of `password` for an open store (whose password it must be).
    pub fn for_store(path: &Path, store: &Store, password: &Password) -> Stash {
        Stash {
            path: path.to_path_buf(),
            store_id: *store.store_id(),
            epoch: *store.epoch(),
            password: password.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn store_id(&self) -> &[u8; 16] {
        &self.store_id
    }
    pub fn epoch(&self) -> &[u8; 16] {
        &self.epoch
    }
    pub fn password(&self) -> &Password {
        &self.password
    }

    /// The file bytes.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let pw = self.password.as_bytes();
        let ks = keystream(&self.store_id, &self.epoch, pw.len());
        let mut out = Zeroizing::new(Vec::with_capacity(FIXED + pw.len() + SUM));
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&self.store_id);
        out.extend_from_slice(&self.epoch);
        out.extend_from_slice(&(pw.len() as u16).to_be_bytes());
        out.extend(pw.iter().zip(ks.iter()).map(|(a, b)| a ^ b));
        let sum = ring::digest::digest(&ring::digest::SHA256, &out);
        out.extend_from_slice(sum.as_ref());
        out
    }

    /// Decodes stash bytes; `store` only names the store in errors.
    pub fn decode(path: &Path, store: &Path, bytes: &[u8]) -> Result<Stash> {
        let err = |problem| Error::Stash {
            stash: path.to_path_buf(),
            store: store.to_path_buf(),
            problem,
        };
        let damaged = |d| err(StashProblem::Damaged(d));
        if bytes.len() < FIXED + SUM {
            if bytes.len() >= 8 && bytes[..8] != MAGIC {
                return Err(damaged(Damage::Magic));
            }
            return Err(damaged(Damage::Truncated {
                expected: (FIXED + 1 + SUM) as u64,
                actual: bytes.len() as u64,
            }));
        }
        if bytes[..8] != MAGIC {
            return Err(damaged(Damage::Magic));
        }
        let pw_len = u16::from_be_bytes([bytes[42], bytes[43]]) as usize;
        let total = FIXED + pw_len + SUM;
        if bytes.len() < total {
            return Err(damaged(Damage::Truncated {
                expected: total as u64,
                actual: bytes.len() as u64,
            }));
        }
        if bytes.len() > total {
            return Err(damaged(Damage::TrailingBytes {
                extra: (bytes.len() - total) as u64,
            }));
        }
        let sum = ring::digest::digest(&ring::digest::SHA256, &bytes[..total - SUM]);
        if sum.as_ref() != &bytes[total - SUM..] {
            return Err(damaged(Damage::Checksum));
        }
        let version = u16::from_be_bytes([bytes[8], bytes[9]]);
        if version != VERSION {
            return Err(err(StashProblem::UnsupportedVersion { version }));
        }
        if pw_len == 0 || pw_len > MAX_PASSWORD {
            return Err(damaged(Damage::HeaderField {
                field: "password length",
            }));
        }
        let mut store_id = [0u8; 16];
        store_id.copy_from_slice(&bytes[10..26]);
        let mut epoch = [0u8; 16];
        epoch.copy_from_slice(&bytes[26..42]);
        let ks = keystream(&store_id, &epoch, pw_len);
        let plain: Zeroizing<Vec<u8>> = Zeroizing::new(
            bytes[FIXED..FIXED + pw_len]
                .iter()
                .zip(ks.iter())
                .map(|(a, b)| a ^ b)
                .collect(),
        );
        let text = std::str::from_utf8(&plain).map_err(|_| {
            damaged(Damage::HeaderField {
                field: "password encoding",
            })
        })?;
        Ok(Stash {
            path: path.to_path_buf(),
            store_id,
            epoch,
            password: Password::new(text),
        })
    }

    /// Reads a stash file for `store`, checking permissions first.
    pub fn read(path: &Path, store: &Path, perms: Permissions) -> Result<Stash> {
        let err = |problem| Error::Stash {
            stash: path.to_path_buf(),
            store: store.to_path_buf(),
            problem,
        };
        match file::mode(path) {
            None if !path.exists() => return Err(err(StashProblem::Missing)),
            Some(mode) if mode & 0o077 != 0 && perms == Permissions::Strict => {
                return Err(err(StashProblem::Permissions { mode }));
            }
            _ => {}
        }
        let bytes = Zeroizing::new(file::read(path)?);
        Stash::decode(path, store, &bytes)
    }

    /// Writes the stash atomically with mode 0600.
    pub fn write(&self) -> Result<()> {
        file::replace(&self.path, &self.encode())
    }
}
