//! KDB0004W: the server certificate in use has no extended key usage
//! extension at all. (One that lists other purposes but not serverAuth
//! fails validation: SSL0208E.)

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((e, info)) = ctx.in_use_cert() else {
        return;
    };
    if info.ext_key_usage.is_empty() && !info.is_ca {
        out.push(Finding::new(
            "KDB0004W",
            "kdb0004w",
            Some(e.label()),
            format!(
                "the certificate in use ({}) has no extended key usage, so it does not say it is meant for TLS servers (serverAuth)",
                info.subject
            ),
            "reissue it with serverAuth: `kdbman cert create ... --eku serverAuth`",
        ));
    }
}
