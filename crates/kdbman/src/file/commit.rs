//! Commit markers: what makes a replacement of several files (a CMS `.kdb`
//! with its `.rdb`, and a stash) all-or-nothing.
//!
//! The marker `.NAME.commit` beside the store `NAME` is written once every
//! new file is complete on disk and removed once every rename is done. A
//! writer killed in between leaves it, and the next writer finishes the
//! renames.
//!
//! A marker is a file in a directory other users may be able to write to,
//! so it proves nothing by itself. kdbman acts on one only when everything
//! in it belongs to this store's set:
//!
//! - the marker is a regular file (not a link) owned by the store's owner
//!   or the caller;
//! - each line names, by base name only (no `/`), a destination among the
//!   store's own files (`NAME`, its `.rdb`, `.sth` and `.crl`) and its
//!   staged replacement `.DEST.PID.RANDOM.tmp`, the name writers give it;
//! - each staged file still there is a regular file (opened with
//!   `O_NOFOLLOW`, checked on the descriptor) with one link, owned by the
//!   store's owner or the caller.
//!
//! Anything else is refused ([`Error::CommitMarker`]) and nothing is moved.
//! Only a writer holding the store's write lock renames ([`finish`]);
//! readers read the staged files in place of the destinations not yet
//! renamed ([`Pending::source_for`]), so they see the new set whole.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, MarkerProblem, Result};

/// No marker kdbman writes is near this long (four short lines).
const MAX_MARKER: u64 = 4096;

/// The marker path of the store `primary` (links already resolved).
pub fn marker_path(primary: &Path) -> PathBuf {
    let name = primary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".into());
    primary.with_file_name(format!(".{name}.commit"))
}

/// `name` with its extension set to `ext`, or `ext` appended when that
/// would not change it (`NAME.rdb` for a store named `NAME.rdb`): the rule
/// of `cms::rdb_path` and `stash::default_path`.
fn sibling(name: &OsStr, ext: &str) -> OsString {
    let p = Path::new(name).with_extension(ext);
    if p.as_os_str() == name {
        let mut s = name.to_owned();
        s.push(".");
        s.push(ext);
        return s;
    }
    p.into_os_string()
}

/// The base names of a store's set: the store, its `.rdb`, `.sth`, `.crl`.
pub fn set_names(primary: &Path) -> Vec<OsString> {
    let name = primary.file_name().unwrap_or(OsStr::new("store"));
    vec![
        name.to_owned(),
        sibling(name, "rdb"),
        sibling(name, "sth"),
        sibling(name, "crl"),
    ]
}

/// Whether `tmp` is a name writers give a staged replacement of `dest`:
/// `.DEST.PID.HEX12.tmp`.
pub fn is_temp_name_for(tmp: &[u8], dest: &[u8]) -> bool {
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(dest);
    prefix.push(b'.');
    tmp.strip_prefix(prefix.as_slice())
        .and_then(|rest| rest.strip_suffix(b".tmp"))
        .and_then(|rest| {
            let dot = rest.iter().position(|&b| b == b'.')?;
            Some((&rest[..dot], &rest[dot + 1..]))
        })
        .is_some_and(|(pid, tag)| {
            !pid.is_empty()
                && pid.len() <= 10
                && pid.iter().all(u8::is_ascii_digit)
                && tag.len() == 12
                && tag.iter().all(u8::is_ascii_hexdigit)
        })
}

/// One line of a checked marker.
#[derive(Debug, Clone)]
struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    /// False once the writer renamed it.
    present: bool,
}

/// A replacement of a store's set that was made (its marker written) and
/// not yet completed: read-only commands read the staged files.
#[derive(Debug, Clone)]
pub struct Pending {
    marker: PathBuf,
    dir: PathBuf,
    /// Users whose staged files are accepted: the store's owner, the caller.
    owners: [u32; 2],
    staged: Vec<Staged>,
}

impl Pending {
    /// The marker file.
    pub fn marker(&self) -> &Path {
        &self.marker
    }

    /// The file holding the committed contents of `dest`: its staged
    /// replacement while that has not been renamed, else `dest`.
    pub fn source_for(&self, dest: &Path) -> PathBuf {
        let Some(name) = dest.file_name() else {
            return dest.to_path_buf();
        };
        let same_dir = same_file(super::parent(dest), &self.dir);
        self.staged
            .iter()
            .find(|s| s.present && s.dest.file_name() == Some(name) && same_dir)
            .map_or_else(|| dest.to_path_buf(), |s| s.tmp.clone())
    }

    /// Reads the committed contents of `dest` (see [`Pending::source_for`]).
    /// A staged file is checked again as it is opened; one renamed in the
    /// meantime is read under its destination name.
    pub fn read(&self, dest: &Path) -> Result<Vec<u8>> {
        let src = self.source_for(dest);
        if src == dest {
            return super::read(dest);
        }
        match super::open_nofollow(&src) {
            Ok(mut f) => {
                check_staged(&self.marker, &src, dest, &f, &self.owners)?;
                // Staged files are store files: the store's size cap holds.
                let size = f.metadata().map_err(|e| Error::io(&src, "read", e))?.len();
                super::read_open_capped(
                    &src,
                    &mut f,
                    size,
                    crate::limits::store_max_bytes(),
                    Some(crate::limits::ENV_STORE_MIB),
                )
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => super::read(dest),
            Err(e) => Err(refused(&self.marker, staged_problem(&src, e))),
        }
    }
}

/// Reads `dest` as committed: through `pending` when a replacement is
/// pending, else the file itself.
pub fn read_committed(pending: Option<&Pending>, dest: &Path) -> Result<Vec<u8>> {
    match pending {
        Some(p) => p.read(dest),
        None => super::read(dest),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => a == b,
    }
}

fn refused(marker: &Path, problem: MarkerProblem) -> Error {
    Error::CommitMarker {
        marker: marker.to_path_buf(),
        problem,
    }
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn staged_problem(tmp: &Path, e: io::Error) -> MarkerProblem {
    if e.raw_os_error() == Some(libc::ELOOP) {
        MarkerProblem::StagedLink { name: name_of(tmp) }
    } else {
        MarkerProblem::Unreadable {
            name: name_of(tmp),
            error: e.to_string(),
        }
    }
}

/// The checks on a staged file, made on its open descriptor.
/// A staged file may belong to the store's owner, the caller, or the owner
/// of the file it replaces (a rewrite keeps that owner, and a stash may
/// have another owner than its store); the marker itself must be the
/// store owner's or the caller's, so no one else can name one.
fn check_staged(marker: &Path, tmp: &Path, dest: &Path, f: &File, owners: &[u32; 2]) -> Result<()> {
    let meta = f
        .metadata()
        .map_err(|e| refused(marker, staged_problem(tmp, e)))?;
    let name = name_of(tmp);
    if !meta.file_type().is_file() {
        return Err(refused(marker, MarkerProblem::StagedNotAFile { name }));
    }
    let dest_owner = fs::symlink_metadata(dest)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map(|m| m.uid());
    if !owners.contains(&meta.uid()) && dest_owner != Some(meta.uid()) {
        return Err(refused(
            marker,
            MarkerProblem::StagedOwner {
                name,
                uid: meta.uid(),
                expected: owners[0],
            },
        ));
    }
    if meta.nlink() != 1 {
        return Err(refused(
            marker,
            MarkerProblem::StagedLinks {
                name,
                links: meta.nlink(),
            },
        ));
    }
    Ok(())
}

/// Reads and checks the commit marker of the store `primary` (links
/// resolved). `Ok(None)`: no replacement is pending. Changes nothing.
pub fn pending(primary: &Path) -> Result<Option<Pending>> {
    let marker = marker_path(primary);
    let mut f = match super::open_nofollow(&marker) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(refused(&marker, MarkerProblem::MarkerLink));
        }
        Err(e) => return Err(Error::io(&marker, "read", e)),
    };
    let meta = f.metadata().map_err(|e| Error::io(&marker, "read", e))?;
    let store = fs::metadata(primary).map_err(|e| Error::io(primary, "read", e))?;
    // SAFETY: geteuid cannot fail and touches no memory.
    let owners = [store.uid(), unsafe { libc::geteuid() }];
    if !meta.file_type().is_file() {
        return Err(refused(&marker, MarkerProblem::MarkerNotAFile));
    }
    if !owners.contains(&meta.uid()) || meta.nlink() != 1 {
        return Err(refused(
            &marker,
            MarkerProblem::MarkerOwner {
                uid: meta.uid(),
                expected: owners[0],
            },
        ));
    }
    if meta.len() > MAX_MARKER {
        return Err(refused(&marker, MarkerProblem::TooLong { len: meta.len() }));
    }
    let mut text = Vec::new();
    (&mut f)
        .take(MAX_MARKER + 1)
        .read_to_end(&mut text)
        .map_err(|e| Error::io(&marker, "read", e))?;
    let dir = super::parent(primary).to_path_buf();
    let names = set_names(primary);
    let mut staged: Vec<Staged> = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let bad = |what: &'static str| {
            refused(
                &marker,
                MarkerProblem::Malformed {
                    line: i + 1,
                    what,
                    text: String::from_utf8_lossy(line).escape_debug().to_string(),
                },
            )
        };
        let mut parts = line.split(|&b| b == 0);
        let (Some(tmp), Some(dest), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("not a staged file and its destination"));
        };
        if tmp.contains(&b'/') || dest.contains(&b'/') {
            return Err(bad(
                "a path, where kdbman writes only names in the store's directory",
            ));
        }
        if !names.iter().any(|n| n.as_bytes() == dest) {
            return Err(bad(
                "a destination that is not one of the store's own files",
            ));
        }
        if !is_temp_name_for(tmp, dest) {
            return Err(bad("a staged file not named as kdbman names them"));
        }
        if staged
            .iter()
            .any(|s| s.dest.file_name() == Some(OsStr::from_bytes(dest)))
        {
            return Err(bad("a destination listed twice"));
        }
        let tmp = dir.join(OsString::from_vec(tmp.to_vec()));
        let dest = dir.join(OsStr::from_bytes(dest));
        let present = match super::open_nofollow(&tmp) {
            Ok(f) => {
                check_staged(&marker, &tmp, &dest, &f, &owners)?;
                true
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(refused(&marker, staged_problem(&tmp, e))),
        };
        staged.push(Staged { tmp, dest, present });
    }
    if staged.is_empty() {
        return Err(refused(&marker, MarkerProblem::Empty));
    }
    Ok(Some(Pending {
        marker,
        dir,
        owners,
        staged,
    }))
}

/// Finishes an interrupted replacement of `primary`'s set, renaming the
/// staged files the marker lists (checked as [`pending`] says) over their
/// destinations and removing the marker. Only a writer does this, holding
/// the store's write lock (`_lock`), so no live writer is mid-commit.
/// Returns whether anything was pending (the locked file may then have
/// been replaced: lock again).
pub fn finish(primary: &Path, _lock: &super::WriteLock) -> Result<bool> {
    let Some(p) = pending(primary)? else {
        return Ok(false);
    };
    let staged: Vec<(PathBuf, PathBuf)> = p
        .staged
        .iter()
        .filter(|s| s.present)
        .map(|s| (s.tmp.clone(), s.dest.clone()))
        .collect();
    // Lock the new primary before it appears, as the writer that staged
    // it would have: no other writer gets in before the last rename.
    let _new_lock = match staged
        .iter()
        .find(|(_, d)| d.file_name() == primary.file_name())
    {
        Some((tmp, _)) => Some(
            super::open_nofollow(tmp)
                .and_then(|f| f.lock().map(|()| f))
                .map_err(|e| Error::io(primary, "lock", e))?,
        ),
        None => None,
    };
    complete(primary, &p.marker, &staged)?;
    Ok(true)
}

/// Renames each staged file `(tmp, dest)` over its destination, in order,
/// then removes the marker: step 4 of a commit, for the writer that staged
/// the files or one that checked them ([`finish`]).
pub fn complete(primary: &Path, marker: &Path, staged: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (tmp, dest) in staged {
        fs::rename(tmp, dest).map_err(|e| Error::io(dest, "replace", e))?;
    }
    super::sync_dir(primary)?;
    match fs::remove_file(marker) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(marker, "remove", e)),
    }
    super::sync_dir(primary)
}

/// The marker text for staged files `(tmp, dest)`, all in the store's
/// directory: base names only.
pub fn marker_text(staged: &[(PathBuf, PathBuf)]) -> Vec<u8> {
    let mut list = Vec::new();
    for (tmp, dest) in staged {
        list.extend_from_slice(tmp.file_name().unwrap_or_default().as_bytes());
        list.push(0);
        list.extend_from_slice(dest.file_name().unwrap_or_default().as_bytes());
        list.push(b'\n');
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_the_writers_pattern_only() {
        assert!(is_temp_name_for(
            b".key.kdb.4242.0123456789ab.tmp",
            b"key.kdb"
        ));
        for bad in [
            &b".key.kdb.4242.0123456789a.tmp"[..],
            b".key.kdb.4242.0123456789abc.tmp",
            b".key.kdb..0123456789ab.tmp",
            b".key.kdb.42x2.0123456789ab.tmp",
            b".key.kdb.4242.0123456789ag.tmp",
            b".key.rdb.4242.0123456789ab.tmp",
            b"key.kdb.4242.0123456789ab.tmp",
            b".key.kdb.4242.0123456789ab.tmp.x",
            b".key.kdb.12345678901.0123456789ab.tmp",
        ] {
            assert!(
                !is_temp_name_for(bad, b"key.kdb"),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_stores_set_is_derived_from_its_name() {
        let names = |p: &str| -> Vec<String> {
            set_names(Path::new(p))
                .into_iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names("/d/key.kdb"),
            ["key.kdb", "key.rdb", "key.sth", "key.crl"]
        );
        assert_eq!(
            names("key.rdb"),
            ["key.rdb", "key.rdb.rdb", "key.sth", "key.crl"]
        );
        assert_eq!(
            names("store"),
            ["store", "store.rdb", "store.sth", "store.crl"]
        );
    }

    #[test]
    fn markers_hold_base_names_only() {
        let text = marker_text(&[(
            PathBuf::from("/d/.key.kdb.1.0123456789ab.tmp"),
            PathBuf::from("/d/key.kdb"),
        )]);
        assert_eq!(text, b".key.kdb.1.0123456789ab.tmp\0key.kdb\n");
    }
}
