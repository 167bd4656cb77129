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
    match cli::run(parsed) {
        Ok(status) => std::process::ExitCode::from(status),
        Err(e) => {
            cli::report(&e);
            std::process::ExitCode::from(cli::status_of(&e))
        }
    }
}
