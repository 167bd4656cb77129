//! SSL0248E: the certificate in use has no private key (a personal entry
//! written by another tool without its key).

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((_, e)) = ctx.in_use_entry() else {
        return;
    };
    if !e.has_private_key() {
        ctx.key_unusable = true;
        out.push(Finding::new(
            "SSL0248E",
            "ssl0248e",
            Some(e.label()),
            format!("`{}` has a certificate but no private key, so a server cannot prove it owns the certificate", e.label()),
            "import the certificate together with its key (`kdbman cert import` from PKCS#12), or configure another personal certificate",
        ));
    }
}
