//! The open file of a store, apart from its model: the path, the lock,
//! the access mode, the marker of an interrupted write, and the reading of
//! the bytes and companions a codec decodes. No format is known here
//! beyond what the registry says of it (whether it has companions).

use std::path::{Path, PathBuf};

use super::codec::{Beside, Companions};
use super::formats;
use crate::error::{Error, Result};
use crate::file;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A snapshot for reading; [`super::Store::save`] is refused.
    Read,
    /// Holds the store's write lock until dropped, so no update is lost.
    Update,
}

/// A store's file as it is held open.
pub(crate) struct OpenFile {
    pub(crate) path: PathBuf,
    pub(crate) lock: Option<file::WriteLock>,
    pub(crate) access: Access,
    /// The marker of an interrupted write a read-only open read through.
    pub(crate) pending: Option<PathBuf>,
}

/// What [`OpenFile::read`] read: the store's bytes, and how to read its
/// companions as of the same commit.
pub(crate) struct Read {
    pub(crate) file: OpenFile,
    pub(crate) bytes: Vec<u8>,
    pending: Option<file::Pending>,
    /// Held while the companions are read.
    _shared: Option<file::WriteLock>,
}

/// Whether a store of these first bytes is more than one file (a CMS
/// `.kdb` and its `.rdb`): those are read under a shared lock.
fn has_companions(head: &[u8]) -> bool {
    formats::detect(head).is_ok_and(|f| !f.codec().companions().is_empty())
}

impl OpenFile {
    /// A file just created (and locked) at `path`.
    pub(crate) fn created(path: &Path, lock: file::WriteLock) -> OpenFile {
        OpenFile {
            path: path.to_path_buf(),
            lock: Some(lock),
            access: Access::Update,
            pending: None,
        }
    }

    /// Reads the store at `path` for `access`, locking as it needs.
    pub(crate) fn read(path: &Path, access: Access) -> Result<Read> {
        // A store of several files must be read as one commit: both are
        // read under a shared lock (a writer holds its exclusive lock
        // across every rename). The first bytes tell whether it is one, so
        // the file (50 MB for 10,000 GSKit slots) is read once.
        //
        // A writer killed between its renames leaves a commit marker. A
        // writer finishes the renames (holding the write lock, after
        // checking everything the marker lists); a reader changes nothing
        // and reads the staged files in place of those not yet renamed.
        let mut shared_lock = None;
        let mut pending = None;
        let (bytes, lock) = match access {
            Access::Read => {
                let real = file::resolve_for_read(path);
                if file::pending(&real)?.is_some() {
                    let shared = file::WriteLock::acquire_shared(path)?;
                    // Checked again under the lock: a writer may have
                    // finished in between.
                    pending = file::pending(&real)?;
                    shared_lock = Some(shared);
                }
                match &pending {
                    Some(p) => (p.read(&real)?, None),
                    None => {
                        let head = file::read_head(path, 16)?;
                        let mut bytes = None;
                        if !has_companions(&head) {
                            let b = file::read(path)?;
                            // Replaced by a store of several files in
                            // between: read it locked.
                            if !has_companions(&b) {
                                bytes = Some(b);
                            }
                        }
                        match bytes {
                            Some(b) => (b, None),
                            None => {
                                let mut shared = file::WriteLock::acquire_shared(path)?;
                                let b = shared.read(path)?;
                                shared_lock = Some(shared);
                                (b, None)
                            }
                        }
                    }
                }
            }
            Access::Update => {
                let mut lock = file::WriteLock::acquire(path)?;
                if file::finish_commit(path, &lock)? {
                    // The store may be another file now: lock what is there
                    // (letting go first, or the same file would wait on us).
                    drop(lock);
                    lock = file::WriteLock::acquire(path)?;
                }
                (lock.read(path)?, Some(lock))
            }
        };
        Ok(Read {
            file: OpenFile {
                path: path.to_path_buf(),
                lock,
                access,
                pending: pending.as_ref().map(|p| p.marker().to_path_buf()),
            },
            bytes,
            pending,
            _shared: shared_lock,
        })
    }
}

impl Read {
    /// The companions named by extension, read beside the store as of the
    /// commit its bytes are from (a pending write is read as committed).
    /// A companion never stops the store from opening: what is found (or
    /// why it cannot be read) goes to the codec.
    pub(crate) fn companions(&self, exts: &[&'static str]) -> Companions {
        let real = match &self.pending {
            Some(_) => file::resolve_for_read(&self.file.path),
            None => self.file.path.clone(),
        };
        exts.iter()
            .map(|ext| {
                let path = super::fault::beside(&real, ext);
                let found = match file::read_committed(self.pending.as_ref(), &path) {
                    Ok(b) => Beside::Bytes(b),
                    Err(Error::Io { source, .. })
                        if source.kind() == std::io::ErrorKind::NotFound =>
                    {
                        Beside::Absent
                    }
                    Err(e) => Beside::Unreadable(e),
                };
                (*ext, found)
            })
            .collect()
    }
}
