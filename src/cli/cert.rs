//! `kdbman cert`: entries with certificates.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use kdbman::pki::policy::HashRequest;
use kdbman::pki::{self, CertSpec, ExtKeyUsage, KeyType, KeyUsage, SubjectAltName};
use kdbman::store::{DefaultMark, cms};
use kdbman::{Entry, EntryKind, Error, Result};
use serde_json::{Value, json};

use super::exit;
use super::files::{Encoding, read_certificates};
use super::output;
use super::password::{FilePwArgs, PwArgs, TargetPwArgs};
use kdbman::clock::now;
use kdbman::ops;
use kdbman::text::escape as esc;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum KindFilter {
    All,
    Personal,
    Signer,
    Request,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Trust {
    Enable,
    Disable,
}

#[derive(Subcommand, Debug)]
pub enum CertAction {
    /// Create a key and a self-signed certificate as a personal entry
    Create {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the new entry
        #[arg(long)]
        label: String,
        /// Subject distinguished name, RFC 4514 (most specific first), e.g. "CN=www.example.com,O=Example,C=US"
        #[arg(long)]
        dn: String,
        /// Key type: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519
        #[arg(long, default_value = "rsa:2048", value_parser = parse_key_type)]
        key: KeyType,
        /// Subject alternative name, dns:NAME or ip:ADDR (repeatable)
        #[arg(long, value_name = "dns:NAME|ip:ADDR", value_parser = parse_san)]
        san: Vec<SubjectAltName>,
        /// Days of validity from now
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=36500))]
        days: u32,
        /// Make it a CA certificate (basicConstraints CA, keyCertSign, cRLSign)
        #[arg(long)]
        ca: bool,
        /// Key usages, comma-separated (default: digitalSignature,keyEncipherment; for a CA keyCertSign,cRLSign,digitalSignature)
        #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_ku)]
        key_usage: Option<Vec<KeyUsage>>,
        /// Extended key usages, comma-separated (default: serverAuth,clientAuth; none for a CA)
        #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_eku)]
        eku: Option<Vec<ExtKeyUsage>>,
        /// Make the new entry the default personal certificate
        #[arg(long)]
        default: bool,
        /// Signature hash: sha256, sha384 or sha512 (default: the key's own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so
        #[arg(long, value_name = "HASH", value_parser = |s: &str| s.parse::<HashRequest>())]
        hash: Option<HashRequest>,
        /// Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman's own cryptography is not a validated module
        #[arg(long)]
        fips: bool,
    },
    /// Add signer (CA) certificates from a PEM or DER file (one or a bundle)
    Add {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label; a bundle's further certificates get LABEL-2, LABEL-3, …
        #[arg(long)]
        label: String,
        /// PEM or DER certificate file
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        /// Whether the signer is trusted as a root
        #[arg(long, value_enum, default_value = "enable")]
        trust: Trust,
    },
    /// List entries (repeat --db to list several stores, each under its name)
    List {
        /// The key database (store) file
        #[arg(long, value_name = "PATH", required = true)]
        db: Vec<PathBuf>,
        #[command(flatten)]
        pw: PwArgs,
        /// Which kind of entries to list
        #[arg(long, value_enum, default_value = "all")]
        kind: KindFilter,
        /// Only certificates that expire within DAYS days (exit status 1 if any)
        #[arg(long, value_name = "DAYS")]
        expiring: Option<u32>,
        /// Print JSON instead of a table (the shape is in --help)
        #[arg(long, long_help = LIST_JSON)]
        json: bool,
    },
    /// Show an entry's certificate, key and chain
    Details {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the entry (labels compare case-insensitively)
        #[arg(long)]
        label: String,
        /// Print JSON instead of text (the shape is in --help)
        #[arg(long, long_help = DETAILS_JSON)]
        json: bool,
    },
    /// Make a personal entry the default
    #[command(long_about = SETDEFAULT_ABOUT)]
    Setdefault {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the personal entry to make the default
        #[arg(long)]
        label: String,
    },
    /// Print the default personal entry's label
    Getdefault {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Print JSON: {"label": "web"}, and for a CMS store "default_note", which says the mark is read on evidence from IBM-made files
        #[arg(long)]
        json: bool,
    },
    /// Rename an entry
    Rename {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Current label of the entry
        #[arg(long)]
        label: String,
        /// The new label (it must not be taken, case-insensitively)
        #[arg(long, value_name = "LABEL")]
        new_label: String,
    },
    /// Delete an entry
    Delete {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the entry to delete
        #[arg(long)]
        label: String,
    },
    /// Write an entry's certificate (with --with-key, also its private key) to a file
    Extract {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the entry whose certificate to write
        #[arg(long)]
        label: String,
        /// The file to write (mode 0644; 0600 with --with-key)
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        /// Output encoding
        #[arg(long, value_enum, default_value = "pem")]
        format: Encoding,
        /// Include the rest of the chain (PEM only)
        #[arg(long)]
        chain: bool,
        /// Also write the private key (unencrypted PKCS#8 PEM, before the certificates; the file is made mode 0600)
        #[arg(long)]
        with_key: bool,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
    },
    /// Import keys and certificates from PKCS#12 (.p12/.pfx) or PEM/DER files
    ///
    /// Each key becomes a personal entry with its chain (labelled by its
    /// friendly name, or --label when there is one key); other certificates
    /// become trusted signers unless the store has them already.
    Import {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// PKCS#12 file, or PEM (certificates and optionally a private key) or DER certificate
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        /// Private key file (PEM or DER: PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) for the certificates in --file
        #[arg(long, value_name = "PATH")]
        key: Option<PathBuf>,
        #[command(flatten)]
        file_pw: FilePwArgs,
        /// Label of the imported entry (when the file holds one key, or one certificate)
        #[arg(long, visible_alias = "new-label")]
        label: Option<String>,
        /// Make the imported personal entry the default
        #[arg(long)]
        default: bool,
        /// Use FIPS 140-approved algorithms only (refuses a PKCS#12 file encrypted with DES, 3DES or RC2); kdbman's own cryptography is not a validated module
        #[arg(long)]
        fips: bool,
    },
    /// Export a personal entry (key, chain, friendly name) or a signer to PKCS#12
    Export {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the personal or signer entry to export
        #[arg(long)]
        label: String,
        /// The PKCS#12 file to write (mode 0600)
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        #[command(flatten)]
        target_pw: TargetPwArgs,
        /// 3DES and an HMAC-SHA1 MAC, for old Java and Windows (default: AES-256-CBC, PBKDF2, HMAC-SHA256)
        #[arg(long)]
        legacy: bool,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
        /// Use FIPS 140-approved algorithms only (refuses --legacy's 3DES); kdbman's own cryptography is not a validated module
        #[arg(long)]
        fips: bool,
    },
    /// Turn a pending request into a personal entry with its signed certificate (or renew the personal entry that holds its key)
    Receive {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// The signed certificate, PEM (with its chain, if you have it) or DER
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        /// Make the new personal entry the default
        #[arg(long)]
        default: bool,
    },
    /// Write a request that renews a personal entry: same subject, names and usages (same key unless --new-key)
    #[command(long_about = RENEW_ABOUT)]
    Renew {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the personal entry to renew
        #[arg(long)]
        label: String,
        /// Make a new key (kept in the store as request LABEL-renewal until `cert receive`)
        #[arg(long)]
        new_key: bool,
        /// Type of the new key: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519 (default: the old key's type)
        #[arg(long, requires = "new_key", value_parser = parse_key_type)]
        key: Option<KeyType>,
        /// The file to write the request to, for the CA (mode 0644)
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        /// Output encoding
        #[arg(long, value_enum, default_value = "pem")]
        format: Encoding,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
        /// Signature hash: sha256, sha384 or sha512 (default: the key's own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so
        #[arg(long, value_name = "HASH", value_parser = |s: &str| s.parse::<HashRequest>())]
        hash: Option<HashRequest>,
        /// Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman's own cryptography is not a validated module
        #[arg(long)]
        fips: bool,
    },
    /// Sign a certificate request with a CA entry of the store
    Sign {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the CA (a personal entry with a CA certificate)
        #[arg(long)]
        label: String,
        /// The PKCS#10 request, PEM or DER
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
        /// Where to write the certificate
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        /// Days of validity from now
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=36500))]
        days: u32,
        /// Subject alternative names to use instead of the requested ones (repeatable)
        #[arg(long, value_name = "dns:NAME|ip:ADDR", value_parser = parse_san)]
        san: Vec<SubjectAltName>,
        /// Issue a CA certificate
        #[arg(long)]
        ca: bool,
        /// Output encoding
        #[arg(long, value_enum, default_value = "pem")]
        format: Encoding,
        /// Write the CA's chain after the certificate (PEM only)
        #[arg(long)]
        chain: bool,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
        /// Signature hash: sha256, sha384 or sha512 (default: the key's own, SHA-384 for ec:p384, else SHA-256); md5, sha1 and sha224 sign with SHA-256 and say so
        #[arg(long, value_name = "HASH", value_parser = |s: &str| s.parse::<HashRequest>())]
        hash: Option<HashRequest>,
        /// Use FIPS 140-approved algorithms only (refuses MD5 and SHA-1 signatures, RSA keys under 2048 bits); kdbman's own cryptography is not a validated module
        #[arg(long)]
        fips: bool,
    },
    /// Build and check the chain of an entry, or of a certificate file, to a trusted signer
    ///
    /// Checks signatures, validity at --at, basic constraints, keyUsage
    /// keyCertSign of the issuers and the extended key usage. A failing
    /// chain is a finding (exit status 1, SSL0208E; SSL0221E for dates).
    ///
    /// With --file, the first certificate of a PEM (or DER) file is checked
    /// with the file's other certificates as intermediates against the
    /// store's trusted signers: would a client holding this store trust a
    /// server presenting that chain? A failure names the certificate that
    /// is missing (the issuer of the last certificate reached) or why a
    /// link fails. A signer that is not a CA certificate (a peer's
    /// self-signed certificate) is checked as the certificate a peer
    /// presents.
    Validate {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the personal or signer entry to check
        #[arg(long, required_unless_present = "file", conflicts_with = "file")]
        label: Option<String>,
        /// A certificate file (PEM with its chain, or DER) to check against the store's signers instead of an entry
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Check at this time instead of now: 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS (as lint --at)
        #[arg(long, value_name = "TIME", value_parser = parse_at)]
        at: Option<i64>,
        /// The use the certificate must allow
        #[arg(long, value_enum, default_value = "server")]
        purpose: PurposeArg,
        /// Print JSON instead of text (the shape is in --help)
        #[arg(long, long_help = VALIDATE_JSON)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum PurposeArg {
    /// TLS server (extended key usage serverAuth, if the certificate has one)
    Server,
    /// TLS client (clientAuth)
    Client,
    /// Any use: the extended key usage is not checked
    Any,
}

/// The same times `lint --at` takes, so one habit serves both.
fn parse_at(s: &str) -> std::result::Result<i64, String> {
    super::values::parse_at(s).map_err(|e| e.to_string())
}

const SETDEFAULT_ABOUT: &str = "Make a personal entry the default: the certificate a server presents when it is not told a label.

In a kdbman store the default is a documented field. In a CMS key database (.kdb) kdbman marks it with flag bit 1 of the entry's record and clears that bit on every other record, leaving the record's other flag bits as they are. That reading rests on IBM-made files (the bit was seen on the one personal certificate of a store IBM's tooling made for MQ), not on IBM documentation: a GSKit server configured with a label (SSLServerCert, the queue manager's certificate label) does not depend on it. A PKCS#12 file has no default and is refused.";

const LIST_JSON: &str = r#"Print JSON instead of a table:

{"format": "cms", "default_note": "...", "entries": [{"label": "web", "kind": "personal", "default": true, "subject": "CN=www.example.com,O=Example,C=US", "not_after": "2027-12-29T10:00:00Z", "sha256": "<hex>", "serial": "<hex>", "trusted": true}, ...]}

format is cms, kdbman or pkcs12; kind is personal, signer or request; subject is null when unreadable; default is true or false, and null in a PKCS#12 file, which cannot say; in a CMS store it is flag bit 1 of the record, read as the default mark on evidence from IBM-made files rather than IBM documentation, which default_note (CMS stores only) says; serial is the certificate's serial number in hex (null for requests); not_after is RFC 3339 (null for requests); sha256 is the SHA-256 fingerprint of the certificate (of the request, for requests) in lower-case hex. With --kind or --expiring only the matching entries appear. Fields are only ever added.

With --db given more than once: {"stores": [{"store": "a.kdb", "format": "cms", "entries": [...]}, {"store": "b.kdb", "format": null, "error": {"code": "SSL0218E", "message": "...", "fix": "..."}, "entries": []}]}, one element per --db in order; a store that does not open has "error" (and the exit status is the worst of all)."#;

const DETAILS_JSON: &str = r#"Print JSON instead of text:

{"label": "web", "kind": "personal", "default": true, "trusted": false, "has_private_key": true, "private_key": "ECDSA P-256", "created": "<RFC 3339>", "certificate": CERT, "chain": [CERT, ...], "request": {"subject": "...", "sha256": "<hex>"}}

CERT is {"subject", "issuer", "serial" (hex), "not_before", "not_after" (RFC 3339), "subject_alt_names": ["dns:NAME", "ip:ADDR"], "is_ca", "key_usage": [...], "ext_key_usage": [...], "key": "ECDSA P-256", "signature_algorithm", "sha256"}, or {"error", "sha256"} for an unreadable certificate. default is null in a PKCS#12 file (it cannot say), and in a CMS store flag bit 1 of the record, read as the default mark on evidence from IBM-made files, which default_note (CMS stores only) then says; private_key is null without a key; certificate and chain (the issuers after the certificate) appear for entries with a certificate, request for requests. Fields are only ever added."#;

const VALIDATE_JSON: &str = r#"Print JSON instead of text:

{"label": "web", "valid": true, "at": "<RFC 3339>", "chain": ["<subject of the certificate>", ..., "<subject of the trusted signer>"]}

or, when the chain does not validate (exit status 1):

{"label": "web", "valid": false, "at": "<RFC 3339>", "code": "SSL0208E", "reason": "...", "fix": "..."}

With --file, "file": "<path>" takes the place of "label". Fields are only ever added."#;

const RENEW_ABOUT: &str = "Write a request that renews a personal entry: the subject of its certificate (byte for byte), its DNS and IP subject alternative names, key usage, extended key usage and CA flag. Have the CA sign it, then `kdbman cert receive --file CERT` replaces the entry's certificate under the same label, keeping its chain signers, its default mark and its creation time.

Without --new-key the request is for the entry's own key and nothing in the store changes (gsk8capicmd -certreq -recreate does the same); like the read commands, it then opens the store with the stash beside it when no password source is given. With --new-key a new key is made and kept, with the request, as the pending request LABEL-renewal (in the store, or in the .rdb beside a CMS store, as `certreq create` keeps requests); the entry and its old key stay in use until `cert receive` of the signed certificate replaces both and removes the request. A second --new-key renewal while one is pending is refused: receive it, or `certreq delete` it first. What the certificate has and a request made by kdbman cannot carry (email or URI names, other extended key usages) is named in a warning.";

fn parse_key_type(s: &str) -> std::result::Result<KeyType, String> {
    s.parse()
}
fn parse_san(s: &str) -> std::result::Result<SubjectAltName, String> {
    s.parse()
}
fn parse_ku(s: &str) -> std::result::Result<KeyUsage, String> {
    s.parse()
}
fn parse_eku(s: &str) -> std::result::Result<ExtKeyUsage, String> {
    s.parse()
}

pub fn run(action: CertAction) -> Result<u8> {
    match action {
        CertAction::Import {
            db,
            pw,
            file,
            key,
            file_pw,
            label,
            default,
            fips,
        } => import(
            &db,
            &pw,
            &file,
            key.as_deref(),
            &file_pw,
            ImportAs {
                label: label.as_deref(),
                default,
                policy: super::policy(fips),
            },
        ),
        CertAction::Export {
            db,
            pw,
            label,
            target,
            target_pw,
            legacy,
            force,
            fips,
        } => {
            let profile = if legacy {
                kdbman::pki::pkcs12::Profile::Legacy
            } else {
                kdbman::pki::pkcs12::Profile::Modern
            };
            profile.check(super::policy(fips))?;
            export(&db, &pw, &label, &target, &target_pw, legacy, force)
        }
        CertAction::Receive {
            db,
            pw,
            file,
            default,
        } => receive(&db, &pw, &file, default),
        CertAction::Sign {
            db,
            pw,
            label,
            file,
            target,
            days,
            san,
            ca,
            format,
            chain,
            force,
            hash,
            fips,
        } => {
            let policy = super::policy(fips);
            let key = pw.key(&db)?;
            let signed = ops::cert::sign(
                pw.at(&db, &key),
                ops::cert::SignRequest {
                    label: &label,
                    file: &file,
                    target: &target,
                    days,
                    sans: san,
                    ca,
                    encoding: format.into(),
                    chain,
                    force,
                    hash,
                    policy,
                },
            )?;
            let (subject, ca_label) = (signed.subject, signed.ca);
            output::line(format!(
                "signed `{}` with `{}`; wrote {}",
                esc(&subject),
                esc(&ca_label),
                kdbman::text::path(&target)
            ));
            Ok(exit::OK)
        }
        CertAction::Validate {
            db,
            pw,
            label,
            file,
            at,
            purpose,
            json,
        } => match (label, file) {
            (_, Some(file)) => validate_file(&db, &pw, &file, at, purpose, json),
            (Some(label), None) => validate(&db, &pw, &label, at, purpose, json),
            (None, None) => Err(Error::Usage {
                detail: "name the entry with --label, or the certificate file with --file".into(),
            }),
        },
        CertAction::Renew {
            db,
            pw,
            label,
            new_key,
            key,
            target,
            format,
            force,
            hash,
            fips,
        } => renew(
            &db,
            &pw,
            &label,
            RenewAs {
                new_key,
                key,
                target: &target,
                format,
                force,
                hash,
                fips,
            },
        ),
        CertAction::Create {
            db,
            pw,
            label,
            dn,
            key,
            san,
            days,
            ca,
            key_usage,
            eku,
            default,
            hash,
            fips,
        } => {
            let mut spec = CertSpec::new(dn, days);
            spec.sans = san;
            spec.is_ca = ca;
            spec.key_usage = key_usage;
            spec.ext_key_usage = eku;
            spec.policy = super::policy(fips);
            spec.sig_hash = super::signature_hash(spec.policy, &key.algorithm(), hash)?;
            // The name is checked before the store opens, the label
            // before time goes on a key.
            let shown = key.to_string();
            let pw_key = pw.key(&db)?;
            ops::cert::create(
                pw.at(&db, &pw_key),
                ops::cert::CreateRequest {
                    label: label.clone(),
                    spec,
                    key,
                    default,
                },
            )?;
            output::line(format!(
                "created personal certificate `{label}` ({shown}){}",
                if default { ", the default" } else { "" }
            ));
            Ok(exit::OK)
        }
        CertAction::Add {
            db,
            pw,
            label,
            file,
            trust,
        } => {
            let certs = read_certificates(&file)?;
            let key = pw.key(&db)?;
            let r = ops::cert::add(
                pw.at(&db, &key),
                ops::cert::AddRequest {
                    label: &label,
                    certs,
                    trusted: trust == Trust::Enable,
                },
            )?;
            for (i, there) in &r.present {
                output::line(format!(
                    "certificate {i} of {} is in the store already as `{}`: not added again",
                    file.display(),
                    kdbman::text::escape(there)
                ));
            }
            let added = r.added;
            output::line(format!(
                "added {added} signer certificate{} from {}",
                if added == 1 { "" } else { "s" },
                file.display()
            ));
            Ok(exit::OK)
        }
        CertAction::List {
            db,
            pw,
            kind,
            expiring,
            json,
        } => match db.as_slice() {
            [one] => list(one, &pw, kind, expiring, json),
            many => list_many(many, &pw, kind, expiring, json),
        },
        CertAction::Details {
            db,
            pw,
            label,
            json,
        } => {
            let (store, _) = pw.open_reading(&db)?;
            let e = store.get(&label)?;
            // The key's algorithm is shown: its one decryption, and a key
            // that does not decrypt is reported as the damage it is.
            e.key()?;
            let v = entry_details(e, store.default_mark());
            if json {
                output::json(&v);
            } else {
                print_details(&v);
            }
            Ok(exit::OK)
        }
        CertAction::Setdefault { db, pw, label } => {
            let key = pw.key(&db)?;
            let r = ops::cert::set_default(pw.at(&db, &key), &label)?;
            output::line(format!("`{}` is now the default", esc(&r.label)));
            if r.mark == DefaultMark::CmsFlag {
                output::line(format!("note: {}", cms::DEFAULT_EVIDENCE));
            }
            Ok(exit::OK)
        }
        CertAction::Getdefault { db, pw, json } => {
            let (store, _) = pw.open_reading(&db)?;
            let e = store.require_default()?;
            if json {
                let mut v = json!({"label": e.label()});
                if let Some(note) = ops::read::default_note(&store) {
                    v["default_note"] = note.into();
                }
                output::json(&v);
            } else {
                output::line(esc(e.label()));
            }
            Ok(exit::OK)
        }
        CertAction::Rename {
            db,
            pw,
            label,
            new_label,
        } => {
            let key = pw.key(&db)?;
            ops::cert::rename(pw.at(&db, &key), &label, &new_label)?;
            output::line(format!("renamed `{label}` to `{new_label}`"));
            Ok(exit::OK)
        }
        CertAction::Delete { db, pw, label } => {
            let key = pw.key(&db)?;
            let e = ops::cert::delete(pw.at(&db, &key), &label)?;
            output::line(format!("deleted {} entry `{}`", e.kind, esc(&e.label)));
            Ok(exit::OK)
        }
        CertAction::Extract {
            db,
            pw,
            label,
            target,
            format,
            chain,
            with_key,
            force,
        } => {
            if with_key {
                return extract_with_key(&db, &pw, &label, &target, format, force);
            }
            let pw = pw.or_stash_beside(&db);
            let key = pw.key(&db)?;
            let e = ops::cert::extract(
                pw.at(&db, &key),
                &ops::cert::ExtractRequest {
                    label: &label,
                    target: &target,
                    encoding: format.into(),
                    chain,
                    force,
                },
            )?;
            output::line(format!(
                "wrote the certificate of `{}` to {}",
                esc(&e.label),
                target.display()
            ));
            Ok(exit::OK)
        }
    }
}

/// One row of `cert list --json`: a struct, so the fields print in the
/// documented order (a `serde_json::Value` sorts them).
#[derive(serde::Serialize)]
struct ListRow {
    label: String,
    kind: &'static str,
    /// None where the format cannot say (PKCS#12): never false for "unknown".
    default: Option<bool>,
    subject: Option<String>,
    not_after: Option<String>,
    sha256: Option<String>,
    serial: Option<String>,
    trusted: bool,
}

#[derive(serde::Serialize)]
struct ListJson<'a> {
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_note: Option<&'static str>,
    entries: &'a [ListRow],
}

fn list(
    db: &Path,
    pw: &PwArgs,
    kind: KindFilter,
    expiring: Option<u32>,
    as_json: bool,
) -> Result<u8> {
    let pw = pw.or_stash_beside(db);
    let key = pw.key(db)?;
    let listing = ops::read::list_at(pw.at(db, &key), &list_request(kind, expiring))?;
    let rows = list_rows(&listing);
    if as_json {
        output::json_ordered(&ListJson {
            format: listing.format.name(),
            default_note: listing.default_note,
            entries: &rows,
        });
    } else {
        print_rows(&rows, expiring, listing.default_note);
    }
    if expiring.is_some() && !rows.is_empty() {
        return Ok(exit::FINDINGS);
    }
    Ok(exit::OK)
}

/// The listing request of `cert list`'s options.
fn list_request(kind: KindFilter, expiring: Option<u32>) -> ops::read::ListRequest {
    ops::read::ListRequest {
        kind: match kind {
            KindFilter::All => None,
            KindFilter::Personal => Some(EntryKind::Personal),
            KindFilter::Signer => Some(EntryKind::Signer),
            KindFilter::Request => Some(EntryKind::Request),
        },
        expiring_within_days: expiring,
        now: now(),
    }
}

/// The rows of `cert list` (text and JSON) from a listing.
fn list_rows(listing: &ops::read::Listing) -> Vec<ListRow> {
    listing
        .entries
        .iter()
        .map(|l| ListRow {
            label: l.label.clone(),
            kind: l.kind.as_str(),
            default: l.default,
            subject: l.subject.clone(),
            not_after: l.not_after.map(output::time),
            sha256: l.sha256.clone(),
            serial: l.serial.clone(),
            trusted: l.trusted,
        })
        .collect()
}

fn print_rows(rows: &[ListRow], expiring: Option<u32>, note: Option<&str>) {
    if rows.is_empty() {
        output::line(match expiring {
            Some(d) => format!("(no certificate expires within {d} days)"),
            None => "(no entries)".to_string(),
        });
        return;
    }
    let w = rows
        .iter()
        .map(|r| esc(&r.label).chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    output::line(format!(
        "{:<w$}  {:<8}  {:<20}  SUBJECT",
        "LABEL", "KIND", "NOT AFTER"
    ));
    for r in rows {
        let marker = if r.default == Some(true) { " *" } else { "" };
        output::line(format!(
            "{:<w$}  {:<8}  {:<20}  {}{}",
            esc(&r.label),
            r.kind,
            r.not_after.as_deref().unwrap_or("-"),
            esc(r.subject.as_deref().unwrap_or("-")),
            marker
        ));
    }
    if let Some(note) = note
        && rows.iter().any(|r| r.default == Some(true))
    {
        output::line(format!("* default: {note}"));
    }
}

/// `cert list` over several stores: each under its name (text) or as an
/// element of `stores` (JSON). The passwords come as for `lint` over many
/// stores (each store's own stash with --stashed, or one source for all);
/// a store that does not open is reported and the others still listed;
/// the exit status is the worst of all.
fn list_many(
    dbs: &[PathBuf],
    pw: &PwArgs,
    kind: KindFilter,
    expiring: Option<u32>,
    as_json: bool,
) -> Result<u8> {
    use kdbman::diagnose::fleet;
    let auth = super::lint::fleet_auth(pw)?;
    let perms = if pw.allow_insecure_stash {
        kdbman::stash::Permissions::AllowInsecure
    } else {
        kdbman::stash::Permissions::Strict
    };
    let mut worst = exit::OK;
    let mut stores = Vec::new();
    for (n, db) in dbs.iter().enumerate() {
        let name = db.display().to_string();
        match fleet::open_with(db, &auth, perms).0 {
            Ok(store) => {
                let listing = ops::read::list(&store, &list_request(kind, expiring));
                let rows = list_rows(&listing);
                if expiring.is_some() && !rows.is_empty() {
                    worst = worst.max(exit::FINDINGS);
                }
                if as_json {
                    let mut one = json!({"store": name, "format": store.format().name(), "entries": serde_json::to_value(&rows).unwrap_or_default()});
                    if let Some(note) = listing.default_note {
                        one["default_note"] = note.into();
                    }
                    stores.push(one);
                } else {
                    if n > 0 {
                        output::line("");
                    }
                    output::line(format!("{}:", kdbman::text::path(db)));
                    print_rows(&rows, expiring, listing.default_note);
                }
            }
            Err(e) => {
                super::report(&e);
                worst = worst.max(super::status_of(&e));
                if as_json {
                    stores.push(json!({"store": name, "format": null, "error": {"code": e.code(), "message": e.to_string(), "fix": kdbman::advice::fix(&e)}, "entries": []}));
                }
            }
        }
    }
    if as_json {
        output::json(&json!({ "stores": stores }));
    }
    Ok(worst)
}

fn cert_json(der: &[u8]) -> Value {
    match pki::cert::cert_info(der) {
        Ok(i) => json!({
            "subject": i.subject,
            "issuer": i.issuer,
            "serial": i.serial,
            "not_before": output::time(i.not_before),
            "not_after": output::time(i.not_after),
            "subject_alt_names": i.subject_alt_names,
            "is_ca": i.is_ca,
            "key_usage": i.key_usage,
            "ext_key_usage": i.ext_key_usage,
            "key": i.key.to_string(),
            "signature_algorithm": i.signature_algorithm,
            "sha256": i.sha256,
        }),
        Err(e) => {
            json!({"error": format!("malformed certificate: {e}"), "sha256": pki::hex(&pki::sha256(der))})
        }
    }
}

/// The JSON shape of `cert details`; `mark` says what `default` rests on.
pub fn entry_details(e: &Entry, mark: DefaultMark) -> Value {
    let key = e
        .private_key()
        .map(|k| pki::cert::key_algorithm_of_pkcs8(k.pkcs8_der()).to_string());
    let mut v = json!({
        "label": e.label(),
        "kind": e.kind().as_str(),
        "default": ops::read::default_shown(e, mark),
        "trusted": e.is_trusted(),
        "has_private_key": e.has_private_key(),
        "private_key": key,
        // CMS records carry no creation time (0): null, not 1970.
        "created": (e.created() > 0).then(|| output::time(e.created())),
    });
    if mark == DefaultMark::CmsFlag {
        v["default_note"] = cms::DEFAULT_EVIDENCE.into();
    }
    if let Some(c) = e.certificate() {
        v["certificate"] = cert_json(c);
        v["chain"] = Value::Array(e.certificates()[1..].iter().map(|c| cert_json(c)).collect());
    }
    if let Some(csr) = e.csr() {
        v["request"] = json!({
            "subject": pki::cert::csr_subject(csr),
            "sha256": pki::hex(&pki::sha256(csr)),
        });
    }
    v
}

fn print_details(v: &Value) {
    // Every string here may come from the file: shown escaped.
    let s = |x: &Value| esc(x.as_str().unwrap_or("-")).into_owned();
    output::line(format!("label:        {}", s(&v["label"])));
    output::line(format!(
        "kind:         {}{}",
        s(&v["kind"]),
        match (&v["default"], v["default_note"].as_str()) {
            (Value::Bool(true), Some(note)) => format!(" (default: {note})"),
            (Value::Bool(true), None) => " (default)".to_string(),
            _ => String::new(),
        }
    ));
    if v["kind"] == "signer" {
        output::line(format!("trusted:      {}", v["trusted"]));
    }
    if let Some(k) = v["private_key"].as_str() {
        output::line(format!("private key:  {}", esc(k)));
    }
    let c = &v["certificate"];
    if c.is_object() {
        if let Some(err) = c["error"].as_str() {
            output::line(format!("certificate:  {}", esc(err)));
        } else {
            output::line(format!("subject:      {}", s(&c["subject"])));
            output::line(format!("issuer:       {}", s(&c["issuer"])));
            output::line(format!("serial:       {}", s(&c["serial"])));
            output::line(format!(
                "valid:        {} to {}",
                s(&c["not_before"]),
                s(&c["not_after"])
            ));
            let list = |x: &Value| {
                x.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(esc)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            };
            output::line(format!("SANs:         {}", list(&c["subject_alt_names"])));
            output::line(format!("key:          {}", s(&c["key"])));
            output::line(format!("signature:    {}", s(&c["signature_algorithm"])));
            output::line(format!("CA:           {}", c["is_ca"]));
            output::line(format!("key usage:    {}", list(&c["key_usage"])));
            output::line(format!("ext. usage:   {}", list(&c["ext_key_usage"])));
            output::line(format!("sha256:       {}", s(&c["sha256"])));
        }
        if let Some(chain) = v["chain"].as_array() {
            for (i, c) in chain.iter().enumerate() {
                output::line(format!("chain[{}]:     {}", i + 1, s(&c["subject"])));
            }
        }
    }
    if v["request"].is_object() {
        output::line(format!("request for:  {}", s(&v["request"]["subject"])));
    }
}

fn validate(
    db: &Path,
    pw: &PwArgs,
    label: &str,
    at: Option<i64>,
    purpose: PurposeArg,
    as_json: bool,
) -> Result<u8> {
    use kdbman::pki::validate::Purpose;
    let pw = pw.or_stash_beside(db);
    let key = pw.key(db)?;
    let at = at.unwrap_or_else(now);
    let purpose = match purpose {
        PurposeArg::Server => Purpose::ServerAuth,
        PurposeArg::Client => Purpose::ClientAuth,
        PurposeArg::Any => Purpose::Any,
    };
    match ops::cert::validate(pw.at(db, &key), label, at, purpose) {
        Ok(ops::cert::Validated { label, chain }) => {
            let subjects: Vec<String> = chain
                .iter()
                .map(|c| pki::cert::cert_info(c).map_or_else(|_| "?".into(), |i| i.subject))
                .collect();
            if as_json {
                output::json(&json!({
                    "label": label,
                    "valid": true,
                    "at": output::time(at),
                    "chain": subjects,
                }));
            } else {
                output::line(format!(
                    "`{label}` is valid at {}; chain:",
                    output::time(at)
                ));
                for (i, s) in subjects.iter().enumerate() {
                    output::line(format!("  {i}: {}", esc(s)));
                }
            }
            Ok(exit::OK)
        }
        Err(Error::Chain { label, problem }) if as_json => {
            output::json(&json!({
                "label": label,
                "valid": false,
                "at": output::time(at),
                "code": problem.code(),
                "reason": problem.to_string(),
                "fix": kdbman::advice::chain_fix(&problem),
            }));
            Ok(exit::FINDINGS)
        }
        Err(e) => Err(e),
    }
}

fn purpose_of(p: PurposeArg) -> kdbman::pki::validate::Purpose {
    use kdbman::pki::validate::Purpose;
    match p {
        PurposeArg::Server => Purpose::ServerAuth,
        PurposeArg::Client => Purpose::ClientAuth,
        PurposeArg::Any => Purpose::Any,
    }
}

/// `cert validate --file`: would a client holding this store trust a
/// server presenting the file's chain?
fn validate_file(
    db: &Path,
    pw: &PwArgs,
    file: &Path,
    at: Option<i64>,
    purpose: PurposeArg,
    as_json: bool,
) -> Result<u8> {
    let certs = read_certificates(file)?;
    let pw = pw.or_stash_beside(db);
    let key = pw.key(db)?;
    let at = at.unwrap_or_else(now);
    let name = file.display().to_string();
    match ops::cert::validate_file(pw.at(db, &key), &certs, file, at, purpose_of(purpose)) {
        Ok(chain) => {
            let subjects: Vec<String> = chain
                .iter()
                .map(|c| pki::cert::cert_info(c).map_or_else(|_| "?".into(), |i| i.subject))
                .collect();
            if as_json {
                output::json(&json!({
                    "file": name,
                    "valid": true,
                    "at": output::time(at),
                    "chain": subjects,
                }));
            } else {
                output::line(format!(
                    "the certificate in {} is trusted by the signers of {} at {}; chain:",
                    kdbman::text::path(file),
                    kdbman::text::path(db),
                    output::time(at)
                ));
                for (i, s) in subjects.iter().enumerate() {
                    output::line(format!("  {i}: {}", esc(s)));
                }
            }
            Ok(exit::OK)
        }
        Err(Error::FileChain { problem, .. }) if as_json => {
            output::json(&json!({
                "file": name,
                "valid": false,
                "at": output::time(at),
                "code": problem.code(),
                "reason": problem.to_string(),
                "fix": kdbman::advice::chain_fix(&problem),
            }));
            Ok(exit::FINDINGS)
        }
        Err(e) => Err(e),
    }
}

/// How `cert renew` makes its request.
struct RenewAs<'a> {
    new_key: bool,
    key: Option<KeyType>,
    target: &'a Path,
    format: Encoding,
    force: bool,
    hash: Option<HashRequest>,
    fips: bool,
}

fn renew(db: &Path, pw: &PwArgs, label: &str, how: RenewAs<'_>) -> Result<u8> {
    // Without --new-key the store is only read, so it opens as the read
    // commands do: with the stash beside it when no source is given.
    let pw = if how.new_key {
        pw.clone()
    } else {
        pw.or_stash_beside(db)
    };
    let pw = &pw;
    let key = pw.key(db)?;
    let fips = how.fips;
    let r = ops::cert::renew(
        pw.at(db, &key),
        ops::cert::RenewRequest {
            label,
            new_key: how.new_key,
            key: how.key,
            target: how.target,
            encoding: how.format.into(),
            force: how.force,
            hash: how.hash,
            policy: &|| super::policy(fips),
        },
    )?;
    for l in &r.left_out {
        super::warn(&format!(
            "the certificate of `{}` has {l}, which the request does not carry; ask the CA to add it if it is still needed",
            esc(&r.label)
        ));
    }
    let label = esc(&r.label);
    output::line(match &r.request {
        None => format!(
            "wrote a request renewing `{label}` (its own {} key) to {}; have it signed, then `kdbman cert receive --file CERT` replaces the certificate of `{label}`",
            r.key,
            kdbman::text::path(how.target)
        ),
        Some(req) => format!(
            "wrote a request renewing `{label}` with a new {} key to {}; the key waits in request `{}` until `kdbman cert receive --file CERT` of the signed certificate replaces the certificate and key of `{label}`",
            r.key,
            kdbman::text::path(how.target),
            esc(req)
        ),
    });
    Ok(exit::OK)
}

/// How `cert import` takes in what it reads.
struct ImportAs<'a> {
    label: Option<&'a str>,
    default: bool,
    policy: kdbman::pki::policy::Policy,
}

fn import(
    db: &Path,
    pw: &PwArgs,
    file: &Path,
    key: Option<&Path>,
    file_pw: &FilePwArgs,
    how: ImportAs<'_>,
) -> Result<u8> {
    let ImportAs {
        label,
        default,
        policy,
    } = how;
    let pw_key = pw.key(db)?;
    let ask = |f: &Path| file_pw.prompt(f);
    let report = ops::cert::import(
        pw.at(db, &pw_key),
        ops::cert::ImportRequest {
            file,
            key,
            given: &|| file_pw.given(),
            ask: std::io::IsTerminal::is_terminal(&std::io::stdin())
                .then_some(&ask as &dyn Fn(&Path) -> Result<kdbman::Password>),
            label,
            default,
            policy,
        },
    )?;
    // On stderr (the gsk8capicmd front end says it too).
    for r in &report.relabelled {
        super::warn(&format!(
            "the friendly name \"{}\" in {} is not usable as a label ({}): imported as `{}`",
            esc(&r.name),
            kdbman::text::path(file),
            r.reason,
            esc(&r.label)
        ));
    }
    for l in &report.personal {
        output::line(format!("imported personal certificate `{}`", esc(l)));
    }
    for l in &report.signers {
        output::line(format!("imported signer certificate `{}`", esc(l)));
    }
    for l in &report.already_present {
        output::line(format!(
            "skipped a certificate the store has already as `{}`",
            esc(l)
        ));
    }
    for l in &report.in_chain_of {
        output::line(format!(
            "skipped a certificate the store has already in the chain of `{}`",
            esc(l)
        ));
    }
    if report.personal.is_empty() && report.signers.is_empty() {
        output::line("nothing new to import");
    }
    Ok(exit::OK)
}

fn export(
    db: &Path,
    pw: &PwArgs,
    label: &str,
    target: &Path,
    target_pw: &TargetPwArgs,
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
    let exported = ops::cert::export(
        pw.at(db, &key),
        ops::cert::ExportRequest {
            label,
            target,
            password: &|| target_pw.resolve(),
            profile,
            force,
        },
    )?;
    output::line(format!(
        "exported `{}` to {} ({})",
        esc(&exported),
        target.display(),
        if legacy {
            "legacy 3DES/SHA-1"
        } else {
            "AES-256/SHA-256"
        }
    ));
    Ok(exit::OK)
}

fn extract_with_key(
    db: &Path,
    pw: &PwArgs,
    label: &str,
    target: &Path,
    format: Encoding,
    force: bool,
) -> Result<u8> {
    if format != Encoding::Pem {
        return Err(Error::Usage {
            detail: "--with-key writes PEM; leave out --format der".into(),
        });
    }
    let pw = pw.or_stash_beside(db);
    let key = pw.key(db)?;
    let label = ops::cert::extract_with_key(pw.at(db, &key), label, target, force)?;
    output::line(format!(
        "wrote the private key and certificates of `{}` to {} (mode 0600)",
        esc(&label),
        target.display()
    ));
    Ok(exit::OK)
}

fn receive(db: &Path, pw: &PwArgs, file: &Path, default: bool) -> Result<u8> {
    use kdbman::store::ReceiveOutcome;
    let certs = read_certificates(file)?;
    let key = pw.key(db)?;
    let r = ops::cert::receive(pw.at(db, &key), &certs, file, default)?;
    let label = esc(&r.label);
    output::line(match &r.outcome {
        ReceiveOutcome::AlreadyReceived => {
            format!("the certificate was received before: it is personal entry `{label}`")
        }
        ReceiveOutcome::Renewed => format!(
            "renewed personal entry `{label}`: the certificate received (same key) replaces its old one"
        ),
        ReceiveOutcome::RenewedNewKey { request } => format!(
            "renewed personal entry `{label}`: the certificate received and the new key of request `{}` replace its old ones; the request is gone",
            esc(request)
        ),
        ReceiveOutcome::Request => {
            format!("received the certificate for request `{label}`: it is now a personal entry")
        }
    });
    for (l, subject) in &r.added_signers {
        output::line(format!(
            "added signer certificate `{}` ({}) from {}",
            esc(l),
            esc(subject),
            kdbman::text::path(file)
        ));
    }
    for l in &r.present {
        output::line(format!(
            "skipped a CA certificate the store has already as `{}`",
            esc(l)
        ));
    }
    Ok(exit::OK)
}
