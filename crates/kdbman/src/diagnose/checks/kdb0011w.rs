//! KDB0011W: a certificate not in use — another personal certificate, a
//! member of another entry's chain, or a signer — has expired. A warning,
//! not an error: the server does not present it, so nothing fails today
//! (the one in use has SSL0219E, its chain SSL0221E); but a virtual host or
//! a later configuration that picks it will.

use super::{Ctx, renew_fix, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    for o in ctx.other_certificates() {
        let i = o.info;
        if at > i.not_after {
            out.push(Finding::new(
                "KDB0011W",
                "kdb0011w",
                Some(o.label),
                format!(
                    "{} (serial {}) expired on {}, {} before {}",
                    o.who(),
                    i.serial,
                    when(i.not_after),
                    span(at - i.not_after),
                    when(at)
                ),
                if o.is_personal_leaf() {
                    format!(
                        "{}; or, if nothing uses it, delete it (`kdbman cert delete --db STORE --label L`)",
                        renew_fix(o.label)
                    )
                } else {
                    "renew it by adding the CA's renewed certificate (`kdbman cert add --db STORE --label L --file CA.pem`); or, if nothing uses it, delete it (`kdbman cert delete --db STORE --label L`)".to_string()
                },
            ));
        }
    }
}
