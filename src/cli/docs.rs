//! Man pages and shell completions, generated from the clap definitions.
//!
//! `tests/docs.rs` regenerates them and fails when the committed copies in
//! `man/` and `completions/` differ (set `KDBMAN_BLESS=1` to rewrite them).
//! The section 5 pages (`kdbman-kdb.5`, `kdbman-stash.5`) are written by
//! hand: they specify file formats, not options. Every section 1 page gets
//! the EXAMPLES of [`super::examples`]; clap's `help` subcommand is left
//! out of the pages (it has none of its own).

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use kdbman::{Error, Result};

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        action: "write",
        source: e,
    }
}

fn render_man(cmd: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    let cmd = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(without_help_page(cmd.clone()))
        .render(&mut buf)
        .map_err(|e| io_err(dir, e))?;
    let page = with_examples(String::from_utf8_lossy(&buf).into_owned(), name);
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page).map_err(|e| io_err(&path, e))?;
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        render_man(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}

/// Leaves clap's `help` subcommand out of a page's SUBCOMMANDS: it has no
/// page of its own (`kdbman help cert` is `kdbman cert --help`), and a
/// man page names only pages that exist. The command line keeps it.
fn without_help_page(cmd: clap::Command) -> clap::Command {
    if cmd.find_subcommand("help").is_some() {
        cmd.mut_subcommand("help", |h| h.hide(true))
    } else {
        cmd
    }
}

/// Adds the EXAMPLES section of `src/cli/examples.rs` to a generated
/// page, before VERSION and AUTHORS.
fn with_examples(page: String, name: &str) -> String {
    let key = name
        .strip_prefix("kdbman")
        .unwrap_or(name)
        .trim_start_matches('-')
        .replace('-', " ");
    let section = super::examples::roff_section(&key);
    if section.is_empty() {
        return page;
    }
    let at = [".SH VERSION\n", ".SH AUTHORS\n"]
        .iter()
        .filter_map(|h| page.find(&format!("\n{h}")).map(|i| i + 1))
        .min();
    match at {
        Some(i) => format!("{}{section}{}", &page[..i], &page[i..]),
        None => format!("{page}{section}"),
    }
}

/// Writes `man/*.1` and `completions/` under `out`.
pub fn generate(out: &Path) -> Result<()> {
    let man = out.join("man");
    let comp = out.join("completions");
    for d in [&man, &comp] {
        std::fs::create_dir_all(d).map_err(|e| io_err(d, e))?;
    }
    let mut cmd = super::Cli::command();
    cmd.build();
    render_man(&cmd, "kdbman", &man)?;
    let gsk = man.join("kdbman-gsk.1");
    std::fs::write(&gsk, super::gsk::man::man_page()).map_err(|e| io_err(&gsk, e))?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, "kdbman", &comp)
            .map_err(|e| io_err(&comp, e))?;
    }
    Ok(())
}
