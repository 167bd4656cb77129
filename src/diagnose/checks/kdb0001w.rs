//! KDB0001W: a certificate in use (or in its chain) expires within the
//! warning window.

use super::{Ctx, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    let limit = at + i64::from(ctx.target.warn_days) * 86_400;
    let Some((_, e)) = ctx.in_use_entry() else {
        return;
    };
    for (who, info) in ctx.chain() {
        if info.not_before <= at && at <= info.not_after && info.not_after <= limit {
            out.push(Finding::new(
                "KDB0001W",
                "kdb0001w",
                Some(e.label()),
                format!(
                    "{who} expires on {}, in {} (warning window: {} days)",
                    when(info.not_after),
                    span(info.not_after - at),
                    ctx.target.warn_days
                ),
                "renew it before it expires: `kdbman certreq create`, have it signed, `kdbman cert receive`",
            ));
        }
    }
}
