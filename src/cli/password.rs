//! Where passwords come from: prompt, environment, file, stdin, stash.

use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use kdbman::ops::{Notice, StoreAt, StoreKey};
use kdbman::stash::{self, Permissions};
use kdbman::{Access, Error, Password, Result, Stash, Store};
use zeroize::Zeroizing;

/// A password given as an option value (`--pw VALUE` and its kin): held
/// in a zeroized string, and never shown by `Debug` (clap structs derive
/// it). Hyphen values are allowed on these options, so that a password
/// starting with `-` is taken as the value rather than echoed back in a
/// clap error.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretArg(Zeroizing<String>);

impl SecretArg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Ok(SecretArg(Zeroizing::new(s.to_string())))
    }
}

impl From<&str> for SecretArg {
    fn from(s: &str) -> Self {
        SecretArg(Zeroizing::new(s.to_string()))
    }
}

/// The store password, from any source including a stash.
#[derive(Args, Debug, Clone, Default)]
pub struct PwArgs {
    /// Read the store password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the store password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the store password from the first line of standard input (less its LF or CRLF ending)
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given
    #[arg(long, help_heading = "Password")]
    pub stashed: bool,
    /// Use this stash file
    #[arg(long = "stash", value_name = "PATH", help_heading = "Password")]
    pub stash_path: Option<PathBuf>,
    /// The store password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Password",
        allow_hyphen_values = true
    )]
    pub pw: Option<SecretArg>,
    /// Accept a stash file that group or others can read
    #[arg(long, help_heading = "Password")]
    pub allow_insecure_stash: bool,
    /// Set when built from [`CurrentPwArgs`] (no `--stash PATH` option), so
    /// that messages name only options the command has.
    #[arg(skip)]
    pub no_stash_path: bool,
}

/// The current store password, from a source that is not a stash path
/// (for commands where `--stash` means "write a stash").
#[derive(Args, Debug, Clone, Default)]
pub struct CurrentPwArgs {
    /// Read the store password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the store password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the store password from the first line of standard input (less its LF or CRLF ending)
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// Use the stash file beside the store (STORE.sth); commands that only read the store use it without being told when no other source is given
    #[arg(long, help_heading = "Password")]
    pub stashed: bool,
    /// The store password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Password",
        allow_hyphen_values = true
    )]
    pub pw: Option<SecretArg>,
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
            no_stash_path: true,
        }
    }
}

/// A password for a new store (no stash can hold it yet).
#[derive(Args, Debug, Clone, Default)]
pub struct NewStorePwArgs {
    /// Read the new store's password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "Password")]
    pub pw_env: Option<String>,
    /// Read the new store's password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "Password")]
    pub pw_file: Option<PathBuf>,
    /// Read the new store's password from the first line of standard input (less its LF or CRLF ending)
    #[arg(long, help_heading = "Password")]
    pub pw_stdin: bool,
    /// The new store's password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Password",
        allow_hyphen_values = true
    )]
    pub pw: Option<SecretArg>,
}

/// The new password of `keydb changepw`.
#[derive(Args, Debug, Clone, Default)]
pub struct NewPwArgs {
    /// Read the new password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "New password")]
    pub new_pw_env: Option<String>,
    /// Read the new password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "New password")]
    pub new_pw_file: Option<PathBuf>,
    /// Read the new password from the next line of standard input (less its LF or CRLF ending; after the current password, if that comes from stdin too)
    #[arg(long, help_heading = "New password")]
    pub new_pw_stdin: bool,
    /// The new password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "New password",
        allow_hyphen_values = true
    )]
    pub new_pw: Option<SecretArg>,
}

/// Which password is wanted, for prompts and messages: each names the
/// options of its own command, not those of another.
#[derive(Debug, Clone, Copy)]
pub struct Role {
    what: &'static str,
    /// Every way to give it, for "no password" messages.
    flags: &'static str,
    /// The safe ways, recommended over `--pw VALUE`.
    prefer: &'static str,
}

const STORE: Role = Role {
    what: "store password",
    flags: "--pw-env VAR, --pw-file PATH, --pw-stdin, --stashed or --stash PATH",
    prefer: "--pw-env, --pw-file, --pw-stdin or --stashed",
};
const STORE_NO_STASH_PATH: Role = Role {
    what: "store password",
    flags: "--pw-env VAR, --pw-file PATH, --pw-stdin or --stashed",
    prefer: "--pw-env, --pw-file, --pw-stdin or --stashed",
};
const NEW_STORE: Role = Role {
    what: "new store's password",
    flags: "--pw-env VAR, --pw-file PATH or --pw-stdin",
    prefer: "--pw-env, --pw-file or --pw-stdin",
};
const NEW: Role = Role {
    what: "new password",
    flags: "--new-pw-env VAR, --new-pw-file PATH or --new-pw-stdin",
    prefer: "--new-pw-env, --new-pw-file or --new-pw-stdin",
};
const INPUT_FILE: Role = Role {
    what: "input file's password",
    flags: "--file-pw-env VAR, --file-pw-file PATH or --file-pw-stdin",
    prefer: "--file-pw-env, --file-pw-file or --file-pw-stdin",
};
const TARGET: Role = Role {
    what: "output file's password",
    flags: "--target-pw-env VAR, --target-pw-file PATH or --target-pw-stdin",
    prefer: "--target-pw-env, --target-pw-file or --target-pw-stdin",
};

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
fn next_stdin_line(role: Role) -> Result<Password> {
    let mut line = Zeroizing::new(String::new());
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => Ok(Password::new(kdbman::secret::first_line(&line))),
        Ok(_) => Err(Error::Usage {
            detail: format!("standard input ended before a line with the {}", role.what),
        }),
        Err(e) => Err(Error::Usage {
            detail: format!("cannot read the {} from standard input: {e}", role.what),
        }),
    }
}

fn read_plain(src: Plain<'_>, role: Role) -> Result<Password> {
    let what = role.what;
    match src {
        Plain::Env(var) => match std::env::var(var).map(Zeroizing::new) {
            Ok(v) => Ok(Password::new(kdbman::secret::strip_line_ending(&v))),
            Err(_) => Err(Error::PasswordEnv {
                var: var.to_string(),
                what,
            }),
        },
        Plain::File(path) => {
            // A pipe is fine here (`--pw-file <(pass show x)`), but not
            // without end: at most 64 KiB is read (`/dev/zero` would
            // otherwise fill memory).
            const MAX: u64 = 64 << 10;
            let mut bytes = Zeroizing::new(Vec::new());
            std::fs::File::open(path)
                .and_then(|f| std::io::Read::read_to_end(&mut f.take(MAX + 1), &mut bytes))
                .map_err(|e| Error::Io {
                    path: path.to_path_buf(),
                    action: "read",
                    source: e,
                })?;
            if bytes.len() as u64 > MAX {
                return Err(Error::TooLarge {
                    path: path.to_path_buf(),
                    size: bytes.len() as u64,
                    cap: MAX,
                    env: None,
                });
            }
            let text = std::str::from_utf8(&bytes).map_err(|_| Error::Usage {
                detail: format!("{} (the {what}) is not UTF-8 text", path.display()),
            })?;
            Ok(Password::new(kdbman::secret::first_line(text)))
        }
        Plain::Stdin => next_stdin_line(role),
        Plain::Value(v) => {
            crate::cli::warn(&format!(
                "the {what} given on the command line is visible to other processes; prefer {}",
                role.prefer
            ));
            Ok(Password::new(kdbman::secret::strip_line_ending(v)))
        }
    }
}

/// Asks at the terminal. Standard input that is not a terminal means a
/// script: it gets an error naming the options, not a hanging prompt.
fn prompt(text: &str, role: Role) -> Result<Password> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::NoPassword {
            what: role.what,
            flags: role.flags,
        });
    }
    tty::read_password(text, role)
}

/// Asks for a new password twice, at a terminal.
fn prompt_new(first: &str, again: &str, role: Role) -> Result<Password> {
    let a = prompt(first, role)?;
    if a.is_empty() {
        // Refused here rather than after a second, equally empty entry.
        return Err(Error::BadPassword {
            reason: kdbman::PasswordProblem::Empty,
        });
    }
    let b = prompt(again, role)?;
    if a.as_bytes() != b.as_bytes() {
        return Err(Error::PasswordMismatch { what: role.what });
    }
    Ok(a)
}

/// The terminal prompt: rpassword, with the terminal put back if a signal
/// ends the prompt. rpassword raises SIGINT for Ctrl-C before restoring
/// echo, so without this a shell such as dash goes on typing blind.
mod tty {
    use std::fs::{File, OpenOptions};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use rustix::termios::{self, OptionalActions, Termios};
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    use signal_hook::low_level;

    use super::Role;
    use kdbman::{Error, Password, Result};

    /// The controlling terminal and its settings before the first prompt.
    static SAVED: OnceLock<(File, Termios)> = OnceLock::new();
    /// Whether the terminal is in the prompt's mode now.
    static PROMPTING: AtomicBool = AtomicBool::new(false);
    /// Signals (as bits) whose handling the rest of the program has taken
    /// over: outside a prompt, the handlers leave them alone.
    static HANDED_OVER: AtomicU64 = AtomicU64::new(0);
    /// Whether the handlers are installed (once: signal-hook cannot give a
    /// signal its default action back, so they stay and keep it).
    static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

    const SIGNALS: [i32; 4] = [SIGINT, SIGQUIT, SIGTERM, SIGHUP];

    fn unusable(role: Role, e: impl std::fmt::Display) -> Error {
        Error::Usage {
            detail: format!("cannot ask for the {} at the terminal: {e}", role.what),
        }
    }

    fn bit(sig: i32) -> u64 {
        1u64 << (sig.clamp(0, 63) as u32)
    }

    /// From now on `signals` are handled elsewhere (serve's graceful stop):
    /// the prompt's handlers act on them only while a prompt is open.
    pub fn hand_over(signals: &[i32]) {
        for &sig in signals {
            HANDED_OVER.fetch_or(bit(sig), Ordering::SeqCst);
        }
    }

    /// Installs, once, handlers for SIGINT, SIGQUIT, SIGTERM and SIGHUP
    /// that put the terminal back during a prompt and otherwise do what the
    /// signal would have done (unless it was handed over).
    fn install(role: Role) -> Result<()> {
        if SAVED.get().is_none() {
            let tty = OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .map_err(|e| unusable(role, e))?;
            let saved = termios::tcgetattr(&tty).map_err(|e| unusable(role, e))?;
            let _ = SAVED.set((tty, saved));
        }
        let installed = INSTALLED.get_or_init(|| {
            // A signal ignored from the start (nohup, a shell's background
            // job) stays ignored: a handler would end the process on it.
            for sig in SIGNALS.into_iter().filter(|&sig| !ignored(sig)) {
                // SAFETY: the action only reads values set before the
                // handler exists and atomics, and calls tcsetattr(3) and
                // the default action, all async-signal-safe.
                unsafe {
                    low_level::register(sig, move || {
                        let prompting = PROMPTING.load(Ordering::SeqCst);
                        if prompting && let Some((tty, saved)) = SAVED.get() {
                            let _ = termios::tcsetattr(tty, OptionalActions::Now, saved);
                        }
                        if prompting || HANDED_OVER.load(Ordering::SeqCst) & bit(sig) == 0 {
                            let _ = low_level::emulate_default_handler(sig);
                        }
                    })
                }
                .map_err(|e| e.to_string())?;
            }
            Ok(())
        });
        installed.clone().map_err(|e| unusable(role, e))
    }

    /// Whether `sig`'s action is SIG_IGN.
    fn ignored(sig: i32) -> bool {
        // SAFETY: with a null new action, sigaction(2) only writes the
        // current one into `old`, a plain C struct for which zero is valid.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction == libc::SIG_IGN
        }
    }

    /// The terminal in the prompt's mode while it lives; its settings from
    /// before the first prompt when dropped, however the prompt ends.
    struct Quiet(&'static File, &'static Termios);

    impl Quiet {
        fn enter(role: Role) -> Result<Option<Quiet>> {
            use termios::{LocalModes, SpecialCodeIndex};
            let Some((tty, saved)) = SAVED.get() else {
                return Ok(None);
            };
            let mut quiet = saved.clone();
            quiet.local_modes.remove(
                LocalModes::ECHO | LocalModes::ECHONL | LocalModes::ICANON | LocalModes::ISIG,
            );
            quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
            quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
            PROMPTING.store(true, Ordering::SeqCst);
            if let Err(e) = termios::tcsetattr(tty, OptionalActions::Now, &quiet) {
                PROMPTING.store(false, Ordering::SeqCst);
                return Err(unusable(role, e));
            }
            Ok(Some(Quiet(tty, saved)))
        }
    }

    impl Drop for Quiet {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(self.0, OptionalActions::Now, self.1);
            PROMPTING.store(false, Ordering::SeqCst);
        }
    }

    /// Prints `text` on the controlling terminal and reads a line with
    /// echo off (rpassword).
    ///
    /// The terminal is put in rpassword's mode (no echo, no line editing,
    /// no signal keys) before the prompt is printed: rpassword prints first
    /// and only then changes the terminal, so keys typed quickly after the
    /// prompt (by a person or a script driving a pty) would be echoed, or
    /// a Ctrl-C would reach the whole process group, in between.
    pub(super) fn read_password(text: &str, role: Role) -> Result<Password> {
        install(role)?;
        let quiet = Quiet::enter(role)?;
        let read = rpassword::prompt_password(text);
        drop(quiet);
        match read {
            // rpassword has taken the line's LF and a CR before it.
            Ok(line) => Ok(Password::new(line)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(Error::PromptClosed {
                what: role.what,
                flags: role.flags,
            }),
            Err(e) => Err(unusable(role, e)),
        }
    }
}

pub use tty::hand_over as hand_over_signals;

fn one_of<'a>(
    env: &'a Option<String>,
    file: &'a Option<PathBuf>,
    stdin: bool,
    value: &'a Option<SecretArg>,
    role: Role,
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
        found.push(Plain::Value(v.as_str()));
    }
    if found.len() > 1 {
        return Err(Error::PasswordSources {
            what: role.what,
            flags: role.flags,
        });
    }
    Ok(found.pop())
}

impl NewStorePwArgs {
    /// The new store's password; an interactive prompt asks twice.
    pub fn resolve(&self) -> Result<Password> {
        match one_of(
            &self.pw_env,
            &self.pw_file,
            self.pw_stdin,
            &self.pw,
            NEW_STORE,
        )? {
            Some(src) => read_plain(src, NEW_STORE),
            None => prompt_new("New store password: ", "Repeat the password: ", NEW_STORE),
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
            NEW,
        )? {
            Some(src) => read_plain(src, NEW),
            None => prompt_new("New password: ", "Repeat the new password: ", NEW),
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
    /// The password given by --pw-env, --pw-file, --pw-stdin or --pw, read
    /// once; `None` when none was (there is no prompt: lint over many
    /// stores uses it for all of them).
    pub fn given(&self) -> Result<Option<Password>> {
        one_of(&self.pw_env, &self.pw_file, self.pw_stdin, &self.pw, STORE)?
            .map(|src| read_plain(src, STORE))
            .transpose()
    }

    fn stash_choice(&self, db: &Path) -> Option<PathBuf> {
        match (&self.stash_path, self.stashed) {
            (Some(p), _) => Some(p.clone()),
            (None, true) => Some(stash::default_path(db)),
            _ => None,
        }
    }

    /// Whether no password source at all was given.
    pub fn no_source(&self) -> bool {
        self.pw_env.is_none()
            && self.pw_file.is_none()
            && !self.pw_stdin
            && self.pw.is_none()
            && !self.stashed
            && self.stash_path.is_none()
    }

    /// These arguments, with `--stashed` turned on when no password source
    /// was given and the stash beside `db` (STORE.sth) exists, as IHS and
    /// `serve` use it; said once on standard error.
    pub fn or_stash_beside(&self, db: &Path) -> PwArgs {
        let mut pw = self.clone();
        let beside = stash::default_path(db);
        if self.no_source() && beside.exists() {
            crate::cli::notice(&format!(
                "no password source given: opening {} with the stash beside it ({})",
                kdbman::text::path(db),
                kdbman::text::path(&beside)
            ));
            pw.stashed = true;
        }
        pw
    }

    /// Opens `db` for a command that only reads it: as [`PwArgs::open`],
    /// but with no password source given the stash beside the store is
    /// used when it exists ([`PwArgs::or_stash_beside`]).
    pub fn open_reading(&self, db: &Path) -> Result<(Store, Opened)> {
        self.or_stash_beside(db).open(db, Access::Read)
    }

    /// Opens the store at `db` with whatever source was given.
    pub fn open(&self, db: &Path, access: Access) -> Result<(Store, Opened)> {
        let key = self.key(db)?;
        let o = self.at(db, &key).open(access)?;
        let opened = match o.stash {
            Some(s) => Opened::Stash(s),
            None => Opened::Password(o.password),
        };
        Ok((o.store, opened))
    }

    /// The store of an operation: `db`, opened with `key`, said on
    /// standard error as kdbman says it ([`notice`]).
    pub fn at<'a>(&self, db: &'a Path, key: &'a StoreKey) -> StoreAt<'a> {
        StoreAt {
            db,
            key,
            notice: &notice,
        }
    }

    /// What opens the store at `db`: the password given, else the stash
    /// chosen, else the password asked at the terminal (after checking that
    /// `db` is a store at all).
    pub fn key(&self, db: &Path) -> Result<StoreKey> {
        let role = if self.no_stash_path {
            STORE_NO_STASH_PATH
        } else {
            STORE
        };
        let plain = one_of(&self.pw_env, &self.pw_file, self.pw_stdin, &self.pw, role)?;
        let stash = self.stash_choice(db);
        if plain.is_some() && stash.is_some() {
            return Err(Error::PasswordSources {
                what: role.what,
                flags: role.flags,
            });
        }
        if let Some(path) = stash {
            let permissions = if self.allow_insecure_stash {
                Permissions::AllowInsecure
            } else {
                Permissions::Strict
            };
            return Ok(StoreKey::Stash { path, permissions });
        }
        Ok(StoreKey::Password(match plain {
            Some(src) => read_plain(src, role)?,
            None => {
                // Fail on a missing or foreign file before asking.
                Store::check_before_password(db)?;
                prompt(&format!("Password for {}: ", db.display()), role)?
            }
        }))
    }
}

/// Asks at the terminal for a new store's password, twice.
pub fn prompt_new_store() -> Result<Password> {
    prompt_new("New store password: ", "Repeat the password: ", NEW_STORE)
}

/// Asks at the terminal for the password of a file to write, twice.
pub fn prompt_target() -> Result<Password> {
    prompt_new(
        "Password for the exported file: ",
        "Repeat the password: ",
        TARGET,
    )
}

/// Asks at the terminal for the password of an input file.
pub fn prompt_file(file: &Path) -> Result<Password> {
    prompt(&format!("Password for {}: ", file.display()), INPUT_FILE)
}

/// Asks for the password of the store at `db` at the terminal, after
/// failing on a missing or foreign file (nothing to ask for).
pub fn prompt_store(db: &Path) -> Result<Password> {
    Store::check_before_password(db)?;
    prompt(&format!("Password for {}: ", db.display()), STORE)
}

/// What both front ends say while a store opens: a stash that group or
/// others can read, an interrupted write, an expired password, an unusable
/// companion (the gsk8capicmd front end shows kdbman's own warnings).
pub fn notice(n: Notice<'_>) {
    match n {
        Notice::StashRead(stash) => {
            if let Some(mode) = stash.exposed_mode() {
                crate::cli::warn(&format!(
                    "stash file {} is readable by group or others (mode {mode:04o}): anyone who can read it has the store password; run `chmod 600 {}`",
                    stash.path().display(),
                    stash.path().display()
                ));
            }
        }
        Notice::Opened(store) => {
            warn_if_expired(store);
            warn_companions(store);
        }
        Notice::Note(n) => crate::cli::warn(n),
    }
}

/// A CMS companion (`.rdb`, `.crl`) that is empty or unusable does not stop
/// the store from opening; every command says what was found.
fn warn_companions(store: &Store) {
    for c in store.cms_companions() {
        if let Some(msg) = companion_notice(&c) {
            crate::cli::warn(&msg);
        }
    }
}

/// What a front end says about a companion, if anything (an absent or
/// intact one needs no word).
pub fn companion_notice(c: &kdbman::store::cms::Companion) -> Option<String> {
    use kdbman::store::cms::Found;
    let what = match c.kind {
        kdbman::store::cms::Kind::Crls => "CRL database",
        _ => "request database",
    };
    match &c.found {
        Found::Empty => Some(format!(
            "{what} {} is empty (0 bytes): read as holding nothing",
            c.path.display()
        )),
        Found::Unusable(e) => Some(format!(
            "{what} {} is not usable, so the store opened without it: {e}. Commands that only read the store work; a change that must rewrite it (certificate requests, a new password) is refused until it is restored",
            c.path.display()
        )),
        _ => None,
    }
}

/// An expired password still opens the store (so it can be changed), but
/// every command says so: servers refuse such a store (SSL0219E).
fn warn_if_expired(store: &Store) {
    if let Some(marker) = store.pending_write() {
        crate::cli::warn(&format!(
            "a write to {} was interrupted (its commit marker {} remains): this command read the files that write committed; the next command that changes the store completes it",
            store.path().display(),
            marker.display()
        ));
    }
    let now = kdbman::clock::now();
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
    /// Read the input file's password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "Input file password")]
    pub file_pw_env: Option<String>,
    /// Read the input file's password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "Input file password")]
    pub file_pw_file: Option<PathBuf>,
    /// Read the input file's password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)
    #[arg(long, help_heading = "Input file password")]
    pub file_pw_stdin: bool,
    /// The input file's password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Input file password",
        allow_hyphen_values = true
    )]
    pub file_pw: Option<SecretArg>,
}

impl FilePwArgs {
    /// The password if one was given; `None` means try without one first.
    pub fn given(&self) -> Result<Option<Password>> {
        match one_of(
            &self.file_pw_env,
            &self.file_pw_file,
            self.file_pw_stdin,
            &self.file_pw,
            INPUT_FILE,
        )? {
            Some(src) => read_plain(src, INPUT_FILE).map(Some),
            None => Ok(None),
        }
    }

    /// Asks at the terminal, after a password-less attempt failed.
    pub fn prompt(&self, file: &Path) -> Result<Password> {
        prompt(&format!("Password for {}: ", file.display()), INPUT_FILE)
    }
}

/// The password that protects a file kdbman writes (PKCS#12 export).
#[derive(Args, Debug, Clone, Default)]
pub struct TargetPwArgs {
    /// Read the output file's password from environment variable VAR (less one trailing LF or CRLF)
    #[arg(long, value_name = "VAR", help_heading = "Output file password")]
    pub target_pw_env: Option<String>,
    /// Read the output file's password from the first line of PATH (less its LF or CRLF ending)
    #[arg(long, value_name = "PATH", help_heading = "Output file password")]
    pub target_pw_file: Option<PathBuf>,
    /// Read the output file's password from the next line of standard input (less its LF or CRLF ending; after the store password, if that comes from stdin too)
    #[arg(long, help_heading = "Output file password")]
    pub target_pw_stdin: bool,
    /// The output file's password itself (visible to other processes: avoid)
    #[arg(
        long,
        value_name = "VALUE",
        help_heading = "Output file password",
        allow_hyphen_values = true
    )]
    pub target_pw: Option<SecretArg>,
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
            TARGET,
        )? {
            Some(src) => read_plain(src, TARGET),
            None => prompt_new(
                "Password for the exported file: ",
                "Repeat the password: ",
                TARGET,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_options_never_show_in_debug() {
        let args = PwArgs {
            pw: Some("SECRETVALUE".into()),
            ..Default::default()
        };
        let new = NewPwArgs {
            new_pw: Some("SECRETVALUE".into()),
            ..Default::default()
        };
        let file = FilePwArgs {
            file_pw: Some("SECRETVALUE".into()),
            ..Default::default()
        };
        let target = TargetPwArgs {
            target_pw: Some("SECRETVALUE".into()),
            ..Default::default()
        };
        for shown in [
            format!("{args:?}"),
            format!("{new:?}"),
            format!("{file:?}"),
            format!("{target:?}"),
        ] {
            assert!(!shown.contains("SECRETVALUE"), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
    }
}
