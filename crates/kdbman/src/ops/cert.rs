//! Operations on entries with certificates (`cert` commands).

use std::path::Path;

use super::{Encoding, StoreAt, write_public};
use crate::pki::{self, CertSpec, KeyType, SubjectAltName, keygen};
use crate::store::{DefaultMark, Received};
use crate::{Access, Entry, EntryKind, Error, Result};

/// A removed entry.
pub struct Removed {
    pub label: String,
    pub kind: EntryKind,
}

/// Deletes the entry `label`.
pub fn delete(at: StoreAt<'_>, label: &str) -> Result<Removed> {
    let mut store = at.open(Access::Update)?.store;
    let e = store.remove(label)?;
    store.save()?;
    Ok(Removed {
        label: e.label().to_string(),
        kind: e.kind(),
    })
}

/// The default after `set_default`.
pub struct DefaultSet {
    /// The entry's label as stored.
    pub label: String,
    /// What the store's default mark rests on.
    pub mark: DefaultMark,
}

/// Makes `label` the default certificate.
pub fn set_default(at: StoreAt<'_>, label: &str) -> Result<DefaultSet> {
    let mut store = at.open(Access::Update)?.store;
    store.set_default(label)?;
    store.save()?;
    Ok(DefaultSet {
        label: store.get(label)?.label().to_string(),
        mark: store.default_mark(),
    })
}

/// Renames the entry `label` to `new_label`.
pub fn rename(at: StoreAt<'_>, label: &str, new_label: &str) -> Result<()> {
    let mut store = at.open(Access::Update)?.store;
    store.rename(label, new_label)?;
    store.save()
}

/// What `extract` wrote.
pub struct Extracted {
    pub label: String,
}

/// `extract`: the certificate of `label` (with its chain in PEM when
/// `chain`) to `target`.
pub struct ExtractRequest<'a> {
    pub label: &'a str,
    pub target: &'a Path,
    pub encoding: Encoding,
    pub chain: bool,
    pub force: bool,
}

/// Writes the certificate of an entry (no key) to a file.
pub fn extract(at: StoreAt<'_>, r: &ExtractRequest<'_>) -> Result<Extracted> {
    let store = at.open(Access::Read)?.store;
    let e = store.get(r.label)?;
    let certs = e.certificates();
    if certs.is_empty() {
        return Err(Error::WrongKind {
            store: store.path().to_path_buf(),
            label: e.label().to_string(),
            found: e.kind(),
            needed: crate::error::Needed::Certificate,
        });
    }
    let bytes = match r.encoding {
        Encoding::Der => certs[0].clone(),
        Encoding::Pem => {
            let take = if r.chain { certs.len() } else { 1 };
            certs[..take]
                .iter()
                .map(|c| crate::pki::pem_encode("CERTIFICATE", c))
                .collect::<String>()
                .into_bytes()
        }
    };
    write_public(r.target, &bytes, r.force, at.db)?;
    Ok(Extracted {
        label: e.label().to_string(),
    })
}

/// `add`: signer certificates from a file.
pub struct AddRequest<'a> {
    pub label: &'a str,
    /// The certificates, read by the front end (so that it can fail on
    /// the file before asking for a password).
    pub certs: Vec<Vec<u8>>,
    pub trusted: bool,
}

/// What `add` did, certificate by certificate (1-based, in file order).
pub struct Added {
    /// Certificates present already as a signer: (number, label).
    pub present: Vec<(usize, String)>,
    pub added: usize,
}

/// Adds signer certificates; the second and later get `LABEL-2`, ...
/// A certificate present byte for byte as a signer is not added again.
pub fn add(at: StoreAt<'_>, r: AddRequest<'_>) -> Result<Added> {
    let mut store = at.open(Access::Update)?.store;
    let mut out = Added {
        present: Vec::new(),
        added: 0,
    };
    for (i, der) in r.certs.into_iter().enumerate() {
        let present = store
            .entries()
            .iter()
            .find(|e| e.kind() == EntryKind::Signer && e.certificate() == Some(der.as_slice()))
            .map(|e| e.label().to_string());
        if let Some(there) = present {
            out.present.push((i + 1, there));
            continue;
        }
        let l = if i == 0 {
            r.label.to_string()
        } else {
            format!("{}-{}", r.label, i + 1)
        };
        store.add(Entry::signer(&l, der).with_trust(r.trusted))?;
        out.added += 1;
    }
    if out.added > 0 {
        store.save()?;
    }
    Ok(out)
}

/// Receives a signed certificate (and its CA certificates) read from
/// `file` by the front end.
pub fn receive(at: StoreAt<'_>, certs: &[Vec<u8>], file: &Path, default: bool) -> Result<Received> {
    let mut store = at.open(Access::Update)?.store;
    let r = store.receive(certs, file, default)?;
    store.save()?;
    Ok(r)
}

/// Sets the trust of a signer; a personal entry stays trusted (asking to
/// trust it is no change, to distrust it is refused with
/// [`TrustChange::Personal`]).
pub fn set_trust(at: StoreAt<'_>, label: &str, trusted: bool) -> Result<TrustChange> {
    let mut store = at.open(Access::Update)?.store;
    let e = store
        .entries()
        .iter()
        .find(|e| e.label().eq_ignore_ascii_case(label) && e.kind() != EntryKind::Request)
        .ok_or_else(|| Error::LabelNotFound {
            store: store.path().to_path_buf(),
            label: label.to_string(),
        })?;
    match e.kind() {
        EntryKind::Signer => {
            let label = e.label().to_string();
            let changed = e.clone().with_trust(trusted);
            store.replace(&label, changed)?;
            store.save()?;
            Ok(TrustChange::Done)
        }
        _ if trusted => Ok(TrustChange::Done),
        _ => Ok(TrustChange::Personal {
            label: e.label().to_string(),
        }),
    }
}

/// What [`set_trust`] did.
pub enum TrustChange {
    Done,
    /// A personal certificate cannot be distrusted; nothing changed.
    Personal {
        label: String,
    },
}

/// `create`: a key and a self-signed certificate as a personal entry.
pub struct CreateRequest {
    pub label: String,
    /// The certificate (its signature hash chosen by the front end, see
    /// [`super::signature_hash`]).
    pub spec: CertSpec,
    pub key: KeyType,
    pub default: bool,
}

/// Creates a personal entry: the name is checked before the store opens,
/// the label before time goes on a key.
pub fn create(at: StoreAt<'_>, r: CreateRequest) -> Result<()> {
    pki::certgen::parse_dn(&r.spec.dn)?;
    let mut store = at.open(Access::Update)?.store;
    crate::store::check_label(&r.label)?;
    if let Ok(e) = store.get(&r.label) {
        return Err(Error::DuplicateLabel {
            store: store.path().to_path_buf(),
            label: r.label,
            existing: e.label().to_string(),
        });
    }
    let private_key = keygen::generate(r.key)?;
    let cert = r.spec.self_signed(&private_key)?;
    store.add(Entry::personal(&r.label, vec![cert], private_key).with_default_flag(r.default))?;
    store.save()
}

/// `sign`: a request signed by a CA entry of the store.
pub struct SignRequest<'a> {
    /// The CA's label (a personal entry).
    pub label: &'a str,
    /// The request file, read once the store is open.
    pub file: &'a Path,
    pub target: &'a Path,
    pub days: u32,
    pub sans: Vec<SubjectAltName>,
    pub ca: bool,
    pub encoding: Encoding,
    /// PEM: the CA's chain after the certificate.
    pub chain: bool,
    pub force: bool,
    pub hash: Option<crate::pki::policy::HashRequest>,
    pub policy: crate::pki::policy::Policy,
}

/// What `sign` issued.
pub struct Signed {
    /// The new certificate's subject.
    pub subject: String,
    /// The CA's label as stored.
    pub ca: String,
}

/// Signs a request with a CA entry and writes the certificate.
pub fn sign(at: StoreAt<'_>, r: SignRequest<'_>) -> Result<Signed> {
    let store = at.open(Access::Read)?.store;
    let ca_entry = store.get_kind(r.label, EntryKind::Personal)?;
    // Decrypted now (CMS keys are sealed until used): damage stops here.
    ca_entry.key()?;
    let csr = read_request(r.file)?;
    let mut opts = pki::sign::SignOptions::days(r.days);
    opts.is_ca = r.ca;
    opts.policy = r.policy;
    if let Some(k) = ca_entry.private_key() {
        let alg = pki::cert::key_algorithm_of_pkcs8(k.pkcs8_der());
        opts.sig_hash = super::signature_hash(r.policy, &alg, r.hash, at.notice)?;
    }
    if !r.sans.is_empty() {
        opts.sans = Some(r.sans);
    }
    let (Some(ca_cert), Some(ca_key)) = (ca_entry.certificate(), ca_entry.private_key()) else {
        return Err(Error::WrongKind {
            store: store.path().to_path_buf(),
            label: ca_entry.label().to_string(),
            found: ca_entry.kind(),
            needed: crate::error::Needed::Personal,
        });
    };
    let cert = pki::sign::sign_request(&csr, ca_cert, ca_key, &opts)?;
    let bytes = match r.encoding {
        Encoding::Der => cert.clone(),
        Encoding::Pem => {
            let mut out = pki::pem_encode("CERTIFICATE", &cert);
            if r.chain {
                for c in ca_entry.certificates() {
                    out.push_str(&pki::pem_encode("CERTIFICATE", c));
                }
            }
            out.into_bytes()
        }
    };
    write_public(r.target, &bytes, r.force, at.db)?;
    Ok(Signed {
        subject: pki::cert::cert_info(&cert)
            .map(|i| i.subject)
            .unwrap_or_default(),
        ca: ca_entry.label().to_string(),
    })
}

/// A PKCS#10 request from PEM (`CERTIFICATE REQUEST`) or DER.
pub fn read_request(file: &Path) -> Result<Vec<u8>> {
    let bytes = crate::file::read_input(file)?;
    pki::sign::parse_request(&bytes, &format!("request file {}", file.display()))
}

/// A valid chain of an entry.
pub struct Validated {
    /// The entry's label as stored.
    pub label: String,
    /// The chain, the entry's certificate first.
    pub chain: Vec<Vec<u8>>,
}

/// Builds and checks the chain of the entry `label` at `when`; a chain
/// that fails is [`Error::Chain`].
pub fn validate(
    at: StoreAt<'_>,
    label: &str,
    when: i64,
    purpose: pki::validate::Purpose,
) -> Result<Validated> {
    let store = at.open(Access::Read)?.store;
    let label = store.get(label)?.label().to_string();
    let chain = store.validate(&label, when, purpose)?;
    Ok(Validated { label, chain })
}

/// Asks for the password of an input file (a terminal prompt).
pub type AskPassword<'a> = &'a dyn Fn(&Path) -> Result<crate::Password>;

/// `import`: the contents of a PKCS#12 or PEM file (or a certificate and
/// a separate key).
pub struct ImportRequest<'a> {
    pub file: &'a Path,
    /// A separate private key file (PEM).
    pub key: Option<&'a Path>,
    /// The file's password if one was given, read once the store is open.
    pub given: &'a dyn Fn() -> Result<Option<crate::Password>>,
    /// Asked when no password was given and the file needs one (a
    /// terminal prompt); `None`: no asking.
    pub ask: Option<AskPassword<'a>>,
    /// The label for a single personal entry (else the friendly names).
    pub label: Option<&'a str>,
    /// Make the one personal entry imported the default.
    pub default: bool,
    pub policy: crate::pki::policy::Policy,
}

/// Imports keys and certificates from a file into the store.
pub fn import(at: StoreAt<'_>, r: ImportRequest<'_>) -> Result<crate::store::ImportReport> {
    use crate::pki::pkcs12;
    let mut store = at.open(Access::Update)?.store;
    let given = (r.given)()?;
    let file = r.file;
    let bytes = zeroize::Zeroizing::new(crate::file::read_input(file)?);
    let looks_pem_or_cert =
        crate::pki::pem::is_pem(&bytes) || r.key.is_some() || pki::cert::cert_info(&bytes).is_ok();
    let contents = if looks_pem_or_cert {
        pkcs12::contents_from_pem_bytes(&bytes, file, r.key, given.as_ref())?
    } else {
        let pw = given.clone().unwrap_or_else(|| crate::Password::new(""));
        let named = |e| crate::store::detect::name_foreign(e, &bytes);
        match (pkcs12::parse(&bytes, &pw, file), r.ask) {
            (Err(Error::InputPassword { .. }), Some(ask)) if given.is_none() => {
                let p = ask(file)?;
                pkcs12::parse(&bytes, &p, file).map_err(named)?
            }
            (other, _) => other.map_err(named)?,
        }
    };
    contents.check(r.policy, file)?;
    let report = store.import(contents, r.label)?;
    if r.default {
        match report.personal.as_slice() {
            [one] => store.set_default(one)?,
            _ => {
                return Err(Error::Usage {
                    detail: "--default needs exactly one imported personal entry".into(),
                });
            }
        }
    }
    store.save()?;
    Ok(report)
}

/// `export`: an entry to a new PKCS#12 file.
pub struct ExportRequest<'a> {
    pub label: &'a str,
    pub target: &'a Path,
    /// The file's password, asked for once the entry is found.
    pub password: &'a dyn Fn() -> Result<crate::Password>,
    pub profile: crate::pki::pkcs12::Profile,
    pub force: bool,
}

/// Writes an entry (a personal entry with its key and chain, or a
/// signer) to a PKCS#12 file (mode 0600); returns its label as stored.
pub fn export(at: StoreAt<'_>, r: ExportRequest<'_>) -> Result<String> {
    use crate::pki::pkcs12;
    let store = at.open(Access::Read)?.store;
    let e = store.get(r.label)?;
    if !r.force && r.target.exists() {
        return Err(Error::AlreadyExists {
            path: r.target.to_path_buf(),
        });
    }
    let password = (r.password)()?;
    let bytes = match (e.kind(), e.key()?, e.certificate()) {
        (EntryKind::Personal, Some(k), Some(_)) => pkcs12::write(
            &[(e.label(), k, e.certificates())],
            &[],
            &password,
            r.profile,
        )?,
        (EntryKind::Signer, _, Some(c)) => {
            pkcs12::write(&[], &[(e.label(), c)], &password, r.profile)?
        }
        _ => {
            return Err(Error::WrongKind {
                store: store.path().to_path_buf(),
                label: e.label().to_string(),
                found: e.kind(),
                needed: crate::error::Needed::Certificate,
            });
        }
    };
    super::write_secret(r.target, &bytes, r.force, at.db)?;
    Ok(e.label().to_string())
}

/// `renew`: a request renewing a personal entry (same subject, names,
/// usages), for its own key or a new one kept as a pending request.
pub struct RenewRequest<'a> {
    pub label: &'a str,
    /// Make a new key (kept, with the request, as `LABEL-renewal`).
    pub new_key: bool,
    /// The new key's type (default: one like the old key).
    pub key: Option<KeyType>,
    pub target: &'a Path,
    pub encoding: Encoding,
    pub force: bool,
    pub hash: Option<crate::pki::policy::HashRequest>,
    /// The algorithm policy, asked for once the store is open.
    pub policy: &'a dyn Fn() -> crate::pki::policy::Policy,
}

/// Writes a renewal request for a personal entry. The target is checked
/// before the store is written: the request must not go over one of the
/// store's own files, nor over a file the caller did not give up.
pub fn renew(at: StoreAt<'_>, r: RenewRequest<'_>) -> Result<crate::store::Renewal> {
    use crate::store::renew::{RenewOptions, key_type_like};
    crate::file::check_output(r.target, at.db)?;
    if !r.force && r.target.exists() {
        return Err(Error::AlreadyExists {
            path: r.target.to_path_buf(),
        });
    }
    let access = if r.new_key {
        Access::Update
    } else {
        Access::Read
    };
    let mut store = at.open(access)?.store;
    let entry = store.get_kind(r.label, EntryKind::Personal)?;
    let old_alg = entry
        .key()?
        .map(|k| pki::cert::key_algorithm_of_pkcs8(k.pkcs8_der()));
    let new_key = match (r.new_key, r.key) {
        (false, _) => None,
        (true, Some(k)) => Some(k),
        (true, None) => Some(old_alg.as_ref().and_then(key_type_like).ok_or_else(|| {
            Error::Usage {
                detail: format!(
                    "kdbman makes no key like the one of `{}`; choose the new key's type with --key",
                    crate::text::escape(entry.label())
                ),
            }
        })?),
    };
    let policy = (r.policy)();
    let alg = new_key.map(KeyType::algorithm).or(old_alg);
    let sig_hash = match &alg {
        Some(a) => super::signature_hash(policy, a, r.hash, at.notice)?,
        None => None,
    };
    let renewal = store.renew(
        r.label,
        &RenewOptions {
            new_key,
            policy,
            sig_hash,
        },
    )?;
    if renewal.request.is_some() {
        store.save()?;
    }
    let bytes = super::certreq::encode(&renewal.csr, r.encoding);
    write_public(r.target, &bytes, r.force, at.db)?;
    Ok(renewal)
}

/// Writes the private key, certificates and request of an entry to a PEM
/// file (mode 0600); returns the entry's label as stored.
pub fn extract_with_key(
    at: StoreAt<'_>,
    label: &str,
    target: &Path,
    force: bool,
) -> Result<String> {
    let store = at.open(Access::Read)?.store;
    let e = store.get(label)?;
    let Some(key) = e.key()? else {
        return Err(Error::WrongKind {
            store: store.path().to_path_buf(),
            label: e.label().to_string(),
            found: e.kind(),
            needed: crate::error::Needed::Personal,
        });
    };
    let mut out = pki::pem::private_key_pem(key);
    for c in e.certificates() {
        out.push_str(&pki::pem_encode("CERTIFICATE", c));
    }
    if let Some(csr) = e.csr() {
        out.push_str(&pki::pem_encode("CERTIFICATE REQUEST", csr));
    }
    super::write_secret(target, out.as_bytes(), force, at.db)?;
    Ok(e.label().to_string())
}

/// Checks the chain of a certificate file (its first certificate, the
/// others as intermediates) against the store's trusted signers at
/// `when`; returns the chain built. A chain that fails is
/// [`Error::FileChain`].
pub fn validate_file(
    at: StoreAt<'_>,
    certs: &[Vec<u8>],
    file: &Path,
    when: i64,
    purpose: pki::validate::Purpose,
) -> Result<Vec<Vec<u8>>> {
    let store = at.open(Access::Read)?.store;
    store.validate_certificates(certs, file, when, purpose)
}
