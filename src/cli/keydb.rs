//! `kdbman keydb`: the key database as a whole.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use kdbman::stash::{self, Permissions};
use kdbman::{Access, CreateOptions, EntryKind, Error, Kdf, Result, Stash, StashProblem, Store};
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
        /// The password expires after DAYS days (default: never)
        #[arg(long, value_name = "DAYS")]
        expire: Option<u32>,
        /// Key derivation function
        #[arg(long, value_enum, default_value = "argon2id")]
        kdf: KdfChoice,
        /// Use the cheapest key derivation the format accepts (tests, throwaway stores)
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
        /// The new password expires after DAYS days (default: never)
        #[arg(long, value_name = "DAYS")]
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

{"path": "server.kdb", "format": "kdbman", "version": 1, "size": 1391, "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 1}, "entries": {"total": 2, "personal": 1, "signer": 1, "request": 0}, "default": "web", "password": {"expires": "<RFC 3339>", "expired": false}, "stash": {"path": "server.sth", "state": "good", "detail": null}, "findings": [{"code": "SSL0219E", "message": "..."}]}

kdf is {"name": "pbkdf2-hmac-sha256", "iterations": N} for PBKDF2; default and password.expires are null when there is none; stash.state is absent, good, stale, foreign, rejected, damaged, insecure-permissions or unsupported-version, with detail saying more for damaged ones; findings lists SSL0219E when the password has expired. Fields are only ever added."#;

fn kdf_of(choice: KdfChoice, floor: bool) -> Kdf {
    match (choice, floor) {
        (KdfChoice::Argon2id, false) => Kdf::DEFAULT,
        (KdfChoice::Argon2id, true) => Kdf::ARGON2_FLOOR,
        (KdfChoice::Pbkdf2, _) => Kdf::PBKDF2_DEFAULT,
    }
}

fn expiry(days: Option<u32>) -> Option<i64> {
    days.map(|d| now() + i64::from(d) * 86_400)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn write_stash(
    db: &Path,
    at: Option<PathBuf>,
    store: &Store,
    pw: &kdbman::Password,
) -> Result<PathBuf> {
    let path = at.unwrap_or_else(|| stash::default_path(db));
    Stash::for_store(&path, store, pw).write()?;
    Ok(path)
}

pub fn run(action: KeydbAction) -> Result<u8> {
    match action {
        KeydbAction::Create {
            db,
            pw,
            stash,
            stash_file,
            expire,
            kdf,
            kdf_floor,
        } => {
            let password = pw.resolve()?;
            let opts = CreateOptions {
                kdf: kdf_of(kdf, kdf_floor),
                password_expires: expiry(expire),
            };
            let store = Store::create(&db, &password, &opts)?;
            output::line(format!("created {} ({})", db.display(), store.kdf()));
            if stash {
                let p = write_stash(&db, stash_file, &store, &password)?;
                output::line(format!("stashed the password in {}", p.display()));
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
            let (mut store, _) = pw.open(&db, Access::Update)?;
            let new_password = new_pw.resolve()?;
            let kdf = match (kdf, kdf_floor) {
                (None, false) => None,
                (None, true) => Some(Kdf::ARGON2_FLOOR),
                (Some(k), f) => Some(kdf_of(k, f)),
            };
            store.change_password(&new_password, kdf, expiry(expire))?;
            store.save()?;
            output::line(format!("changed the password of {}", db.display()));
            let beside = stash::default_path(&db);
            if stash {
                let p = write_stash(&db, stash_file, &store, &new_password)?;
                output::line(format!("stashed the new password in {}", p.display()));
            } else if beside.exists() {
                super::warn(&format!(
                    "{} still holds the old password and is now stale; run `kdbman keydb stashpw --db {}`",
                    beside.display(),
                    db.display()
                ));
            }
            Ok(exit::OK)
        }
        KeydbAction::Stashpw { db, pw, stash_file } => {
            let pw: PwArgs = pw.into();
            let (store, opened) = pw.open(&db, Access::Read)?;
            let p = write_stash(&db, stash_file, &store, opened.password())?;
            output::line(format!(
                "stashed the password of {} in {}",
                db.display(),
                p.display()
            ));
            Ok(exit::OK)
        }
        KeydbAction::Details { db, pw, json } => details(&db, &pw, json),
        KeydbAction::Export {
            db,
            pw,
            target,
            target_pw,
            legacy,
            force,
        } => export(&db, &pw, &target, &target_pw, legacy, force),
        KeydbAction::Delete { db, pw, force } => {
            if !force {
                pw.open(&db, Access::Update)?;
            } else {
                // --force skips the password, not the check that this is a
                // store: a damaged store goes, someone's PEM file stays.
                if let Err(e @ (Error::Io { .. } | Error::NotAStore { .. })) = Store::inspect(&db) {
                    return Err(e);
                }
            }
            std::fs::remove_file(&db).map_err(|e| Error::Io {
                path: db.clone(),
                action: "delete",
                source: e,
            })?;
            output::line(format!("deleted {}", db.display()));
            let beside = stash::default_path(&db);
            if beside.exists() && beside != db {
                std::fs::remove_file(&beside).map_err(|e| Error::Io {
                    path: beside.clone(),
                    action: "delete",
                    source: e,
                })?;
                output::line(format!("deleted {}", beside.display()));
            }
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
            let perms_bad = kdbman::store::file::mode(&path).is_some_and(|m| m & 0o077 != 0);
            match store.stash_problem(&s) {
                Some(StashProblem::Foreign) => (path, "foreign", None),
                Some(_) => (path, "stale", None),
                None if s.password().as_bytes() != password.as_bytes() => (path, "rejected", None),
                None if perms_bad => (path, "insecure-permissions", None),
                None => (path, "good", None),
            }
        }
    }
}

fn details(db: &Path, pw: &PwArgs, as_json: bool) -> Result<u8> {
    let (store, opened) = pw.open(db, Access::Read)?;
    let count = |k| store.entries().iter().filter(|e| e.kind() == k).count();
    let (personal, signer, request) = (
        count(EntryKind::Personal),
        count(EntryKind::Signer),
        count(EntryKind::Request),
    );
    let expires = store.password_expires();
    let expired = store.password_expired_at(now());
    let (stash_path, stash, stash_detail) =
        stash_state(db, pw.stash_path.as_deref(), &store, opened.password());
    let default = store.default_entry().map(|e| e.label().to_string());
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
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
            "format": "kdbman",
            "version": 1,
            "size": size,
            "kdf": kdf_json(store.kdf()),
            "entries": {"total": store.entries().len(), "personal": personal, "signer": signer, "request": request},
            "default": default,
            "password": {
                "expires": expires.map(output::time),
                "expired": expired,
            },
            "stash": {"path": stash_path.display().to_string(), "state": stash, "detail": stash_detail},
            "findings": findings,
        }));
    } else {
        output::line(format!(
            "store:     {} (kdbman format 1, {size} bytes)",
            db.display()
        ));
        output::line(format!("kdf:       {}", store.kdf()));
        output::line(format!(
            "entries:   {} ({personal} personal, {signer} signer, {request} request)",
            store.entries().len()
        ));
        output::line(format!(
            "default:   {}",
            default.as_deref().unwrap_or("(none)")
        ));
        let pwline = match expires {
            None => "never expires".to_string(),
            Some(t) if expired => format!(
                "EXPIRED on {} [SSL0219E]: change it with `kdbman keydb changepw`",
                output::time(t)
            ),
            Some(t) => format!("expires {}", output::time(t)),
        };
        output::line(format!("password:  {pwline}"));
        output::line(format!("stash:     {} ({stash})", stash_path.display()));
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
    use kdbman::pki::pkcs12::{self, Profile};
    let (store, _) = pw.open(db, Access::Read)?;
    if !force && target.exists() {
        return Err(Error::AlreadyExists {
            path: target.to_path_buf(),
        });
    }
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
    let password = target_pw.resolve()?;
    let profile = if legacy {
        Profile::Legacy
    } else {
        Profile::Modern
    };
    let bytes = pkcs12::write(&keys, &signers, &password, profile)?;
    super::cert::write_secret(target, &bytes, force)?;
    output::line(format!(
        "exported {} personal and {} signer entries to {}{}",
        keys.len(),
        signers.len(),
        target.display(),
        if skipped > 0 {
            format!(" ({skipped} pending requests are not part of PKCS#12 and were left out)")
        } else {
            String::new()
        }
    ));
    Ok(exit::OK)
}
