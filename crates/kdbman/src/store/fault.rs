//! What a codec reports when bytes do not decode or a model cannot be
//! encoded: data about the bytes, never a path. Codecs see no file, so
//! [`CodecError`] names the file only by its part (the store, or the
//! companion with this extension); whoever read the bytes adds the path
//! ([`CodecError::at`]), which makes it a [`crate::Error`].
//!
//! The bytes codecs take and give beside the store's own ([`Beside`],
//! [`Encoded`]) live here too. This module is below every codec and below
//! [`super::entry`], so any of them can use it without an import circle.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Damage, Error};
use crate::kinds::{FileKind, KdfLimit};
use crate::limits::OverBudget;

/// Which file of a store a fault is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The store file itself (a CMS `.kdb`).
    Store,
    /// The companion with this extension beside the store (`rdb`, `crl`).
    Companion(&'static str),
}

impl Part {
    /// The path of this part for a store at `store`.
    pub fn path(self, store: &Path) -> PathBuf {
        match self {
            Part::Store => store.to_path_buf(),
            Part::Companion(ext) => beside(store, ext),
        }
    }
}

/// The file with extension `ext` beside `store`: `NAME.rdb` for
/// `NAME.kdb` (`NAME.rdb` for `NAME` too; `NAME.kdb.rdb` when the store is
/// called `NAME.rdb`).
pub fn beside(store: &Path, ext: &str) -> PathBuf {
    let p = store.with_extension(ext);
    if p == store {
        let mut s = store.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        return PathBuf::from(s);
    }
    p
}

/// The bytes of a store: the store file's, then each companion that must
/// be written (by extension).
#[derive(Debug, Default)]
pub struct Encoded {
    pub store: Vec<u8>,
    pub companions: Vec<(&'static str, Vec<u8>)>,
}

/// A companion file's bytes as the reader found them.
#[derive(Debug)]
pub enum Beside {
    Absent,
    Bytes(Vec<u8>),
    /// It exists but could not be read (permissions, a directory...):
    /// the reader's error, with its path.
    Unreadable(Error),
}

/// Why a companion cannot be used, kept in a codec's state: a read failure
/// (from whoever read it, with its path) or a fault in its bytes.
#[derive(Debug, Clone)]
pub enum Problem {
    Read(Arc<Error>),
    Fault(Box<CodecError>),
}

impl Problem {
    /// As the library error, for the store at `store`.
    pub fn at(&self, store: &Path) -> Arc<Error> {
        match self {
            Problem::Read(e) => e.clone(),
            Problem::Fault(f) => Arc::new((**f).clone().at(store)),
        }
    }
}

/// What is wrong, without saying where.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Fault {
    /// Not a store kdbman reads: what the bytes are.
    NotAStore(FileKind),
    /// A format version this codec does not read.
    UnsupportedVersion(u16),
    DamagedHeader(Damage),
    DamagedPayload(Damage),
    /// The header asks for a key derivation beyond kdbman's bounds.
    KdfCostRefused(KdfLimit),
    /// The derivations the file asks for exceed the budget.
    KdfWorkRefused(OverBudget),
    /// The password does not open the bytes.
    WrongPassword,
    /// The format cannot hold what was asked.
    Unsupported {
        what: &'static str,
        why: String,
        remedy: crate::error::Remedy,
    },
    /// A change must rewrite a companion that could not be used.
    CompanionUnusable {
        companion: &'static str,
        action: &'static str,
        problem: Problem,
    },
    /// A new password cannot be written: the companion holds `records`
    /// records the codec does not read (CMS CRL records).
    UnreadRecords {
        companion: &'static str,
        records: usize,
    },
    /// The file is a companion of a store, not the store itself (a CMS
    /// request or CRL database): `what` ("request", "CRL"), its `ext`.
    CompanionGiven {
        what: &'static str,
        ext: &'static str,
    },
    /// An error that carries no path (usage, password, input).
    Other(Arc<Error>),
}

/// A codec's error: the fault and the file it is in.
#[derive(Debug, Clone)]
pub struct CodecError {
    pub part: Part,
    pub fault: Fault,
}

impl CodecError {
    /// A fault in the store file itself.
    pub fn store(fault: Fault) -> CodecError {
        CodecError {
            part: Part::Store,
            fault,
        }
    }

    /// A fault in the companion with extension `ext`.
    pub fn companion(ext: &'static str, fault: Fault) -> CodecError {
        CodecError {
            part: Part::Companion(ext),
            fault,
        }
    }

    /// Damage to the header of the part.
    pub fn header(part: Part, damage: Damage) -> CodecError {
        CodecError {
            part,
            fault: Fault::DamagedHeader(damage),
        }
    }

    /// Damage to the payload (records, sealed data) of the part.
    pub fn payload(part: Part, damage: Damage) -> CodecError {
        CodecError {
            part,
            fault: Fault::DamagedPayload(damage),
        }
    }

    /// The library error for a store at `store` (companions beside it).
    pub fn at(self, store: &Path) -> Error {
        let path = self.part.path(store);
        match self.fault {
            Fault::NotAStore(found) => Error::NotAStore { path, found },
            Fault::UnsupportedVersion(version) => Error::UnsupportedVersion { path, version },
            Fault::DamagedHeader(damage) => Error::DamagedHeader { path, damage },
            Fault::DamagedPayload(damage) => Error::DamagedPayload { path, damage },
            Fault::KdfCostRefused(limit) => Error::KdfCostRefused { path, limit },
            Fault::KdfWorkRefused(over) => Error::KdfWorkRefused { path, over },
            Fault::WrongPassword => Error::WrongPassword { path },
            Fault::Unsupported { what, why, remedy } => Error::Unsupported {
                path,
                what,
                why,
                remedy,
            },
            Fault::CompanionUnusable {
                companion,
                action,
                problem,
            } => Error::CompanionUnusable {
                store: store.to_path_buf(),
                companion: beside(store, companion),
                action,
                problem: problem.at(store),
            },
            Fault::UnreadRecords { companion, records } => {
                let file = beside(store, companion);
                Error::Unsupported {
                    path: store.to_path_buf(),
                    what: "change its password",
                    why: format!(
                        "its CRL database {} holds {records} records kdbman does not read, which may be sealed with the old password",
                        file.display()
                    ),
                    remedy: crate::error::Remedy::ClearCrls { companion: file },
                }
            }
            Fault::CompanionGiven { what, ext } => Error::Usage {
                detail: format!(
                    "{} is a CMS {what} database (.{ext}); name its key database (.kdb) with --db",
                    path.display(),
                ),
            },
            // Shared only when a stored fault was cloned (companions'
            // problems, which are never `Other`): then its words are kept.
            Fault::Other(e) => match Arc::try_unwrap(e) {
                Ok(e) => e,
                Err(shared) => Error::Usage {
                    detail: shared.to_string(),
                },
            },
        }
    }
}

/// A path-free library error as a codec error (usage, passwords, input).
impl From<Error> for CodecError {
    fn from(e: Error) -> CodecError {
        CodecError::store(Fault::Other(Arc::new(e)))
    }
}

/// A codec result.
pub type CodecResult<T> = std::result::Result<T, CodecError>;
