//! What a rewrite keeps of the file it replaces: owner, group, permission
//! bits, the POSIX ACL and the SELinux label.
//!
//! A store an admin made `mqm:mqm 0640` must still be readable by the
//! queue manager after root changes it, so the temporary file that will
//! replace it takes all of these from the old file before it is renamed
//! into place. Setting them happens before anything is replaced: when one
//! cannot be kept (only root may give a file away, or a group the caller
//! is not in), the write fails and the old file stays as it was.

use std::ffi::CStr;
use std::fs::{self, File};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use crate::error::{Error, Kept, Result};

/// Extended attributes copied from the file being replaced.
const XATTRS: [(&CStr, Kept); 2] = [
    (c"system.posix_acl_access", Kept::Acl),
    (c"security.selinux", Kept::SelinuxLabel),
];

/// Attributes a new file is given before it replaces (or joins) a store's
/// files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keep {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
    xattrs: Vec<(Kept, Vec<u8>)>,
    /// A rewrite: an ACL the new file inherited from its directory's
    /// default ACL, where the old file had none, is removed.
    exact: bool,
}

impl Keep {
    /// Everything of the file open at `f` (a rewrite keeps it all).
    pub fn all_of(path: &Path, f: &File) -> Result<Keep> {
        let meta = f.metadata().map_err(|e| Error::io(path, "read", e))?;
        let mut xattrs = Vec::new();
        for (name, what) in XATTRS {
            if let Some(v) = fget(f, name).map_err(|e| Error::io(path, "read attributes of", e))? {
                xattrs.push((what, v));
            }
        }
        Ok(Keep {
            uid: meta.uid(),
            gid: meta.gid(),
            mode: meta.mode() & 0o7777,
            xattrs,
            exact: true,
        })
    }

    /// Everything of the file at `path`, if it exists (a symbolic link
    /// there counts as absent: callers resolve links first).
    pub fn of_existing(path: &Path) -> Result<Option<Keep>> {
        match super::open_nofollow(path) {
            Ok(f) => Keep::all_of(path, &f).map(Some),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, "read", e)),
        }
    }

    /// The owner and group of `from`, with `mode`: what a new companion
    /// file (an `.rdb`, a stash) of an existing store takes.
    pub fn owner_of(path: &Path, mode: u32) -> Result<Keep> {
        let meta = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
        Ok(Keep {
            uid: meta.uid(),
            gid: meta.gid(),
            mode,
            xattrs: Vec::new(),
            exact: false,
        })
    }

    /// A file of the caller's own, with `mode`.
    pub fn mine(mode: u32) -> Keep {
        // SAFETY: geteuid and getegid cannot fail and touch no memory.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        Keep {
            uid,
            gid,
            mode,
            xattrs: Vec::new(),
            exact: false,
        }
    }

    /// The same owner and group with another mode, and no ACL or label.
    pub fn with_mode(&self, mode: u32) -> Keep {
        Keep {
            uid: self.uid,
            gid: self.gid,
            mode,
            xattrs: Vec::new(),
            exact: false,
        }
    }

    /// Gives the new file `f` (destined for `dest`) these attributes:
    /// owner and group first (a change of owner clears set-id bits), then
    /// the mode, then the ACL and label (an ACL sets the group bits from
    /// its mask, which matches the mode it came with).
    pub fn apply(&self, dest: &Path, f: &File) -> Result<()> {
        let meta = f.metadata().map_err(|e| Error::io(dest, "write", e))?;
        if meta.uid() != self.uid || meta.gid() != self.gid {
            std::os::unix::fs::fchown(f, Some(self.uid), Some(self.gid)).map_err(|source| {
                Error::CannotKeep {
                    path: dest.to_path_buf(),
                    what: Kept::Owner {
                        uid: self.uid,
                        gid: self.gid,
                    },
                    source,
                }
            })?;
        }
        if self.exact && !self.xattrs.iter().any(|(w, _)| *w == Kept::Acl) {
            fremove(f, XATTRS[0].0).map_err(|source| Error::CannotKeep {
                path: dest.to_path_buf(),
                what: Kept::Acl,
                source,
            })?;
        }
        f.set_permissions(fs::Permissions::from_mode(self.mode))
            .map_err(|source| Error::CannotKeep {
                path: dest.to_path_buf(),
                what: Kept::Mode(self.mode),
                source,
            })?;
        for (what, value) in &self.xattrs {
            let name = XATTRS
                .iter()
                .find(|(_, w)| w == what)
                .map(|(n, _)| *n)
                .unwrap_or(c"security.selinux");
            fset(f, name, value).map_err(|source| Error::CannotKeep {
                path: dest.to_path_buf(),
                what: what.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

/// An extended attribute of an open file; `None` when it has none (or the
/// filesystem keeps none).
fn fget(f: &File, name: &CStr) -> io::Result<Option<Vec<u8>>> {
    let fd = f.as_raw_fd();
    loop {
        // SAFETY: a null buffer of size 0 asks for the value's length.
        let n = unsafe { libc::fgetxattr(fd, name.as_ptr(), std::ptr::null_mut(), 0) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::ENODATA) | Some(libc::ENOTSUP) => Ok(None),
                _ => Err(e),
            };
        }
        let mut buf = vec![0u8; n as usize];
        // SAFETY: buf is valid for buf.len() bytes.
        let m = unsafe { libc::fgetxattr(fd, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if m < 0 {
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                // Grew between the two calls: ask again.
                Some(libc::ERANGE) => continue,
                Some(libc::ENODATA) | Some(libc::ENOTSUP) => return Ok(None),
                _ => return Err(e),
            }
        }
        buf.truncate(m as usize);
        return Ok(Some(buf));
    }
}

/// Removes an extended attribute; absent (or unsupported) is fine.
fn fremove(f: &File, name: &CStr) -> io::Result<()> {
    // SAFETY: name is NUL-terminated.
    let r = unsafe { libc::fremovexattr(f.as_raw_fd(), name.as_ptr()) };
    if r < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::ENODATA) | Some(libc::ENOTSUP) => Ok(()),
            _ => Err(e),
        };
    }
    Ok(())
}

fn fset(f: &File, name: &CStr, value: &[u8]) -> io::Result<()> {
    // SAFETY: value is valid for value.len() bytes; name is NUL-terminated.
    let r = unsafe {
        libc::fsetxattr(
            f.as_raw_fd(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
