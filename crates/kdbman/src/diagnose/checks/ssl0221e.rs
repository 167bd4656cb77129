//! SSL0221E: the certificate in use is not yet valid, or a certificate in
//! its chain is expired or not yet valid. Says which bound failed and by how
//! much, since a wrong clock looks the same.

use super::{Ctx, span, when};
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let at = ctx.target.at;
    let Some((_, entry)) = ctx.in_use_entry() else {
        return;
    };
    for (n, (who, info)) in ctx.chain().iter().enumerate() {
        if info.not_after < info.not_before {
            continue; // SSL0210E already said so
        }
        if at < info.not_before {
            out.push(Finding::new(
                "SSL0221E",
                "ssl0221e",
                Some(entry.label()),
                format!(
                    "{who} is not valid yet: its validity starts {}, {} after {}; if that date is right, this machine's clock may be behind",
                    when(info.not_before),
                    span(info.not_before - at),
                    when(at)
                ),
                "wait until the start date, check the system clock (and time zone), or have the certificate reissued with a start date in the past",
            ));
        } else if n > 0 && at > info.not_after {
            out.push(Finding::new(
                "SSL0221E",
                "ssl0221e",
                Some(entry.label()),
                format!(
                    "{who} in the chain expired on {}, {} before {}",
                    when(info.not_after),
                    span(at - info.not_after),
                    when(at)
                ),
                "add the CA's renewed certificate to the store (`kdbman cert add --db STORE --label L --file CA.pem`) and delete the expired one, or reissue the chain",
            ));
        }
    }
}
