//! Dispatch of a parsed GSKit command.
//!
//! Every action calls the library's operations (`kdbman::ops`) with typed
//! requests built from the GSKit options, and words the outcome itself:
//! silent on success as GSKit is, CTGSK/KDBG messages (`GskError`) on
//! failure. Passwords given with `-pw` go straight into the requests as
//! zeroizing `Password`s; nothing goes through kdbman's own command line,
//! the process environment or a capture of standard output.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use kdbman::ops::{self, Encoding, StoreAt, StoreKey, keydb::StashVersion};
use kdbman::pki::policy::HashRequest;
use kdbman::pki::{CertSpec, ExtKeyUsage, KeyType, KeyUsage, SubjectAltName};
use kdbman::{Access, Entry, EntryKind, Error, Password, Store, StoreFormat};

use super::messages::GskError;
use super::output::{self as gout, ListFilter};
use super::parse::{self, Family, Invocation, Object, StoreType};
use crate::cli::{exit, output};

type R<T> = Result<T, GskError>;

/// Parses and runs; prints the error, if any; returns the exit status.
pub fn main(tool: &'static str, args: &[OsString]) -> u8 {
    let mut strings = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        match a.to_str() {
            Some(s) => strings.push(s.to_string()),
            None => {
                let e = GskError::usage(
                    format!(
                        "argument {} ({}) is not valid UTF-8",
                        i + 1,
                        a.to_string_lossy()
                    ),
                    "rename the file or pass it through a path that is valid UTF-8".to_string(),
                );
                e.print();
                return e.status;
            }
        }
    }
    let strings = zeroize::Zeroizing::new(strings);
    let result = parse::parse(&strings).and_then(|inv| Runner { tool, fips: false }.run(&inv));
    match result {
        Ok(()) => exit::OK,
        Err(mut e) => {
            e.redact(&secret_values(&strings));
            e.print();
            e.status
        }
    }
}

/// The values that follow password options on the command line (whatever
/// the parse made of the rest), for [`GskError::redact`].
fn secret_values(args: &[String]) -> Vec<&str> {
    args.windows(2)
        .filter(|w| parse::find_option(&w[0]).is_some_and(|o| parse::is_secret_option(o.name)))
        .map(|w| w[1].as_str())
        .collect()
}

struct Runner {
    tool: &'static str,
    /// `-fips`: FIPS-approved algorithms only where algorithms are chosen.
    fips: bool,
}

/// A file removed when dropped (temporary PKCS#12 between stores).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_beside(path: &Path) -> TempFile {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    TempFile(dir.join(format!(".kdbman-gsk-{}-{nanos}.p12", std::process::id())))
}

/// A random password (for temporary files and `-random -create`).
fn random_password(len: usize, strong: bool) -> R<String> {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-.:=@_";
    for _ in 0..1000 {
        let mut bytes = vec![0u8; len];
        getrandom::fill(&mut bytes).map_err(|e| {
            GskError::usage(
                format!("the system random number generator failed: {e}"),
                "retry; check /dev/urandom".to_string(),
            )
        })?;
        let s: String = bytes
            .iter()
            .map(|b| CHARS[usize::from(*b) % CHARS.len()] as char)
            .collect();
        if !strong || strong_problem(&s).is_none() {
            return Ok(s);
        }
    }
    Err(GskError::weak_password(
        "no random password of this length meets the -strong rules".to_string(),
    ))
}

/// IBM's `-strong` password rules; the first one broken.
pub fn strong_problem(pw: &str) -> Option<String> {
    if let Some(c) = pw.chars().find(|c| !(' '..='~').contains(c)) {
        return Some(format!("it contains {c:?}, which is not printable ASCII"));
    }
    if pw.chars().count() < 14 {
        return Some(format!(
            "it has {} characters; at least 14 are needed",
            pw.chars().count()
        ));
    }
    if !pw.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("it has no lower-case letter".to_string());
    }
    if !pw.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("it has no upper-case letter".to_string());
    }
    if !pw.chars().any(|c| !c.is_ascii_alphabetic()) {
        return Some("it has no digit or special character".to_string());
    }
    for c in pw.chars() {
        if pw.chars().filter(|x| *x == c).count() > 3 {
            return Some(format!("{c:?} occurs more than 3 times"));
        }
    }
    let chars: Vec<char> = pw.chars().collect();
    if chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return Some("a character occurs 3 times in a row".to_string());
    }
    None
}

fn check_strong(inv: &Invocation, option: &str, pw: Option<&str>) -> R<()> {
    if !inv.has("strong") {
        return Ok(());
    }
    let Some(pw) = pw else {
        return Ok(());
    };
    match strong_problem(pw) {
        Some(why) => Err(GskError::weak_password(format!(
            "the password of -{option} breaks the -strong rules: {why}"
        ))),
        None => Ok(()),
    }
}

fn number(inv: &Invocation, option: &str, range: std::ops::RangeInclusive<u32>) -> R<Option<u32>> {
    let Some(v) = inv.get(option) else {
        return Ok(None);
    };
    match v.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(GskError::usage(
            format!(
                "-{option} {v} is not a number from {} to {}",
                range.start(),
                range.end()
            ),
            format!(
                "give -{option} a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// `-format ascii|binary` as kdbman's pem|der.
fn encoding(inv: &Invocation) -> R<&'static str> {
    match inv.get("format").map(str::to_ascii_lowercase).as_deref() {
        None | Some("ascii" | "pem" | "base64") => Ok("pem"),
        Some("binary" | "der") => Ok("der"),
        Some(_) => Err(GskError::usage(
            format!(
                "-format {} is neither ascii nor binary",
                inv.get("format").unwrap_or("")
            ),
            "use -format ascii (PEM) or -format binary (DER)".to_string(),
        )),
    }
}

/// `--expire DAYS` for `-expire` on a new password. A PKCS#12 file has no
/// password expiry: GSKit accepts the option there (IBM's MQ samples give
/// it), so kdbman says it is ignored instead of failing the command.
fn password_expiry(inv: &Invocation, ty: StoreType) -> R<Option<i64>> {
    match number(inv, "expire", 0..=36500)? {
        Some(d) if d > 0 && ty == StoreType::Pkcs12 => {
            crate::cli::warn(&format!(
                "-expire {d}: a PKCS#12 file has no password expiry; its password is set without one"
            ));
            Ok(None)
        }
        Some(d) if d > 0 => Ok(Some(kdbman::clock::now() + i64::from(d) * 86_400)),
        _ => Ok(None),
    }
}

/// Whether `-fips` (or `-fips true`) is on; `-fips false` is off.
fn fips_mode(inv: &Invocation) -> bool {
    inv.has("fips")
        && !matches!(
            inv.get("fips").map(str::to_ascii_lowercase).as_deref(),
            Some("false" | "no")
        )
}

/// The signature hash asked for by `-sigalg` (MD5, SHA-1 and SHA-224 too:
/// the library's policy replaces or refuses them and says so).
fn hash_of(sig: Option<parse::SigAlg>) -> R<Option<HashRequest>> {
    let name = match sig.map(|s| s.hash) {
        None => return Ok(None),
        Some(5) => "md5",
        Some(1) => "sha1",
        Some(224) => "sha224",
        Some(384) => "sha384",
        Some(512) => "sha512",
        Some(_) => "sha256",
    };
    name.parse::<HashRequest>()
        .map(Some)
        .map_err(|e| not_accepted(name, "--hash <HASH>", &e))
}

/// A value kdbman's own parsers refuse, worded as before the operations
/// layer (when the front end went through kdbman's command line).
fn not_accepted(value: &str, option: &str, why: &dyn std::fmt::Display) -> GskError {
    GskError::usage(
        format!("a value is not accepted: invalid value '{value}' for '{option}': {why}"),
        "check the option values against `man kdbman-gsk`".to_string(),
    )
}

/// kdbman's `--key` for `-size` and `-sigalg`, and the `--hash` (and
/// `--fips`) arguments. The key family comes from `-sigalg` (RSA or
/// ECDSA), else from `-size` (256/384/521 are EC sizes); the hash is
/// passed on, and the library signs with it or with the nearest the key
/// can use, saying so on stderr.
fn key_type(inv: &Invocation, fips: bool) -> R<(KeyType, Option<HashRequest>)> {
    let sig = inv.get("sigalg").map(parse::sigalg).transpose()?;
    let size = number(inv, "size", 1..=16384)?;
    let family = match (sig.and_then(|s| s.family), size) {
        (Some(f), _) => f,
        (None, Some(256 | 384 | 512 | 521)) => Family::Ec,
        (None, None) if sig.is_some_and(|s| s.hash == 384) => Family::Ec,
        _ => Family::Rsa,
    };
    let hash = sig.map(|s| s.hash);
    let extra = hash_of(sig)?;
    let typed = |name: &str| {
        name.parse::<KeyType>()
            .map_err(|e| not_accepted(name, "--key <KEY>", &e))
    };
    match family {
        Family::Rsa => {
            let bits = size.unwrap_or(2048);
            if fips {
                let policy = kdbman::pki::policy::Policy::Fips;
                policy
                    .check_signing_key(&kdbman::pki::KeyAlgorithm::Rsa {
                        bits: bits as usize,
                    })
                    .map_err(|e| GskError::from_kdbman(&e))?;
            }
            if !matches!(bits, 2048 | 3072 | 4096) {
                return Err(GskError::refused(format!(
                    "-size {bits}: kdbman makes RSA keys of 2048, 3072 or 4096 bits (under 2048 is refused by current clients)"
                )));
            }
            Ok((typed(&format!("rsa:{bits}"))?, extra))
        }
        Family::Ec => {
            let bits = size.unwrap_or(match hash {
                Some(384 | 512) => 384,
                _ => 256,
            });
            let curve = match bits {
                256 => "ec:p256",
                384 => "ec:p384",
                512 | 521 => {
                    crate::cli::warn(&format!(
                        "-size {bits}: kdbman makes EC keys on P-256 and P-384 only (ring has no P-521); making a P-384 key instead"
                    ));
                    "ec:p384"
                }
                other => {
                    return Err(GskError::usage(
                        format!("-size {other} is not an EC key size"),
                        "use -size 256 or -size 384 with an ECDSA -sigalg".to_string(),
                    ));
                }
            };
            Ok((typed(curve)?, extra))
        }
    }
}

/// The subject alternative names of `-san_dnsname a,b -san_ipaddr c`.
fn sans(inv: &Invocation) -> R<Vec<SubjectAltName>> {
    let mut out = Vec::new();
    for (opt, kind) in [("san_dnsname", "dns"), ("san_ipaddr", "ip")] {
        for (n, v) in &inv.opts {
            if *n == opt
                && let Some(v) = v
            {
                for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let value = format!("{kind}:{item}");
                    out.push(
                        value
                            .parse::<SubjectAltName>()
                            .map_err(|e| not_accepted(&value, "--san <dns:NAME|ip:ADDR>", &e))?,
                    );
                }
            }
        }
    }
    Ok(out)
}

/// The key usages and extended key usages of `-ku` / `-eku` (names in any
/// case, with or without underscores). `names` are the option names an
/// unknown usage is reported under (as kdbman's own commands word them:
/// `cert create` and `certreq create` differ).
#[allow(clippy::type_complexity)]
fn usages(inv: &Invocation) -> R<(Option<Vec<KeyUsage>>, Option<Vec<ExtKeyUsage>>)> {
    let names = |opt: &str| -> Option<Vec<String>> {
        let list: Vec<String> = inv
            .get(opt)?
            .split(',')
            .map(|s| {
                s.trim()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase()
            })
            .filter(|s| !s.is_empty())
            .collect();
        (!list.is_empty()).then_some(list)
    };
    let ku = names("ku")
        .map(|l| {
            l.iter()
                .map(|n| {
                    n.parse::<KeyUsage>()
                        .map_err(|e| not_accepted(n, "-ku", &e))
                })
                .collect::<R<Vec<_>>>()
        })
        .transpose()?;
    let eku = names("eku")
        .map(|l| {
            l.iter()
                .map(|n| {
                    n.parse::<ExtKeyUsage>()
                        .map_err(|e| not_accepted(n, "-eku", &e))
                })
                .collect::<R<Vec<_>>>()
        })
        .transpose()?;
    Ok((ku, eku))
}

/// `-dn` as given: GSKit reads it as RFC 4514 (most specific RDN first),
/// and so does kdbman's `--dn` (`pki::dn`), so the DER holds C, O, CN for
/// `CN=x,O=y,C=US` either way.
fn dn_arg(inv: &Invocation) -> String {
    inv.get("dn").unwrap_or_default().to_string()
}

fn db(inv: &Invocation) -> String {
    inv.get("db").unwrap_or_default().to_string()
}

/// A library error as a GSKit-style message.
fn k(e: Error) -> GskError {
    GskError::from_kdbman(&e)
}

/// A password from the command line, less one trailing LF or CRLF.
fn password(value: &str) -> Password {
    Password::new(kdbman::secret::strip_line_ending(value))
}

/// The operation's store: `db` opened with `key`; what is noticed on the
/// way is said as kdbman says it.
fn at<'a>(db: &'a Path, key: &'a StoreKey) -> StoreAt<'a> {
    StoreAt {
        db,
        key,
        notice: &crate::cli::password::notice,
    }
}

/// `-pw`/`-stashed` as what opens the store at `db`: a password, the
/// stash beside it, or (at a terminal) a password asked for. A command
/// that only reads the store uses the stash beside it, when there is one,
/// if neither is given.
fn key_for(
    db: &Path,
    value: Option<&str>,
    stashed: bool,
    reading: bool,
    what: &str,
    options: &str,
) -> R<StoreKey> {
    match (value, stashed) {
        (Some(_), true) => Err(GskError::usage(
            format!("both a password and a stash were given for the {what}"),
            format!("give one of {options}"),
        )),
        (Some(v), false) => Ok(StoreKey::Password(password(v))),
        (None, true) => Ok(StoreKey::stash_beside(db)),
        (None, false) if std::io::stdin().is_terminal() => {
            let beside = kdbman::stash::default_path(db);
            if reading && beside.exists() {
                crate::cli::notice(&format!(
                    "no password source given: opening {} with the stash beside it ({})",
                    kdbman::text::path(db),
                    kdbman::text::path(&beside)
                ));
                return Ok(StoreKey::stash_beside(db));
            }
            crate::cli::password::prompt_store(db)
                .map(StoreKey::Password)
                .map_err(k)
        }
        (None, false) => Err(GskError::no_password(what, options)),
    }
}

/// What opens `-target` (`-target_pw PASSWORD` or `-target_stashed`);
/// at a terminal with neither, the password of a target about to be
/// created is asked twice.
fn target_key(inv: &Invocation, target: &Path, creating: bool) -> R<StoreKey> {
    match (inv.get("target_pw"), inv.has("target_stashed")) {
        (None, false) if creating && std::io::stdin().is_terminal() => {
            crate::cli::password::prompt_new_store()
                .map(StoreKey::Password)
                .map_err(k)
        }
        (value, stashed) => key_for(
            target,
            value,
            stashed,
            false,
            "target key database password",
            "-target_pw PASSWORD or -target_stashed",
        ),
    }
}

/// What opens `-db` (`-pw PASSWORD` or `-stashed`).
fn store_key(inv: &Invocation, reading: bool) -> R<StoreKey> {
    key_for(
        Path::new(inv.get("db").unwrap_or_default()),
        inv.get("pw"),
        inv.has("stashed"),
        reading,
        "key database password",
        "-pw PASSWORD or -stashed",
    )
}

/// `-format` as an encoding.
fn encoding_of(inv: &Invocation) -> R<Encoding> {
    Ok(match encoding(inv)? {
        "der" => Encoding::Der,
        _ => Encoding::Pem,
    })
}

impl Runner {
    /// `-cert -extract` and `-certreq -extract`: the public part to a file
    /// (GSKit overwrites it).
    fn extract(&mut self, inv: &Invocation, object: &str) -> R<()> {
        let encoding = encoding_of(inv)?;
        let key = store_key(inv, true)?;
        let path = db(inv);
        let label = inv.get("label").unwrap_or_default();
        let target = Path::new(inv.get("target").unwrap_or_default());
        let at = at(Path::new(&path), &key);
        if object == "certreq" {
            ops::certreq::extract(at, label, target, encoding, true).map(drop)
        } else {
            let r = ops::cert::ExtractRequest {
                label,
                target,
                encoding,
                chain: false,
                force: true,
            };
            ops::cert::extract(at, &r).map(drop)
        }
        .map_err(k)
    }

    /// The password in the stash beside `db`.
    fn stashed_password(&mut self, db: &str) -> R<String> {
        let path = kdbman::stash::default_path(Path::new(db));
        let stash = kdbman::Stash::read(&path, Path::new(db), kdbman::stash::Permissions::Strict)
            .map_err(|e| GskError::from_kdbman(&e))?;
        String::from_utf8(stash.password().as_bytes().to_vec()).map_err(|_| {
            GskError::usage(
                format!("the password in {} is not UTF-8 text", path.display()),
                "give the password with -target_pw".to_string(),
            )
        })
    }

    /// Opens `-db` for the read actions.
    fn open(&mut self, inv: &Invocation, access: Access) -> R<Store> {
        let path = db(inv);
        let key = store_key(inv, false)?;
        at(Path::new(&path), &key)
            .open(access)
            .map(|o| o.store)
            .map_err(k)
    }

    fn run(&mut self, inv: &Invocation) -> R<()> {
        self.fips = fips_mode(inv);
        if self.fips {
            // Said once, here, whatever the action.
            crate::cli::policy(true);
        }
        if let Some(v) = inv.get("pqc")
            && !v.eq_ignore_ascii_case("false")
        {
            return Err(GskError::refused(format!(
                "-pqc {v}: kdbman stores use no post-quantum algorithms (-pqc false is accepted)"
            )));
        }
        if let Some(t) = inv.get("type") {
            StoreType::parse("type", t)?;
        }
        let action = match (inv.object, inv.action) {
            (Object::Version, _) => {
                output::line(format!(
                    "kdbman {} ({}-compatible command line; see man kdbman-gsk)",
                    env!("CARGO_PKG_VERSION"),
                    if self.tool == "kdbman" {
                        "gsk8capicmd"
                    } else {
                        self.tool
                    }
                ));
                return Ok(());
            }
            (Object::Help, _) => {
                output::emit(&super::man::help_text(&inv.topic));
                return Ok(());
            }
            (_, Some(a)) => a.name,
            (_, None) => return unreachable_action(),
        };
        match (inv.object, action) {
            (Object::Keydb, "-create") => self.keydb_create(inv),
            (Object::Keydb, "-delete") => {
                let path = db(inv);
                let key = store_key(inv, false)?;
                ops::keydb::delete(
                    ops::keydb::DeleteCheck::Open(at(Path::new(&path), &key)),
                    &mut |_| {},
                )
                .map_err(k)
            }
            (Object::Keydb, "-changepw") => self.keydb_changepw(inv),
            (Object::Keydb, "-stashpw") => {
                let path = db(inv);
                let key = store_key(inv, false)?;
                let version = if inv.has("v1stash") {
                    StashVersion::V1
                } else {
                    StashVersion::V2
                };
                ops::keydb::stash_password(at(Path::new(&path), &key), None, version)
                    .map(drop)
                    .map_err(k)
            }
            (Object::Keydb, "-convert") => self.keydb_convert(inv),
            (Object::Keydb, "-list") => {
                output::emit("CMS\nPKCS12\n");
                Ok(())
            }
            (Object::Keydb, "-expiry") => self.keydb_expiry(inv),
            (Object::Cert, "-create") => self.cert_create(inv),
            (Object::Cert, "-add") => self.cert_add(inv),
            (Object::Cert, "-receive") => {
                let file = Path::new(inv.get("file").unwrap_or_default());
                encoding(inv)?;
                let default = inv
                    .get("default_cert")
                    .map(|v| parse::boolean("default_cert", v))
                    .transpose()?
                    == Some(true);
                let key = store_key(inv, false)?;
                let certs = kdbman::pki::pem::read_certificates(file).map_err(k)?;
                let path = db(inv);
                ops::cert::receive(at(Path::new(&path), &key), &certs, file, default)
                    .map(drop)
                    .map_err(k)
            }
            (Object::Cert, "-import") => self.cert_import(inv),
            (Object::Cert, "-export") => self.cert_export(inv),
            (Object::Cert, "-extract") => self.extract(inv, "cert"),
            (Object::Cert, "-list") => {
                let store = self.open(inv, Access::Read)?;
                let filter = match inv.positional.as_deref() {
                    Some("personal") => ListFilter::Personal,
                    Some("ca" | "site") => ListFilter::Ca,
                    _ => ListFilter::All,
                };
                let horizon = if inv.has("expiry") {
                    let days = number(inv, "expiry", 0..=36500)?.unwrap_or(0);
                    Some(kdbman::clock::now() + i64::from(days) * 86_400)
                } else {
                    None
                };
                let entries = store.entries().iter().filter(|e| match horizon {
                    None => true,
                    Some(h) => e
                        .certificate()
                        .and_then(|c| kdbman::pki::cert::cert_info(c).ok())
                        .is_some_and(|i| i.not_after <= h),
                });
                output::emit(&gout::cert_list(entries, filter));
                Ok(())
            }
            (Object::Cert, "-details") => {
                let store = self.open(inv, Access::Read)?;
                let e = find(&store, inv.get("label").unwrap_or_default(), false)?;
                output::emit(&gout::cert_details(e).map_err(|t| bad_entry(&store, t))?);
                Ok(())
            }
            (Object::Cert, "-getdefault") => {
                let store = self.open(inv, Access::Read)?;
                // A CMS store: the one record with flag bit 1 (read on
                // evidence, see kdbman-cms(5)); none or several is said so.
                let e = store.require_default().map_err(|e| match e {
                    Error::Unsupported { path, why, .. } => {
                        GskError::from_kdbman(&Error::Unsupported {
                            path,
                            what: "show its default certificate",
                            why,
                            remedy: kdbman::error::Remedy::Worded("name the certificate instead (-cert -details -label LABEL, the label in SSLServerCert for IHS or the queue manager's certificate label for MQ), or mark one with -cert -setdefault -label LABEL".to_string()),
                        })
                    }
                    other => GskError::from_kdbman(&other),
                })?;
                output::emit(&gout::cert_details(e).map_err(|t| bad_entry(&store, t))?);
                Ok(())
            }
            (Object::Cert, "-delete") => {
                let (path, key) = (db(inv), store_key(inv, false)?);
                let label = inv.get("label").unwrap_or_default();
                ops::cert::delete(at(Path::new(&path), &key), label)
                    .map(drop)
                    .map_err(k)
            }
            (Object::Cert, "-setdefault") => {
                let (path, key) = (db(inv), store_key(inv, false)?);
                let label = inv.get("label").unwrap_or_default();
                ops::cert::set_default(at(Path::new(&path), &key), label)
                    .map(drop)
                    .map_err(k)
            }
            (Object::Cert, "-rename") => {
                let (path, key) = (db(inv), store_key(inv, false)?);
                ops::cert::rename(
                    at(Path::new(&path), &key),
                    inv.get("label").unwrap_or_default(),
                    inv.get("new_label").unwrap_or_default(),
                )
                .map_err(k)
            }
            (Object::Cert, "-modify") => self.cert_modify(inv),
            (Object::Cert, "-sign") => self.cert_sign(inv),
            (Object::Cert, "-validate") => {
                let (path, key) = (db(inv), store_key(inv, true)?);
                ops::cert::validate(
                    at(Path::new(&path), &key),
                    inv.get("label").unwrap_or_default(),
                    kdbman::clock::now(),
                    kdbman::pki::validate::Purpose::Any,
                )
                .map(drop)
                .map_err(k)
            }
            (Object::Certreq, "-create") => self.certreq_create(inv),
            (Object::Certreq, "-list") => {
                let store = self.open(inv, Access::Read)?;
                output::emit(&gout::certreq_list(store.entries()));
                Ok(())
            }
            (Object::Certreq, "-details") => {
                let store = self.open(inv, Access::Read)?;
                let e = find(&store, inv.get("label").unwrap_or_default(), true)?;
                output::emit(&gout::certreq_details(e).map_err(|t| bad_entry(&store, t))?);
                Ok(())
            }
            (Object::Certreq, "-delete") => {
                let (path, key) = (db(inv), store_key(inv, false)?);
                let label = inv.get("label").unwrap_or_default();
                ops::certreq::delete(at(Path::new(&path), &key), label)
                    .map(drop)
                    .map_err(k)
            }
            (Object::Certreq, "-extract") => self.extract(inv, "certreq"),
            (Object::Certreq, "-recreate") => self.certreq_recreate(inv),
            (Object::Random, "-create") => {
                let n = number(inv, "length", 1..=1024)?.unwrap_or(16) as usize;
                output::line(random_password(n, inv.has("strong"))?);
                Ok(())
            }
            _ => unreachable_action(),
        }
    }

    fn keydb_create(&mut self, inv: &Invocation) -> R<()> {
        let path = db(inv);
        let ty = match inv.get("type") {
            Some(t) => StoreType::parse("type", t)?,
            None => StoreType::by_extension(&path),
        };
        check_strong(inv, "pw", inv.get("pw"))?;
        let format = ty.format();
        let pw = match inv.get("pw") {
            Some(p) => password(p),
            None if std::io::stdin().is_terminal() => {
                crate::cli::password::prompt_new_store().map_err(k)?
            }
            None => {
                return Err(GskError::no_password(
                    "new key database's password",
                    "-pw PASSWORD",
                ));
            }
        };
        let version = if inv.has("v1stash") {
            StashVersion::V1
        } else {
            StashVersion::V2
        };
        let password_expires = password_expiry(inv, ty)?;
        ops::keydb::create(ops::keydb::CreateRequest {
            db: Path::new(&path),
            password: &pw,
            options: kdbman::CreateOptions {
                format,
                kdf: kdbman::Kdf::DEFAULT,
                password_expires,
            },
            stash: inv.has("stash").then_some(ops::keydb::StashRequest {
                path: None,
                version,
            }),
        })
        .map(drop)
        .map_err(k)
    }

    fn keydb_changepw(&mut self, inv: &Invocation) -> R<()> {
        let new = inv.get("new_pw").unwrap_or_default();
        check_strong(inv, "new_pw", Some(new))?;
        let key = store_key(inv, false)?;
        let new = password(new);
        let ty = match inv.get("type") {
            Some(t) => StoreType::parse("type", t)?,
            None => StoreType::by_extension(&db(inv)),
        };
        let expires = password_expiry(inv, ty)?;
        let path = db(inv);
        let r = ops::keydb::change_password(
            at(Path::new(&path), &key),
            || Ok(new),
            None,
            expires,
            inv.has("stash").then_some(None),
        )
        .map_err(k)?;
        if let Some(stale) = r.stale_stash {
            crate::cli::warn(&format!(
                "{} still holds the old password and is now stale; stash the new one with `-keydb -stashpw -db {} -pw PASSWORD`",
                stale.display(),
                path
            ));
        }
        Ok(())
    }

    fn keydb_expiry(&mut self, inv: &Invocation) -> R<()> {
        let path = db(inv);
        let key = store_key(inv, true)?;
        let opened = at(Path::new(&path), &key).open(Access::Read).map_err(k)?;
        if matches!(opened.store.format(), StoreFormat::Cms(_)) {
            return Err(GskError::refused(format!(
                "-keydb -expiry: where GSKit keeps the password expiry of a CMS key database ({}) is not documented, and kdbman does not guess",
                db(inv)
            )));
        }
        let line = match opened.store.password_expires() {
            Some(t) => format!("Password expiry : {}\n", gout::gsk_date(t)),
            None => "Password expiry : never\n".to_string(),
        };
        output::emit(&line);
        Ok(())
    }

    fn keydb_convert(&mut self, inv: &Invocation) -> R<()> {
        let src = db(inv);
        let ty = match (inv.get("new_format"), inv.get("target_type")) {
            (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => {
                return Err(GskError::usage(
                    format!("-new_format {a} and -target_type {b} disagree"),
                    "give one of them".to_string(),
                ));
            }
            (Some(v), _) => StoreType::parse("new_format", v)?,
            (None, Some(v)) => StoreType::parse("target_type", v)?,
            (None, None) => {
                return Err(GskError::usage(
                    "-keydb -convert needs -new_format (or -target_type)".to_string(),
                    "add -new_format cms or -new_format pkcs12".to_string(),
                ));
            }
        };
        let target = match inv.get("target") {
            Some(t) => t.to_string(),
            None => Path::new(&src)
                .with_extension(ty.extension())
                .to_string_lossy()
                .into_owned(),
        };
        if target == src {
            return Err(GskError::usage(
                format!("-keydb -convert would write {target} over its own source"),
                "name the new file with -target".to_string(),
            ));
        }
        let key = store_key(inv, false)?;
        // GSKit keeps the password: the target gets -target_pw, else
        // the source's (from -pw or the stash).
        let tp = match (inv.get("target_pw"), inv.get("pw")) {
            (Some(p), _) | (None, Some(p)) => Some(password(p)),
            (None, None) if inv.has("stashed") => Some(password(&self.stashed_password(&src)?)),
            (None, None) => None,
        };
        if inv.has("v1stash") {
            return Err(GskError::refused(
                "-v1stash: this kdbman build writes only its own stash format".to_string(),
            ));
        }
        let target_password = || match &tp {
            Some(p) => Ok(p.clone()),
            None => crate::cli::password::prompt_target(),
        };
        let target_path = Path::new(&target);
        let done = ops::keydb::convert(
            at(Path::new(&src), &key),
            ops::keydb::ConvertRequest {
                target: target_path,
                target_type: ty.ops(),
                target_password: &target_password,
                kdf_floor: false,
                cms_version: None,
            },
        )
        .map_err(k)?;
        for n in &done.notes {
            crate::cli::warn(n);
        }
        if inv.has("stash") {
            ops::keydb::write_stash(
                target_path,
                None,
                &done.store,
                &done.password,
                StashVersion::V2,
            )
            .map_err(k)?;
        }
        Ok(())
    }

    fn cert_create(&mut self, inv: &Invocation) -> R<()> {
        if let Some(v) = inv.get("x509version") {
            match v.trim() {
                "3" => {}
                "1" | "2" => {
                    return Err(GskError::refused(format!(
                        "-x509version {v}: kdbman issues version 3 certificates only (extensions need V3)"
                    )));
                }
                _ => {
                    return Err(GskError::usage(
                        format!("-x509version {v} is not 1, 2 or 3"),
                        "leave it out (kdbman issues version 3)".to_string(),
                    ));
                }
            }
        }
        let (key_type, hash) = key_type(inv, self.fips)?;
        let days = number(inv, "expire", 1..=36500)?.unwrap_or(365);
        let ca = inv.get("ca").map(|v| parse::boolean("ca", v)).transpose()? == Some(true);
        let default = inv
            .get("default_cert")
            .map(|v| parse::boolean("default_cert", v))
            .transpose()?
            == Some(true);
        let key = store_key(inv, false)?;
        let path = db(inv);
        let at = at(Path::new(&path), &key);
        let mut spec = self.spec(inv, days, key_type, hash, at)?;
        spec.is_ca = ca;
        ops::cert::create(
            at,
            ops::cert::CreateRequest {
                label: inv.get("label").unwrap_or_default().to_string(),
                spec,
                key: key_type,
                default,
            },
        )
        .map_err(k)
    }

    fn cert_add(&mut self, inv: &Invocation) -> R<()> {
        let file = inv.get("file").unwrap_or_default();
        encoding(inv)?;
        let trust = match inv.get("trust") {
            Some(v) => parse::boolean("trust", v)?,
            None => true,
        };
        let label = match inv.get("label") {
            Some(l) => l.to_string(),
            // GSKit labels an unlabelled CA by its subject.
            None => {
                let certs = kdbman::pki::pem::read_certificates(Path::new(file)).map_err(k)?;
                let der = certs.first().map(Vec::as_slice).unwrap_or_default();
                let (_, c) = x509_parser::parse_x509_certificate(der).map_err(|e| {
                    GskError::usage(
                        format!("the certificate in {file} cannot be read: {e}"),
                        "check the file, or give -label".to_string(),
                    )
                })?;
                subject_label(&c)
            }
        };
        let key = store_key(inv, false)?;
        let certs = kdbman::pki::pem::read_certificates(Path::new(file)).map_err(k)?;
        let path = db(inv);
        ops::cert::add(
            at(Path::new(&path), &key),
            ops::cert::AddRequest {
                label: &label,
                certs,
                trusted: trust,
            },
        )
        .map(drop)
        .map_err(k)
    }

    /// `-cert -import`: from a PKCS#12 file straight in; from another store
    /// through a temporary PKCS#12 file beside the target (a signer goes
    /// over as a certificate, keeping its label and trust).
    fn cert_import(&mut self, inv: &Invocation) -> R<()> {
        let (source, from_file) = match (inv.get("db"), inv.get("file")) {
            (Some(_), Some(_)) => {
                return Err(GskError::usage(
                    "-cert -import takes its source from -db or -file, not both".to_string(),
                    "give the source store or PKCS#12 file once".to_string(),
                ));
            }
            (Some(d), None) => (d.to_string(), false),
            (None, Some(f)) => (f.to_string(), true),
            (None, None) => {
                return Err(GskError::usage(
                    "-cert -import needs the source: -db STORE or -file FILE.p12".to_string(),
                    "add -db SOURCE.kdb (or -file SOURCE.p12) and its -pw".to_string(),
                ));
            }
        };
        let source_type = match inv.get("type") {
            Some(t) => StoreType::parse("type", t)?,
            None if from_file => StoreType::Pkcs12,
            None => StoreType::by_extension(&source),
        };
        if let Some(t) = inv.get("target_type") {
            StoreType::parse("target_type", t)?;
        }
        let target = inv.get("target").unwrap_or_default().to_string();
        let target_path = Path::new(&target);
        let new_label = inv.get("new_label").or(inv.get("label"));
        let target_key = target_key(inv, target_path, false)?;
        let default = inv
            .get("default_cert")
            .map(|v| parse::boolean("default_cert", v))
            .transpose()?
            == Some(true);
        if source_type == StoreType::Pkcs12 {
            let given = || Ok(inv.get("pw").map(password));
            return self.import_file(
                at(target_path, &target_key),
                Path::new(&source),
                &given,
                new_label,
                default,
                crate::cli::policy(self.fips),
            );
        }
        let src_path = Path::new(&source);
        let src_key = key_for(
            src_path,
            inv.get("pw"),
            inv.has("stashed"),
            false,
            "source key database password",
            "-pw PASSWORD or -stashed",
        )?;
        let src = at(src_path, &src_key);
        if let Some(l) = inv.get("label") {
            // A signer goes over as a certificate, keeping its label and trust.
            let store = src.open(Access::Read).map_err(k)?.store;
            let e = find_any(&store, l)?;
            if e.kind() == EntryKind::Signer {
                return ops::cert::add(
                    at(target_path, &target_key),
                    ops::cert::AddRequest {
                        label: new_label.unwrap_or(l),
                        certs: e.certificate().map(<[u8]>::to_vec).into_iter().collect(),
                        trusted: e.is_trusted(),
                    },
                )
                .map(drop)
                .map_err(k);
            }
        }
        let tmp = temp_beside(target_path);
        let tpw = password(&random_password(32, false)?);
        let tpw_fn = || Ok(tpw.clone());
        match inv.get("label") {
            Some(l) => ops::cert::export(
                src,
                ops::cert::ExportRequest {
                    label: l,
                    target: &tmp.0,
                    password: &tpw_fn,
                    profile: kdbman::pki::pkcs12::Profile::Modern,
                    force: false,
                },
            )
            .map(drop),
            None => ops::keydb::export(
                src,
                &tmp.0,
                &tpw_fn,
                kdbman::pki::pkcs12::Profile::Modern,
                false,
            )
            .map(drop),
        }
        .map_err(k)?;
        let given = || Ok(Some(tpw.clone()));
        self.import_file(
            at(target_path, &target_key),
            &tmp.0,
            &given,
            new_label,
            default,
            crate::cli::policy(self.fips),
        )
    }

    /// Imports a PKCS#12 file into a store, saying on stderr which
    /// friendly names were not usable as labels.
    fn import_file(
        &mut self,
        target: StoreAt<'_>,
        file: &Path,
        given: &dyn Fn() -> kdbman::Result<Option<Password>>,
        label: Option<&str>,
        default: bool,
        policy: kdbman::pki::policy::Policy,
    ) -> R<()> {
        let ask = |f: &Path| crate::cli::password::prompt_file(f);
        let report = ops::cert::import(
            target,
            ops::cert::ImportRequest {
                file,
                key: None,
                given,
                ask: std::io::stdin()
                    .is_terminal()
                    .then_some(&ask as &dyn Fn(&Path) -> kdbman::Result<Password>),
                label,
                default,
                policy,
            },
        )
        .map_err(k)?;
        for r in &report.relabelled {
            crate::cli::warn(&format!(
                "the friendly name \"{}\" in {} is not usable as a label ({}): imported as `{}`",
                kdbman::text::escape(&r.name),
                kdbman::text::path(file),
                r.reason,
                kdbman::text::escape(&r.label)
            ));
        }
        Ok(())
    }

    /// `-cert -export`: to a new PKCS#12 file, a new CMS store, or into an
    /// existing store.
    fn cert_export(&mut self, inv: &Invocation) -> R<()> {
        let src = db(inv);
        let label = inv.get("label").unwrap_or_default().to_string();
        let target = inv.get("target").unwrap_or_default().to_string();
        let target_path = Path::new(&target);
        let ty = match inv.get("target_type") {
            Some(t) => StoreType::parse("target_type", t)?,
            None => StoreType::by_extension(&target),
        };
        let legacy = match inv
            .get("encryption")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("strong") => false,
            Some("weak") => true,
            Some(v) => {
                return Err(GskError::usage(
                    format!("-encryption {v} is neither strong nor weak"),
                    "use -encryption strong (AES-256) or -encryption weak (3DES, for old clients)"
                        .to_string(),
                ));
            }
        };
        let src_key = store_key(inv, false)?;
        let src_at = at(Path::new(&src), &src_key);
        let exists = target_path.exists();
        if !exists && ty == StoreType::Pkcs12 {
            let tp = match inv.get("target_pw") {
                Some(tp) => Some(password(tp)),
                None if inv.has("target_stashed") => {
                    return Err(GskError::usage(
                        format!("{target} does not exist, so it has no stash"),
                        "give the new file's password with -target_pw".to_string(),
                    ));
                }
                None if !std::io::stdin().is_terminal() => {
                    return Err(GskError::no_password(
                        "target file's password",
                        "-target_pw PASSWORD",
                    ));
                }
                None => None,
            };
            let profile = if legacy {
                kdbman::pki::pkcs12::Profile::Legacy
            } else {
                kdbman::pki::pkcs12::Profile::Modern
            };
            profile.check(crate::cli::policy(self.fips)).map_err(k)?;
            let password = || match &tp {
                Some(p) => Ok(p.clone()),
                None => crate::cli::password::prompt_target(),
            };
            return ops::cert::export(
                src_at,
                ops::cert::ExportRequest {
                    label: &label,
                    target: target_path,
                    password: &password,
                    profile,
                    force: false,
                },
            )
            .map(drop)
            .map_err(k);
        }
        let mut target_key = target_key(inv, target_path, !exists)?;
        if !exists {
            // A new store to export into.
            let pw = match &target_key {
                StoreKey::Password(p) => p.clone(),
                StoreKey::Stash { .. } => {
                    return Err(GskError::usage(
                        "a value is not accepted: unexpected argument '--stashed' found"
                            .to_string(),
                        "check the option values against `man kdbman-gsk`".to_string(),
                    ));
                }
            };
            let format = ty.format();
            ops::keydb::create(ops::keydb::CreateRequest {
                db: target_path,
                password: &pw,
                options: kdbman::CreateOptions {
                    format,
                    kdf: kdbman::Kdf::DEFAULT,
                    password_expires: None,
                },
                stash: None,
            })
            .map_err(k)?;
            target_key = StoreKey::Password(pw);
        }
        let tmp = temp_beside(target_path);
        let tpw = password(&random_password(32, false)?);
        let tpw_fn = || Ok(tpw.clone());
        ops::cert::export(
            src_at,
            ops::cert::ExportRequest {
                label: &label,
                target: &tmp.0,
                password: &tpw_fn,
                profile: kdbman::pki::pkcs12::Profile::Modern,
                force: false,
            },
        )
        .map_err(k)?;
        let given = || Ok(Some(tpw.clone()));
        self.import_file(
            at(target_path, &target_key),
            &tmp.0,
            &given,
            None,
            false,
            kdbman::pki::policy::Policy::Default,
        )
    }

    fn cert_modify(&mut self, inv: &Invocation) -> R<()> {
        let trusted = parse::boolean("trust", inv.get("trust").unwrap_or_default())?;
        let (path, key) = (db(inv), store_key(inv, false)?);
        let label = inv.get("label").unwrap_or_default();
        match ops::cert::set_trust(at(Path::new(&path), &key), label, trusted).map_err(k)? {
            ops::cert::TrustChange::Done => Ok(()),
            ops::cert::TrustChange::Personal { label } => Err(GskError::refused(format!(
                "-trust disable on personal certificate `{label}`: kdbman keeps personal certificates trusted; only signers' trust can change"
            ))),
        }
    }

    fn cert_sign(&mut self, inv: &Invocation) -> R<()> {
        // The CA's key decides RSA or ECDSA; -sigalg gives the hash.
        let sig = inv.get("sigalg").map(parse::sigalg).transpose()?;
        let days = number(inv, "expire", 1..=36500)?.unwrap_or(365);
        let encoding = encoding_of(inv)?;
        let ca = inv.get("ca").map(|v| parse::boolean("ca", v)).transpose()? == Some(true);
        let hash = hash_of(sig)?;
        let key = store_key(inv, false)?;
        let sans = sans(inv)?;
        let path = db(inv);
        ops::cert::sign(
            at(Path::new(&path), &key),
            ops::cert::SignRequest {
                label: inv.get("label").unwrap_or_default(),
                file: Path::new(inv.get("file").unwrap_or_default()),
                target: Path::new(inv.get("target").unwrap_or_default()),
                days,
                sans,
                ca,
                encoding,
                chain: false,
                force: true,
                hash,
                policy: crate::cli::policy(self.fips),
            },
        )
        .map(drop)
        .map_err(k)
    }

    /// The certificate or request `-dn`, `-san_*`, `-ku`, `-eku`, `-fips`
    /// and `-sigalg` describe, its signature hash chosen for `key_type`.
    fn spec(
        &self,
        inv: &Invocation,
        days: u32,
        key_type: KeyType,
        hash: Option<HashRequest>,
        at: ops::StoreAt<'_>,
    ) -> R<CertSpec> {
        let mut spec = CertSpec::new(dn_arg(inv), days);
        spec.sans = sans(inv)?;
        (spec.key_usage, spec.ext_key_usage) = usages(inv)?;
        spec.policy = crate::cli::policy(self.fips);
        spec.sig_hash =
            ops::signature_hash(spec.policy, &key_type.algorithm(), hash, at.notice).map_err(k)?;
        Ok(spec)
    }

    fn certreq_create(&mut self, inv: &Invocation) -> R<()> {
        let (key_type, hash) = key_type(inv, self.fips)?;
        let key = store_key(inv, false)?;
        let path = db(inv);
        let at = at(Path::new(&path), &key);
        let spec = self.spec(inv, 365, key_type, hash, at)?;
        ops::certreq::create(
            at,
            ops::certreq::CreateRequest {
                label: inv.get("label").unwrap_or_default().to_string(),
                spec,
                key: key_type,
                target: Some((Path::new(inv.get("file").unwrap_or_default()), true)),
            },
        )
        .map(drop)
        .map_err(k)
    }

    /// A new request for the key of an existing personal certificate (or
    /// the stored request itself), written to `-target`: `kdbman cert
    /// renew` without --new-key (same subject, names and usages).
    fn certreq_recreate(&mut self, inv: &Invocation) -> R<()> {
        let mut store = self.open(inv, Access::Read)?;
        let e = find_any(&store, inv.get("label").unwrap_or_default())?;
        let target = PathBuf::from(inv.get("target").unwrap_or_default());
        let der = match (e.kind(), e.csr()) {
            (_, Some(csr)) => csr.to_vec(),
            (EntryKind::Personal, None) => {
                let label = e.label().to_string();
                let r = store
                    .renew(&label, &kdbman::store::RenewOptions::default())
                    .map_err(|e| GskError::from_kdbman(&e))?;
                for l in &r.left_out {
                    crate::cli::warn(&format!(
                        "the certificate of `{}` has {l}, which the request does not carry",
                        kdbman::text::escape(&r.label)
                    ));
                }
                r.csr
            }
            _ => {
                return Err(GskError::from_kdbman(&Error::WrongKind {
                    store: store.path().to_path_buf(),
                    label: e.label().to_string(),
                    found: e.kind(),
                    needed: kdbman::error::Needed::Personal,
                }));
            }
        };
        let bytes = match encoding(inv)? {
            "der" => der,
            _ => kdbman::pki::pem_encode("CERTIFICATE REQUEST", &der).into_bytes(),
        };
        ops::write_public(&target, &bytes, true, store.path())
            .map_err(|e| GskError::from_kdbman(&e))
    }
}

fn unreachable_action() -> R<()> {
    Err(GskError::usage(
        "no action given".to_string(),
        "run -help for the objects and actions".to_string(),
    ))
}

/// A label as GSKit gives an unlabelled CA: its subject DN, most specific
/// RDN first.
fn subject_label(c: &x509_parser::certificate::X509Certificate<'_>) -> String {
    let dn = kdbman::pki::dn::display(c.subject());
    if dn.is_empty() {
        "CA certificate".to_string()
    } else {
        dn
    }
}

/// The entry with this label (case-insensitively). `-cert` actions see
/// personal and signer entries, `-certreq` actions requests: GSKit keeps
/// requests in the separate .rdb file.
fn find<'a>(store: &'a Store, label: &str, request: bool) -> R<&'a Entry> {
    store
        .entries()
        .iter()
        .find(|e| {
            e.label().eq_ignore_ascii_case(label) && (e.kind() == EntryKind::Request) == request
        })
        .ok_or_else(|| {
            GskError::from_kdbman(&Error::LabelNotFound {
                store: store.path().to_path_buf(),
                label: label.to_string(),
            })
        })
}

fn find_any<'a>(store: &'a Store, label: &str) -> R<&'a Entry> {
    store
        .entries()
        .iter()
        .find(|e| e.label().eq_ignore_ascii_case(label))
        .ok_or_else(|| {
            GskError::from_kdbman(&Error::LabelNotFound {
                store: store.path().to_path_buf(),
                label: label.to_string(),
            })
        })
}

fn bad_entry(store: &Store, text: String) -> GskError {
    GskError::from_kdbman(&Error::BadInput {
        what: format!("an entry of {}", store.path().display()),
        detail: text,
        code: Some("SSL0224E"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_rules() {
        assert_eq!(strong_problem("Abcdefgh1jklmn"), None);
        assert!(strong_problem("Abcdefgh1jklm").unwrap().contains("14"));
        assert!(strong_problem("abcdefgh1jklmn").unwrap().contains("upper"));
        assert!(strong_problem("ABCDEFGH1JKLMN").unwrap().contains("lower"));
        assert!(strong_problem("Abcdefghijklmn").unwrap().contains("digit"));
        assert!(
            strong_problem("Abcaefgahiaj1a")
                .unwrap()
                .contains("more than 3")
        );
        assert!(
            strong_problem("Abcdddefgh1jkl")
                .unwrap()
                .contains("in a row")
        );
        assert!(strong_problem("Abcdéfgh1jklmno").unwrap().contains("ASCII"));
    }
}
