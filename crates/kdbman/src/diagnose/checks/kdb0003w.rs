//! KDB0003W: the server certificate in use has no subject alternative
//! names; clients match host names against SANs only.

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((e, info)) = ctx.in_use_cert() else {
        return;
    };
    if info.subject_alt_names.is_empty() && !info.is_ca {
        out.push(Finding::new(
            "KDB0003W",
            "kdb0003w",
            Some(e.label()),
            format!(
                "the certificate in use ({}) has no subject alternative names; browsers and most TLS clients ignore the common name",
                info.subject
            ),
            "reissue it with the server's host names: `kdbman cert create ... --san dns:HOST`",
        ));
    }
}
