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
//! kdbman is run as root on directories other users can write to, so a
//! write never goes where someone else pointed it:
//!
//! - a path that is a symbolic link is followed only when the link is the
//!   caller's own or root's ([`resolve`]); the file it points to is then
//!   replaced (the temporary file is made beside the target, so the rename
//!   stays on one filesystem) and the link is kept, as editors and
//!   `install -b` users expect. Another user's link is refused, whatever
//!   `fs.protected_symlinks` says;
//! - new files are created exclusively ([`create_new`], [`create_set`]):
//!   anything already at the name, a dangling link included, is refused;
//! - a rewrite keeps the replaced file's owner, group, mode, ACL and
//!   SELinux label ([`keep`]), or fails before replacing anything;
//! - an output file named by the user is refused when it is one of the
//!   store's own files ([`check_output`]).
//!
//! A failed write (full disk, read-only directory, file size limit)
//! removes the temporary file and leaves the old file as it was.

// Owners, modes, locks and renames go through libc (see `keep`, `commit`).
#![allow(unsafe_code)]

mod commit;
pub mod keep;

pub use commit::{Pending, marker_path, pending, read_committed, set_names};
use keep::Keep;

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

/// Opens an existing file for reading without following a link in its
/// last component and without blocking on a FIFO; the caller checks the
/// type on the descriptor.
pub(crate) fn open_nofollow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
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

/// Links followed at most, as the kernel's own limit.
const MAX_LINKS: usize = 40;

/// The file a write to `path` should replace: the target of a symbolic
/// link (links of links included), else `path` itself. A link is followed
/// only when it is owned by the caller or by root: another user's link
/// could point a root-run kdbman at any file, and the kernel's
/// protected-symlink rule (which `canonicalize` would bypass by reading
/// the link itself) only covers sticky directories when enabled.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    resolve_links(path, true)
}

/// Where the store at `path` really is, for reading: links are followed
/// whoever owns them (the kernel's rules apply to the reads themselves).
pub fn resolve_for_read(path: &Path) -> PathBuf {
    resolve_links(path, false).unwrap_or_else(|_| path.to_path_buf())
}

fn resolve_links(path: &Path, checked: bool) -> Result<PathBuf> {
    // SAFETY: geteuid cannot fail and touches no memory.
    let me = unsafe { libc::geteuid() };
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if checked {
            // A directory on the way may be a link too: the same rule.
            for dir in p.ancestors().skip(1) {
                if dir.as_os_str().is_empty() {
                    continue;
                }
                if let Ok(m) = fs::symlink_metadata(dir)
                    && m.file_type().is_symlink()
                    && m.uid() != me
                    && m.uid() != 0
                {
                    return Err(Error::ForeignLink {
                        link: dir.to_path_buf(),
                        owner: m.uid(),
                    });
                }
            }
        }
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(_) => return Ok(p),
        };
        if !meta.file_type().is_symlink() {
            return Ok(p);
        }
        if checked && meta.uid() != me && meta.uid() != 0 {
            return Err(Error::ForeignLink {
                link: p,
                owner: meta.uid(),
            });
        }
        let target = fs::read_link(&p).map_err(|e| Error::io(&p, "follow the link", e))?;
        p = if target.is_absolute() {
            target
        } else {
            parent(&p).join(target)
        };
    }
    Err(Error::io(
        path,
        "follow the link",
        io::Error::from_raw_os_error(libc::ELOOP),
    ))
}

/// Writes `bytes` to a new temporary file beside `path`, giving it `keep`'s
/// owner, group, mode and attributes before any content.
fn write_temp(path: &Path, bytes: &[u8], keep: &Keep) -> Result<PathBuf> {
    let tmp = temp_path(path);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(SECRET_MODE)
        .custom_flags(libc::O_CLOEXEC)
        .open(&tmp)
        // Creating the temporary file fails on the directory, not the file.
        .map_err(|e| Error::io(parent(path), "create files in", e))?;
    let result = keep.apply(path, &f).and_then(|()| {
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io(path, "write", e))
    });
    drop(f);
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn sync_dir(path: &Path) -> Result<()> {
    let dir = parent(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, "sync directory of", e))
}

/// What a rewrite of `path` (links resolved) gives the new file: the old
/// file's attributes, or for a new file `new`.
fn keep_for(path: &Path, new: impl FnOnce() -> Result<Keep>) -> Result<Keep> {
    match Keep::of_existing(path)? {
        Some(k) => Ok(k),
        None => new(),
    }
}

/// Atomically replaces `path` with `bytes`, returning the write lock on
/// the new file. The new file is locked before it appears at `path`, so no
/// other writer can slip in between the rename and a caller's further
/// updates. Call it while holding the old file's lock: then every other
/// temporary file of this store is a leftover of a killed writer, and is
/// removed. The old file's owner, group, mode, ACL and label are kept.
pub fn replace_locked(path: &Path, bytes: &[u8]) -> Result<WriteLock> {
    let path = &resolve(path)?;
    let keep = keep_for(path, || Ok(Keep::mine(SECRET_MODE)))?;
    let tmp = write_temp(path, bytes, &keep)?;
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
/// writing. Best effort: failing to remove one harms nothing. Removing a
/// name removes a link, never what it points to.
fn remove_stale_temps(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let Some(name) = path.file_name() else {
        return;
    };
    let Ok(dir) = fs::read_dir(parent(path)) else {
        return;
    };
    for e in dir.flatten() {
        if commit::is_temp_name_for(e.file_name().as_bytes(), name.as_bytes()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// What a file of a store's set (`dst`, links resolved) is written with:
/// the attributes of the file it replaces, or for a new one the store's
/// owner and group, mode 0600. An existing companion owned by someone
/// other than the store's owner, the caller or root is refused: keeping
/// its owner would hand that user what kdbman writes (a stash holds the
/// store's password), and in a shared directory anyone can plant one.
fn keep_companion(dst: &Path, primary: &Path) -> Result<Keep> {
    let store = Keep::owner_of(primary, SECRET_MODE)?;
    if dst == primary {
        return keep_for(dst, || Ok(store));
    }
    match Keep::of_existing(dst)? {
        None => Ok(store),
        // SAFETY: geteuid cannot fail and touches no memory.
        Some(k) if k.uid == store.uid || k.uid == unsafe { libc::geteuid() } || k.uid == 0 => Ok(k),
        Some(k) => Err(Error::ForeignCompanion {
            path: dst.to_path_buf(),
            owner: k.uid,
            store_owner: store.uid,
        }),
    }
}

/// Atomically replaces a file of the store `primary`'s set that is not
/// in its commit marker (see [`keep_companion`]).
pub fn replace_companion(path: &Path, bytes: &[u8], primary: &Path) -> Result<()> {
    let path = &resolve(path)?;
    let keep = keep_companion(path, &resolve(primary)?)?;
    rename_temp(path, bytes, &keep)
}

/// Atomically replaces `path` with `bytes`, keeping the old file's owner,
/// group, mode, ACL and label; a new file is the caller's, mode 0600.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_with_mode(path, bytes, SECRET_MODE)
}

/// Atomically replaces `path` with `bytes` as [`replace`] does, a new file
/// taking `mode`.
pub fn replace_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let path = &resolve(path)?;
    let keep = keep_for(path, || Ok(Keep::mine(mode)))?;
    rename_temp(path, bytes, &keep)
}

/// Atomically replaces an output file the user named (a certificate, a
/// request, a key or PKCS#12 export) with a file of the caller's own with
/// `mode`: nothing of a file that was there is kept, so a file another
/// user planted at the name does not leave them owning what kdbman wrote.
pub fn replace_output(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let path = &resolve(path)?;
    rename_temp(path, bytes, &Keep::mine(mode))
}

fn rename_temp(path: &Path, bytes: &[u8], keep: &Keep) -> Result<()> {
    let tmp = write_temp(path, bytes, keep)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, "replace", e));
    }
    sync_dir(path)
}

/// Atomically creates `path`, failing if anything is there (a dangling
/// link included), even if created by a concurrent process between our
/// check and our write.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    create_set(&[(path.to_path_buf(), bytes, Keep::mine(SECRET_MODE))])
}

/// Creates several new files as one: each is staged in full, then linked
/// into place with `link(2)`, which never follows or replaces what is at
/// the name; the first file last, so an interrupted creation leaves no
/// store. If any name is taken, the files this call linked are removed
/// again and nothing else is touched.
pub fn create_set(files: &[(PathBuf, &[u8], Keep)]) -> Result<()> {
    for (path, _, _) in files {
        if fs::symlink_metadata(path).is_ok() {
            return Err(Error::AlreadyExists { path: path.clone() });
        }
    }
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, &Path)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (path, bytes, keep) in files {
        match write_temp(path, bytes, keep) {
            Ok(tmp) => staged.push((tmp, path)),
            Err(e) => {
                cleanup(&staged);
                return Err(e);
            }
        }
    }
    let mut linked: Vec<(&Path, fs::Metadata)> = Vec::new();
    let mut failure = None;
    for (tmp, path) in staged.iter().rev() {
        let made = fs::hard_link(tmp, path).and_then(|()| fs::symlink_metadata(path));
        match made {
            Ok(m) => linked.push((path, m)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                failure = Some(Error::AlreadyExists {
                    path: path.to_path_buf(),
                });
                break;
            }
            Err(e) => {
                failure = Some(Error::io(path, "create", e));
                break;
            }
        }
    }
    cleanup(&staged);
    if let Some(e) = failure {
        for (path, made) in linked {
            // Only what this call made: the same inode still at the name.
            if fs::symlink_metadata(path)
                .is_ok_and(|m| m.ino() == made.ino() && m.dev() == made.dev())
            {
                let _ = fs::remove_file(path);
            }
        }
        return Err(e);
    }
    for (path, _, _) in files {
        sync_dir(path)?;
    }
    Ok(())
}

/// The permission bits of a file, if it exists.
pub fn mode(path: &Path) -> Option<u32> {
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

/// Finishes an interrupted replacement of `primary`'s set, holding its
/// write lock; see `file::commit`. Returns whether one was pending (the locked
/// file may have been replaced: lock it again).
pub fn finish_commit(primary: &Path, lock: &WriteLock) -> Result<bool> {
    commit::finish(&resolve(primary)?, lock)
}

/// Atomically replaces several files together, `files[0]` being the
/// primary whose write lock is returned (as [`replace_locked`]). Every
/// new file is written and synced first; a marker listing them is synced;
/// then the renames; then the marker goes. A crash before the marker
/// leaves the old files, after it [`finish_commit`] completes the new
/// ones. Each file keeps the attributes of the one it replaces; a new
/// one takes the primary's owner and group, mode 0600.
///
/// The marker lists only the store's own files in its directory (see
/// `file::commit`): a file elsewhere (a stash named by `--stash-file`, a
/// companion that is a link to another directory) is replaced on its own
/// once the set is committed.
pub fn replace_set_locked(files: &[(PathBuf, &[u8])]) -> Result<WriteLock> {
    let Some((primary, primary_bytes)) = files.first() else {
        return Err(Error::Usage {
            detail: "nothing to write".into(),
        });
    };
    if files.len() == 1 {
        return replace_locked(primary, primary_bytes);
    }
    let primary = resolve(primary)?;
    let names = set_names(&primary);
    let mut in_set: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut outside: Vec<(PathBuf, &[u8])> = Vec::new();
    for (i, (path, bytes)) in files.iter().enumerate() {
        let dst = if i == 0 {
            primary.clone()
        } else {
            resolve(path)?
        };
        let ours = parent(&dst) == parent(&primary)
            && dst
                .file_name()
                .is_some_and(|n| names.iter().any(|s| s == n))
            && !in_set.iter().any(|(p, _)| p == &dst);
        if ours {
            in_set.push((dst, bytes));
        } else {
            outside.push((dst, bytes));
        }
    }
    if in_set.len() == 1 {
        let lock = replace_locked(&primary, primary_bytes)?;
        for (p, b) in outside {
            replace_companion(&p, b, &primary)?;
        }
        return Ok(lock);
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (dst, bytes) in &in_set {
        let staged_one =
            keep_companion(dst, &primary).and_then(|keep| write_temp(dst, bytes, &keep));
        match staged_one {
            Ok(tmp) => staged.push((tmp, dst.clone())),
            Err(e) => {
                cleanup(&staged);
                return Err(e);
            }
        }
    }
    let marker = marker_path(&primary);
    let written = Keep::owner_of(&primary, SECRET_MODE)
        .and_then(|keep| write_temp(&marker, &commit::marker_text(&staged), &keep))
        .and_then(|t| {
            fs::rename(&t, &marker).map_err(|e| {
                let _ = fs::remove_file(&t);
                Error::io(&marker, "write", e)
            })
        })
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
    // The caller holds the old primary's lock and the marker is ours: no
    // need to check what it lists.
    commit::complete(&primary, &marker, &staged)?;
    for (_, dst) in &staged {
        remove_stale_temps(dst);
    }
    remove_stale_temps(&marker);
    for (p, b) in outside {
        replace_companion(&p, b, &primary)?;
    }
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
    let mut buf = match read_in_parts(f, size) {
        Some(buf) => buf,
        None => Vec::with_capacity(size as usize),
    };
    // Whatever is there past `size` (a file growing meanwhile), up to the
    // cap and one byte.
    let more = cap.saturating_add(1).saturating_sub(buf.len() as u64);
    f.take(more)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, "read", e))?;
    if buf.len() as u64 > cap {
        return Err(too_large(buf.len() as u64));
    }
    Ok(buf)
}

/// The first `size` bytes of a large file, read by one thread per core,
/// each its own share (the copy from the page cache and the zeroing of
/// fresh pages are most of reading a 50 MB store, and each core can do a
/// part). Leaves the file's offset at `size`. `None`, with the offset
/// where it was: the file is small, there is one core, it is not read
/// from its start, or a part could not be read whole (a file shrinking
/// meanwhile); the caller then reads it the plain way.
fn read_in_parts(f: &mut File, size: u64) -> Option<Vec<u8>> {
    use std::io::Seek;
    use std::os::unix::fs::FileExt;
    const MIN_PART: u64 = 8 << 20;
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let parts = cores.min(size / MIN_PART).min(8);
    if parts < 2 || f.stream_position().ok()? != 0 {
        return None;
    }
    let size = usize::try_from(size).ok()?;
    // Zeroed by the kernel as pages are first touched, by the thread
    // reading into them. (Not backed by huge pages: with the kernel's
    // default `defrag=madvise`, asking for them stalls the read on memory
    // compaction, up to 190 ms for a 50 MB store on a host whose page
    // cache has fragmented its memory, against 20 ms without.)
    let mut buf = vec![0u8; size];
    let per = size.div_ceil(parts as usize);
    let file = &*f;
    let whole = std::thread::scope(|s| {
        let readers: Vec<_> = buf
            .chunks_mut(per)
            .enumerate()
            .map(|(n, part)| s.spawn(move || file.read_exact_at(part, (n * per) as u64).is_ok()))
            .collect();
        readers.into_iter().all(|r| r.join().unwrap_or(false))
    });
    (whole && f.seek(io::SeekFrom::Start(size as u64)).is_ok()).then_some(buf)
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
/// at most [`crate::limits::input_max_bytes`]. Unlike a store, an input
/// file may be a pipe: a FIFO or process substitution (`--file <(cmd)`,
/// `/dev/fd/63`) is opened as `cat` opens it (waiting for a writer) and
/// read once, to its end or the limit. Devices, sockets and directories
/// are still refused without being opened.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::os::unix::fs::FileTypeExt;
    let cap = crate::limits::input_max_bytes();
    let env = Some(crate::limits::ENV_INPUT_MIB);
    let is_fifo = fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
    if !is_fifo {
        return read_capped(path, cap, env);
    }
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOCTTY)
        .open(path)
        .map_err(|e| Error::io(path, "read", e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, "read", e))?;
    let ft = meta.file_type();
    if !(ft.is_fifo() || ft.is_file()) {
        // Swapped for something else between the check and the open.
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            kind: kind_of(ft),
        });
    }
    let size = if ft.is_file() { meta.len() } else { 0 };
    read_open_capped(path, &mut f, size, cap, env)
}

/// Refuses an output file (`--target`, `-target`, `-file`) that is one of
/// the store's own files, before anything is written: the store, its
/// `.rdb`, `.sth`, `.crl` or commit marker, compared by device and inode
/// (so another name or a link to one of them is caught too).
pub fn check_output(target: &Path, store: &Path) -> Result<()> {
    let Ok(out) = fs::metadata(target) else {
        // Nothing there yet (or a dangling link, which writes refuse).
        return Ok(());
    };
    let real = resolve_for_read(store);
    let mut own: Vec<PathBuf> = set_names(&real)
        .into_iter()
        .map(|n| real.with_file_name(n))
        .collect();
    own.push(marker_path(&real));
    own.push(default_stash_path(store));
    own.push(store.to_path_buf());
    for f in own {
        if let Ok(m) = fs::metadata(&f)
            && m.dev() == out.dev()
            && m.ino() == out.ino()
        {
            return Err(Error::OutputIsStoreFile {
                target: target.to_path_buf(),
                store_file: f,
            });
        }
    }
    Ok(())
}

/// The stash path beside a store (`kdbman::stash::default_path`):
/// `NAME.sth` for `NAME.kdb`, as GSKit's `-stashed` looks for it (and
/// `NAME.sth.sth` for a store oddly named `NAME.sth`, so a stash can never
/// replace its own store).
pub fn default_stash_path(store: &Path) -> PathBuf {
    let p = store.with_extension("sth");
    if p == store {
        let mut s = store.as_os_str().to_owned();
        s.push(".sth");
        return PathBuf::from(s);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 MB of bytes that differ from place to place, so a part read
    /// into the wrong place shows.
    fn patterned(len: usize) -> Vec<u8> {
        let mut x: u32 = 0x1234_5678;
        (0..len)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn a_large_file_read_in_parts_is_the_file() {
        // (No tempfile crate here: the library's dependency tree stays
        // free of what its front ends use; tests/architecture.rs.)
        let dir = std::env::temp_dir().join(format!(
            "kdbman-read-parts-{}-{:x}",
            std::process::id(),
            u64::from_le_bytes(crate::clock::random::<8>())
        ));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.kdb");
        let want = patterned(20 << 20);
        fs::write(&path, &want).unwrap();
        assert!(read_capped(&path, 64 << 20, None).unwrap() == want);

        // A file that grew after its size was taken is read to its end.
        let mut f = File::open(&path).unwrap();
        let got = read_open_capped(&path, &mut f, 17 << 20, 64 << 20, None).unwrap();
        assert!(got == want);

        // One that grew past the cap is refused.
        let mut f = File::open(&path).unwrap();
        let err = read_open_capped(&path, &mut f, 17 << 20, 18 << 20, None).unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }), "{err}");

        // One that shrank is read the plain way, whole.
        let mut f = File::open(&path).unwrap();
        let got = read_open_capped(&path, &mut f, 24 << 20, 64 << 20, None).unwrap();
        assert!(got == want);
        fs::remove_dir_all(&dir).unwrap();
    }
}
