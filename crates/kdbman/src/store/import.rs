//! Adding what a PKCS#12 or PEM file holds: all of it or nothing.

use crate::error::{Error, Result};
use crate::pki::{self, pkcs12::Contents, pkcs12::default_label};
use crate::store::{Entry, EntryKind, Store, fold_label, label_problem};

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub personal: Vec<String>,
    pub signers: Vec<String>,
    /// Certificates skipped because the store has them already (the
    /// labels of the entries whose own certificates they are).
    pub already_present: Vec<String>,
    /// Certificates skipped because the store has them in the chain of a
    /// personal entry, and not as an entry of their own (those entries'
    /// labels).
    pub in_chain_of: Vec<String>,
    /// Friendly names that could not be labels, with the labels used.
    pub relabelled: Vec<Relabelled>,
}

/// A friendly name kdbman could not use as a label, and the label it
/// used instead: no import fails because of its friendly name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relabelled {
    /// The name as the file has it (trailing NULs already removed).
    pub name: String,
    /// The label the entry got: from the certificate's CN, else its hash.
    pub label: String,
    /// Why the name was not used.
    pub reason: &'static str,
}

/// A label from the certificate: its CN, else `PREFIX-` and the start of
/// its SHA-256 (also when the CN itself is no usable label).
pub(crate) fn derived_label(cert: &[u8], prefix: &str) -> String {
    let l = default_label(cert, prefix);
    if label_problem(&l).is_none() {
        return l;
    }
    format!("{prefix}-{}", &pki::hex(&pki::sha256(cert))[..12])
}

/// The label for an entry of the file: its friendly name where kdbman can
/// use it, else a derived label no other entry has (said in `report`).
fn label_for(
    name: Option<&str>,
    cert: &[u8],
    prefix: &str,
    store: &Store,
    staged: &[Entry],
    report: &mut ImportReport,
) -> String {
    let Some(name) = name else {
        return derived_label(cert, prefix);
    };
    let same = |a: &str, b: &str| fold_label(a) == fold_label(b);
    let reason = match label_problem(name) {
        Some(r) => r,
        None if staged.iter().any(|e| same(e.label(), name)) => {
            "another entry of the file has the same friendly name"
        }
        None => return name.to_string(),
    };
    let base = derived_label(cert, prefix);
    let taken = |l: &str| {
        store
            .entries()
            .iter()
            .chain(staged)
            .any(|e| same(e.label(), l))
    };
    let mut label = base.clone();
    let mut n = 2;
    while taken(&label) {
        label = format!("{base} ({n})");
        n += 1;
    }
    report.relabelled.push(Relabelled {
        name: name.to_string(),
        label: label.clone(),
        reason,
    });
    label
}

impl Store {
    /// Adds what a PKCS#12 (or PEM) file holds to a store: each key as a
    /// personal entry, other certificates as trusted signers unless the store
    /// already has them. `label` names the one key. Nothing is added unless
    /// everything can be.
    pub fn import(&mut self, contents: Contents, label: Option<&str>) -> Result<ImportReport> {
        let store = self;
        if label.is_some() && contents.keys.len() > 1 {
            return Err(Error::Usage {
                detail: format!(
                    "the file holds {} keys; --label names one, so leave it out and the friendly names are used",
                    contents.keys.len()
                ),
            });
        }
        if label.is_some() && contents.keys.is_empty() && contents.certificates.len() > 1 {
            return Err(Error::Usage {
                detail:
                    "--label names one entry, but the file holds several certificates and no key"
                        .into(),
            });
        }
        let mut report = ImportReport::default();
        let mut staged: Vec<Entry> = Vec::new();
        for (name, cert) in &contents.certificates {
            // Named by the entry whose own certificate it is (a signer),
            // else by the personal entry whose chain holds it.
            let own = store
                .entries()
                .iter()
                .find(|e| e.certificate() == Some(cert.as_slice()));
            if let Some(e) = own {
                report.already_present.push(e.label().to_string());
                continue;
            }
            if let Some(e) = store
                .entries()
                .iter()
                .find(|e| e.certificates().iter().any(|c| c == cert))
            {
                report.in_chain_of.push(e.label().to_string());
                continue;
            }
            let l = match (label, contents.keys.is_empty()) {
                (Some(l), true) => l.to_string(),
                _ => label_for(name.as_deref(), cert, "signer", store, &staged, &mut report),
            };
            staged.push(Entry::signer(l, cert.clone()));
        }
        for k in contents.keys {
            let leaf = k.chain.first().cloned().unwrap_or_default();
            let l = match label {
                Some(l) => l.to_string(),
                None => label_for(
                    k.friendly_name.as_deref(),
                    &leaf,
                    "key",
                    store,
                    &staged,
                    &mut report,
                ),
            };
            staged.push(Entry::personal(l, k.chain, k.key));
        }
        // Try on a copy of the checks first, so a refusal adds nothing.
        for e in &staged {
            super::check_label(e.label())?;
        }
        let mut added: Vec<String> = Vec::new();
        for e in staged {
            let (l, kind) = (e.label().to_string(), e.kind());
            if let Err(err) = store.add(e) {
                for a in added.iter().rev() {
                    let _ = store.remove(a);
                }
                return Err(err);
            }
            added.push(l.clone());
            match kind {
                EntryKind::Personal => report.personal.push(l),
                _ => report.signers.push(l),
            }
        }
        Ok(report)
    }
}
