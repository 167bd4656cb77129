//! The kdbman command: parse, run, word the error, exit with its status.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(tool) = cli::gsk::selected(&args) {
        return std::process::ExitCode::from(cli::gsk::main(tool, &args[1..]));
    }
    let parsed = match cli::Cli::try_parse_from(&args) {
        Ok(p) => p,
        Err(e) => cli::parse_error_exit(e, &args),
    };
    let status = match cli::run(parsed) {
        Ok(status) => status,
        Err(e) => {
            cli::report(&e);
            cli::status_of(&e)
        }
    };
    debug_stats();
    std::process::ExitCode::from(status)
}

/// With `KDBMAN_DEBUG_STATS` set, how many private keys this run
/// decrypted, on standard error (tests show that listing decrypts none).
fn debug_stats() {
    if std::env::var_os("KDBMAN_DEBUG_STATS").is_some() {
        eprintln!(
            "kdbman: debug: private-key decryptions: {}",
            kdbman::store::cms::keycrypt::key_decryptions()
        );
    }
}
