//! KDB0009W: no --label, and the store's format keeps its default where
//! kdbman cannot read it (CMS: undocumented; PKCS#12: none). Said instead
//! of SSL0223E, which would claim there is no default.

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.target.label.is_some() || ctx.store.default_known() {
        return;
    }
    out.push(Finding::new(
        "KDB0009W",
        "kdb0009w",
        None,
        format!(
            "which certificate {} ({}) holds as its default cannot be determined: {}; the checks of the certificate in use were skipped",
            ctx.target.path.display(),
            ctx.store.format(),
            crate::store::cms::DEFAULT_UNKNOWN
        ),
        "configure the server with the label (`SSLServerCert LABEL` for IHS) and lint with --label LABEL",
    ));
}
