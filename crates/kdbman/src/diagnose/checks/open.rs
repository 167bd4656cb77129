//! SSL0214E / SSL0215E / SSL0218E / SSL0228E: the store could not be
//! opened. The library error already tells the conditions apart (cannot be
//! read; not a store; damaged; wrong password; which stash problem).

use crate::diagnose::{Finding, LintTarget};
use crate::error::Error;

pub fn check(target: &LintTarget<'_>, e: &Error, out: &mut Vec<Finding>) {
    let code = e.code().unwrap_or("SSL0214E");
    let _ = target;
    out.push(Finding::new(
        code,
        "open",
        None,
        e.to_string(),
        crate::advice::fix(e),
    ));
}
