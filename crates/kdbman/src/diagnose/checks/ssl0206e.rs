//! SSL0206E / SSL0227E: the label the server would be configured with is
//! not in the store (SSL0206E), or names a signer or request rather than a
//! personal certificate (SSL0227E).

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::EntryKind;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(label) = ctx.target.label else {
        return;
    };
    let entries = ctx.entries();
    let folded = crate::store::fold_label(label);
    let found = entries.iter().position(|e| e.label() == label).or_else(|| {
        entries
            .iter()
            .position(|e| crate::store::fold_label(e.label()) == folded)
    });
    match found {
        None => out.push(Finding::new(
            "SSL0206E",
            "ssl0206e",
            Some(label),
            format!(
                "no entry is labelled `{label}` in {}; a server configured with this label fails every handshake",
                ctx.target.path.display()
            ),
            "configure the server with the label of a personal certificate (`kdbman cert list --db STORE` shows them), or add the certificate under this label",
        )),
        Some(i) if entries[i].kind() != EntryKind::Personal => out.push(Finding::new(
            "SSL0227E",
            "ssl0227e",
            Some(entries[i].label()),
            format!(
                "`{}` is a {} entry, not a personal certificate with a private key, so a server cannot present it",
                entries[i].label(),
                entries[i].kind()
            ),
            match entries[i].kind() {
                EntryKind::Request => "receive the signed certificate for this request with `kdbman cert receive`, or configure the label of a personal certificate",
                _ => "configure the server with the label of a personal certificate; signer certificates only verify others",
            },
        )),
        Some(i) => ctx.in_use = Some(i),
    }
}
