//! KDB0007W: a CMS v4 store, whose MACs are HMAC-SHA1 and whose keys old
//! GSKit levels encrypted with 3DES.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::{StoreFormat, cms};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.store.format() != StoreFormat::Cms(cms::Version::V4) {
        return;
    }
    let p = ctx.target.path.display();
    out.push(Finding::new(
        "KDB0007W",
        "kdb0007w",
        None,
        format!("{p} is a CMS v4 key database: its integrity rests on HMAC-SHA1, and old GSKit levels wrote its keys with 3DES"),
        format!("rewrite it as v6: `kdbman keydb convert --db {p} --target NEW.kdb --target-type cms --cms-version 6 --target-stash`, then point the server at NEW.kdb"),
    ));
}
