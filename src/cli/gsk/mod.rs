//! The gsk8capicmd-compatible front end: `gsk8capicmd_64 -cert -list -db
//! key.kdb -stashed` and friends run unchanged on kdbman.
//!
//! It is entered when kdbman is invoked as `gsk8capicmd`,
//! `gsk8capicmd_64`, `gskcapicmd` or `runmqakm` (a symlink or copy, any
//! directory, with or without `.exe`), or when kdbman's first argument is a
//! GSKit object (`-keydb`, `-cert`, `-certreq`, `-version`, `-help`).
//!
//! - [`parse`]: the GSKit argument syntax and the option/action tables;
//! - [`run`]: dispatch: writes are translated into kdbman's own commands
//!   and run silently, reads are rendered from the library;
//! - [`output`]: GSKit-shaped list and details text;
//! - [`messages`]: `CODE text` errors, fixes and exit statuses;
//! - [`man`]: the `kdbman-gsk(1)` page, generated from the tables;
//! - [`explain`]: `kdbman explain` for its KDBG and CTGSK messages.

pub mod advice;
pub mod explain;
pub mod man;
pub mod messages;
pub mod output;
pub mod parse;
pub mod run;

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// Program names that select the GSKit syntax.
pub const TOOL_NAMES: &[&str] = &["gsk8capicmd", "gsk8capicmd_64", "gskcapicmd", "runmqakm"];

/// First arguments that select the GSKit syntax under kdbman's own name.
const FIRST_ARGS: &[&str] = &[
    "-keydb",
    "-cert",
    "-certreq",
    "-version",
    "-help",
    "-secretkey",
    "-random",
    "-fips",
    "-strong",
];

/// The GSKit tool name this command line asks for, if any: the program
/// name (`gsk8capicmd_64`), or `kdbman` when the first argument is a
/// GSKit object.
pub fn selected(args: &[OsString]) -> Option<&'static str> {
    let argv0 = args.first()?;
    let base = Path::new(argv0)
        .file_name()
        .map(OsStr::to_string_lossy)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    if let Some(t) = TOOL_NAMES.iter().find(|t| **t == base) {
        return Some(t);
    }
    let first = args.get(1)?.to_str()?.to_ascii_lowercase();
    FIRST_ARGS.contains(&first.as_str()).then_some("kdbman")
}

/// Runs a GSKit command line (without the program name) and returns the
/// exit status. Never panics outward: a bug is reported as KDBG0099E.
pub fn main(tool: &'static str, args: &[OsString]) -> u8 {
    let args = args.to_vec();
    std::panic::set_hook(Box::new(|info| {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "KDBG0099E internal error: {info}\nkdbman fix: this is a bug in kdbman; please report it with the command line\n"
            )
            .as_bytes(),
        );
    }));
    std::panic::catch_unwind(move || run::main(tool, &args)).unwrap_or(70)
}
