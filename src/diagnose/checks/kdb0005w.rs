//! KDB0005W: the store or stash file is readable by group or others.

use std::path::Path;

use crate::diagnose::{Finding, LintTarget};
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
    one(target.path, "store", out);
    if let Some(stash) = target.stash {
        one(stash, "stash", out);
    }
}
