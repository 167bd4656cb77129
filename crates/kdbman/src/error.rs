//! The library's one error type.
//!
//! Variants carry the facts (which file, which label, which bound) so that
//! every front end can word them; [`Error::code`] gives the IBM HTTP Server
//! catalogue code where one applies. What to do about an error is not
//! worded here: kdbman's own advice is `crate::advice`, the gsk8capicmd
//! front end words its own.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::kinds::KdfLimit;

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What would let a refused action go ahead ([`Error::Unsupported`],
/// [`Error::NotApproved`]): data, which each front end words in its own
/// vocabulary (`crate::advice` for kdbman's command line).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Receive or delete the store's pending requests first, or convert
    /// to a format that holds requests.
    SettleRequests,
    /// Keep requests in a format that holds them (convert the store).
    KeepRequestsElsewhere,
    /// Leave the password expiry out; kdbman's own format enforces one
    /// (`or_cms`: a CMS store would take it too).
    LeaveOutExpiry { or_cms: bool },
    /// Write a converted copy under another name instead.
    ConvertToCopy,
    /// Name the certificate by its label (`store` can also mark a default).
    NameTheLabel { store: Option<PathBuf> },
    /// Remove the unread CRL records with GSKit, or move `companion`
    /// aside if they are not needed.
    ClearCrls { companion: PathBuf },
    /// Sign with an RSA key of 2048 bits or more, or an ECDSA key.
    StrongerSigningKey,
    /// Ask for a SHA-2 signature hash.
    Sha2Signature,
    /// Re-export the input with AES, or import it without the FIPS policy.
    ReexportWithAes,
    /// Export with the default AES-256 encryption, not the legacy one.
    ExportWithAes,
    /// What the front end that made the error said (its own words).
    Worded(String),
}

/// Broad classes of failure, for front ends that map them to exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A file could not be read or written (permissions, missing, disk).
    Io,
    /// The file is no store kdbman reads (it says what it is), or a store
    /// of a version this kdbman cannot read.
    NotAStore,
    /// The store file is damaged (header or payload).
    Damaged,
    /// The password does not open the store.
    WrongPassword,
    /// The stash file cannot open the store.
    Stash,
    /// A wrong password and a damaged header cannot be told apart.
    Undecided,
    /// An entry was not found, or the change would duplicate a label or key.
    Entry,
    /// An input file (certificate, key, PKCS#12, request) is unusable.
    Input,
    /// The request itself is inconsistent (bad option value, missing source).
    Usage,
    /// A certificate chain does not validate (a finding, not a failure to run).
    Validation,
}

/// What is wrong with a damaged file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Damage {
    /// The file ends before the structure it announces.
    Truncated { expected: u64, actual: u64 },
    /// The file is longer than the structure it announces.
    TrailingBytes { extra: u64 },
    /// The magic bytes are close to, but not, kdbman's.
    Magic,
    /// The header's SHA-256 checksum does not match its contents.
    HeaderChecksum,
    /// A header field is missing, repeated or out of range.
    HeaderField { field: &'static str },
    /// The password is right but the header fields it seals (ids, expiry,
    /// wrapped key) were altered: edited, or damaged before the checksum
    /// was written. (An altered KDF record changes the derived key, so it
    /// reads as a wrong password.)
    SealedFields,
    /// The payload failed authentication although the password is right.
    PayloadAuthentication,
    /// The payload decrypted but its DER encoding is invalid.
    PayloadEncoding { detail: String },
    /// A stash file's checksum does not match its contents.
    Checksum,
    /// CMS: the integrity MAC over the records fails although the
    /// password is proven right.
    IntegrityMac,
    /// CMS: a private key decrypts with the password, so it is right, but
    /// the header's password verifier does not match it.
    VerifierMac,
    /// CMS: record `index` (from 1) is malformed.
    Record { index: usize, detail: String },
    /// CMS: the request database beside the key database does not open
    /// with the key database's (proven) password.
    CompanionMismatch,
    /// CMS: a header field covered by the password verifier (record count,
    /// slot size) reads `found`, but with `expected` in its place (the value
    /// the file's length implies, or GSKit's slot size) the verifier
    /// matches: the password is right and the field was altered.
    HeaderFieldAltered {
        field: &'static str,
        found: u64,
        expected: u64,
    },
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::Truncated { expected, actual } => write!(
                f,
                "truncated: {actual} bytes where at least {expected} are needed"
            ),
            Damage::TrailingBytes { extra } => {
                write!(f, "{extra} unexpected bytes after the end of the data")
            }
            Damage::Magic => f.write_str("its identifying bytes are damaged"),
            Damage::HeaderChecksum => f.write_str("the header checksum does not match"),
            Damage::HeaderField { field } => write!(f, "header field {field} is invalid"),
            Damage::SealedFields => f.write_str(
                "the password is right, but the fields it seals (store id, password epoch, expiry, wrapped key) were altered",
            ),
            Damage::PayloadAuthentication => {
                f.write_str("the encrypted entries fail their integrity check")
            }
            Damage::PayloadEncoding { detail } => {
                write!(f, "the decrypted entries are malformed ({detail})")
            }
            Damage::Checksum => f.write_str("its checksum does not match its contents"),
            Damage::IntegrityMac => f.write_str(
                "the integrity MAC over its records does not match, although the password is right",
            ),
            Damage::VerifierMac => f.write_str(
                "the password is right (it decrypts a private key), but the header's password verifier does not match",
            ),
            Damage::Record { index, detail } => write!(f, "record {index} is malformed: {detail}"),
            Damage::CompanionMismatch => f.write_str(
                "it does not open with the password of its key database (another store's file, or a damaged header)",
            ),
            Damage::HeaderFieldAltered {
                field,
                found,
                expected,
            } => write!(
                f,
                "header field {field} was altered: it reads {found}, but the password verifier matches with {expected} there, so the password is right and the header was written with {expected}"
            ),
        }
    }
}

pub use crate::kinds::FileKind;

/// The former name of [`FileKind`].
pub type ForeignFormat = FileKind;

/// Why a password cannot be used: refused before anything is written, so
/// that no store or stash is made that could never be opened again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordProblem {
    /// The password is empty.
    Empty,
    /// The password is longer than `format` holds.
    TooLong { max: usize, format: &'static str },
    /// The password holds a NUL byte, where `format` ends a password: a
    /// GSKit stash (and GSKit itself, which reads C strings).
    Nul { format: &'static str },
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::Empty => f.write_str("it is empty"),
            PasswordProblem::TooLong { max, format } => {
                write!(f, "it is longer than {max} bytes, all {format} holds")
            }
            PasswordProblem::Nul { format } => write!(
                f,
                "it holds a NUL byte, where {format} ends a password (it could never be read back)"
            ),
        }
    }
}

/// Why a stash file cannot open its store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StashProblem {
    /// The stash file does not exist.
    Missing,
    /// A GSKit stash (not bound to its store) holds a password the store
    /// rejects: it is stale (the password changed) or another store's.
    StaleOrForeign,
    /// The stash is damaged or not a stash at all.
    Damaged(Damage),
    /// The stash was written for another store.
    Foreign,
    /// The store's password was changed after the stash was written.
    Stale,
    /// The stash matches the store but its password does not open it.
    Rejected,
    /// The stash is readable by group or others.
    Permissions { mode: u32 },
    /// The stash is of a version this kdbman does not read.
    UnsupportedVersion { version: u16 },
}

/// What is wrong with a commit marker (see `kdbman-cms(5)`, CRASH SAFETY).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MarkerProblem {
    /// The marker is a symbolic link.
    MarkerLink,
    /// The marker is not a regular file.
    MarkerNotAFile,
    /// The marker belongs to another user than the store's owner (or has
    /// more than one name).
    MarkerOwner { uid: u32, expected: u32 },
    /// The marker is longer than any kdbman writes.
    TooLong { len: u64 },
    /// The marker lists nothing.
    Empty,
    /// A line is not a staged file of the store's own set (`what` says why).
    Malformed {
        line: usize,
        what: &'static str,
        text: String,
    },
    /// A staged file is a symbolic link.
    StagedLink { name: String },
    /// A staged file is not a regular file.
    StagedNotAFile { name: String },
    /// A staged file belongs to another user.
    StagedOwner {
        name: String,
        uid: u32,
        expected: u32,
    },
    /// A staged file has other names (hard links) too.
    StagedLinks { name: String, links: u64 },
    /// A staged file could not be opened.
    Unreadable { name: String, error: String },
}

impl fmt::Display for MarkerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkerProblem::MarkerLink => write!(f, "the marker is a symbolic link"),
            MarkerProblem::MarkerNotAFile => write!(f, "the marker is not a regular file"),
            MarkerProblem::MarkerOwner { uid, expected } => write!(
                f,
                "the marker belongs to uid {uid} (or has several names), not to the store's owner (uid {expected})"
            ),
            MarkerProblem::TooLong { len } => {
                write!(
                    f,
                    "the marker is {len} bytes long, more than kdbman ever writes"
                )
            }
            MarkerProblem::Empty => write!(f, "the marker lists no file"),
            MarkerProblem::Malformed { line, what, text } => {
                write!(f, "line {line} (\"{text}\") is {what}")
            }
            MarkerProblem::StagedLink { name } => {
                write!(f, "the staged file {name} is a symbolic link")
            }
            MarkerProblem::StagedNotAFile { name } => {
                write!(f, "the staged file {name} is not a regular file")
            }
            MarkerProblem::StagedOwner {
                name,
                uid,
                expected,
            } => write!(
                f,
                "the staged file {name} belongs to uid {uid}, not to the store's owner (uid {expected})"
            ),
            MarkerProblem::StagedLinks { name, links } => write!(
                f,
                "the staged file {name} has {links} names (hard links), where kdbman makes one"
            ),
            MarkerProblem::Unreadable { name, error } => {
                write!(f, "the staged file {name} cannot be opened: {error}")
            }
        }
    }
}

/// An attribute a rewrite keeps of the file it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kept {
    Owner { uid: u32, gid: u32 },
    Mode(u32),
    Acl,
    SelinuxLabel,
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kept::Owner { uid, gid } => write!(f, "its owner and group (uid {uid}, gid {gid})"),
            Kept::Mode(m) => write!(f, "its mode {m:04o}"),
            Kept::Acl => write!(f, "its ACL"),
            Kept::SelinuxLabel => write!(f, "its SELinux label"),
        }
    }
}

/// Which kind of entry an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Needed {
    Personal,
    Signer,
    Request,
    Certificate,
}

impl fmt::Display for Needed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Needed::Personal => "a personal certificate (certificate with private key)",
            Needed::Signer => "a signer certificate",
            Needed::Request => "a certificate request",
            Needed::Certificate => "an entry with a certificate",
        })
    }
}

/// The kdbman library error.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading, writing or locking a file failed.
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// A file to be created exists already.
    AlreadyExists { path: PathBuf },
    /// The file is no store kdbman reads: `found` says what it is (a
    /// foreign format, or a CMS file of a version kdbman does not read).
    NotAStore { path: PathBuf, found: FileKind },
    /// A kdbman native store of a format version this kdbman cannot read
    /// (CMS files of another version are [`Error::NotAStore`]).
    UnsupportedVersion { path: PathBuf, version: u16 },
    /// The store header is damaged.
    DamagedHeader { path: PathBuf, damage: Damage },
    /// The header asks for a key derivation beyond kdbman's bounds.
    KdfCostRefused { path: PathBuf, limit: KdfLimit },
    /// The password does not open the store.
    WrongPassword { path: PathBuf },
    /// CMS: the header's verifier rejects the password and the store has no
    /// private key to prove it either way: a wrong password, or a damaged
    /// header (`stash`: the password came from this stash).
    WrongPasswordOrDamaged {
        path: PathBuf,
        stash: Option<PathBuf>,
    },
    /// The store's format cannot hold what was asked (`why` says why;
    /// `remedy`, what would let it go ahead).
    Unsupported {
        path: PathBuf,
        what: &'static str,
        why: String,
        remedy: Remedy,
    },
    /// The store's encrypted payload is damaged.
    DamagedPayload { path: PathBuf, damage: Damage },
    /// CMS: a change to `store` must rewrite its companion file (`.rdb`,
    /// `.crl`), which could not be used when the store was opened
    /// (`problem`); refused before anything was written.
    CompanionUnusable {
        store: PathBuf,
        companion: PathBuf,
        action: &'static str,
        problem: std::sync::Arc<Error>,
    },
    /// The stash file cannot open the store.
    Stash {
        stash: PathBuf,
        store: PathBuf,
        problem: StashProblem,
    },
    /// No entry has this label.
    LabelNotFound { store: PathBuf, label: String },
    /// An entry exists but is of the wrong kind for the operation.
    WrongKind {
        store: PathBuf,
        label: String,
        found: crate::kinds::EntryKind,
        needed: Needed,
    },
    /// Another entry already has this label (labels compare case-insensitively).
    DuplicateLabel {
        store: PathBuf,
        label: String,
        existing: String,
    },
    /// Another entry already holds this key or certificate.
    DuplicateKey {
        store: PathBuf,
        label: String,
        existing: String,
    },
    /// The store has no default personal certificate.
    NoDefault { store: PathBuf },
    /// A password was empty or otherwise unusable.
    BadPassword { reason: PasswordProblem },
    /// A certificate, key, request or PKCS#12 input is unusable.
    BadInput {
        what: String,
        detail: String,
        code: Option<&'static str>,
    },
    /// A server configuration or labels file lint reads is unusable
    /// (`at`: `FILE:LINE`), and what to do about it.
    Config {
        at: String,
        detail: String,
        fix: String,
    },
    /// An option value or combination is invalid.
    Usage { detail: String },
    /// An algorithm the chosen policy does not allow (`policy`: "FIPS 140").
    NotApproved {
        what: String,
        policy: &'static str,
        remedy: Remedy,
    },
    /// The password does not open an input file (PKCS#12, encrypted key).
    InputPassword { path: PathBuf },
    /// An entry's certificate chain does not validate (SSL0208E, SSL0221E).
    Chain {
        label: String,
        problem: crate::chain_problem::ChainProblem,
    },
    /// A certificate a server would present is outside its validity period
    /// (`is_default`: chosen as the store's default, as IHS words it).
    CertificateDates {
        label: String,
        not_before: i64,
        not_after: i64,
        now: i64,
        is_default: bool,
    },
    /// The store's password expired at `expired` (Unix seconds).
    PasswordExpired { path: PathBuf, expired: i64 },
    /// The protocol and cipher settings leave no cipher suite at all.
    NoCiphers {
        requested: Vec<String>,
        min_tls: &'static str,
    },
    /// Cipher suites remain, but none can sign with this entry's key.
    NoCipherForKey { label: String, key: String },
    /// The server cannot listen on an address.
    Listen { addr: String, source: io::Error },
    /// No password was given and there is no terminal to ask at
    /// (`flags` names the options that give this password).
    NoPassword {
        what: &'static str,
        flags: &'static str,
    },
    /// A password was given more than one way.
    PasswordSources {
        what: &'static str,
        flags: &'static str,
    },
    /// The environment variable named for a password is unset or not UTF-8.
    PasswordEnv { var: String, what: &'static str },
    /// The two entries of a new password at the prompt differ.
    PasswordMismatch { what: &'static str },
    /// The password prompt ended (end of input) before a password was typed.
    PromptClosed {
        what: &'static str,
        flags: &'static str,
    },
    /// A store, stash or input path names something other than a regular
    /// file (`kind`: a FIFO, a device, a socket, a directory), which
    /// kdbman refuses without reading: a FIFO would block, a device never
    /// end.
    NotRegularFile { path: PathBuf, kind: &'static str },
    /// A file is larger than kdbman reads for its role; refused before
    /// reading (`env` raises the cap, where one does).
    TooLarge {
        path: PathBuf,
        size: u64,
        cap: u64,
        env: Option<&'static str>,
    },
    /// The key derivations a file asks for add up to more than the cap:
    /// refused before the work that would pass it.
    KdfWorkRefused {
        path: PathBuf,
        over: crate::limits::OverBudget,
    },
    /// A commit marker beside the store lists something that is not the
    /// store's own staged file; nothing was moved.
    CommitMarker {
        marker: PathBuf,
        problem: MarkerProblem,
    },
    /// A path to write to is a symbolic link owned by another user, which
    /// kdbman does not follow.
    ForeignLink { link: PathBuf, owner: u32 },
    /// An output file is one of the store's own files.
    OutputIsStoreFile {
        target: PathBuf,
        store_file: PathBuf,
    },
    /// A file of the store's set (its stash, its .rdb) belongs to another
    /// user than the store's owner: not written, as that user would then
    /// own what kdbman wrote.
    ForeignCompanion {
        path: PathBuf,
        owner: u32,
        store_owner: u32,
    },
    /// A rewrite cannot give the new file an attribute of the old one;
    /// nothing was replaced.
    CannotKeep {
        path: PathBuf,
        what: Kept,
        source: io::Error,
    },
    /// A renewal with a new key is pending already for `label`: its
    /// request (and new key) is the entry `request`.
    RenewalPending {
        store: PathBuf,
        label: String,
        request: String,
    },
    /// The certificates of a file do not validate against a store's
    /// trusted signers (SSL0208E, SSL0221E).
    FileChain {
        file: PathBuf,
        store: PathBuf,
        problem: crate::chain_problem::ChainProblem,
    },
}

impl Error {
    /// The IBM HTTP Server catalogue code for this condition, where one applies.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Error::Io { .. } => "SSL0214E",
            Error::NotAStore { .. } | Error::UnsupportedVersion { .. } => "SSL0215E",
            Error::KdfCostRefused { .. } => "SSL0218E",
            Error::DamagedHeader { .. } | Error::DamagedPayload { .. } => "SSL0218E",
            Error::CompanionUnusable { problem, .. } => return problem.code(),
            Error::WrongPassword { .. } | Error::WrongPasswordOrDamaged { .. } => "SSL0218E",
            Error::Unsupported { .. } => return None,
            Error::Stash { .. } => "SSL0228E",
            Error::LabelNotFound { .. } | Error::WrongKind { .. } => "SSL0227E",
            Error::DuplicateLabel { .. } => "SSL0217E",
            Error::DuplicateKey { .. } => "SSL0216E",
            Error::NoDefault { .. } => "SSL0223E",
            Error::BadInput { code, .. } => return *code,
            Error::Config { .. } => return None,
            Error::Chain { problem, .. } => problem.code(),
            Error::InputPassword { .. } => return None,
            // As lint words it: an expired certificate in use is SSL0219E,
            // one not yet valid SSL0221E.
            Error::CertificateDates { not_after, now, .. } if now > not_after => "SSL0219E",
            Error::CertificateDates { .. } => "SSL0221E",
            Error::PasswordExpired { .. } => "SSL0219E",
            Error::NoCiphers { .. } => "SSL0222W",
            Error::NoCipherForKey { .. } => "SSL0213E",
            Error::Listen { .. } => return None,
            Error::NoPassword { .. }
            | Error::PasswordSources { .. }
            | Error::PasswordEnv { .. }
            | Error::PasswordMismatch { .. }
            | Error::PromptClosed { .. } => return None,
            Error::AlreadyExists { .. }
            | Error::BadPassword { .. }
            | Error::Usage { .. }
            | Error::NotApproved { .. } => {
                return None;
            }
            Error::NotRegularFile { .. } | Error::TooLarge { .. } => "SSL0214E",
            Error::KdfWorkRefused { .. } => "SSL0218E",
            Error::CommitMarker { .. } => "SSL0214E",
            Error::ForeignLink { .. }
            | Error::OutputIsStoreFile { .. }
            | Error::ForeignCompanion { .. }
            | Error::CannotKeep { .. } => return None,
            Error::RenewalPending { .. } => "SSL0217E",
            Error::FileChain { problem, .. } => problem.code(),
        })
    }

    /// The broad class, for exit statuses.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Io { .. } | Error::AlreadyExists { .. } => ErrorClass::Io,
            Error::NotAStore { .. } | Error::UnsupportedVersion { .. } => ErrorClass::NotAStore,
            Error::DamagedHeader { .. }
            | Error::DamagedPayload { .. }
            | Error::KdfCostRefused { .. } => ErrorClass::Damaged,
            Error::WrongPassword { .. } => ErrorClass::WrongPassword,
            Error::WrongPasswordOrDamaged { .. } => ErrorClass::Undecided,
            // The companion's own problem (damage, a version kdbman does
            // not read, an unreadable file) decides the status.
            Error::CompanionUnusable { problem, .. } => problem.class(),
            Error::Unsupported { .. } => ErrorClass::Usage,
            Error::Stash { .. } => ErrorClass::Stash,
            Error::LabelNotFound { .. }
            | Error::WrongKind { .. }
            | Error::DuplicateLabel { .. }
            | Error::DuplicateKey { .. }
            | Error::NoDefault { .. } => ErrorClass::Entry,
            Error::BadInput { .. } | Error::Config { .. } => ErrorClass::Input,
            Error::BadPassword { .. } | Error::Usage { .. } | Error::NotApproved { .. } => {
                ErrorClass::Usage
            }
            Error::Chain { .. } => ErrorClass::Validation,
            Error::InputPassword { .. } => ErrorClass::WrongPassword,
            Error::CertificateDates { .. } => ErrorClass::Entry,
            Error::PasswordExpired { .. } => ErrorClass::WrongPassword,
            Error::NoCiphers { .. } | Error::NoCipherForKey { .. } => ErrorClass::Usage,
            Error::Listen { .. } => ErrorClass::Io,
            Error::NoPassword { .. }
            | Error::PasswordSources { .. }
            | Error::PasswordEnv { .. }
            | Error::PasswordMismatch { .. }
            | Error::PromptClosed { .. } => ErrorClass::Usage,
            Error::NotRegularFile { .. } | Error::TooLarge { .. } => ErrorClass::Io,
            Error::KdfWorkRefused { .. } => ErrorClass::Damaged,
            Error::CommitMarker { .. }
            | Error::ForeignLink { .. }
            | Error::ForeignCompanion { .. }
            | Error::CannotKeep { .. } => ErrorClass::Io,
            Error::OutputIsStoreFile { .. } => ErrorClass::Usage,
            Error::RenewalPending { .. } => ErrorClass::Entry,
            Error::FileChain { .. } => ErrorClass::Validation,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(f, "cannot {action} {}: {source}", path.display())
            }
            Error::AlreadyExists { path } => write!(f, "{} exists already", path.display()),
            Error::NotAStore { path, found } => {
                let p = path.display();
                match found {
                    FileKind::Kdbman { .. } | FileKind::Cms { .. } | FileKind::Store { .. } => {
                        write!(f, "{p} is {found}, a version this kdbman cannot read")
                    }
                    FileKind::Jks | FileKind::Jceks => {
                        write!(f, "{p} is {found}, which kdbman does not read")
                    }
                    FileKind::Empty => {
                        write!(f, "{p} is not a key database: it is empty (0 bytes)")
                    }
                    FileKind::UnknownBytes(_) | FileKind::Unknown => {
                        write!(f, "{p} is not a key database: it is {found}")
                    }
                    _ => write!(f, "{p} is not a key database: it looks like {found}"),
                }
            }
            Error::UnsupportedVersion { path, version } => write!(
                f,
                "{} is a kdbman store of format version {version}, which this kdbman (format 1) cannot read",
                path.display()
            ),
            Error::DamagedHeader { path, damage } => {
                write!(f, "{} is damaged (header): {damage}", path.display())
            }
            Error::KdfCostRefused { path, limit } => write!(
                f,
                "{} asks for a key derivation beyond kdbman's bounds: {limit}; refused without running it",
                path.display()
            ),
            Error::WrongPassword { path } => {
                write!(f, "the password is incorrect for {}", path.display())
            }
            Error::WrongPasswordOrDamaged { path, stash } => write!(
                f,
                "{} does not open with {}: either that password is wrong or the store's header is damaged; the store holds no private key that could tell which",
                path.display(),
                match stash {
                    Some(s) => format!("the password in stash file {}", s.display()),
                    None => "this password".to_string(),
                }
            ),
            Error::Unsupported {
                path, what, why, ..
            } => {
                write!(f, "{} cannot {what}: {why}", path.display())
            }
            Error::DamagedPayload { path, damage } => {
                write!(f, "{} is damaged (entries): {damage}", path.display())
            }
            Error::CompanionUnusable {
                store,
                companion,
                action,
                problem,
            } => write!(
                f,
                "{} cannot {action}: that rewrites {}, which could not be used when the store was opened ({problem}); nothing was changed",
                store.display(),
                companion.display()
            ),
            Error::Stash {
                stash,
                store,
                problem,
            } => {
                let (s, st) = (stash.display(), store.display());
                match problem {
                    StashProblem::Missing => write!(f, "no stash file at {s} for {st}"),
                    StashProblem::StaleOrForeign => write!(
                        f,
                        "the password in stash file {s} does not open {st}: the stash is stale (the password was changed after it was written) or belongs to another store"
                    ),
                    StashProblem::Damaged(d) => write!(f, "stash file {s} is damaged: {d}"),
                    StashProblem::Foreign => {
                        write!(f, "stash file {s} was written for another store, not {st}")
                    }
                    StashProblem::Stale => write!(
                        f,
                        "stash file {s} is stale: the password of {st} was changed after it was written"
                    ),
                    StashProblem::Rejected => {
                        write!(f, "the password in stash file {s} does not open {st}")
                    }
                    StashProblem::Permissions { mode } => write!(
                        f,
                        "stash file {s} is accessible to group or others (mode {mode:04o}); refusing to use it"
                    ),
                    StashProblem::UnsupportedVersion { version } => {
                        write!(f, "stash file {s} has unsupported version {version}")
                    }
                }
            }
            Error::LabelNotFound { store, label } => {
                write!(f, "no entry is labelled `{label}` in {}", store.display())
            }
            Error::WrongKind {
                store,
                label,
                found,
                needed,
            } => write!(
                f,
                "`{label}` in {} is a {found} entry, not {needed}",
                store.display()
            ),
            Error::DuplicateLabel {
                store,
                label,
                existing,
            } => write!(
                f,
                "label `{label}` is taken in {}: entry `{existing}` has it",
                store.display()
            ),
            Error::DuplicateKey {
                store,
                label,
                existing,
            } => write!(
                f,
                "`{label}` would hold the same key as entry `{existing}` in {}",
                store.display()
            ),
            Error::NoDefault { store } => {
                write!(f, "{} has no default personal certificate", store.display())
            }
            Error::BadPassword { reason } => write!(f, "unusable password: {reason}"),
            Error::BadInput { what, detail, .. } => write!(f, "{what}: {detail}"),
            Error::Config { at, detail, .. } => write!(f, "{at}: {detail}"),
            Error::Usage { detail } => f.write_str(detail),
            Error::NotApproved { what, policy, .. } => {
                write!(f, "{what} is not approved under {policy}; refused")
            }
            Error::InputPassword { path } => write!(
                f,
                "the password is incorrect for {} (its integrity check fails)",
                path.display()
            ),
            Error::Chain { label, problem } => {
                write!(f, "the chain of `{label}` does not validate: {problem}")
            }
            Error::CertificateDates {
                label,
                not_before,
                not_after,
                now,
                is_default,
            } => {
                let which = if *is_default {
                    "default certificate"
                } else {
                    "certificate"
                };
                if now > not_after {
                    write!(
                        f,
                        "the {which} `{label}` expired at {}",
                        crate::time::rfc3339(*not_after)
                    )
                } else {
                    write!(
                        f,
                        "the {which} `{label}` is not valid until {}",
                        crate::time::rfc3339(*not_before)
                    )
                }
            }
            Error::PasswordExpired { path, expired } => write!(
                f,
                "the password of {} expired at {}",
                path.display(),
                crate::time::rfc3339(*expired)
            ),
            Error::NoCiphers { requested, min_tls } => write!(
                f,
                "no cipher suite is left: [{}] with TLS {min_tls} or later",
                requested.join(", ")
            ),
            Error::NoCipherForKey { label, key } => write!(
                f,
                "none of the enabled cipher suites can be used with the {key} key of `{label}`"
            ),
            Error::Listen { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            Error::NoPassword { what, .. } => write!(
                f,
                "no password given for the {what}, and standard input is not a terminal to ask at"
            ),
            Error::PasswordSources { what, .. } => {
                write!(f, "the {what} is given more than one way")
            }
            Error::PasswordEnv { var, what } => write!(
                f,
                "environment variable {var} (for the {what}) is not set or not UTF-8"
            ),
            Error::PasswordMismatch { what } => {
                write!(
                    f,
                    "the two entries of the {what} differ; nothing was changed"
                )
            }
            Error::PromptClosed { what, .. } => write!(
                f,
                "the prompt for the {what} ended before a password was typed"
            ),
            Error::NotRegularFile { path, kind } => write!(
                f,
                "{} is {kind}, not a regular file; refused without reading it",
                path.display()
            ),
            Error::TooLarge {
                path, size, cap, ..
            } => write!(
                f,
                "{} is larger than kdbman reads for its kind of file (at least {size} bytes; the cap is {cap}); refused",
                path.display()
            ),
            Error::KdfWorkRefused { path, over } => write!(f, "{}: {over}", path.display()),
            Error::CommitMarker { marker, problem } => write!(
                f,
                "refusing the commit marker {}: {problem}; nothing was moved",
                marker.display()
            ),
            Error::ForeignLink { link, owner } => write!(
                f,
                "{} is a symbolic link owned by uid {owner}: kdbman writes through links only when they are yours or root's",
                link.display()
            ),
            Error::ForeignCompanion {
                path,
                owner,
                store_owner,
            } => write!(
                f,
                "refusing to write {}: it belongs to uid {owner}, not to the store's owner (uid {store_owner}), who would then own what kdbman writes there",
                path.display()
            ),
            Error::OutputIsStoreFile { target, store_file } => write!(
                f,
                "refusing to write {}: it is {}, a file of the store itself",
                target.display(),
                store_file.display()
            ),
            Error::CannotKeep { path, what, source } => write!(
                f,
                "cannot rewrite {} keeping {what}: {source}",
                path.display()
            ),
            Error::RenewalPending {
                store,
                label,
                request,
            } => write!(
                f,
                "a renewal of `{label}` with a new key is pending already in {}: request `{request}` holds its new key",
                store.display()
            ),
            Error::FileChain {
                file,
                store,
                problem,
            } => write!(
                f,
                "the certificate in {} is not trusted by the signers of {}: {problem}",
                file.display(),
                store.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. }
            | Error::Listen { source, .. }
            | Error::CannotKeep { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }

    pub(crate) fn input(what: impl Into<String>, detail: impl fmt::Display) -> Self {
        Error::BadInput {
            what: what.into(),
            detail: detail.to_string(),
            code: None,
        }
    }
}
