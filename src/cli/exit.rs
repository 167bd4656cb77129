//! Exit statuses, documented in the README and the man page, and the
//! status of each error class. A file of its own, free of the rest of the
//! CLI, so the gsk8capicmd parser's fuzz harness can compile it too.

use kdbman::{Error, ErrorClass};

pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;
pub const IO: u8 = 3;
pub const NOT_A_STORE: u8 = 4;
pub const DAMAGED: u8 = 5;
pub const WRONG_PASSWORD: u8 = 6;
pub const STASH: u8 = 7;
pub const ENTRY: u8 = 8;
pub const INPUT: u8 = 9;
pub const UNDECIDED: u8 = 10;

/// The exit status for an error.
pub fn status_of(e: &Error) -> u8 {
    match e.class() {
        ErrorClass::Io => IO,
        ErrorClass::NotAStore => NOT_A_STORE,
        ErrorClass::Damaged => DAMAGED,
        ErrorClass::WrongPassword => WRONG_PASSWORD,
        ErrorClass::Stash => STASH,
        ErrorClass::Entry => ENTRY,
        ErrorClass::Input => INPUT,
        ErrorClass::Undecided => UNDECIDED,
        ErrorClass::Validation => FINDINGS,
        _ => USAGE,
    }
}
