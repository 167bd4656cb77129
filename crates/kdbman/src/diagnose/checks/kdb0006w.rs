//! KDB0006W: a CMS store's password can be guessed offline at full speed.
//!
//! A CMS key database checks its password with one HMAC keyed by the raw
//! password (no salted, slow key derivation), so anyone with a copy of the
//! file can try billions of passwords. Only length and variety protect it.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::{StoreFormat, cms};

/// IBM's `-strong` rule of thumb: at least 14 characters from at least
/// three of lower case, upper case, digits and others.
fn weak(pw: &str) -> Option<String> {
    let classes = [
        pw.chars().any(|c| c.is_lowercase()),
        pw.chars().any(|c| c.is_uppercase()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let len = pw.chars().count();
    if len < 14 {
        Some(format!("it is {len} characters long"))
    } else if classes < 3 {
        Some(format!("it uses {classes} of the 4 kinds of characters"))
    } else {
        None
    }
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(pw) = ctx.store.cms_password() else {
        return;
    };
    if let Some(why) = weak(pw.as_str()) {
        let how = match ctx.store.format() {
            StoreFormat::Cms(cms::Version::V3) => "one MD5 over the header and the password",
            _ => "one HMAC keyed by the password itself",
        };
        out.push(Finding::new(
            "KDB0006W",
            "kdb0006w",
            None,
            format!(
                "the password of CMS store {} can be guessed offline: the format checks it with {how}, and {why}",
                ctx.target.path.display()
            ),
            "change it to 14 or more characters mixing upper and lower case, digits and symbols (`kdbman keydb changepw --stash`), and keep the .kdb and .sth at mode 0600",
        ));
    }
}
