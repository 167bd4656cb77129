//! The gsk8capicmd argument parser (`src/cli/gsk/parse.rs`), compiled
//! from its own source: it lives in the kdbman binary, not the library.
//! Input: NUL-separated arguments, as a script would pass them.
#![no_main]
#![allow(dead_code, unused_imports)]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/cli/exit.rs"]
pub mod exit;
#[path = "../../src/cli/gsk/advice.rs"]
mod advice;
#[path = "../../src/cli/gsk/messages.rs"]
mod messages;
#[path = "../../src/cli/gsk/parse.rs"]
mod parse;

/// What the two files expect to find at `crate::cli`.
mod cli {
    pub use crate::exit;
    pub use crate::exit::status_of;
}

fuzz_target!(|data: &[u8]| {
    let args: Vec<String> = data
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    if let Ok(inv) = parse::parse(&args) {
        let _ = format!("{inv:?}");
    }
});
