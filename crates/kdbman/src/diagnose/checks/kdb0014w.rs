//! KDB0014W: a trust anchor (a self-issued signer, or the self-issued top
//! of a chain) with faults TLS never looks at: a serial number that is
//! zero, negative or too long, a self-signature with MD2 or MD5, or X.509
//! version 1 or 2 (a SHA-1 self-signature is named alongside, never alone:
//! current roots sign themselves with SHA-1 too).
//!
//! Real IBM stores carry such roots: z/OS gskkyman and old iKeyman
//! databases, and every store populated with GSKit's default CA list, hold
//! 1990s roots with serial 0, MD2 or MD5 self-signatures and version 1.
//! GSKit loads them, and path validation takes an anchor's name and key
//! only (RFC 5280 §6.1), so refusing them (SSL0210E) would fail a store
//! whose server certificate is fine. Said once per certificate (CMS
//! stores repeat signers in personal entries' chains), signer entries
//! first, so the label named is the one to delete.

use std::collections::HashSet;

use super::{Ctx, is_anchor};
use crate::diagnose::Finding;
use crate::store::EntryKind;

/// The words for a signature algorithm TLS would not accept on a
/// certificate it checks, if it is one.
pub fn weak_signature(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    if n.contains("md2") || n == "1.2.840.113549.1.1.2" {
        Some("MD2")
    } else if n.contains("md5") || n == "1.2.840.113549.1.1.4" {
        Some("MD5")
    } else if n.contains("sha1") || n == "1.2.840.113549.1.1.5" {
        Some("SHA-1")
    } else {
        None
    }
}

/// `s` as one POSIX shell word, so the command in the fix can be pasted
/// (real labels have spaces: "Entrust.net Root CA").
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-+=:@/,%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let entries = ctx.entries();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i].kind() != EntryKind::Signer);
    let mut seen = HashSet::new();
    for i in order {
        let e = &entries[i];
        if ctx.broken.contains(&i) || e.kind() == EntryKind::Request {
            continue;
        }
        for n in 0..e.certificates().len() {
            let Some(d) = ctx.decoded(i, n) else {
                continue;
            };
            if !is_anchor(e.kind(), n, &d.info) {
                continue;
            }
            let mut faults: Vec<String> = d.serial_problem.iter().cloned().collect();
            let hash = weak_signature(&d.info.signature_algorithm);
            if let Some(hash) = hash {
                faults.push(format!(
                    "it signs itself with {hash} ({})",
                    d.info.signature_algorithm
                ));
            }
            if d.version < 2 {
                faults.push(format!(
                    "it is an X.509 version {} certificate (no extensions, so no basic constraints)",
                    d.version + 1
                ));
            }
            // A SHA-1 self-signature alone is not reported: roots still in
            // wide use (and in GSKit's default CA list) sign themselves so,
            // and a warning on each would bury the old roots this is for.
            // With another fault it is named with the rest.
            let only_sha1 = faults.len() == 1 && hash == Some("SHA-1");
            if faults.is_empty() || only_sha1 || !seen.insert(d.info.sha256.clone()) {
                continue;
            }
            let who = if e.kind() == EntryKind::Signer {
                format!("trust anchor `{}` ({})", e.label(), d.info.subject)
            } else {
                format!(
                    "chain certificate {n} of `{}` ({}), the root of its chain,",
                    e.label(),
                    d.info.subject
                )
            };
            out.push(Finding::new(
                "KDB0014W",
                "kdb0014w",
                Some(e.label()),
                format!("{who} is an old-style root: {}", faults.join("; ")),
                format!(
                    "harmless as a trust anchor: TLS takes only a root's name and key and never checks its serial number or self-signature (RFC 5280 §6.1), and GSKit loads it; if no certificate you use chains to it, remove it: `kdbman cert delete --db {} --label {}`",
                    shell_word(&ctx.target.path.display().to_string()),
                    shell_word(e.label())
                ),
            ));
        }
    }
}
