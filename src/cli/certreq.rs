//! `kdbman certreq`: pending certificate requests (key kept in the store).

use std::path::PathBuf;

use clap::Subcommand;
use kdbman::pki::policy::HashRequest;
use kdbman::pki::{self, CertSpec, ExtKeyUsage, KeyType, KeyUsage, SubjectAltName};
use kdbman::{Entry, EntryKind, Result};
use serde_json::json;

use super::exit;
use super::files::Encoding;
use super::output;
use super::password::PwArgs;
use kdbman::ops;
use kdbman::text::escape as esc;

#[derive(Subcommand, Debug)]
pub enum CertreqAction {
    /// Create a key and a PKCS#10 request, kept as a request entry
    Create {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the request (and of the personal entry it becomes)
        #[arg(long)]
        label: String,
        /// Subject distinguished name, RFC 4514 (most specific first), e.g. "CN=www.example.com,O=Example,C=US"
        #[arg(long)]
        dn: String,
        /// Key type: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519
        #[arg(long, default_value = "rsa:2048", value_parser = |s: &str| s.parse::<KeyType>())]
        key: KeyType,
        /// Subject alternative name, dns:NAME or ip:ADDR (repeatable)
        #[arg(long, value_name = "dns:NAME|ip:ADDR", value_parser = |s: &str| s.parse::<SubjectAltName>())]
        san: Vec<SubjectAltName>,
        /// Request a CA certificate
        #[arg(long)]
        ca: bool,
        /// Key usages, comma-separated
        #[arg(long, value_delimiter = ',', value_parser = |s: &str| s.parse::<KeyUsage>())]
        key_usage: Option<Vec<KeyUsage>>,
        /// Extended key usages, comma-separated (default: serverAuth,clientAuth)
        #[arg(long, value_delimiter = ',', value_parser = |s: &str| s.parse::<ExtKeyUsage>())]
        eku: Option<Vec<ExtKeyUsage>>,
        /// Also write the request to this file (PEM) for the CA
        #[arg(long, value_name = "PATH")]
        target: Option<PathBuf>,
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
    /// List pending requests
    List {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Print JSON instead of text (the shape is in --help)
        #[arg(long, long_help = LIST_JSON)]
        json: bool,
    },
    /// Show a request's subject, names and key
    Details {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the request
        #[arg(long)]
        label: String,
        /// Print JSON instead of text (the shape is in --help)
        #[arg(long, long_help = DETAILS_JSON)]
        json: bool,
    },
    /// Write a request to a file for the CA
    Extract {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the request to write
        #[arg(long)]
        label: String,
        /// The file to write (mode 0644)
        #[arg(long, value_name = "PATH")]
        target: PathBuf,
        /// Output encoding
        #[arg(long, value_enum, default_value = "pem")]
        format: Encoding,
        /// Replace the target if it exists
        #[arg(long)]
        force: bool,
    },
    /// Delete a request and its key
    Delete {
        /// The key database (store) file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[command(flatten)]
        pw: PwArgs,
        /// Label of the request to delete
        #[arg(long)]
        label: String,
    },
}

const LIST_JSON: &str = concat!(
    "Print JSON instead of text:\n\n{\"requests\": [REQUEST, ...]}\n\nwhere REQUEST is as in `certreq details --json`:\n\n",
    r#"{"label": "www", "kind": "request", "subject": "CN=www.example.com", "subject_alt_names": ["dns:NAME", "ip:ADDR"], "key": "ECDSA P-256", "signature_valid": true, "created": "<RFC 3339>", "sha256": "<hex of the request>"}"#,
    "\n\nFields are only ever added."
);

const DETAILS_JSON: &str = concat!(
    "Print JSON instead of text:\n\n",
    r#"{"label": "www", "kind": "request", "subject": "CN=www.example.com", "subject_alt_names": ["dns:NAME", "ip:ADDR"], "key": "ECDSA P-256", "signature_valid": true, "created": "<RFC 3339>", "sha256": "<hex of the request>"}"#,
    "\n\nsubject is null when unreadable; signature_valid says whether the request's self-signature verifies. Fields are only ever added."
);

fn request_json(e: &Entry) -> serde_json::Value {
    use x509_parser::prelude::FromDer;
    let csr = e.csr().unwrap_or_default();
    let parsed = x509_parser::certification_request::X509CertificationRequest::from_der(csr).ok();
    let mut sans = Vec::new();
    if let Some((_, r)) = &parsed
        && let Some(exts) = r.requested_extensions()
    {
        for ext in exts {
            if let x509_parser::extensions::ParsedExtension::SubjectAlternativeName(san) = ext {
                for n in &san.general_names {
                    use x509_parser::extensions::GeneralName as G;
                    sans.push(match n {
                        G::DNSName(d) => format!("dns:{d}"),
                        G::IPAddress(b) if b.len() == 4 => format!(
                            "ip:{}",
                            std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*b).unwrap_or_default())
                        ),
                        G::IPAddress(b) if b.len() == 16 => format!(
                            "ip:{}",
                            std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*b).unwrap_or_default())
                        ),
                        G::RFC822Name(m) => format!("email:{m}"),
                        G::URI(u) => format!("uri:{u}"),
                        other => other.to_string(),
                    });
                }
            }
        }
    }
    json!({
        "label": e.label(),
        "kind": e.kind().as_str(),
        "subject": pki::cert::csr_subject(csr),
        "subject_alt_names": sans,
        "key": e.private_key().map(|k| pki::cert::key_algorithm_of_pkcs8(k.pkcs8_der()).to_string()),
        "signature_valid": kdbman::pki::sign::check_request(csr).is_ok(),
        "created": output::time(e.created()),
        "sha256": pki::hex(&pki::sha256(csr)),
    })
}

pub fn run(action: CertreqAction) -> Result<u8> {
    match action {
        CertreqAction::Create {
            db,
            pw,
            label,
            dn,
            key,
            san,
            ca,
            key_usage,
            eku,
            target,
            force,
            hash,
            fips,
        } => {
            let mut spec = CertSpec::new(dn, 365);
            spec.sans = san;
            spec.is_ca = ca;
            spec.key_usage = key_usage;
            spec.ext_key_usage = eku;
            spec.policy = super::policy(fips);
            spec.sig_hash = super::signature_hash(spec.policy, &key.algorithm(), hash)?;
            let key_shown = key.to_string();
            let pw_key = pw.key(&db)?;
            ops::certreq::create(
                pw.at(&db, &pw_key),
                ops::certreq::CreateRequest {
                    label: label.clone(),
                    spec,
                    key,
                    target: target.as_deref().map(|t| (t, force)),
                },
            )?;
            if let Some(t) = &target {
                output::line(format!(
                    "created request `{label}` ({key_shown}); wrote it to {}",
                    t.display()
                ));
            } else {
                output::line(format!("created request `{label}` ({key_shown})"));
            }
            Ok(exit::OK)
        }
        CertreqAction::List { db, pw, json } => {
            let (store, _) = pw.open_reading(&db)?;
            let rows: Vec<_> = store
                .entries()
                .iter()
                .filter(|e| e.kind() == EntryKind::Request)
                .map(request_json)
                .collect();
            if json {
                output::json(&json!({ "requests": rows }));
            } else if rows.is_empty() {
                output::line("(no requests)");
            } else {
                for r in &rows {
                    output::line(format!(
                        "{}  {}",
                        esc(r["label"].as_str().unwrap_or("")),
                        esc(r["subject"].as_str().unwrap_or("-"))
                    ));
                }
            }
            Ok(exit::OK)
        }
        CertreqAction::Details {
            db,
            pw,
            label,
            json,
        } => {
            let (store, _) = pw.open_reading(&db)?;
            let e = store.get_kind(&label, EntryKind::Request)?;
            let v = request_json(e);
            if json {
                output::json(&v);
            } else {
                let s = |k: &str| esc(v[k].as_str().unwrap_or("-")).into_owned();
                output::line(format!("label:        {}", s("label")));
                output::line(format!("subject:      {}", s("subject")));
                let sans: Vec<_> = v["subject_alt_names"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|x| x.as_str()).map(esc).collect())
                    .unwrap_or_default();
                output::line(format!("SANs:         {}", sans.join(", ")));
                output::line(format!("key:          {}", s("key")));
                output::line(format!(
                    "signature:    {}",
                    if v["signature_valid"] == true {
                        "valid"
                    } else {
                        "INVALID"
                    }
                ));
                output::line(format!("created:      {}", s("created")));
                output::line(format!("sha256:       {}", s("sha256")));
            }
            Ok(exit::OK)
        }
        CertreqAction::Extract {
            db,
            pw,
            label,
            target,
            format,
            force,
        } => {
            let pw = pw.or_stash_beside(&db);
            let key = pw.key(&db)?;
            let label =
                ops::certreq::extract(pw.at(&db, &key), &label, &target, format.into(), force)?;
            output::line(format!("wrote request `{label}` to {}", target.display()));
            Ok(exit::OK)
        }
        CertreqAction::Delete { db, pw, label } => {
            let key = pw.key(&db)?;
            let label = ops::certreq::delete(pw.at(&db, &key), &label)?;
            output::line(format!("deleted request `{label}`"));
            Ok(exit::OK)
        }
    }
}
