//! Store entries (+ label, SNI map, client auth, protocol and suites) →
//! a rustls `ServerConfig`, refusing at start what IHS would refuse.
//!
//! The certificate is chosen as IHS chooses it: the configured label, else
//! the store's default personal entry. Every served entry is checked for
//! its dates before anything listens, so a server never starts with a
//! certificate that every client would reject.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{RootCertStore, ServerConfig, SupportedCipherSuite};

use kdbman::error::{Error, Needed, Result};
use kdbman::pki::{self, CertInfo};
use kdbman::store::{Entry, EntryKind, Store, fold_label};

/// Whether and how clients must present certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    #[default]
    None,
    /// Ask for a certificate; verify it when one is sent.
    Optional,
    /// Refuse a client without a certificate from a trusted signer.
    Required,
}

/// The lowest protocol version the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MinTls {
    #[default]
    V12,
    V13,
}

impl MinTls {
    pub fn as_str(self) -> &'static str {
        match self {
            MinTls::V12 => "1.2",
            MinTls::V13 => "1.3",
        }
    }
}

/// What the server should present and accept.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// The personal entry to serve; `None`: the store's default.
    pub label: Option<String>,
    /// Host name → label, like IHS virtual hosts with their own SSLServerCert.
    pub sni: Vec<(String, String)>,
    pub client_auth: ClientAuth,
    pub min_tls: MinTls,
    /// rustls suite names (`TLS13_AES_128_GCM_SHA256`, …); `None`: all.
    pub ciphers: Option<Vec<String>>,
    /// Unix seconds the validity checks use.
    pub now: i64,
}

/// What the page says about a served entry.
#[derive(Debug, Clone)]
pub struct Served {
    pub label: String,
    pub info: CertInfo,
}

/// A ready server configuration and what it serves.
pub struct Setup {
    pub config: Arc<ServerConfig>,
    /// The entry served when no SNI name matches.
    pub default: Arc<Served>,
    /// Lower-case host name → served entry.
    pub by_host: HashMap<String, Arc<Served>>,
    pub client_auth: ClientAuth,
}

impl fmt::Debug for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Setup")
            .field("default", &self.default.label)
            .field("hosts", &self.by_host.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Setup {
    /// The entry served for an SNI name (the default when none matches).
    pub fn served_for(&self, sni: Option<&str>) -> &Arc<Served> {
        sni.and_then(|h| self.by_host.get(&h.to_ascii_lowercase()))
            .unwrap_or(&self.default)
    }
}

/// The names of every suite this build can offer, for help and errors.
pub fn suite_names() -> Vec<&'static str> {
    rustls::crypto::ring::ALL_CIPHER_SUITES
        .iter()
        .filter_map(|s| s.suite().as_str())
        .collect()
}

/// Builds the server from an open store: refuses an expired password, then
/// everything [`from_entries`] refuses.
pub fn from_store(store: &Store, opts: &ServeOptions) -> Result<Setup> {
    if let Some(expired) = store.password_expires()
        && store.password_expired_at(opts.now)
    {
        return Err(Error::PasswordExpired {
            path: store.path().to_path_buf(),
            expired,
        });
    }
    if opts.label.is_none() {
        // A format whose default kdbman cannot read says so, rather than
        // claiming there is none.
        store.require_default()?;
    }
    from_entries(store.path(), store.entries(), opts)
}

/// Builds the server from entries (a store's, or the demo's in memory).
pub fn from_entries(store: &Path, entries: &[Entry], opts: &ServeOptions) -> Result<Setup> {
    let provider = Arc::new(provider_for(opts)?);

    let (default_entry, is_default) = match &opts.label {
        Some(l) => (personal(store, entries, l)?, false),
        None => (
            entries
                .iter()
                .find(|e| e.is_default() && e.kind() == EntryKind::Personal)
                .ok_or_else(|| Error::NoDefault {
                    store: store.to_path_buf(),
                })?,
            true,
        ),
    };
    let default_key = certified(entries, default_entry, is_default, opts, &provider)?;
    let default = Arc::new(served(default_entry)?);

    let mut keys = HashMap::new();
    let mut by_host = HashMap::new();
    for (host, label) in &opts.sni {
        let e = personal(store, entries, label)?;
        let key = certified(entries, e, false, opts, &provider)?;
        let host = host.to_ascii_lowercase();
        keys.insert(host.clone(), key);
        by_host.insert(host, Arc::new(served(e)?));
    }

    let versions: &[&rustls::SupportedProtocolVersion] = match opts.min_tls {
        MinTls::V12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
        MinTls::V13 => &[&rustls::version::TLS13],
    };
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| Error::Usage {
            detail: format!("TLS configuration refused: {e}"),
        })?;
    let builder = match opts.client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        auth => {
            let mut roots = RootCertStore::empty();
            for e in entries
                .iter()
                .filter(|e| e.kind() == EntryKind::Signer && e.is_trusted())
            {
                if let Some(c) = e.certificate() {
                    // A signer rustls cannot use as an anchor is lint's to report.
                    let _ = roots.add(CertificateDer::from(c.to_vec()));
                }
            }
            if roots.is_empty() {
                return Err(Error::Usage {
                    detail: "client authentication needs trusted signers in the store, and it has none that can serve as a trust anchor".into(),
                });
            }
            let b = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
            let b = if auth == ClientAuth::Optional {
                b.allow_unauthenticated()
            } else {
                b
            };
            let inner = b.build().map_err(|e| Error::Usage {
                detail: format!("client certificate verifier refused: {e}"),
            })?;
            let signers: Vec<&Entry> = entries
                .iter()
                .filter(|e| e.kind() == EntryKind::Signer)
                .collect();
            let verifier = super::client_auth::PolicyVerifier {
                inner,
                anchors: signers
                    .iter()
                    .filter(|e| e.is_trusted())
                    .filter_map(|e| e.certificate().map(<[u8]>::to_vec))
                    .collect(),
                signers: signers
                    .iter()
                    .filter_map(|e| e.certificate().map(<[u8]>::to_vec))
                    .collect(),
            };
            builder.with_client_cert_verifier(Arc::new(verifier))
        }
    };
    let mut config = builder.with_cert_resolver(Arc::new(Resolver {
        default: default_key,
        by_host: keys,
    }));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.ignore_client_order = true;
    // One TLS 1.3 ticket per handshake, not rustls's two: a client's next
    // connection resumes with it and gets a fresh one, and a client that
    // never resumes costs the server one ticket, not two.
    config.send_tls13_tickets = 1;
    Ok(Setup {
        config: Arc::new(config),
        default,
        by_host,
        client_auth: opts.client_auth,
    })
}

fn provider_for(opts: &ServeOptions) -> Result<CryptoProvider> {
    let mut provider = rustls::crypto::ring::default_provider();
    let all = provider.cipher_suites.clone();
    let wanted: Vec<SupportedCipherSuite> = match &opts.ciphers {
        None => all,
        Some(names) => {
            let mut out = Vec::new();
            for n in names {
                let n = n.trim();
                if n.is_empty() {
                    continue;
                }
                let s = all
                    .iter()
                    .find(|s| {
                        s.suite()
                            .as_str()
                            .is_some_and(|x| x.eq_ignore_ascii_case(n))
                    })
                    .ok_or_else(|| Error::Usage {
                        detail: format!(
                            "unknown cipher suite `{n}`; known: {}",
                            suite_names().join(", ")
                        ),
                    })?;
                out.push(*s);
            }
            out
        }
    };
    let wanted: Vec<_> = wanted
        .into_iter()
        .filter(|s| opts.min_tls == MinTls::V12 || s.version() == &rustls::version::TLS13)
        .collect();
    if wanted.is_empty() {
        return Err(Error::NoCiphers {
            requested: opts.ciphers.clone().unwrap_or_default(),
            min_tls: opts.min_tls.as_str(),
        });
    }
    provider.cipher_suites = wanted;
    Ok(provider)
}

/// The personal entry with this label, or the IHS-style refusal.
fn personal<'a>(store: &Path, entries: &'a [Entry], label: &str) -> Result<&'a Entry> {
    let folded = fold_label(label);
    let e = entries
        .iter()
        .find(|e| e.label() == label)
        .or_else(|| entries.iter().find(|e| fold_label(e.label()) == folded))
        .ok_or_else(|| Error::LabelNotFound {
            store: store.to_path_buf(),
            label: label.to_string(),
        })?;
    if e.kind() != EntryKind::Personal {
        return Err(Error::WrongKind {
            store: store.to_path_buf(),
            label: e.label().to_string(),
            found: e.kind(),
            needed: Needed::Personal,
        });
    }
    Ok(e)
}

fn served(e: &Entry) -> Result<Served> {
    let cert = e
        .certificate()
        .ok_or_else(|| bad_cert(e, "it has no certificate"))?;
    let info = pki::cert::cert_info(cert).map_err(|d| bad_cert(e, d))?;
    Ok(Served {
        label: e.label().to_string(),
        info,
    })
}

fn bad_cert(e: &Entry, detail: impl fmt::Display) -> Error {
    Error::BadInput {
        what: format!("certificate of `{}`", e.label()),
        detail: detail.to_string(),
        code: Some("SSL0224E"),
    }
}

/// The entry's chain and key as rustls wants them, after the date check
/// and a check that some enabled suite can sign with the key.
fn certified(
    entries: &[Entry],
    e: &Entry,
    is_default: bool,
    opts: &ServeOptions,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>> {
    let info = served(e)?.info;
    if opts.now > info.not_after || opts.now < info.not_before {
        return Err(Error::CertificateDates {
            label: e.label().to_string(),
            not_before: info.not_before,
            not_after: info.not_after,
            now: opts.now,
            is_default,
        });
    }
    let key = e.private_key().ok_or_else(|| Error::BadInput {
        what: format!("entry `{}`", e.label()),
        detail: "it has no private key".into(),
        code: Some("SSL0248E"),
    })?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.pkcs8_der().to_vec()));
    let chain = chain_of(entries, e);
    let ck = CertifiedKey::from_der(chain, key_der, provider).map_err(|err| Error::BadInput {
        what: format!("key of `{}`", e.label()),
        detail: err.to_string(),
        code: Some("SSL0209E"),
    })?;
    let alg = ck.key.algorithm();
    if !provider
        .cipher_suites
        .iter()
        .any(|s| s.usable_for_signature_algorithm(alg))
    {
        return Err(Error::NoCipherForKey {
            label: e.label().to_string(),
            key: info.key.to_string(),
        });
    }
    Ok(Arc::new(ck))
}

/// The entry's own chain, completed with intermediates from the store's
/// signers (as IHS sends them); self-issued roots are left to the client.
fn chain_of(entries: &[Entry], e: &Entry) -> Vec<CertificateDer<'static>> {
    let mut chain: Vec<Vec<u8>> = e.certificates().to_vec();
    for _ in 0..8 {
        let Some(last) = chain.last() else { break };
        let Ok(info) = pki::cert::cert_info(last) else {
            break;
        };
        if info.self_issued {
            break;
        }
        let issuer = entries
            .iter()
            .filter(|s| s.kind() == EntryKind::Signer)
            .find_map(|s| {
                let c = s.certificate()?;
                let i = pki::cert::cert_info(c).ok()?;
                (i.subject == info.issuer && !chain.iter().any(|x| x == c)).then(|| (c.to_vec(), i))
            });
        match issuer {
            Some((_, i)) if i.self_issued => break,
            Some((c, _)) => chain.push(c),
            None => break,
        }
    }
    chain.into_iter().map(CertificateDer::from).collect()
}

/// Picks the certificate by SNI name, falling back to the default.
#[derive(Debug)]
struct Resolver {
    default: Arc<CertifiedKey>,
    by_host: HashMap<String, Arc<CertifiedKey>>,
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let key = hello
            .server_name()
            .and_then(|h| self.by_host.get(&h.to_ascii_lowercase()))
            .unwrap_or(&self.default);
        Some(key.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kdbman::pki::{CertSpec, KeyType, keygen};

    fn entry(label: &str, days_ago_expired: Option<i64>) -> Entry {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let mut spec = CertSpec::new(format!("CN={label}"), 30);
        if let Some(d) = days_ago_expired {
            spec.not_before -= 400 * 86_400;
            spec.not_after = kdbman::clock::now() - d * 86_400;
        }
        let cert = spec.self_signed(&key).unwrap();
        Entry::personal(label, vec![cert], key)
    }

    fn opts() -> ServeOptions {
        ServeOptions {
            now: kdbman::clock::now(),
            ..Default::default()
        }
    }

    #[test]
    fn refusals_carry_ihs_codes() {
        let entries = vec![
            entry("a", None),
            entry("old", Some(2)).with_default_flag(true),
        ];
        let mut o = opts();
        o.label = Some("missing".into());
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries, &o)
                .unwrap_err()
                .code(),
            Some("SSL0227E")
        );
        o.label = Some("old".into());
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries, &o)
                .unwrap_err()
                .code(),
            Some("SSL0219E")
        );
        o.label = None;
        let e = from_entries(Path::new("t.kdb"), &entries, &o).unwrap_err();
        assert!(
            matches!(
                e,
                Error::CertificateDates {
                    is_default: true,
                    ..
                }
            ),
            "{e}"
        );
        o.now -= 800 * 86_400;
        o.label = Some("a".into());
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries, &o)
                .unwrap_err()
                .code(),
            Some("SSL0221E")
        );
        o.now += 800 * 86_400;
        o.label = None;
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries[..1], &o)
                .unwrap_err()
                .code(),
            Some("SSL0223E")
        );
        o.label = Some("A".into());
        assert!(from_entries(Path::new("t.kdb"), &entries, &o).is_ok());
    }

    #[test]
    fn cipher_lists_are_checked_against_protocol_and_key() {
        let entries = vec![entry("ec", None)];
        let mut o = opts();
        o.label = Some("ec".into());
        o.ciphers = Some(vec!["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into()]);
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries, &o)
                .unwrap_err()
                .code(),
            Some("SSL0213E")
        );
        o.min_tls = MinTls::V13;
        assert_eq!(
            from_entries(Path::new("t.kdb"), &entries, &o)
                .unwrap_err()
                .code(),
            Some("SSL0222W")
        );
        o.ciphers = Some(vec!["NOT_A_SUITE".into()]);
        assert!(matches!(
            from_entries(Path::new("t.kdb"), &entries, &o),
            Err(Error::Usage { .. })
        ));
        o.ciphers = Some(vec!["tls13_aes_128_gcm_sha256".into()]);
        assert!(from_entries(Path::new("t.kdb"), &entries, &o).is_ok());
    }

    #[test]
    fn sni_names_pick_their_entry_and_unknown_names_fall_back() {
        let entries = vec![entry("a", None).with_default_flag(true), entry("b", None)];
        let mut o = opts();
        o.sni = vec![("B.example".into(), "b".into())];
        let s = from_entries(Path::new("t.kdb"), &entries, &o).unwrap();
        assert_eq!(s.served_for(Some("b.example")).label, "b");
        assert_eq!(s.served_for(Some("other")).label, "a");
        assert_eq!(s.served_for(None).label, "a");
    }
}
