//! Adding what a PKCS#12 or PEM file holds: all of it or nothing.

use crate::error::{Error, Result};
use crate::pki::pkcs12::{Contents, default_label};
use crate::store::{Entry, EntryKind, Store};

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub personal: Vec<String>,
    pub signers: Vec<String>,
    /// Certificates skipped because the store has them already (their labels there).
    pub already_present: Vec<String>,
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
            if let Some(e) = store
                .entries()
                .iter()
                .find(|e| e.certificates().iter().any(|c| c == cert))
            {
                report.already_present.push(e.label().to_string());
                continue;
            }
            let l = match (label, contents.keys.is_empty()) {
                (Some(l), true) => l.to_string(),
                _ => name
                    .clone()
                    .unwrap_or_else(|| default_label(cert, "signer")),
            };
            staged.push(Entry::signer(l, cert.clone()));
        }
        for k in contents.keys {
            let leaf = k.chain.first().cloned().unwrap_or_default();
            let l = label
                .map(str::to_string)
                .or(k.friendly_name)
                .unwrap_or_else(|| default_label(&leaf, "key"));
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
