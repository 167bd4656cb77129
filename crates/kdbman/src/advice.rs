//! kdbman's advice: what to do about an [`Error`] or a [`ChainProblem`],
//! worded for kdbman's command line and its reports (lint, probe).
//!
//! The error types carry the facts and say nothing of what to do; this
//! module is the one place that words kdbman's fixes, naming its commands
//! and options. The gsk8capicmd front end words its own
//! (`src/cli/gsk/advice.rs`), in gsk8capicmd's vocabulary.

use std::io;

use crate::chain_problem::ChainProblem;
use crate::error::{Error, FileKind, Kept, PasswordProblem, Remedy, StashProblem};
use crate::kinds::CmsContent;

/// What the user should do about `e`, in one or two sentences of
/// kdbman's command line.
pub fn fix(e: &Error) -> String {
    match e {
        Error::Io { path, action, source } => match source.kind() {
            // Only a store gets the hint to create one (by its usual
            // extension): for a missing input file it would mislead.
            io::ErrorKind::NotFound
                if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("kdb")) =>
            {
                format!(
                    "check the path {}; create a store with `kdbman keydb create --db PATH`",
                    path.display()
                )
            }
            io::ErrorKind::NotFound => format!(
                "check the path {} (relative paths start from the current directory)",
                path.display()
            ),
            io::ErrorKind::PermissionDenied => format!(
                "give the user running kdbman permission to {action} {} (check owner and mode)",
                path.display()
            ),
            io::ErrorKind::IsADirectory => {
                "name the store file itself, not its directory".to_string()
            }
            io::ErrorKind::StorageFull | io::ErrorKind::FileTooLarge => format!(
                "free space on the disk holding {} (or raise the file size limit) and retry; a failed write leaves the old file as it was",
                path.display()
            ),
            io::ErrorKind::ReadOnlyFilesystem => format!(
                "{} is on a read-only filesystem: remount it read-write, or copy the store elsewhere",
                path.display()
            ),
            _ => format!(
                "check {} and the disk it is on; a failed write leaves the old file as it was",
                path.display()
            ),
        },
        Error::AlreadyExists { path } => format!(
            "choose another path, or delete {} first if you really mean to replace it",
            path.display()
        ),
        Error::NotAStore { path, found } => not_a_store_fix(path, *found),
        Error::UnsupportedVersion { .. } => {
            "open it with the newer kdbman that wrote it, or export it from there".into()
        }
        Error::DamagedHeader { .. } | Error::DamagedPayload { .. } => {
            "restore the store from a backup; the password is not the problem, so re-entering or re-stashing it will not help".into()
        }
        Error::CompanionUnusable { companion, .. } => format!(
            "restore {} from a backup (or move it aside if what it holds is not needed: kdbman then writes a new one); commands that only read the store still work",
            companion.display()
        ),
        Error::KdfCostRefused { .. } => "the header was damaged or crafted; restore the store from a backup".into(),
        Error::WrongPassword { .. } => {
            "use the password the store was created with (or last changed to); the file itself is intact".into()
        }
        Error::WrongPasswordOrDamaged { path, stash: None } => format!(
            "retry with the store's password; if you are sure of it, {} is damaged: restore it from a backup",
            path.display()
        ),
        Error::WrongPasswordOrDamaged { path, stash: Some(_) } => format!(
            "re-stash the right password with `kdbman keydb stashpw --db {}`; if the stash is current, the store is damaged: restore it from a backup",
            path.display()
        ),
        Error::Unsupported { remedy, .. } => remedy_fix(remedy),
        Error::Stash { store, problem, .. } => match problem {
            StashProblem::Permissions { .. } => format!(
                "run `chmod 600` on the stash (or pass --allow-insecure-stash), then re-stash with `kdbman keydb stashpw --db {}`",
                store.display()
            ),
            StashProblem::UnsupportedVersion { .. } => "re-stash with this kdbman: `kdbman keydb stashpw`".into(),
            StashProblem::Stale => format!(
                "the stash holds a password from before the last change: stash the current one with `kdbman keydb stashpw --db {}` (`keydb changepw --stash` keeps them together)",
                store.display()
            ),
            StashProblem::StaleOrForeign => format!(
                "if the stash belongs to another store, name this store's with --stash; otherwise the password was changed after it was written: stash the current one with `kdbman keydb stashpw --db {}`",
                store.display()
            ),
            StashProblem::Foreign => format!(
                "name this store's own stash with --stash (by default the .sth beside it), or write one with `kdbman keydb stashpw --db {}`",
                store.display()
            ),
            StashProblem::Rejected => format!(
                "the stash is this store's, yet its password fails: check the store with `kdbman keydb details --db {}` and the password, then write the stash again with `kdbman keydb stashpw`",
                store.display()
            ),
            StashProblem::Missing => format!(
                "write one with `kdbman keydb stashpw --db {}`, or give the password another way (--pw-env, --pw-file, --pw-stdin)",
                store.display()
            ),
            _ => format!(
                "a stash cannot be repaired: write a new one with the store's password, `kdbman keydb stashpw --db {}`",
                store.display()
            ),
        },
        Error::LabelNotFound { store, .. } => format!(
            "list the labels with `kdbman cert list --db {}`",
            store.display()
        ),
        Error::WrongKind { store, needed, .. } => format!(
            "choose a label of {needed}; `kdbman cert list --db {}` shows each entry's kind",
            store.display()
        ),
        Error::DuplicateLabel { .. } => {
            "choose another label, or rename or delete the existing entry first".into()
        }
        Error::DuplicateKey { existing, .. } => format!(
            "the key is already in the store as `{existing}`; use that entry, or delete it first"
        ),
        Error::NoDefault { store } => format!(
            "name a label, or set one with `kdbman cert setdefault --db {} --label L`",
            store.display()
        ),
        Error::BadPassword { reason } => match reason {
            PasswordProblem::Empty => "choose a non-empty password".into(),
            PasswordProblem::TooLong { max, .. } => {
                format!("choose a password of at most {max} bytes")
            }
            PasswordProblem::Nul { .. } => {
                "choose a password without a NUL byte (check the password file: one line of text, ending in LF or CRLF)".into()
            }
        },
        Error::BadInput { code: Some("SSL0225E"), .. } => {
            "use an RSA (2048 bits or more), ECDSA P-256/P-384 or Ed25519 key and certificate".into()
        }
        Error::BadInput { code: Some("SSL0209E"), .. } => {
            "give the private key the certificate was issued for (or a certificate for this key)".into()
        }
        Error::Config { fix, .. } => fix.clone(),
        Error::BadInput { .. } => {
            "check that the file is the one you meant and complete (PEM or DER, not truncated); export it again from its source".into()
        }
        Error::Usage { .. } => "see `kdbman help` for the options".into(),
        Error::NotApproved { remedy, .. } => remedy_fix(remedy),
        Error::Chain { problem, .. } => chain_fix(problem),
        Error::InputPassword { .. } => "give the password the file was exported with (--file-pw-env VAR, --file-pw-file PATH or --file-pw-stdin)".into(),
        Error::CertificateDates { label, now, not_after, .. } if now > not_after => format!(
            "renew `{label}` (a new certificate from its CA, or `kdbman cert create` for a test one), or serve another entry with --label; check the system clock too"
        ),
        Error::CertificateDates { .. } => {
            "check the system clock; if it is right, wait until the certificate becomes valid or serve another entry with --label".into()
        }
        Error::PasswordExpired { path, .. } => format!(
            "set a new password with `kdbman keydb changepw --db {}` (and re-stash it)",
            path.display()
        ),
        Error::NoCiphers { .. } => {
            "name at least one suite that --min-tls allows (TLS13_* suites for 1.3), or leave --ciphers out".into()
        }
        Error::NoCipherForKey { key, .. } => format!(
            "add a suite that can use an {key} key (TLS13_* suites work with any key; TLS 1.2 needs ECDHE_ECDSA_* for EC and Ed25519 keys, ECDHE_RSA_* for RSA), or leave --ciphers out"
        ),
        Error::Listen { source, .. } => match source.kind() {
            io::ErrorKind::AddrInUse => {
                "another process holds that port: choose another with --listen (port 0 picks a free one)".into()
            }
            io::ErrorKind::PermissionDenied => {
                "ports below 1024 need privileges: choose a higher port with --listen".into()
            }
            _ => "check the address given with --listen".into(),
        },
        Error::NoPassword { flags, .. } => {
            format!("give it with {flags}, or run kdbman at a terminal to be asked for it")
        }
        Error::PasswordSources { flags, .. } => format!("keep only one of {flags}"),
        Error::PasswordEnv { var, .. } => format!(
            "export {var} with the password before running kdbman (check the spelling), or give the password another way"
        ),
        Error::PasswordMismatch { .. } => {
            "run the command again and type the same password twice".into()
        }
        Error::PromptClosed { flags, .. } => {
            format!("type the password and press Enter, or give it with {flags}")
        }
        Error::NotRegularFile { path, .. } => format!(
            "name the file itself: {} is not one (remove or rename it if it was planted where a store belongs)",
            path.display()
        ),
        Error::TooLarge { env: Some(env), .. } => format!(
            "check that it is the file you meant; if it really is that large, raise the cap with {env} (in MiB)"
        ),
        Error::TooLarge { .. } => "check that it is the file you meant (this kind of file is never that large)".into(),
        Error::KdfWorkRefused { over, .. } => format!(
            "the file was damaged or crafted, or made with a far higher cost than usual; if you trust it, raise the cap with {}",
            over.env
        ),
        Error::CommitMarker { marker, .. } => format!(
            "kdbman did not write this marker, or it was changed since: check who did (the directory may be writable by others), then remove {} yourself; the store's files were left as they are",
            marker.display()
        ),
        Error::ForeignLink { link, .. } => format!(
            "name the file the link points to, after checking it is the one you mean (`ls -l {}`), or remove the link",
            link.display()
        ),
        Error::ForeignCompanion { path, .. } => format!(
            "check who made {} and why; if it is not needed, remove it (or give it to the store's owner with chown) and run the command again",
            path.display()
        ),
        Error::OutputIsStoreFile { .. } => {
            "choose an output file that is not part of the store (its .kdb, .rdb, .sth, .crl or commit marker); nothing was written".into()
        }
        Error::CannotKeep { what: Kept::Owner { .. }, .. } => {
            "run as root, or as the file's owner when you belong to its group; or change the file's owner first (nothing was replaced)".into()
        }
        Error::CannotKeep { .. } => {
            "run as a user allowed to set it (root, or the file's owner), or remove it from the file first; nothing was replaced".into()
        }
        Error::RenewalPending { store, request, .. } => format!(
            "have that request signed and `kdbman cert receive` the certificate (`kdbman certreq extract --db {} --label '{request}' --target FILE` writes the request again), or delete it with `kdbman certreq delete --label '{request}'` to start over",
            store.display()
        ),
        Error::FileChain { problem, .. } => chain_fix(problem),
    }
}

/// The fix wherever a default cannot be used: name the certificate.
const NAME_THE_LABEL: &str = "name the certificate instead: `SSLServerCert LABEL` in httpd.conf (IHS), the certificate label of the queue manager or channel (MQ), or `--label` for kdbman serve and lint";

/// What would let a refused action go ahead, in kdbman's words.
pub fn remedy_fix(r: &Remedy) -> String {
    match r {
        Remedy::SettleRequests => "receive or delete the requests first (`kdbman certreq list`), or convert to cms or kdbman".into(),
        Remedy::KeepRequestsElsewhere => {
            "keep requests in a CMS or kdbman store (convert with `kdbman keydb convert`)".into()
        }
        Remedy::LeaveOutExpiry { or_cms: true } => {
            "leave --expire out, or create a CMS or kdbman store".into()
        }
        Remedy::LeaveOutExpiry { or_cms: false } => "leave --expire out (rotate the password on your own schedule), or use a kdbman store (--type kdbman) for an enforced expiry".into(),
        Remedy::ConvertToCopy => "name --target and --target-type to write a converted copy".into(),
        Remedy::NameTheLabel { store: None } => NAME_THE_LABEL.into(),
        Remedy::NameTheLabel { store: Some(db) } => format!(
            "{NAME_THE_LABEL}, or mark one with `kdbman cert setdefault --db {} --label L`",
            db.display()
        ),
        Remedy::ClearCrls { companion } => format!(
            "remove the CRLs with GSKit (gsk8capicmd -crl -delete), or move {} aside if they are not needed, then change the password",
            companion.display()
        ),
        Remedy::StrongerSigningKey => {
            "sign with an RSA key of 2048 bits or more, or an ECDSA key".into()
        }
        Remedy::Sha2Signature => {
            "ask for SHA-256, SHA-384 or SHA-512 (--hash sha256)".into()
        }
        Remedy::ReexportWithAes => "re-export the file with AES (openssl pkcs12 -export without -legacy, or kdbman cert export without --legacy), or import it without --fips".into(),
        Remedy::ExportWithAes => {
            "export with the default AES-256 encryption (leave out --legacy)".into()
        }
        Remedy::Worded(text) => text.clone(),
    }
}

/// What to do about a chain problem, in kdbman's words.
pub fn chain_fix(p: &ChainProblem) -> String {
    match p {
        ChainProblem::Expired { .. } => {
            "renew the certificate (or check the system clock)".into()
        }
        ChainProblem::NotYetValid { .. } => {
            "check the system clock, or wait until the certificate's start date".into()
        }
        ChainProblem::UntrustedRoot { .. } => {
            "add the root CA certificate as a trusted signer: `kdbman cert add --db STORE --label CA --file ROOT.pem`".into()
        }
        ChainProblem::MissingIssuer { .. } => {
            "add the missing intermediate CA certificate: `kdbman cert add --db STORE --label INTERMEDIATE --file CA.pem`".into()
        }
        ChainProblem::BadSignature { .. } => {
            "the certificate was not issued by the CA in the store with that name; add the right CA or re-import the chain".into()
        }
        ChainProblem::WeakSignature { .. } => {
            "have the certificate reissued with a SHA-256 (or stronger) signature; a trusted root's own MD5 or MD2 self-signature does not matter, but a certificate below it must not use one".into()
        }
        ChainProblem::WrongUsage { .. } => {
            "request a certificate whose extended key usage includes the purpose".into()
        }
        ChainProblem::CaCannotSign { .. } => {
            "use a CA certificate with basicConstraints CA:TRUE and keyUsage keyCertSign".into()
        }
        ChainProblem::LeafIsCa { .. } => {
            "use a certificate issued for the server or client, not a CA certificate".into()
        }
        ChainProblem::PathTooLong { .. } => {
            "re-issue the intermediate CA certificates under a CA whose pathLenConstraint allows them, or shorten the chain".into()
        }
        ChainProblem::UnsupportedKey { .. } => {
            "re-issue the chain with RSA keys of 2048 bits or more, or ECDSA P-256/P-384 or Ed25519".into()
        }
        ChainProblem::BudgetExhausted { .. } => {
            "remove the certificates that share a name with the chain's CAs but do not belong to it (old cross-certificates, namesakes), so that the chain up to a trusted signer is plain".into()
        }
        ChainProblem::TooManyIntermediates { .. } => {
            "send only the chain up to the trusted root, without extra CA certificates".into()
        }
        ChainProblem::Malformed { .. } | ChainProblem::Other { .. } => {
            "re-issue or re-import the certificate chain".into()
        }
    }
}

/// What to do with a file that is no store kdbman reads, by what it is.
fn not_a_store_fix(path: &std::path::Path, found: FileKind) -> String {
    let p = path.display();
    let stem = path.with_extension("p12");
    let p12 = stem.display();
    match found {
        FileKind::Cms {
            content: CmsContent::Requests | CmsContent::Crls,
            ..
        } => format!(
            "kdbman reads CMS versions {}; {p} holds only pending certificate requests or CRLs beside its key database: if none of them is needed, move it aside; otherwise work on the store with the GSKit tool that wrote it",
            crate::kinds::cms_versions_read()
        ),
        FileKind::Cms { .. } => format!(
            "kdbman reads CMS versions {}; export the store with the GSKit tool that opens it (`gsk8capicmd -keydb -convert -db {p} -new_format pkcs12 -target {p12}`), then use {p12} as the store or `kdbman cert import` it",
            crate::kinds::cms_versions_read()
        ),
        FileKind::Kdbman { .. } | FileKind::Store { .. } => {
            "open it with the newer kdbman that wrote it, or export it from there".into()
        }
        FileKind::Jks | FileKind::Jceks => format!(
            "convert it with `keytool -importkeystore -srckeystore {p} -srcstoretype {} -destkeystore {p12} -deststoretype pkcs12`, then use {p12} as the store (`kdbman cert list --db {p12}`) or bring its keys into another with `kdbman cert import --db STORE --file {p12}`",
            if found == FileKind::Jks { "jks" } else { "jceks" }
        ),
        FileKind::Pkcs12 => format!("import it into a store with `kdbman cert import --db STORE --file {p}`"),
        FileKind::Pem(blocks) if blocks.private_key() => format!(
            "bring it into a store with `kdbman cert import --db STORE --file {p}`"
        ),
        FileKind::Pem(blocks) if blocks.request() && !blocks.certificate() => {
            "send the request to your certificate authority, then `kdbman cert receive` the certificate it issues into the store that made the request".into()
        }
        FileKind::Pem(_) | FileKind::DerCertificate => format!(
            "add the certificates as signers with `kdbman cert add --db STORE --file {p}`, or import them with their key (`kdbman cert import --db STORE --file {p} --key KEY`)"
        ),
        FileKind::KeePass1 | FileKind::KeePass2 => format!(
            "KeePass holds passwords, not certificates: open {p} with KeePass (or KeePassXC), and point --db (or the server's key database setting) at the real key database"
        ),
        FileKind::KdbmanStash | FileKind::GskitStash => {
            "pass the store (.kdb) with --db; its stash beside it is read with --stashed".into()
        }
        FileKind::Empty => format!(
            "an empty file is a failed copy or an interrupted write: restore {p} from a backup, or delete it and create a store with `kdbman keydb create --db {p}`"
        ),
        FileKind::Unknown | FileKind::UnknownBytes(_) => format!(
            "check that {p} is the key database you meant (a CMS .kdb begins with the bytes 37 48, a PKCS#12 file with 30 8x … 02 01 03); a store copied in text mode (FTP ASCII) must be copied again in binary mode"
        ),
    }
}
