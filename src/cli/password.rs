//! Where passwords come from: prompt, environment, file, stdin, stash.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;
use kdbman::stash::{self, Permissions};
use kdbman::{Access, Error, Password, Result, Stash, Store};
use zeroize::Zeroizing;

/// The store password, from any source including a stash.
#[derive(Args, Debug, Clone, Default)]
pub struct PwArgs {
    /// Read the store password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the store password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the store password from the first line of standard input
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// Use the stash file beside the store (STORE.sth)
    #[arg(long, help_heading = "Password")]
    pub stashed: bool,
    /// Use this stash file
    #[arg(long = "stash", value_name = "PATH", help_heading = "Password")]
    pub stash_path: Option<PathBuf>,
    /// The store password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "Password")]
    pub pw: Option<String>,
    /// Accept a stash file that group or others can read
    #[arg(long, help_heading = "Password")]
    pub allow_insecure_stash: bool,
}

/// The current store password, from a source that is not a stash path
/// (for commands where `--stash` means "write a stash").
#[derive(Args, Debug, Clone, Default)]
pub struct CurrentPwArgs {
    /// Read the store password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the store password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the store password from the first line of standard input
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// Use the stash file beside the store (STORE.sth)
    #[arg(long, help_heading = "Password")]
    pub stashed: bool,
    /// The store password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "Password")]
    pub pw: Option<String>,
    /// Accept a stash file that group or others can read
    #[arg(long, help_heading = "Password")]
    pub allow_insecure_stash: bool,
}

impl From<CurrentPwArgs> for PwArgs {
    fn from(c: CurrentPwArgs) -> Self {
        PwArgs {
            pw_env: c.pw_env,
            pw_file: c.pw_file,
            pw_stdin: c.pw_stdin,
            stashed: c.stashed,
            stash_path: None,
            pw: c.pw,
            allow_insecure_stash: c.allow_insecure_stash,
        }
    }
}

/// A password for a new store (no stash can hold it yet).
#[derive(Args, Debug, Clone, Default)]
pub struct NewStorePwArgs {
    /// Read the new store's password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the new store's password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the new store's password from the first line of standard input
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// The password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "Password")]
    pub pw: Option<String>,
}

/// The new password of `keydb changepw`.
#[derive(Args, Debug, Clone, Default)]
pub struct NewPwArgs {
    /// Read the new password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "New password")]
    pub new_pw_env: Option<String>,
    /// Read the new password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "New password")]
    pub new_pw_file: Option<PathBuf>,
    /// Read the new password from standard input (the line after the current password, if that comes from stdin too)
    #[arg(long, help_heading = "New password")]
    pub new_pw_stdin: bool,
    /// The new password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "New password")]
    pub new_pw: Option<String>,
}

/// A plain (non-stash) password source.
pub enum Plain<'a> {
    Env(&'a str),
    File(&'a Path),
    Stdin,
    Value(&'a str),
}

/// Reads the next line of standard input as a password. One line per
/// call, so `--pw-stdin` and `--new-pw-stdin` share stdin, and a single
/// password does not wait for a second line (std buffers between calls).
fn next_stdin_line() -> Result<Password> {
    let mut line = Zeroizing::new(String::new());
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => Ok(Password::new(line.trim_end_matches(['\n', '\r']))),
        Ok(_) => Err(Error::Usage {
            detail: "standard input ended before a password line".into(),
        }),
        Err(e) => Err(Error::Usage {
            detail: format!("cannot read a password from standard input: {e}"),
        }),
    }
}

fn read_plain(src: Plain<'_>, what: &str) -> Result<Password> {
    match src {
        Plain::Env(var) => match std::env::var(var) {
            Ok(v) => Ok(Password::new(v)),
            Err(_) => Err(Error::Usage {
                detail: format!(
                    "environment variable {var} (for the {what}) is not set or not UTF-8"
                ),
            }),
        },
        Plain::File(path) => {
            let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| Error::Io {
                path: path.to_path_buf(),
                action: "read",
                source: e,
            })?);
            let text = std::str::from_utf8(&bytes).map_err(|_| Error::Usage {
                detail: format!("{} (the {what}) is not UTF-8 text", path.display()),
            })?;
            let line = text.lines().next().unwrap_or("");
            Ok(Password::new(line))
        }
        Plain::Stdin => next_stdin_line(),
        Plain::Value(v) => {
            crate::cli::warn(&format!(
                "the {what} given on the command line is visible to other processes; prefer --pw-env, --pw-file or --pw-stdin"
            ));
            Ok(Password::new(v))
        }
    }
}

fn prompt(text: &str) -> Result<Password> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage {
            detail: "no password given: use --pw-env VAR, --pw-file PATH, --pw-stdin or --stashed"
                .into(),
        });
    }
    rpassword::prompt_password(text)
        .map(Password::new)
        .map_err(|e| Error::Usage {
            detail: format!("cannot read a password from the terminal: {e}"),
        })
}

/// Asks for a new password twice, at a terminal.
fn prompt_new(first: &str, again: &str) -> Result<Password> {
    let a = prompt(first)?;
    let b = prompt(again)?;
    if a.as_bytes() != b.as_bytes() {
        return Err(Error::Usage {
            detail: "the two passwords differ".into(),
        });
    }
    Ok(a)
}

fn one_of<'a>(
    env: &'a Option<String>,
    file: &'a Option<PathBuf>,
    stdin: bool,
    value: &'a Option<String>,
) -> Result<Option<Plain<'a>>> {
    let mut found = Vec::new();
    if let Some(v) = env {
        found.push(Plain::Env(v));
    }
    if let Some(f) = file {
        found.push(Plain::File(f));
    }
    if stdin {
        found.push(Plain::Stdin);
    }
    if let Some(v) = value {
        found.push(Plain::Value(v));
    }
    if found.len() > 1 {
        return Err(Error::Usage {
            detail: "give the password one way only".into(),
        });
    }
    Ok(found.pop())
}

impl NewStorePwArgs {
    /// The new store's password; an interactive prompt asks twice.
    pub fn resolve(&self) -> Result<Password> {
        match one_of(&self.pw_env, &self.pw_file, self.pw_stdin, &self.pw)? {
            Some(src) => read_plain(src, "store password"),
            None => prompt_new("New store password: ", "Repeat the password: "),
        }
    }
}

impl NewPwArgs {
    pub fn resolve(&self) -> Result<Password> {
        match one_of(
            &self.new_pw_env,
            &self.new_pw_file,
            self.new_pw_stdin,
            &self.new_pw,
        )? {
            Some(src) => read_plain(src, "new password"),
            None => prompt_new("New password: ", "Repeat the new password: "),
        }
    }
}

/// How a store was opened: by a password, or by a stash.
pub enum Opened {
    Password(Password),
    Stash(Stash),
}

impl Opened {
    pub fn password(&self) -> &Password {
        match self {
            Opened::Password(p) => p,
            Opened::Stash(s) => s.password(),
        }
    }
}

impl PwArgs {
    fn stash_choice(&self, db: &Path) -> Option<PathBuf> {
        match (&self.stash_path, self.stashed) {
            (Some(p), _) => Some(p.clone()),
            (None, true) => Some(stash::default_path(db)),
            _ => None,
        }
    }

    /// Opens the store at `db` with whatever source was given.
    pub fn open(&self, db: &Path, access: Access) -> Result<(Store, Opened)> {
        let plain = one_of(&self.pw_env, &self.pw_file, self.pw_stdin, &self.pw)?;
        let stash = self.stash_choice(db);
        if plain.is_some() && stash.is_some() {
            return Err(Error::Usage {
                detail: "give the password one way only (a password source or a stash)".into(),
            });
        }
        if let Some(stash_path) = stash {
            // Classify the store first: a damaged store is not a stash problem.
            Store::inspect(db)?;
            let perms = if self.allow_insecure_stash {
                Permissions::AllowInsecure
            } else {
                Permissions::Strict
            };
            let stash = Stash::read(&stash_path, db, perms)?;
            let store = Store::open_stashed(db, &stash, access)?;
            warn_if_expired(&store);
            return Ok((store, Opened::Stash(stash)));
        }
        let password = match plain {
            Some(src) => read_plain(src, "store password")?,
            None => {
                // Fail on a missing or foreign file before asking.
                Store::inspect(db)?;
                prompt(&format!("Password for {}: ", db.display()))?
            }
        };
        let store = Store::open(db, &password, access)?;
        warn_if_expired(&store);
        Ok((store, Opened::Password(password)))
    }
}

/// An expired password still opens the store (so it can be changed), but
/// every command says so: servers refuse such a store (SSL0219E).
fn warn_if_expired(store: &Store) {
    let now = crate::cli::keydb::now();
    if let Some(t) = store
        .password_expires()
        .filter(|_| store.password_expired_at(now))
    {
        crate::cli::warn(&format!(
            "the password of {} expired on {} [SSL0219E]; change it with `kdbman keydb changepw --db {}`",
            store.path().display(),
            crate::cli::output::time(t),
            store.path().display()
        ));
    }
}

/// The password of an input file (PKCS#12, encrypted private key).
#[derive(Args, Debug, Clone, Default)]
pub struct FilePwArgs {
    /// Read the input file's password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Input file password")]
    pub file_pw_env: Option<String>,
    /// Read the input file's password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Input file password")]
    pub file_pw_file: Option<PathBuf>,
    /// Read the input file's password from standard input (after the store password, if that comes from stdin too)
    #[arg(long, help_heading = "Input file password")]
    pub file_pw_stdin: bool,
    /// The input file's password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "Input file password")]
    pub file_pw: Option<String>,
}

impl FilePwArgs {
    /// The password if one was given; `None` means try without one first.
    pub fn given(&self) -> Result<Option<Password>> {
        match one_of(
            &self.file_pw_env,
            &self.file_pw_file,
            self.file_pw_stdin,
            &self.file_pw,
        )? {
            Some(src) => read_plain(src, "input file password").map(Some),
            None => Ok(None),
        }
    }

    /// Asks at the terminal, after a password-less attempt failed.
    pub fn prompt(&self, file: &Path) -> Result<Password> {
        prompt(&format!("Password for {}: ", file.display())).map_err(|_| Error::InputPassword {
            path: file.to_path_buf(),
        })
    }
}

/// The password that protects a file kdbman writes (PKCS#12 export).
#[derive(Args, Debug, Clone, Default)]
pub struct TargetPwArgs {
    /// Read the output file's password from environment variable VAR
    #[arg(long, value_name = "VAR", help_heading = "Output file password")]
    pub target_pw_env: Option<String>,
    /// Read the output file's password from the first line of PATH
    #[arg(long, value_name = "PATH", help_heading = "Output file password")]
    pub target_pw_file: Option<PathBuf>,
    /// Read the output file's password from standard input (after the store password, if that comes from stdin too)
    #[arg(long, help_heading = "Output file password")]
    pub target_pw_stdin: bool,
    /// The output file's password itself (visible to other processes: avoid)
    #[arg(long, value_name = "VALUE", help_heading = "Output file password")]
    pub target_pw: Option<String>,
}

impl TargetPwArgs {
    /// The password; an interactive prompt asks twice. It may be empty
    /// only when given explicitly (some tools need password-less files).
    pub fn resolve(&self) -> Result<Password> {
        match one_of(
            &self.target_pw_env,
            &self.target_pw_file,
            self.target_pw_stdin,
            &self.target_pw,
        )? {
            Some(src) => read_plain(src, "output file password"),
            None => prompt_new("Password for the exported file: ", "Repeat the password: "),
        }
    }
}
