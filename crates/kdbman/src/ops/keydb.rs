//! Operations on a key database as a whole (`keydb` commands).

use std::path::{Path, PathBuf};

use super::StoreAt;
use crate::stash::{self, Permissions, gskit};
use crate::store::codec::Codec;
use crate::store::formats::FORMATS;
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
    match (store.format().codec().supports().bound_stash, version) {
        (true, _) => Ok(store.stash_at(&path, pw)),
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
    write_stash(at.db, path, &opened.store, &opened.password, version)
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
    // Every registered format's companions (CMS: `.rdb`, `.crl`) that are
    // empty or of that format.
    let companions = FORMATS.iter().flat_map(|c| {
        c.companions()
            .iter()
            .map(move |ext| (*c, crate::store::fault::beside(db, ext)))
    });
    for (codec, companion) in companions {
        if companion != db
            && companion.is_file()
            && (std::fs::metadata(&companion).is_ok_and(|m| m.len() == 0)
                || Store::detect(&companion).is_ok_and(|f| f.codec().name() == codec.name()))
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

/// A store file format to create or convert to, without its version:
/// one of the registry's ([`crate::store::formats::FORMATS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreType(StoreFormat);

#[allow(non_upper_case_globals)]
impl StoreType {
    /// IBM CMS (named for callers that pick it in code).
    pub const Cms: StoreType = StoreType(StoreFormat::Cms(crate::store::cms::Version::V6));
    /// kdbman's own format.
    pub const Kdbman: StoreType = StoreType(StoreFormat::Kdbman);
    /// PKCS#12.
    pub const Pkcs12: StoreType = StoreType(StoreFormat::Pkcs12);

    /// The type of `codec`.
    pub fn of(codec: &dyn Codec) -> StoreType {
        StoreType(StoreFormat::of(codec, codec.versions()[0]))
    }

    /// Every registered type, in registry order.
    pub fn all() -> impl Iterator<Item = StoreType> {
        FORMATS.iter().map(|c| StoreType::of(*c))
    }

    /// The type named `name` (kdbman's `--type` spellings).
    pub fn named(name: &str) -> Option<StoreType> {
        crate::store::formats::by_name(name).map(StoreType::of)
    }

    /// Its codec (name, help, what it can hold).
    pub fn codec(self) -> &'static dyn Codec {
        self.0.codec()
    }

    /// The format, in `version` where the codec writes that version on
    /// request (CMS 4), else in its default version (CMS 6).
    pub fn format(self, version: u8) -> StoreFormat {
        let codec = self.codec();
        let v = u16::from(version);
        let v = if codec.versions().contains(&v) {
            v
        } else {
            codec.versions()[0]
        };
        StoreFormat::of(codec, v)
    }
}

/// `convert`: a copy of a store in another format.
pub struct ConvertRequest<'a> {
    pub target: &'a Path,
    pub target_type: StoreType,
    /// The new file's password, asked for once the source is open.
    pub target_password: &'a dyn Fn() -> Result<Password>,
    pub kdf_floor: bool,
    /// The CMS version to write (default: the source's, 4 or 6).
    pub cms_version: Option<u8>,
}

/// What `convert` made.
pub struct Converted {
    pub source_format: StoreFormat,
    pub target_format: StoreFormat,
    pub entries: usize,
    /// What the target could not keep (a default, an expiry), as notes.
    pub notes: Vec<String>,
    /// The new store, and its password (to stash it: [`write_stash`]).
    pub store: Store,
    pub password: Password,
}

/// Writes the stash of an open store beside `db` (or at `path`); returns
/// its path.
pub fn write_stash(
    db: &Path,
    path: Option<PathBuf>,
    store: &Store,
    password: &Password,
    version: StashVersion,
) -> Result<PathBuf> {
    let stash = make_stash(db, path, store, password, version)?;
    stash.write_for(db)?;
    Ok(stash.path().to_path_buf())
}

/// Copies a store into a new file of another format; a failed copy leaves
/// no target behind.
pub fn convert(at: StoreAt<'_>, r: ConvertRequest<'_>) -> Result<Converted> {
    use crate::store::DefaultMark;
    use crate::{EntryKind, Kdf};
    let (db, target) = (at.db, r.target);
    crate::file::check_output(target, db)?;
    let store = at.open(Access::Read)?.store;
    let password = (r.target_password)()?;
    // The source's version where the target's codec writes it on request
    // (a CMS v4 source stays v4), else the target's default.
    let format = r.target_type.format(
        r.cms_version
            .unwrap_or_else(|| u8::try_from(store.format().version()).unwrap_or(0)),
    );
    let supports = format.codec().supports();
    let opts = CreateOptions {
        format,
        kdf: if r.kdf_floor {
            Kdf::ARGON2_FLOOR
        } else {
            Kdf::DEFAULT
        },
        password_expires: store
            .password_expires()
            .filter(|_| supports.password_expiry),
    };
    let entries: Vec<_> = store.entries().to_vec();
    let default = store.default_entry().map(|e| e.label().to_string());
    let requests = entries
        .iter()
        .filter(|e| e.kind() == EntryKind::Request)
        .count();
    if !supports.requests && requests > 0 {
        return Err(Error::Unsupported {
            path: target.to_path_buf(),
            what: "hold certificate requests",
            why: format!(
                "{format} has no place for the {requests} pending requests of {}",
                db.display()
            ),
            remedy: crate::error::Remedy::SettleRequests,
        });
    }
    // The target's companions that are not there yet: a failed copy
    // removes those it made, never one that was there before.
    let new_companions: Vec<PathBuf> = format
        .codec()
        .companions()
        .iter()
        .map(|ext| crate::store::fault::beside(target, ext))
        .filter(|p| std::fs::symlink_metadata(p).is_err())
        .collect();
    let mut out = Store::create(target, &password, &opts)?;
    let mut notes = Vec::new();
    let result = (|| {
        for e in entries {
            // The default is set once all entries are in, where the target keeps one.
            let e = e.with_default_flag(false);
            let added = out
                .entries()
                .iter()
                .find(|x| x.certificate().is_some() && x.certificate() == e.certificate())
                .map(|x| (x.kind(), x.label().to_string()));
            if let Some((kind, label)) = added {
                // A chain member the target added as a signer already: it
                // keeps the source's label where that label is free.
                if kind == EntryKind::Signer
                    && e.kind() == EntryKind::Signer
                    && label != e.label()
                    && !out.entries().iter().any(|x| {
                        crate::store::fold_label(x.label()) == crate::store::fold_label(e.label())
                    })
                {
                    out.rename(&label, e.label())?;
                }
                continue;
            }
            // Keep what the source holds even where kdbman would refuse it
            // (duplicates written by other tools).
            if let Err(refused) = out.add(e.clone()) {
                match refused {
                    Error::DuplicateKey { .. } | Error::DuplicateLabel { .. } => {
                        out.add_unchecked(e)
                    }
                    other => return Err(other),
                }
            }
        }
        match (&default, out.can_mark_default()) {
            (Some(d), true) => out.set_default(d)?,
            (Some(d), false) => notes.push(format!(
                "`{d}` was the default; a {} file has no default, so name it with SSLServerCert or --label",
                format.name()
            )),
            _ => {}
        }
        if default.is_some() && out.default_mark() == DefaultMark::CmsFlag {
            notes.push(format!(
                "the default is marked with flag bit 1 of its record: {}",
                crate::store::cms::DEFAULT_EVIDENCE
            ));
        }
        if store.password_expires().is_some() && !supports.password_expiry {
            notes.push("the password expiry was not carried over (the target format keeps none kdbman can read)".into());
        }
        out.save()
    })();
    if let Err(e) = result {
        drop(out);
        let _ = std::fs::remove_file(target);
        for p in &new_companions {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    Ok(Converted {
        source_format: store.format(),
        target_format: format,
        entries: out.entries().len(),
        notes,
        store: out,
        password,
    })
}

/// What `export` wrote.
pub struct Exported {
    pub personal: usize,
    pub signers: usize,
    /// Pending requests, which PKCS#12 has no place for.
    pub skipped: usize,
}

/// Writes every personal entry (with key and chain) and signer of a store
/// to a new PKCS#12 file (mode 0600). The password is asked for (by
/// `password`) once the store is open.
pub fn export(
    at: StoreAt<'_>,
    target: &Path,
    password: &dyn Fn() -> Result<Password>,
    profile: crate::pki::pkcs12::Profile,
    force: bool,
) -> Result<Exported> {
    use crate::EntryKind;
    let store = at.open(Access::Read)?.store;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
    // Every key is written: decrypted now (on every core), and one that
    // does not decrypt stops the export as the damage it is.
    store.unseal_keys()?;
    let keys: Vec<_> = store
        .entries()
        .iter()
        .filter(|e| e.kind() == EntryKind::Personal && e.certificate().is_some())
        .filter_map(|e| e.private_key().map(|k| (e.label(), k, e.certificates())))
        .collect();
    let signers: Vec<_> = store
        .entries()
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer)
        .filter_map(|e| e.certificate().map(|c| (e.label(), c)))
        .collect();
    let skipped = store.entries().len() - keys.len() - signers.len();
    let password = password()?;
    let bytes = crate::pki::pkcs12::write(&keys, &signers, &password, profile)?;
    super::write_secret(target, &bytes, force, at.db)?;
    Ok(Exported {
        personal: keys.len(),
        signers: signers.len(),
        skipped,
    })
}

/// What an upgrade in place did.
pub struct Upgraded {
    pub from: StoreFormat,
    /// What changed on the way, in words.
    pub notes: Vec<String>,
}

/// Rewrites a CMS store in place as CMS `to` (same password and stash).
pub fn upgrade_in_place(at: StoreAt<'_>, to: crate::store::cms::Version) -> Result<Upgraded> {
    let mut store = at.open(Access::Update)?.store;
    let from = store.format();
    let notes = store.upgrade_cms(to)?;
    store.save()?;
    Ok(Upgraded { from, notes })
}
