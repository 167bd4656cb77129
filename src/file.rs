//! File handling: reading, locking, atomic replacement, permissions.
//!
//! Writers lock the store file itself (not a sidecar lock file), then check
//! that the path still names the inode they locked: a writer that waited
//! while another replaced the file retries on the new one. Replacement is
//! write-to-temporary, fsync, rename, fsync the directory, so a crash leaves
//! either the old or the new file. No backup copy is kept: the rename makes
//! one unnecessary, and a backup would keep data readable under an old,
//! possibly compromised, password.
//!
//! A path that is a symbolic link is followed: the file it points to is
//! replaced (the temporary file is made beside the target, so the rename
//! stays on one filesystem) and the link is kept, as editors and
//! `install -b` users expect. A failed write (full disk, read-only
//! directory, file size limit) removes the temporary file and leaves the
//! old file as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Files holding secrets are created with this mode.
pub const SECRET_MODE: u32 = 0o600;

/// Reads a whole file, naming it in the error. Refuses anything but a
/// regular file, and one larger than a store may be ([`read_store`]).
pub fn read(path: &Path) -> Result<Vec<u8>> {
    read_store(path)
}

/// Up to the first `n` bytes of a file (fewer if it is shorter).
pub fn read_head(path: &Path, n: u64) -> Result<Vec<u8>> {
    let (f, _) = open_regular(path)?;
    let mut buf = Vec::new();
    f.take(n)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, "read", e))?;
    Ok(buf)
}

fn not_a_directory(path: &Path, f: &File) -> Result<fs::Metadata> {
    let meta = f.metadata().map_err(|e| Error::io(path, "read", e))?;
    if meta.is_dir() {
        return Err(Error::io(
            path,
            "read",
            io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"),
        ));
    }
    Ok(meta)
}

fn read_open(path: &Path, f: &mut File) -> Result<Vec<u8>> {
    let meta = not_a_directory(path, f)?;
    read_open_capped(
        path,
        f,
        meta.len(),
        crate::limits::store_max_bytes(),
        Some(crate::limits::ENV_STORE_MIB),
    )
}

/// An exclusive lock on a store file, held until dropped.
#[derive(Debug)]
pub struct WriteLock {
    file: File,
}

impl WriteLock {
    /// Locks the file at `path`, waiting for other writers.
    pub fn acquire(path: &Path) -> Result<WriteLock> {
        Self::acquire_with(path, File::lock)
    }

    /// A shared lock: for a reader that must see several files (a CMS
    /// `.kdb` and its `.rdb`) from one writer's commit. Writers hold their
    /// exclusive lock across all of their renames.
    pub fn acquire_shared(path: &Path) -> Result<WriteLock> {
        Self::acquire_with(path, File::lock_shared)
    }

    fn acquire_with(path: &Path, lock: fn(&File) -> io::Result<()>) -> Result<WriteLock> {
        loop {
            let (file, _) = open_regular(path)?;
            lock(&file).map_err(|e| Error::io(path, "lock", e))?;
            // Another writer may have replaced the file while we waited.
            let locked = file.metadata().map_err(|e| Error::io(path, "lock", e))?;
            match fs::metadata(path) {
                Ok(now) if now.ino() == locked.ino() && now.dev() == locked.dev() => {
                    return Ok(WriteLock { file });
                }
                Ok(_) => continue,
                Err(e) => return Err(Error::io(path, "lock", e)),
            }
        }
    }

    /// Reads the locked file's contents.
    pub fn read(&mut self, path: &Path) -> Result<Vec<u8>> {
        read_open(path, &mut self.file)
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    let r: [u8; 6] = crate::clock::random();
    let tag: String = r.iter().map(|b| format!("{b:02x}")).collect();
    path.with_file_name(format!(".{name}.{}.{tag}.tmp", std::process::id()))
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The file a write to `path` should replace: the target of a symbolic
/// link (links of links included), else `path` itself.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| Error::io(path, "follow the link", e))
        }
        _ => Ok(path.to_path_buf()),
    }
}

fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf> {
    let tmp = temp_path(path);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        // Creating the temporary file fails on the directory, not the file.
        .map_err(|e| Error::io(parent(path), "create files in", e))?;
    let result = (|| {
        // The umask may have narrowed the mode; make it exactly `mode`.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    drop(f);
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(Error::io(path, "write", e))
        }
    }
}

fn sync_dir(path: &Path) -> Result<()> {
    let dir = parent(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, "sync directory of", e))
}

/// Atomically replaces `path` with `bytes` (mode 0600), returning the
/// write lock on the new file. The new file is locked before it appears at
/// `path`, so no other writer can slip in between the rename and a
/// caller's further updates. Call it while holding the old file's lock:
/// then every other temporary file of this store is a leftover of a killed
/// writer, and is removed.
pub fn replace_locked(path: &Path, bytes: &[u8]) -> Result<WriteLock> {
    let path = &resolve(path)?;
    let tmp = write_temp(path, bytes, SECRET_MODE)?;
    let locked = File::open(&tmp).and_then(|f| f.lock().map(|()| f));
    let file = match locked {
        Ok(f) => f,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(Error::io(path, "lock", e));
        }
    };
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, "replace", e));
    }
    remove_stale_temps(path);
    sync_dir(path)?;
    Ok(WriteLock { file })
}

/// Removes `.NAME.*.tmp` files beside `path`, left by writers killed while
/// writing. Best effort: failing to remove one harms nothing.
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(dir) = fs::read_dir(parent(path)) else {
        return;
    };
    for e in dir.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        let is_ours = n
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(pid, tag)| {
                !pid.is_empty()
                    && pid.bytes().all(|b| b.is_ascii_digit())
                    && tag.len() == 12
                    && tag.bytes().all(|b| b.is_ascii_hexdigit())
            });
        if is_ours {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Atomically replaces `path` with `bytes` (mode 0600).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_with_mode(path, bytes, SECRET_MODE)
}

/// Atomically replaces `path` with `bytes`, creating it with `mode`.
pub fn replace_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let path = &resolve(path)?;
    let tmp = write_temp(path, bytes, mode)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, "replace", e));
    }
    sync_dir(path)
}

/// Atomically creates `path`, failing if it exists (even if created by a
/// concurrent process between our check and our write).
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let tmp = write_temp(path, bytes, SECRET_MODE)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => sync_dir(path),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(Error::io(path, "create", e)),
    }
}

/// The permission bits of a file, if it exists.
pub fn mode(path: &Path) -> Option<u32> {
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

/// The marker that makes a multi-file replacement (a CMS `.kdb` with its
/// `.rdb`, and a stash) all-or-nothing: written once every new file is
/// complete on disk, removed once every rename is done. A writer killed
/// between the two leaves it, and the next open finishes the renames.
fn commit_marker(primary: &Path) -> PathBuf {
    let name = primary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    primary.with_file_name(format!(".{name}.commit"))
}

/// Whether a multi-file replacement of `primary` was interrupted.
pub fn commit_pending(primary: &Path) -> bool {
    resolve(primary).is_ok_and(|p| commit_marker(&p).exists())
}

/// Finishes an interrupted multi-file replacement of `primary`. Call it
/// holding the primary's write lock.
pub fn finish_commit(primary: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let primary = &resolve(primary)?;
    let marker = commit_marker(primary);
    let text = match fs::read(&marker) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&marker, "read", e)),
    };
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut parts = line.split(|&b| b == 0);
        let (Some(tmp), Some(dst)) = (parts.next(), parts.next()) else {
            continue;
        };
        let tmp = Path::new(std::ffi::OsStr::from_bytes(tmp));
        let dst = Path::new(std::ffi::OsStr::from_bytes(dst));
        if tmp.exists() {
            fs::rename(tmp, dst).map_err(|e| Error::io(dst, "replace", e))?;
        }
    }
    sync_dir(primary)?;
    fs::remove_file(&marker).map_err(|e| Error::io(&marker, "remove", e))?;
    sync_dir(primary)
}

/// Atomically replaces several files together, `files[0]` being the
/// primary whose write lock is returned (as [`replace_locked`]). Every
/// new file is written and synced first; a marker listing them is synced;
/// then the renames; then the marker goes. A crash before the marker
/// leaves the old files, after it [`finish_commit`] completes the new
/// ones. Secondary files take `mode` 0600 too.
pub fn replace_set_locked(files: &[(PathBuf, &[u8])]) -> Result<WriteLock> {
    use std::os::unix::ffi::OsStrExt;
    let Some((primary, primary_bytes)) = files.first() else {
        return Err(Error::Usage {
            detail: "nothing to write".into(),
        });
    };
    if files.len() == 1 {
        return replace_locked(primary, primary_bytes);
    }
    let primary = resolve(primary)?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (path, bytes) in files {
        // Absolute, so the marker means the same from any directory.
        let dst = resolve(path)?;
        let dst = std::path::absolute(&dst).map_err(|e| Error::io(&dst, "resolve", e))?;
        match write_temp(&dst, bytes, SECRET_MODE) {
            Ok(tmp) => staged.push((tmp, dst)),
            Err(e) => {
                cleanup(&staged);
                return Err(e);
            }
        }
    }
    let mut list = Vec::new();
    for (tmp, dst) in &staged {
        list.extend_from_slice(tmp.as_os_str().as_bytes());
        list.push(0);
        list.extend_from_slice(dst.as_os_str().as_bytes());
        list.push(b'\n');
    }
    let marker = commit_marker(&primary);
    let written = write_temp(&marker, &list, SECRET_MODE)
        .and_then(|t| fs::rename(&t, &marker).map_err(|e| Error::io(&marker, "write", e)))
        .and_then(|()| sync_dir(&primary));
    if let Err(e) = written {
        cleanup(&staged);
        let _ = fs::remove_file(&marker);
        return Err(e);
    }
    // Lock the new primary before it appears, as `replace_locked` does.
    let file = File::open(&staged[0].0)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| Error::io(&primary, "lock", e))?;
    finish_commit(&primary)?;
    for (_, dst) in &staged {
        remove_stale_temps(dst);
    }
    remove_stale_temps(&marker);
    Ok(WriteLock { file })
}

// Bounded reads (issue 18): only regular files are read, never more than
// a cap that depends on the file's role. A FIFO named like a store would
// block an open for reading until a writer came; a device (`/dev/zero`,
// or a link to it) would never end; a huge file would fill memory.

/// What a path that is not a regular file is, for messages.
fn kind_of(ft: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

/// Whether `path` (links followed) is something other than a regular
/// file, and if so what: checked without opening it, so a device is
/// never opened at all. `None` for a regular file or one that cannot be
/// examined (the open that follows reports why).
pub fn irregular_kind(path: &Path) -> Option<&'static str> {
    fs::metadata(path)
        .ok()
        .filter(|m| !m.file_type().is_file())
        .map(|m| kind_of(m.file_type()))
}

/// Opens `path` for reading if, and only if, it is a regular file: first
/// checked by path (so a device is not even opened), then opened with
/// `O_NONBLOCK` (a FIFO swapped in meanwhile does not block the open) and
/// checked again on the open descriptor, which is what is read; then
/// `O_NONBLOCK` is cleared.
pub fn open_regular(path: &Path) -> Result<(File, fs::Metadata)> {
    let refuse = |kind| Error::NotRegularFile {
        path: path.to_path_buf(),
        kind,
    };
    if let Some(kind) = irregular_kind(path) {
        return Err(refuse(kind));
    }
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| Error::io(path, "read", e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, "read", e))?;
    if !meta.file_type().is_file() {
        return Err(refuse(kind_of(meta.file_type())));
    }
    set_blocking(&f).map_err(|e| Error::io(path, "read", e))?;
    Ok((f, meta))
}

fn set_blocking(f: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = f.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, with integer arguments only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reads an open regular file of at most `cap` bytes: refused before
/// reading when its size says more, and read with `take(cap + 1)` so a
/// file growing meanwhile is caught too.
fn read_open_capped(
    path: &Path,
    f: &mut File,
    size: u64,
    cap: u64,
    env: Option<&'static str>,
) -> Result<Vec<u8>> {
    let too_large = |size| Error::TooLarge {
        path: path.to_path_buf(),
        size,
        cap,
        env,
    };
    if size > cap {
        return Err(too_large(size));
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, "read", e))?;
    if buf.len() as u64 > cap {
        return Err(too_large(buf.len() as u64));
    }
    Ok(buf)
}

/// Reads a whole regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64, env: Option<&'static str>) -> Result<Vec<u8>> {
    let (mut f, meta) = open_regular(path)?;
    read_open_capped(path, &mut f, meta.len(), cap, env)
}

/// Reads a store file (`.kdb`, `.rdb`, a PKCS#12 store): at most
/// [`crate::limits::store_max_bytes`].
pub fn read_store(path: &Path) -> Result<Vec<u8>> {
    read_capped(
        path,
        crate::limits::store_max_bytes(),
        Some(crate::limits::ENV_STORE_MIB),
    )
}

/// Reads a stash file: at most [`crate::limits::STASH_MAX_BYTES`].
pub fn read_stash(path: &Path) -> Result<Vec<u8>> {
    read_capped(path, crate::limits::STASH_MAX_BYTES, None)
}

/// Reads an input file (PEM, DER, PKCS#12, a request, a password file):
/// at most [`crate::limits::input_max_bytes`].
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    read_capped(
        path,
        crate::limits::input_max_bytes(),
        Some(crate::limits::ENV_INPUT_MIB),
    )
}
