//! KDB0010W: a certificate not in use — another personal certificate, a
//! member of another entry's chain, or a signer — expires within the
//! warning window. The chain in use has KDB0001W.

use super::{Ctx, renew_fix, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    let limit = at + i64::from(ctx.target.warn_days) * 86_400;
    for o in ctx.other_certificates() {
        let i = o.info;
        if i.not_before <= at && at <= i.not_after && i.not_after <= limit {
            out.push(Finding::new(
                "KDB0010W",
                "kdb0010w",
                Some(o.label),
                format!(
                    "{} (serial {}) expires on {}, in {} (warning window: {} days)",
                    o.who(),
                    i.serial,
                    when(i.not_after),
                    span(i.not_after - at),
                    ctx.target.warn_days
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
