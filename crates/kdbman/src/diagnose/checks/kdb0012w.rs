//! KDB0012W: a CMS v3 key database (old iKeyman and GSKit 7, z/OS
//! gskkyman). One MD5 over its header and the password checks a guess,
//! cheaper still than v4/v6's one HMAC, and its private keys are
//! encrypted with single DES (`pbeWithMD5AndDES-CBC`, 56-bit keys, five
//! MD5 rounds). Converting to v6 fixes both.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::{StoreFormat, cms};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.store.format() != StoreFormat::Cms(cms::Version::V3) {
        return;
    }
    let p = ctx.target.path.display();
    let keys = ctx.entries().iter().filter(|e| e.has_private_key()).count();
    let des = match keys {
        0 => "any private key added to it is encrypted with single DES".to_string(),
        1 => "its private key is encrypted with single DES".to_string(),
        n => format!("its {n} private keys are encrypted with single DES"),
    };
    out.push(Finding::new(
        "KDB0012W",
        "kdb0012w",
        None,
        format!(
            "{p} is a CMS v3 key database: one MD5 over its header and the password checks a password guess, so offline guessing is cheaper than for v4 or v6, and {des} (pbeWithMD5AndDES-CBC: a 56-bit key from five MD5 rounds)"
        ),
        format!(
            "upgrade it to v6 in place (HMAC-SHA384, keys under AES-256; password, stash, owner and mode kept): `kdbman keydb convert --db {p} --cms-version 6`; keep v3 only where an old GSKit or z/OS level must still read the file"
        ),
    ));
}
