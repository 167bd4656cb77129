//! Running the `kdbman` binary from tests: one description of how a test
//! binary calls it (environment set or removed, standard input), shared by
//! every test file instead of a local `fn kdbman`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

/// The built `kdbman` binary.
pub fn kdbman_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kdbman"))
}

/// How a test file runs kdbman: variables to set and to remove, and
/// whether standard input is closed (`/dev/null`). Made as a `const`:
/// `const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]).without(&["CI"]);`
#[derive(Clone, Copy, Debug)]
pub struct Kdbman {
    pub env: &'static [(&'static str, &'static str)],
    pub remove: &'static [&'static str],
    pub stdin_null: bool,
    /// Kill kdbman (and fail) after this many seconds; 0: no limit.
    /// Applies to [`Kdbman::cmd`] (`assert_cmd`) only.
    pub timeout_secs: u64,
}

impl Kdbman {
    /// kdbman with these variables set (and nothing else changed).
    pub const fn new(env: &'static [(&'static str, &'static str)]) -> Self {
        Kdbman {
            env,
            remove: &[],
            stdin_null: false,
            timeout_secs: 0,
        }
    }

    /// Also kills kdbman after `secs` seconds ([`Kdbman::cmd`] only).
    pub const fn timeout(self, secs: u64) -> Self {
        Kdbman {
            timeout_secs: secs,
            ..self
        }
    }

    /// Also removes these variables from kdbman's environment.
    pub const fn without(self, remove: &'static [&'static str]) -> Self {
        Kdbman { remove, ..self }
    }

    /// Also closes standard input (`Stdio::null()`).
    pub const fn stdin_null(self) -> Self {
        Kdbman {
            stdin_null: true,
            ..self
        }
    }

    /// An `assert_cmd` command, environment applied.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::new(kdbman_bin());
        for (k, v) in self.env {
            c.env(k, v);
        }
        for k in self.remove {
            c.env_remove(k);
        }
        if self.timeout_secs > 0 {
            c.timeout(std::time::Duration::from_secs(self.timeout_secs));
        }
        c
    }

    /// [`Kdbman::cmd`] run in `dir`.
    pub fn cmd_in(&self, dir: &Path) -> assert_cmd::Command {
        let mut c = self.cmd();
        c.current_dir(dir);
        c
    }

    /// A `std::process::Command`, environment (and standard input) applied.
    pub fn std(&self) -> std::process::Command {
        let mut c = std::process::Command::new(kdbman_bin());
        for (k, v) in self.env {
            c.env(k, v);
        }
        for k in self.remove {
            c.env_remove(k);
        }
        if self.stdin_null {
            c.stdin(Stdio::null());
        }
        c
    }

    /// Runs `kdbman args` and returns what it did, success or not.
    pub fn output(&self, args: &[&str]) -> Output {
        self.std().args(args).output().unwrap()
    }

    /// [`Kdbman::output`] run in `dir`.
    pub fn output_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.std().current_dir(dir).args(args).output().unwrap()
    }

    /// Runs `kdbman args`, asserting success; its standard output.
    pub fn stdout(&self, args: &[&str]) -> String {
        succeeded(args, self.output(args))
    }

    /// [`Kdbman::stdout`] run in `dir`.
    pub fn stdout_in(&self, dir: &Path, args: &[&str]) -> String {
        succeeded(args, self.output_in(dir, args))
    }

    /// Runs `kdbman args`, asserting success; its standard output as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.stdout(args)).unwrap()
    }

    /// [`Kdbman::json`] run in `dir`.
    pub fn json_in(&self, dir: &Path, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.stdout_in(dir, args)).unwrap()
    }
}

fn succeeded(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "kdbman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `dir/gsk8capicmd_64`, a symlink to kdbman (as the README installs the
/// gsk8capicmd front end), made if it is not there yet.
pub fn gsk_link(dir: &Path) -> PathBuf {
    let link = dir.join("gsk8capicmd_64");
    if !link.exists() {
        std::os::unix::fs::symlink(kdbman_bin(), &link).unwrap();
    }
    link
}
