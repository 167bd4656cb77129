//! `kdbman keydb`: the key database as a whole.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use kdbman::ops;
use kdbman::stash::{self, Permissions};
use kdbman::store::cms::{Companion, Found, Kind as CmsKind, Version as CmsVersion};
use kdbman::store::{DefaultMark, DefaultState};
use kdbman::{CreateOptions, Error, Kdf, Result, Stash, StashProblem, Store, StoreFormat};
use serde_json::json;

use super::exit;
use super::output;
use super::password::{CurrentPwArgs, NewPwArgs, NewStorePwArgs, PwArgs};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KdfChoice {
    /// Argon2id, 64 MiB, 3 passes (default)
    Argon2id,
    /// PBKDF2-HMAC-SHA256, 600,000 iterations (for FIPS-minded policies)
    Pbkdf2,
}

/// Store file formats for `--type` and `--target-type`: every format in
/// the library's registry (`kdbman::store::formats::FORMATS`), with its
/// name, help and aliases from its codec.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TypeChoice(ops::keydb::StoreType);

impl std::fmt::Debug for TypeChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.codec().name())
    }
}

impl ValueEnum for TypeChoice {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<Vec<TypeChoice>> =
            std::sync::LazyLock::new(|| ops::keydb::StoreType::all().map(TypeChoice).collect());
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let codec = self.0.codec();
        Some(
            clap::builder::PossibleValue::new(codec.name())
                .help(codec.help())
                .aliases(codec.aliases().iter().copied()),
        )
    }
}

impl TypeChoice {
    pub fn format(self, cms_version: u8) -> StoreFormat {
        self.0.format(cms_version)
    }
}

/// GSKit stash versions for `--stash-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StashVersion {
    /// The 129-byte stash of old GSKit levels (-v1stash)
    #[value(name = "1")]
    V1,
    /// The 193-byte stash of GSKit 8 and later (default)
    #[value(name = "2")]
    V2,
}

#[derive(Subcommand, Debug)]
pub enum KeydbAction {
    /// Create a new, empty key database
    Create {
        /// The key database file to create
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: NewStorePwArgs,
        /// Also stash the password beside the store (STORE.sth), mode 0600
        #[arg(long)]
        stash: bool,
        /// Write the stash here instead of beside the store
        #[arg(long, value_name = "PATH", requires = "stash")]
        stash_file: Option<PathBuf>,
        /// The password expires after DAYS days, 1 to 36500 (kdbman stores only); 0, as gsk8capicmd's -expire 0, or leaving it out: it never expires
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36500))]
        expire: Option<u32>,
        /// The file format: cms (default; what IHS, MQ and Db2 load), kdbman or pkcs12
        #[arg(long = "type", value_enum, default_value = "cms")]
        store_type: TypeChoice,
        /// GSKit stash version for a CMS store: 2 (default) or 1 for old GSKit levels
        #[arg(long, value_enum, default_value = "2")]
        stash_version: StashVersion,
        /// CMS container version (6; 4 only to test old-store handling)
        #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u8).range(4..=6), hide = true)]
        cms_version: u8,
        /// Key derivation function (kdbman stores; default argon2id)
        #[arg(long, value_enum)]
        kdf: Option<KdfChoice>,
        /// Use the cheapest key derivation the format accepts (kdbman stores: tests, throwaway stores)
        #[arg(long, conflicts_with = "kdf")]
        kdf_floor: bool,
    },
    /// Change the store password (old stashes become stale)
    Changepw {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: CurrentPwArgs,
        #[command(flatten)]
        new_pw: NewPwArgs,
        /// Also stash the new password beside the store (STORE.sth), mode 0600
        #[arg(long)]
        stash: bool,
        /// Write the stash here instead of beside the store
        #[arg(long, value_name = "PATH", requires = "stash")]
        stash_file: Option<PathBuf>,
        /// The new password expires after DAYS days, 1 to 36500; 0, as gsk8capicmd's -expire 0, or leaving it out: it never expires
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36500))]
        expire: Option<u32>,
        /// Switch the key derivation function
        #[arg(long, value_enum)]
        kdf: Option<KdfChoice>,
        /// Use the cheapest key derivation the format accepts (tests, throwaway stores)
        #[arg(long, conflicts_with = "kdf")]
        kdf_floor: bool,
    },
    /// Write the store password to a stash file (STORE.sth), mode 0600
    Stashpw {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: CurrentPwArgs,
        /// Write the stash here instead of beside the store
        #[arg(long, value_name = "PATH")]
        stash_file: Option<PathBuf>,
        /// GSKit stash version for a CMS store: 2 (default) or 1 for old GSKit levels
        #[arg(long, value_enum, default_value = "2")]
        stash_version: StashVersion,
    },
    /// Convert a store to another format (cms, kdbman, pkcs12), keeping labels, kinds, default, trust and requests where the target can hold them; without --target, upgrade a CMS store's version in place
    #[command(
        after_help = "In place (no --target): `kdbman keydb convert --db key.kdb --stashed --cms-version 6` upgrades a CMS v3 or v4 store (and its older companions) to v6 in one atomic change, keeping the password, the stash, and every file's owner, group and mode; keys are re-encrypted in v6's scheme (PBES2, AES-256). A CRL database holding records kdbman does not read keeps its version."
    )]
    Convert {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// The store to write (without it: upgrade the CMS store in place to --cms-version, default 6)
        #[arg(long, value_name = "PATH", requires = "target_type")]
        target: Option<PathBuf>,
        /// The target's format
        #[arg(long, value_enum, requires = "target")]
        target_type: Option<TypeChoice>,
        #[command(flatten)]
        target_pw: super::password::TargetPwArgs,
        /// Also stash the target's password beside it (TARGET.sth)
        #[arg(long = "target-stash")]
        stash: bool,
        /// Use the cheapest key derivation the format accepts (kdbman targets: tests, throwaway stores)
        #[arg(long)]
        kdf_floor: bool,
        /// CMS container version of a CMS target (default: the source's v4, else 6; a v3 source is upgraded to 6)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(4..=6))]
        cms_version: Option<u8>,
    },
    /// Show format, key derivation, entries, password expiry and stash state
    Details {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Print JSON instead of text (the shape is in --help)
        #[arg(long, long_help = DETAILS_JSON)]
        json: bool,
    },
    /// Delete the store and the stash beside it
    Delete {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Delete without proving the password (for a store that no longer opens)
        #[arg(long)]
        force: bool,
    },
    /// Convert the whole store to one PKCS#12 file: every personal entry with its key and chain, every signer
    Export {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// The PKCS#12 file to write (mode 0600)
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        #[command(flatten)]
        target_pw: super::password::TargetPwArgs,
        /// 3DES and an HMAC-SHA1 MAC, for old Java and Windows
        #[arg(long)]
        legacy: bool,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
    },
}

const DETAILS_JSON: &str = r#"Print JSON instead of text:

{"path": "server.kdb", "format": "kdbman", "version": 1, "size": 1391, "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 1}, "cms": null, "default_known": true, "entries": {"total": 2, "personal": 1, "signer": 1, "request": 0}, "default": "web", "password": {"expires": "<RFC 3339>", "expired": false, "expiry_known": true}, "stash": {"path": "server.sth", "state": "good", "detail": null, "format": "kdbman v1"}, "findings": [{"code": "SSL0219E", "message": "..."}]}

format is cms, kdbman or pkcs12, version its format version (CMS: 3, 4 or 6, the .kdb's own); kdf is null for CMS and PKCS#12, {"name": "pbkdf2-hmac-sha256", "iterations": N} for PBKDF2; cms is {"slot_size", "records", "request_db", "secret_keys", "companions"} for a CMS store, else null, where companions lists the .rdb and .crl beside it as {"path", "kind" (requests or crls), "state" (absent, empty, intact or unusable), "version" (its own container version, null unless intact), "records", "problem" (why it is unusable, else null)} (an unusable companion does not stop the store from opening; a change that must rewrite it is refused); default_known is false where kdbman cannot tell which certificate is the default (a CMS store where no personal record, or more than one, carries the default mark: flag bit 1, read on evidence from IBM-made files, not on documentation; PKCS#12, which has no default); password.expiry_known is false where the format keeps the expiry where kdbman cannot read it (CMS); default and password.expires are null when there is none (or it is unknown); stash.state is absent, good, stale, foreign, stale-or-foreign (a GSKit stash the store rejects), rejected, damaged, insecure-permissions or unsupported-version, with detail saying more for damaged ones; stash.format is "kdbman v1", "gskit v1" or "gskit v2"; findings lists SSL0219E when the password has expired. Fields are only ever added."#;

fn kdf_of(choice: KdfChoice, floor: bool) -> Kdf {
    match (choice, floor) {
        (KdfChoice::Argon2id, false) => Kdf::DEFAULT,
        (KdfChoice::Argon2id, true) => Kdf::ARGON2_FLOOR,
        (KdfChoice::Pbkdf2, _) => Kdf::PBKDF2_DEFAULT,
    }
}

/// When a password given `--expire DAYS` expires: 0 means never (as
/// gsk8capicmd's `-expire 0`), not "already expired".
fn expiry(days: Option<u32>) -> Option<i64> {
    days.filter(|&d| d > 0)
        .map(|d| kdbman::clock::now() + i64::from(d) * 86_400)
}

impl From<StashVersion> for ops::keydb::StashVersion {
    fn from(v: StashVersion) -> Self {
        match v {
            StashVersion::V1 => ops::keydb::StashVersion::V1,
            StashVersion::V2 => ops::keydb::StashVersion::V2,
        }
    }
}

impl From<TypeChoice> for ops::keydb::StoreType {
    fn from(t: TypeChoice) -> Self {
        t.0
    }
}

/// How a store's format is described in messages: `kdbman v1 (argon2id …)`.
fn describe(store: &Store) -> String {
    match store.kdf() {
        Some(k) => format!("{}, {k}", store.format()),
        None => store.format().to_string(),
    }
}

pub fn run(action: KeydbAction) -> Result<u8> {
    match action {
        KeydbAction::Create {
            db,
            pw,
            stash,
            stash_file,
            expire,
            store_type,
            stash_version,
            cms_version,
            kdf,
            kdf_floor,
        } => {
            if !store_type.0.codec().supports().kdf && (kdf.is_some() || kdf_floor) {
                return Err(Error::Usage {
                    detail: format!(
                        "--kdf and --kdf-floor apply to kdbman stores; add --type kdbman (a {} store has no key derivation of its own)",
                        store_type.format(6).name()
                    ),
                });
            }
            let password = pw.resolve()?;
            let opts = CreateOptions {
                format: store_type.format(cms_version),
                kdf: kdf_of(kdf.unwrap_or(KdfChoice::Argon2id), kdf_floor),
                password_expires: expiry(expire),
            };
            // The store and its stash are created as one: both or neither.
            let created = ops::keydb::create(ops::keydb::CreateRequest {
                db: &db,
                password: &password,
                options: opts,
                stash: stash.then(|| ops::keydb::StashRequest {
                    path: stash_file,
                    version: stash_version.into(),
                }),
            })?;
            output::line(format!(
                "created {} ({})",
                db.display(),
                describe(&created.store)
            ));
            if let Some(st) = created.stash {
                output::line(format!("stashed the password in {}", st.path().display()));
            }
            Ok(exit::OK)
        }
        KeydbAction::Changepw {
            db,
            pw,
            new_pw,
            stash,
            stash_file,
            expire,
            kdf,
            kdf_floor,
        } => {
            let pw: PwArgs = pw.into();
            let key = pw.key(&db)?;
            let kdf = match (kdf, kdf_floor) {
                (None, false) => None,
                (None, true) => Some(Kdf::ARGON2_FLOOR),
                (Some(k), f) => Some(kdf_of(k, f)),
            };
            let r = ops::keydb::change_password(
                pw.at(&db, &key),
                || new_pw.resolve(),
                kdf,
                expiry(expire),
                stash.then_some(stash_file),
            )?;
            output::line(format!("changed the password of {}", db.display()));
            if let Some(st) = r.stash {
                output::line(format!("stashed the new password in {}", st.display()));
            }
            if let Some(stale) = r.stale_stash {
                super::warn(&format!(
                    "{} still holds the old password and is now stale; run `kdbman keydb stashpw --db {}`",
                    stale.display(),
                    db.display()
                ));
            }
            Ok(exit::OK)
        }
        KeydbAction::Stashpw {
            db,
            pw,
            stash_file,
            stash_version,
        } => {
            let pw: PwArgs = pw.into();
            let key = pw.key(&db)?;
            let p = ops::keydb::stash_password(pw.at(&db, &key), stash_file, stash_version.into())?;
            output::line(format!(
                "stashed the password of {} in {}",
                db.display(),
                p.display()
            ));
            Ok(exit::OK)
        }
        KeydbAction::Details { db, pw, json } => details(&db, &pw, json),
        KeydbAction::Convert {
            db,
            pw,
            target,
            target_type,
            target_pw,
            stash,
            kdf_floor,
            cms_version,
        } => match (target, target_type) {
            (Some(target), Some(target_type)) => convert(
                &db,
                &pw,
                &target,
                target_type,
                &target_pw,
                (stash, kdf_floor, cms_version),
            ),
            _ => upgrade_in_place(&db, &pw, &target_pw, (stash, kdf_floor, cms_version)),
        },
        KeydbAction::Export {
            db,
            pw,
            target,
            target_pw,
            legacy,
            force,
        } => export(&db, &pw, &target, &target_pw, legacy, force),
        KeydbAction::Delete { db, pw, force } => {
            let key;
            let check = if force {
                ops::keydb::DeleteCheck::Force(&db)
            } else {
                key = pw.key(&db)?;
                ops::keydb::DeleteCheck::Open(pw.at(&db, &key))
            };
            ops::keydb::delete(check, &mut |p| {
                output::line(format!("deleted {}", p.display()));
            })?;
            Ok(exit::OK)
        }
    }
}

/// The state of the stash (the one named by `--stash`, else the one beside
/// the store), for `details`. The store is open,
/// so its password is known: a stash whose password differs is "rejected"
/// without running the KDF again.
fn stash_state(
    db: &Path,
    named: Option<&Path>,
    store: &Store,
    password: &kdbman::Password,
) -> (PathBuf, &'static str, Option<String>) {
    let path = named.map_or_else(|| stash::default_path(db), Path::to_path_buf);
    if !path.exists() {
        return (path, "absent", None);
    }
    match Stash::read(&path, db, Permissions::AllowInsecure) {
        Err(e) => {
            let state = match &e {
                Error::Stash {
                    problem: StashProblem::UnsupportedVersion { .. },
                    ..
                } => "unsupported-version",
                _ => "damaged",
            };
            (path, state, Some(e.to_string()))
        }
        Ok(s) => {
            let perms_bad = kdbman::file::mode(&path).is_some_and(|m| m & 0o077 != 0);
            match store.stash_problem(&s) {
                Some(StashProblem::Foreign) => (path, "foreign", None),
                Some(StashProblem::StaleOrForeign) => (path, "stale-or-foreign", None),
                Some(_) => (path, "stale", None),
                None if s.password().as_bytes() != password.as_bytes() => (path, "rejected", None),
                None if perms_bad => (path, "insecure-permissions", None),
                None => (path, "good", None),
            }
        }
    }
}

fn details(db: &Path, pw: &PwArgs, as_json: bool) -> Result<u8> {
    let (store, opened) = pw.open_reading(db)?;
    let (stash_path, stash, stash_detail) =
        stash_state(db, pw.stash_path.as_deref(), &store, opened.password());
    let summary = ops::read::summary(db, &store, &stash_path, kdbman::clock::now());
    let ops::read::Counts {
        personal,
        signer,
        request,
        ..
    } = summary.counts;
    let expires = summary.password_expires;
    let expired = summary.password_expired;
    let stash_format = summary.stash_format;
    let format = summary.format;
    let cms = store.cms_facts();
    let companions = store.cms_companions();
    let default = summary.default;
    let size = summary.size;
    if as_json {
        let mut findings = Vec::new();
        if expired {
            findings.push(json!({
                "code": "SSL0219E",
                "message": "the store password has expired",
            }));
        }
        output::json(&json!({
            "path": db.display().to_string(),
            "format": format.name(),
            "version": format.version(),
            "size": size,
            "kdf": summary.kdf.map(kdf_json),
            "cms": cms.map(|c| json!({
                "slot_size": c.slot_size,
                "records": personal + signer + c.secret_keys,
                "request_db": c.request_db,
                "secret_keys": c.secret_keys,
                "companions": companions.iter().map(companion_json).collect::<Vec<_>>(),
            })),
            "default_known": store.default_known(),
            "entries": {"total": summary.counts.total, "personal": personal, "signer": signer, "request": request},
            "default": default,
            "password": {
                "expires": expires.map(output::time),
                "expired": expired,
                "expiry_known": format.codec().supports().password_expiry,
            },
            "stash": {"path": stash_path.display().to_string(), "state": stash, "detail": stash_detail, "format": stash_format},
            "findings": findings,
        }));
    } else {
        output::line(format!(
            "store:     {} ({format}, {size} bytes)",
            kdbman::text::path(db)
        ));
        if let Some(k) = store.kdf() {
            output::line(format!("kdf:       {k}"));
        }
        if let Some(c) = cms {
            output::line(format!(
                "records:   {} in slots of {} bytes{}{}",
                personal + signer + c.secret_keys,
                c.slot_size,
                if c.request_db {
                    ", requests in the .rdb"
                } else {
                    ", no .rdb"
                },
                if c.secret_keys > 0 {
                    format!(", {} secret keys kept as they are", c.secret_keys)
                } else {
                    String::new()
                }
            ));
        }
        for c in &companions {
            output::line(format!(
                "{}: {} ({})",
                match c.kind {
                    CmsKind::Crls => "crl db   ",
                    _ => "request db",
                },
                kdbman::text::path(&c.path),
                kdbman::text::escape(&companion_text(&c.found))
            ));
        }
        output::line(format!(
            "entries:   {} ({personal} personal, {signer} signer, {request} request)",
            store.entries().len()
        ));
        output::line(format!(
            "default:   {}",
            match (&default, store.default_state()) {
                (Some(d), _) if store.default_mark() == DefaultMark::CmsFlag => format!(
                    "{} (marked by flag bit 1, read on evidence from IBM-made files)",
                    kdbman::text::escape(d)
                ),
                (Some(d), _) => kdbman::text::escape(d).into_owned(),
                (None, DefaultState::NoneSet) => "(none)".to_string(),
                (None, DefaultState::SeveralMarked(l)) => format!(
                    "(unknown: {}; name the label instead)",
                    kdbman::store::several_marked(&l)
                ),
                (None, DefaultState::NotRecorded) =>
                    "(none: a PKCS#12 file has no default)".to_string(),
                (None, _) => format!(
                    "(unknown: {}; name the label instead)",
                    kdbman::store::cms::DEFAULT_UNMARKED
                ),
            }
        ));
        let pwline = match expires {
            None if !format.codec().supports().password_expiry => {
                "expiry unknown (where this format keeps one is not documented)".to_string()
            }
            None => "never expires".to_string(),
            Some(t) if expired => format!(
                "EXPIRED on {} [SSL0219E]: change it with `kdbman keydb changepw`",
                output::time(t)
            ),
            Some(t) => format!("expires {}", output::time(t)),
        };
        output::line(format!("password:  {pwline}"));
        output::line(format!(
            "stash:     {} ({stash}{})",
            kdbman::text::path(&stash_path),
            stash_format.map(|f| format!(", {f}")).unwrap_or_default()
        ));
    }
    Ok(exit::OK)
}

/// A companion of a CMS store in `keydb details --json`.
fn companion_json(c: &Companion) -> serde_json::Value {
    let (state, version, records) = match &c.found {
        Found::Absent => ("absent", None, None),
        Found::Empty => ("empty", None, Some(0)),
        Found::Intact { version, records } => ("intact", Some(version.number()), Some(*records)),
        _ => ("unusable", None, None),
    };
    json!({
        "path": c.path.display().to_string(),
        "kind": match c.kind {
            CmsKind::Crls => "crls",
            _ => "requests",
        },
        "state": state,
        "version": version,
        "records": records,
        "problem": c.found.problem().map(|e| e.to_string()),
    })
}

/// A companion's state in `keydb details`.
fn companion_text(found: &Found) -> String {
    match found {
        Found::Absent => "absent".into(),
        Found::Empty => "empty, 0 bytes: read as holding nothing".into(),
        Found::Intact { version, records } => {
            format!("CMS v{}, {records} records", version.number())
        }
        _ => format!(
            "NOT USABLE: {}; the store opened without it, and a change that must rewrite it is refused",
            found.problem().map(ToString::to_string).unwrap_or_default()
        ),
    }
}

/// Writes every entry of a store into a new store of another format.
/// `keydb convert` without `--target`: a CMS store upgraded to a newer
/// container version where it lies, in one atomic change that keeps the
/// password, the stash and the files' owners and modes.
fn upgrade_in_place(
    db: &Path,
    pw: &PwArgs,
    target_pw: &super::password::TargetPwArgs,
    (stash, kdf_floor, cms_version): (bool, bool, Option<u8>),
) -> Result<u8> {
    let given = target_pw.target_pw_env.is_some()
        || target_pw.target_pw_file.is_some()
        || target_pw.target_pw_stdin
        || target_pw.target_pw.is_some();
    if given || stash || kdf_floor {
        return Err(Error::Usage {
            detail: "an upgrade in place keeps the store's password and stash: --target-pw*, --target-stash and --kdf-floor need --target (use `keydb changepw` to change the password)".into(),
        });
    }
    let to = match cms_version.unwrap_or(6) {
        4 => CmsVersion::V4,
        6 => CmsVersion::V6,
        n => {
            return Err(Error::Usage {
                detail: format!("there is no CMS version {n}: give --cms-version 4 or 6"),
            });
        }
    };
    let key = pw.key(db)?;
    let ops::keydb::Upgraded { from, notes } = ops::keydb::upgrade_in_place(pw.at(db, &key), to)?;
    output::line(format!(
        "upgraded {} in place ({from} to CMS v{}); the password and the stash are unchanged",
        db.display(),
        to.number()
    ));
    for n in notes {
        output::line(format!("  {n}"));
    }
    Ok(exit::OK)
}

fn convert(
    db: &Path,
    pw: &PwArgs,
    target: &Path,
    target_type: TypeChoice,
    target_pw: &super::password::TargetPwArgs,
    (stash, kdf_floor, cms_version): (bool, bool, Option<u8>),
) -> Result<u8> {
    let key = pw.key(db)?;
    let done = ops::keydb::convert(
        pw.at(db, &key),
        ops::keydb::ConvertRequest {
            target,
            target_type: target_type.into(),
            target_password: &|| target_pw.resolve(),
            kdf_floor,
            cms_version,
        },
    )?;
    output::line(format!(
        "converted {} ({}) to {} ({}): {} entries",
        db.display(),
        done.source_format,
        target.display(),
        done.target_format,
        done.entries
    ));
    for n in &done.notes {
        super::warn(n);
    }
    if stash {
        let p = ops::keydb::write_stash(
            target,
            None,
            &done.store,
            &done.password,
            ops::keydb::StashVersion::V2,
        )?;
        output::line(format!("stashed the password in {}", p.display()));
    }
    Ok(exit::OK)
}

fn kdf_json(k: Kdf) -> serde_json::Value {
    match k {
        Kdf::Argon2id {
            memory_kib,
            iterations,
            parallelism,
        } => {
            json!({"name": "argon2id", "memory_kib": memory_kib, "iterations": iterations, "parallelism": parallelism})
        }
        Kdf::Pbkdf2Sha256 { iterations } => {
            json!({"name": "pbkdf2-hmac-sha256", "iterations": iterations})
        }
        _ => json!({"name": k.name()}),
    }
}

fn export(
    db: &Path,
    pw: &PwArgs,
    target: &Path,
    target_pw: &super::password::TargetPwArgs,
    legacy: bool,
    force: bool,
) -> Result<u8> {
    use kdbman::pki::pkcs12::Profile;
    let profile = if legacy {
        Profile::Legacy
    } else {
        Profile::Modern
    };
    let key = pw.key(db)?;
    let r = ops::keydb::export(
        pw.at(db, &key),
        target,
        &|| target_pw.resolve(),
        profile,
        force,
    )?;
    let (keys, signers, skipped) = (r.personal, r.signers, r.skipped);
    output::line(format!(
        "exported {} personal and {} signer entries to {}{}",
        keys,
        signers,
        target.display(),
        if skipped > 0 {
            format!(" ({skipped} pending requests are not part of PKCS#12 and were left out)")
        } else {
            String::new()
        }
    ));
    Ok(exit::OK)
}
