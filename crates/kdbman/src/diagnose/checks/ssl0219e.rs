//! SSL0219E: the certificate in use has expired, or the store password has.

use super::{Ctx, renew_fix, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    if let Some(exp) = ctx.store.password_expires()
        && ctx.store.password_expired_at(at)
    {
        out.push(Finding::new(
            "SSL0219E",
            "ssl0219e",
            None,
            format!(
                "the store password expired on {}, {} before {}",
                when(exp),
                span(at - exp),
                when(at)
            ),
            "set a new password with `kdbman keydb changepw --db STORE --stash` (the stash is rewritten with it)",
        ));
    }
    let Some(i) = ctx.in_use else { return };
    if ctx.bad_validity.contains(&i) {
        return;
    }
    let Some((e, info)) = ctx.in_use_cert() else {
        return;
    };
    if at > info.not_after {
        out.push(Finding::new(
            "SSL0219E",
            "ssl0219e",
            Some(e.label()),
            format!(
                "the certificate in use ({}) expired on {}, {} before {}",
                info.subject,
                when(info.not_after),
                span(at - info.not_after),
                when(at)
            ),
            format!(
                "{} (or `kdbman cert create` a new self-signed one)",
                renew_fix(e.label())
            ),
        ));
    }
}
