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
    /// A secret (the store password) that the output of a command that
    /// succeeded must never show ([`Kdbman::ok`], [`Kdbman::stdout`]).
    pub secret: Option<&'static str>,
}

impl Kdbman {
    /// kdbman with these variables set (and nothing else changed).
    pub const fn new(env: &'static [(&'static str, &'static str)]) -> Self {
        Kdbman {
            env,
            remove: &[],
            stdin_null: false,
            timeout_secs: 0,
            secret: None,
        }
    }

    /// Also asserts that `secret` never shows in the output of a command
    /// that succeeded.
    pub const fn never_prints(self, secret: &'static str) -> Self {
        Kdbman {
            secret: Some(secret),
            ..self
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

    /// `kdbman ARGS --pw-env KPW` in `dir` (the test sets `KPW`), to
    /// assert on.
    pub fn with_kpw_in(&self, dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd_in(dir)
            .args(args)
            .args(["--pw-env", "KPW"])
            .assert()
    }

    /// `kdbman COMMAND --db DB --pw-env KPW OPTIONS...` in DB's directory
    /// (the test sets `KPW`), to assert on; `args` is COMMAND (one word
    /// for `lint`, else two: `cert list`) followed by the OPTIONS.
    pub fn on_db(&self, db: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
        let n = if args[0] == "lint" { 1 } else { 2 };
        let mut c = self.cmd();
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            c.current_dir(dir);
        }
        c.args(&args[..n])
            .arg("--db")
            .arg(db)
            .args(["--pw-env", "KPW"])
            .args(&args[n..])
            .assert()
    }

    /// Runs `prog` (kdbman, or a link to it such as [`gsk_link`]) with
    /// this environment in `dir`, writing `stdin` to its standard input.
    pub fn piped(&self, dir: &Path, prog: &Path, args: &[&str], stdin: &[u8]) -> Output {
        use std::io::Write;
        let mut cmd = std::process::Command::new(prog);
        for (k, v) in self.env {
            cmd.env(k, v);
        }
        for k in self.remove {
            cmd.env_remove(k);
        }
        let mut child = cmd
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs `kdbman args`: (exit status, standard output, standard
    /// error), success or not; kdbman must exit, not be killed.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        status_and_text(self.output(args))
    }

    /// [`Kdbman::run`] run in `dir`.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        status_and_text(self.output_in(dir, args))
    }

    /// Runs `kdbman args`, asserting success; what it did.
    pub fn ok(&self, args: &[&str]) -> Output {
        self.succeeded(args, self.output(args))
    }

    /// [`Kdbman::ok`] run in `dir`.
    pub fn ok_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.succeeded(args, self.output_in(dir, args))
    }

    /// Runs `kdbman args`, asserting success; (standard output, standard
    /// error).
    pub fn ok_text(&self, args: &[&str]) -> (String, String) {
        let out = self.ok(args);
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// [`Kdbman::ok_text`] run in `dir`.
    pub fn ok_text_in(&self, dir: &Path, args: &[&str]) -> (String, String) {
        let out = self.ok_in(dir, args);
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Runs `kdbman args`, asserting success; its standard output.
    pub fn stdout(&self, args: &[&str]) -> String {
        String::from_utf8(self.ok(args).stdout).unwrap()
    }

    /// [`Kdbman::stdout`] run in `dir`.
    pub fn stdout_in(&self, dir: &Path, args: &[&str]) -> String {
        String::from_utf8(self.ok_in(dir, args).stdout).unwrap()
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

impl Kdbman {
    /// `out` of `kdbman args`, asserted successful (and free of the secret).
    fn succeeded(&self, args: &[&str], out: Output) -> Output {
        assert!(
            out.status.success(),
            "kdbman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(secret) = self.secret {
            let text = [&out.stdout[..], &out.stderr[..]].concat();
            assert!(
                !String::from_utf8_lossy(&text).contains(secret),
                "kdbman {args:?}: password echoed"
            );
        }
        out
    }
}

/// (exit status, standard output, standard error) of a finished command,
/// which must have exited, not been killed.
pub fn status_and_text(out: Output) -> (i32, String, String) {
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `cmd` (a kdbman command the test set up itself) with `args`:
/// (exit status, standard output, standard error).
pub fn run_with(mut cmd: assert_cmd::Command, args: &[&str]) -> (i32, String, String) {
    status_and_text(cmd.args(args).output().unwrap())
}

/// Runs the gsk8capicmd front end (`dir/gsk8capicmd_64`, made by
/// [`gsk_link`]) in `dir` with standard input closed.
pub fn gsk(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(gsk_link(dir))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
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

/// [`gsk`], asserting success; what it did.
pub fn gsk_ok(dir: &Path, args: &[&str]) -> Output {
    let out = gsk(dir, args);
    assert!(
        out.status.success(),
        "gsk8capicmd_64 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
