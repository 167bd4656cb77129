//! Operations on a key database as a whole (`keydb` commands).

use std::path::{Path, PathBuf};

use super::StoreAt;
use crate::stash::{self, Permissions, gskit};
use crate::{Access, CreateOptions, Error, Password, Result, Stash, Store, StoreFormat};

/// Which GSKit stash version a CMS store's stash is written in (a kdbman
/// store has its own stash format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StashVersion {
    V1,
    V2,
}

/// The stash for `store` at `at` (else beside `db`), in the store's own
/// stash format; `version` picks the GSKit version for a CMS store.
pub fn make_stash(
    db: &Path,
    at: Option<PathBuf>,
    store: &Store,
    pw: &Password,
    version: StashVersion,
) -> Result<Stash> {
    let path = at.unwrap_or_else(|| stash::default_path(db));
    match (store.format(), version) {
        (StoreFormat::Kdbman, _) => Ok(store.stash_at(&path, pw)),
        (_, StashVersion::V1) => store.gskit_stash_at(&path, pw, gskit::Version::V1),
        (_, StashVersion::V2) => store.gskit_stash_at(&path, pw, gskit::Version::V2),
    }
}

/// A stash to write with the store.
pub struct StashRequest {
    /// Where (default: beside the store).
    pub path: Option<PathBuf>,
    pub version: StashVersion,
}

/// `create`: a new, empty store.
pub struct CreateRequest<'a> {
    pub db: &'a Path,
    pub password: &'a Password,
    pub options: CreateOptions,
    pub stash: Option<StashRequest>,
}

/// What `create` made.
pub struct Created {
    pub store: Store,
    pub stash: Option<Stash>,
}

/// Creates a store and its stash as one: both or neither.
pub fn create(r: CreateRequest<'_>) -> Result<Created> {
    let CreateRequest {
        db,
        password,
        options,
        stash,
    } = r;
    let (store, stash) = Store::create_stashed(db, password, &options, |store| {
        stash
            .map(|s| make_stash(db, s.path, store, password, s.version))
            .transpose()
    })?;
    Ok(Created { store, stash })
}

/// What `changepw` did.
pub struct PasswordChanged {
    /// The stash written with it.
    pub stash: Option<PathBuf>,
    /// The stash beside the store when none was written: it now holds the
    /// old password.
    pub stale_stash: Option<PathBuf>,
}

/// Changes the password of a store. The new password may be asked for
/// (by `new_password`) only once the store is open with the old one.
pub fn change_password(
    at: StoreAt<'_>,
    new_password: impl FnOnce() -> Result<Password>,
    kdf: Option<crate::Kdf>,
    expires: Option<i64>,
    stash: Option<Option<PathBuf>>,
) -> Result<PasswordChanged> {
    let db = at.db;
    let mut store = at.open(Access::Update)?.store;
    let new_password = new_password()?;
    store.change_password(&new_password, kdf, expires)?;
    let beside = stash::default_path(db);
    let written = match stash {
        Some(path) => {
            // A GSKit store keeps the version of the stash it had.
            let version = match Stash::read(&beside, db, Permissions::AllowInsecure)
                .map(|s| s.format().clone())
            {
                Ok(stash::StashFormat::Gskit(gskit::Version::V1)) => StashVersion::V1,
                _ => StashVersion::V2,
            };
            let st = make_stash(db, path, &store, &new_password, version)?;
            store.save_with_stash(&st)?;
            Some(st.path().to_path_buf())
        }
        None => {
            store.save()?;
            None
        }
    };
    Ok(PasswordChanged {
        stale_stash: (written.is_none() && beside.exists()).then_some(beside),
        stash: written,
    })
}

/// Writes the stash of a store (its password proven by opening it);
/// returns the stash's path.
pub fn stash_password(
    at: StoreAt<'_>,
    path: Option<PathBuf>,
    version: StashVersion,
) -> Result<PathBuf> {
    let opened = at.open(Access::Read)?;
    let stash = make_stash(at.db, path, &opened.store, &opened.password, version)?;
    stash.write_for(at.db)?;
    Ok(stash.path().to_path_buf())
}

/// How `delete` makes sure the file is a store.
pub enum DeleteCheck<'a> {
    /// Open it (with its password) for writing.
    Open(StoreAt<'a>),
    /// No password: a damaged store (or one of a version kdbman does not
    /// read) goes, a file that is no store at all (PEM, KeePass) stays.
    Force(&'a Path),
}

/// Deletes a store, its CMS companions (`.rdb`, `.crl`, an empty one too)
/// and the stash beside it; `deleted` hears of each file as it goes.
pub fn delete(check: DeleteCheck<'_>, deleted: &mut dyn FnMut(&Path)) -> Result<()> {
    let db = match check {
        DeleteCheck::Open(at) => {
            at.open(Access::Update)?;
            at.db
        }
        DeleteCheck::Force(db) => {
            match Store::inspect(db) {
                Err(e @ Error::Io { .. }) => return Err(e),
                Err(e @ Error::NotAStore { found, .. }) if found.store_format().is_none() => {
                    return Err(e);
                }
                _ => {}
            }
            db
        }
    };
    let remove = |p: &Path| {
        std::fs::remove_file(p).map_err(|e| Error::Io {
            path: p.to_path_buf(),
            action: "delete",
            source: e,
        })
    };
    remove(db)?;
    deleted(db);
    for companion in [
        crate::store::cms::rdb_path(db),
        crate::store::cms::crl_path(db),
    ] {
        if companion != db
            && companion.is_file()
            && (std::fs::metadata(&companion).is_ok_and(|m| m.len() == 0)
                || Store::detect(&companion).is_ok_and(|f| matches!(f, StoreFormat::Cms(_))))
        {
            remove(&companion)?;
            deleted(&companion);
        }
    }
    let beside = stash::default_path(db);
    if beside.exists() && beside != db {
        remove(&beside)?;
        deleted(&beside);
    }
    Ok(())
}
