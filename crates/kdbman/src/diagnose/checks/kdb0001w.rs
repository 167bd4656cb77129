//! KDB0001W: a certificate in use (or in its chain) expires within the
//! warning window.

use super::{Ctx, renew_fix, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    let limit = at + i64::from(ctx.target.warn_days) * 86_400;
    let Some((_, e)) = ctx.in_use_entry() else {
        return;
    };
    for (n, (who, info)) in ctx.chain().into_iter().enumerate() {
        if info.not_before <= at && at <= info.not_after && info.not_after <= limit {
            let fix = if n == 0 {
                renew_fix(e.label())
            } else {
                "the CA renews its own certificate: add the renewed CA certificate with `kdbman cert add --db STORE --label L --file CA.pem` (and the new chain it issues with it)".to_string()
            };
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
                fix,
            ));
        }
    }
}
