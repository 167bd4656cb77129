//! Password stash files: let a server open its store unattended.
//!
//! A stash is obfuscated, not encrypted: anyone who can read it can
//! recover the password, so its protection is the file's permissions.
//! Two formats, told apart by content:
//!
//! - kdbman's own ([`native`], `man/kdbman-stash.5`): bound to its store's
//!   id and password epoch, so a foreign or stale stash is named as such
//!   without trying the password;
//! - GSKit's v1 and v2 ([`gskit`], `man/kdbman-gskit-stash.5`): what IHS,
//!   MQ and Db2 read beside a CMS key database. Nothing binds it to its
//!   store; the store's verifier decides.

pub mod codec;
pub mod gskit;
pub mod native;

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Damage, Error, PasswordProblem, Result, StashProblem};
use crate::file;
use crate::secret::Password;

pub use native::MAX_PASSWORD;

/// Which stash format, with what binds a native stash to its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StashFormat {
    Kdbman { store_id: [u8; 16], epoch: [u8; 16] },
    Gskit(gskit::Version),
}

/// A stash read from disk (or made for a store), holding its password.
#[derive(Debug, Clone)]
pub struct Stash {
    path: PathBuf,
    format: StashFormat,
    password: Password,
    /// The mode bits when group or others may read the file.
    exposed: Option<u32>,
}

/// Whether to accept a stash that group or others can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Permissions {
    /// Refuse a kdbman stash, as ssh refuses an exposed private key. A
    /// GSKit stash is still read (GSKit itself reads it), and
    /// [`Stash::exposed_mode`] says so, for the caller to warn.
    #[default]
    Strict,
    /// Accept it (an explicit user choice).
    AllowInsecure,
}

pub use crate::file::default_stash_path as default_path;

/// Every stash format, in the order they are asked; the first decodes
/// (and names the damage of) bytes no format claims.
pub static STASHES: &[&dyn codec::StashCodec] = &[&native::CODEC, &gskit::CODEC];

/// The codec whose bytes these are.
fn codec_of(bytes: &[u8]) -> &'static dyn codec::StashCodec {
    STASHES
        .iter()
        .copied()
        .find(|c| c.claims(bytes))
        .unwrap_or(STASHES[0])
}

/// Whether a stash of `format` can hold `password` so that it reads back
/// the same: a GSKit stash holds 1 to 128 bytes and ends the password at
/// the first NUL; a kdbman stash holds 1 to 1024 bytes of any value.
pub fn check_password(format: &StashFormat, password: &Password) -> Result<()> {
    let bytes = password.as_bytes();
    let (max, name) = match format {
        StashFormat::Kdbman { .. } => (native::MAX_PASSWORD, "a kdbman stash"),
        StashFormat::Gskit(_) => (gskit::MAX_PASSWORD, "a GSKit stash"),
    };
    let reason = if bytes.is_empty() {
        PasswordProblem::Empty
    } else if bytes.len() > max {
        PasswordProblem::TooLong { max, format: name }
    } else if matches!(format, StashFormat::Gskit(_)) && bytes.contains(&0) {
        PasswordProblem::Nul { format: name }
    } else {
        return Ok(());
    };
    Err(Error::BadPassword { reason })
}

fn password_from(bytes: &[u8]) -> Option<Password> {
    std::str::from_utf8(bytes).ok().map(Password::new)
}

impl Stash {
    /// A stash of `password` in `format`, to be written at `path`.
    pub fn new(path: &Path, format: StashFormat, password: &Password) -> Stash {
        Stash {
            path: path.to_path_buf(),
            format,
            password: password.clone(),
            exposed: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn format(&self) -> &StashFormat {
        &self.format
    }
    pub fn password(&self) -> &Password {
        &self.password
    }
    /// The store id a kdbman stash is bound to (GSKit stashes: none).
    pub fn store_id(&self) -> Option<&[u8; 16]> {
        match &self.format {
            StashFormat::Kdbman { store_id, .. } => Some(store_id),
            StashFormat::Gskit(_) => None,
        }
    }
    /// The password epoch a kdbman stash was written at.
    pub fn epoch(&self) -> Option<&[u8; 16]> {
        match &self.format {
            StashFormat::Kdbman { epoch, .. } => Some(epoch),
            StashFormat::Gskit(_) => None,
        }
    }
    /// The file's mode when group or others can read it.
    pub fn exposed_mode(&self) -> Option<u32> {
        self.exposed
    }
    /// A short name of the format, as `keydb details` shows it.
    pub fn format_name(&self) -> String {
        STASHES
            .iter()
            .find_map(|c| c.describe(&self.format))
            .unwrap_or_default()
    }

    /// The file bytes; refused ([`check_password`]) when the format
    /// cannot hold the password so that it reads back the same.
    pub fn encode(&self) -> Result<Zeroizing<Vec<u8>>> {
        check_password(&self.format, &self.password)?;
        Ok(STASHES
            .iter()
            .find_map(|c| c.encode(&self.format, self.password.as_bytes()))
            .unwrap_or_default())
    }

    /// Decodes stash bytes of either format; `store` only names the store
    /// in errors.
    pub fn decode(path: &Path, store: &Path, bytes: &[u8]) -> Result<Stash> {
        let err = |problem| Error::Stash {
            stash: path.to_path_buf(),
            store: store.to_path_buf(),
            problem,
        };
        let not_text = || {
            err(StashProblem::Damaged(Damage::HeaderField {
                field: "password encoding",
            }))
        };
        let (format, password) = codec_of(bytes).decode(bytes).map_err(err)?;
        Ok(Stash {
            path: path.to_path_buf(),
            format,
            password: password_from(&password).ok_or_else(not_text)?,
            exposed: None,
        })
    }

    /// Reads a stash file for `store`, checking permissions first.
    pub fn read(path: &Path, store: &Path, perms: Permissions) -> Result<Stash> {
        let err = |problem| Error::Stash {
            stash: path.to_path_buf(),
            store: store.to_path_buf(),
            problem,
        };
        let mode = file::mode(path);
        if mode.is_none() && !path.exists() {
            return Err(err(StashProblem::Missing));
        }
        let exposed = mode.filter(|m| m & 0o077 != 0);
        // A write of the store and its stash interrupted between renames:
        // read the stash it committed, as the store is read.
        let pending = file::pending(&file::resolve_for_read(store))?;
        let bytes = Zeroizing::new(file::read_committed(pending.as_ref(), path)?);
        let mut stash = Stash::decode(path, store, &bytes)?;
        if let Some(mode) = exposed
            && perms == Permissions::Strict
            && matches!(stash.format, StashFormat::Kdbman { .. })
        {
            return Err(err(StashProblem::Permissions { mode }));
        }
        stash.exposed = exposed;
        Ok(stash)
    }

    /// Writes the stash atomically, as [`Stash::write_for`] does; a new
    /// stash is the caller's.
    pub fn write(&self) -> Result<()> {
        self.write_as(file::keep::Keep::mine(file::SECRET_MODE))
    }

    /// Writes the stash of `store` atomically. A stash already there keeps
    /// its owner, group, mode, ACL and label (refused when it belongs to
    /// another user than the store's owner, the caller or root); a new one
    /// is created
    /// exclusively (nothing at its name, not even a link), mode 0600, with
    /// the store's owner and group.
    pub fn write_for(&self, store: &Path) -> Result<()> {
        let bytes = self.encode()?;
        if std::fs::symlink_metadata(&self.path).is_ok() {
            return file::replace_companion(&self.path, &bytes, store);
        }
        let keep = file::keep::Keep::owner_of(store, file::SECRET_MODE)?;
        file::create_set(&[(self.path.clone(), &bytes, keep)])
    }

    fn write_as(&self, new: file::keep::Keep) -> Result<()> {
        let bytes = self.encode()?;
        if std::fs::symlink_metadata(&self.path).is_ok() {
            return file::replace(&self.path, &bytes);
        }
        file::create_set(&[(self.path.clone(), &bytes, new)])
    }
}
