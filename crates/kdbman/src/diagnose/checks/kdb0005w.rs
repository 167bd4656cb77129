//! KDB0005W: the store or stash file is readable by group or others.

use std::path::Path;

use crate::diagnose::{Finding, LintTarget};
use crate::error::Error;
use crate::file;

fn one(path: &Path, what: &str, out: &mut Vec<Finding>) {
    if !path.is_file() {
        return;
    }
    if let Some(mode) = file::mode(path)
        && mode & 0o077 != 0
    {
        out.push(Finding::new(
            "KDB0005W",
            "kdb0005w",
            None,
            format!(
                "{what} {} has mode {mode:04o}: group or others can read it",
                path.display()
            ),
            format!("run `chmod 600 {}`", path.display()),
        ));
    }
}

pub fn check(target: &LintTarget<'_>, out: &mut Vec<Finding>) {
    // A file that is no store (KeePass, PEM…) is not called one: SSL0215E
    // already says what it is.
    let foreign = matches!(target.store, Err(Error::NotAStore { found, .. }) if found.store_format().is_none());
    if !foreign {
        one(target.path, "store", out);
    }
    if let Some(stash) = target.stash {
        one(stash, "stash", out);
    }
}
