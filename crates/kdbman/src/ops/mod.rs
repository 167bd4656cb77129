//! Operations: one typed function per user action, shared by every front
//! end (the kdbman command line, the gsk8capicmd front end, and whatever
//! comes next).
//!
//! An operation takes a request (paths, labels, typed options, passwords
//! already read by the front end as zeroizing [`Password`]s) and returns a
//! result struct or a typed [`Error`]. It opens, locks and writes through
//! [`Store`] and [`crate::file`]; it prints nothing, prompts for nothing,
//! reads no environment and never exits: the wording of results, errors
//! and fixes belongs to the front end.

use std::path::{Path, PathBuf};

use crate::stash::{self, Permissions};
use crate::store::Unlock;
use crate::{Access, Error, Password, Result, Stash, Store};

pub mod cert;
pub mod certreq;
pub mod keydb;
pub mod lint;
pub mod read;

/// What opens a store: its password, or a stash file.
pub enum StoreKey {
    /// The password itself.
    Password(Password),
    /// A stash file, and whether one that group or others can read is
    /// accepted.
    Stash {
        path: PathBuf,
        permissions: Permissions,
    },
}

impl StoreKey {
    /// The stash beside `db` (`STORE.sth`), with strict permissions.
    pub fn stash_beside(db: &Path) -> StoreKey {
        StoreKey::Stash {
            path: stash::default_path(db),
            permissions: Permissions::Strict,
        }
    }
}

/// An open store, with what opened it.
pub struct Opened {
    pub store: Store,
    /// The stash that opened it, if a stash did (front ends warn about an
    /// exposed one: [`Stash::exposed_mode`]).
    pub stash: Option<Stash>,
    /// The store password (given, or read from the stash).
    pub password: Password,
}

/// What an operation tells its front end while it opens a store, so that
/// the front end can say what it notices (an exposed stash, an expired
/// password, an unusable companion) before the operation goes on or fails.
pub enum Notice<'a> {
    /// The stash was read; the store is not open yet.
    StashRead(&'a Stash),
    /// The store is open.
    Opened(&'a Store),
    /// A note on an algorithm choice (a hash replaced by a stronger one).
    Note(&'a str),
}

/// The store an operation works on: its path, what opens it, and whom to
/// tell what was found on the way ([`Notice`]).
#[derive(Clone, Copy)]
pub struct StoreAt<'a> {
    pub db: &'a Path,
    pub key: &'a StoreKey,
    pub notice: &'a dyn Fn(Notice<'_>),
}

impl StoreAt<'_> {
    /// Opens the store: with a stash, the store's own problems come first
    /// (when the stash cannot even be read, the store is classified before
    /// the stash is blamed).
    pub fn open(&self, access: Access) -> Result<Opened> {
        self.open_meanwhile(access, &())
    }

    /// [`StoreAt::open`], doing `meanwhile` on the entries while the
    /// store's codec still checks them ([`crate::store::codec::Meanwhile`]).
    pub fn open_meanwhile(
        &self,
        access: Access,
        meanwhile: &dyn crate::store::codec::Meanwhile,
    ) -> Result<Opened> {
        let db = self.db;
        let o = match self.key {
            StoreKey::Password(p) => Opened {
                store: Store::open_meanwhile(db, Unlock::Password(p), access, meanwhile)?,
                stash: None,
                password: p.clone(),
            },
            StoreKey::Stash { path, permissions } => {
                let stash = match Stash::read(path, db, *permissions) {
                    Ok(stash) => stash,
                    Err(e) => {
                        Store::inspect(db)?;
                        return Err(e);
                    }
                };
                (self.notice)(Notice::StashRead(&stash));
                let store = Store::open_meanwhile(db, Unlock::Stash(&stash), access, meanwhile)?;
                Opened {
                    store,
                    password: stash.password().clone(),
                    stash: Some(stash),
                }
            }
        };
        (self.notice)(Notice::Opened(&o.store));
        Ok(o)
    }
}

/// A [`Notice`] receiver that ignores everything.
pub fn quiet(_: Notice<'_>) {}

/// The signature hash for `key` under `policy`; notes on the choice go to
/// `notice`.
pub fn signature_hash(
    policy: crate::pki::policy::Policy,
    key: &crate::pki::KeyAlgorithm,
    asked: Option<crate::pki::policy::HashRequest>,
    notice: &dyn Fn(Notice<'_>),
) -> Result<Option<crate::pki::policy::SigHash>> {
    let choice = policy.signature(key, asked)?;
    for n in &choice.notes {
        notice(Notice::Note(n));
    }
    Ok(choice.hash)
}

/// Writes a public file (certificate, request) with mode 0644, refusing
/// one of the files of `store`, and an existing file unless `force`.
pub fn write_public(target: &Path, bytes: &[u8], force: bool, store: &Path) -> Result<()> {
    crate::file::check_output(target, store)?;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
    crate::file::replace_output(target, bytes, 0o644)
}

/// Writes a file holding a private key: mode 0600; refusals as
/// [`write_public`].
pub fn write_secret(target: &Path, bytes: &[u8], force: bool, store: &Path) -> Result<()> {
    crate::file::check_output(target, store)?;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
    crate::file::replace_output(target, bytes, crate::file::SECRET_MODE)
}

/// How a certificate or request is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Pem,
    Der,
}
