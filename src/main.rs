//! The kdbman command: parse, run, word the error, exit with its status.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let parsed = cli::Cli::parse();
    match cli::run(parsed) {
        Ok(status) => std::process::ExitCode::from(status),
        Err(e) => {
            cli::report(&e);
            std::process::ExitCode::from(cli::status_of(&e))
        }
    }
}
