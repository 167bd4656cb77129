//! The command line as a user meets it: the terminal prompt (through a
//! real pseudo-terminal, by `script`), messages that name the options of
//! the command at hand, help for every option, JSON shapes documented in
//! `--help`, and a closed pipe that is not an error.

mod common;
use common::kdbman_bin;
use common::{Kdbman, new_store};

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const PW: &str = "cli ux password";
const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)])
    .without(&["KDBMAN_PW"])
    .stdin_null();

// ---------------------------------------------------------------------
// The terminal prompt, through a pseudo-terminal.

/// A command running under `script`, which gives it a pseudo-terminal:
/// what we write is typed at that terminal, and the transcript is what the
/// terminal shows (typed characters appear only if echo is on).
struct Pty {
    child: Child,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// Generous: waits end as soon as the text appears; this only bounds a hang.
const WAIT: Duration = Duration::from_secs(60);

impl Pty {
    fn spawn(shell_command: &str, dir: &Path) -> Pty {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new("script");
        // A user at a terminal has SIGINT and SIGQUIT at their default; a
        // test runner started in the background of a non-interactive shell
        // inherits them ignored, which no shell below may undo. Model the
        // user's terminal whatever started the tests.
        // SAFETY: signal(2) with SIG_DFL is async-signal-safe.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGQUIT, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command
            .args(["-qec", shell_command, "/dev/null"])
            .current_dir(dir)
            .env("SHELL", "/bin/sh")
            .env_remove("KPW")
            .env_remove("KDBMAN_PW")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("`script` (util-linux) must be installed: it gives the prompt a terminal");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut out = child.stdout.take().unwrap();
        let sink = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            screen,
            reader: Some(reader),
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the screen shows `text` `count` times in all.
    fn wait_for_nth(&self, text: &str, count: usize) {
        let start = Instant::now();
        while self.screen().matches(text).count() < count {
            assert!(
                start.elapsed() < WAIT,
                "the terminal never showed {text:?}; it shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_for(&self, text: &str) {
        self.wait_for_nth(text, 1);
    }

    fn type_text(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the command to end; returns its status and the screen.
    fn finish(mut self) -> (i32, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("the command did not end; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(self.child.stdin.take());
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        (status.code().unwrap_or(-1), self.screen())
    }
}

fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The harness sees typed text when the terminal echoes it, so a test
/// that finds no password on the screen means something.
#[test]
fn harness_sees_echoed_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn("read line; echo got-$line", dir.path());
    pty.type_text(b"visible-typing\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("got-visible-typing"), "{screen}");
    assert_eq!(
        screen.matches("visible-typing").count(),
        2,
        "echo and output: {screen}"
    );
}

#[test]
fn prompt_asks_twice_hides_typing_and_opens_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typed.kdb");
    let k = kdbman_bin();
    let mut pty = Pty::spawn(
        &format!(
            "{} keydb create --db {} --kdf-floor --type kdbman",
            sh_quote(&k),
            sh_quote(&db)
        ),
        dir.path(),
    );
    pty.wait_for("New store password:");
    // Backspace removes typed characters: the password is "typed-secret-99".
    pty.type_text(b"typed-secret-XY\x7f\x7f99\n");
    pty.wait_for("Repeat the password:");
    pty.type_text(b"typed-secret-99\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("created"), "{screen}");
    assert!(
        !screen.contains("typed-secret"),
        "typing was echoed:\n{screen}"
    );
    assert!(db.exists());

    // The store opens with the typed password, asked at the terminal.
    let mut pty = Pty::spawn(
        &format!("{} cert list --db {}", sh_quote(&k), sh_quote(&db)),
        dir.path(),
    );
    pty.wait_for("Password for");
    pty.type_text(b"typed-secret-99\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("(no entries)"), "{screen}");
    assert!(
        !screen.contains("typed-secret"),
        "typing was echoed:\n{screen}"
    );

    // A wrong one is a wrong password (6), not damage.
    let mut pty = Pty::spawn(
        &format!("{} cert list --db {}", sh_quote(&k), sh_quote(&db)),
        dir.path(),
    );
    pty.wait_for("Password for");
    pty.type_text(b"typed-secret-XY\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 6, "{screen}");
    assert!(screen.contains("SSL0218E"), "{screen}");
    assert!(
        !screen.contains("typed-secret"),
        "typing was echoed:\n{screen}"
    );
}

#[test]
fn prompt_refuses_two_different_entries() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mismatch.kdb");
    let mut pty = Pty::spawn(
        &format!(
            "{} keydb create --db {} --kdf-floor --type kdbman",
            sh_quote(&kdbman_bin()),
            sh_quote(&db)
        ),
        dir.path(),
    );
    pty.wait_for("New store password:");
    pty.type_text(b"first-entry-aaa\n");
    pty.wait_for("Repeat the password:");
    pty.type_text(b"second-entry-bbb\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("differ"), "{screen}");
    assert!(screen.contains("type the same password twice"), "{screen}");
    assert!(!screen.contains("-entry-"), "typing was echoed:\n{screen}");
    assert!(!db.exists(), "a store was created from mismatched entries");
}

/// Ctrl-C at the prompt ends kdbman as an interrupt (status 130 in the
/// shell) and leaves the terminal echoing again.
#[test]
fn ctrl_c_at_the_prompt_restores_echo() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "ctrlc.kdb", true);
    // Without it: a read command would take the stash beside the store.
    std::fs::remove_file(dir.path().join("ctrlc.sth")).unwrap();
    let mut pty = Pty::spawn(
        &format!(
            "{} cert list --db {}; echo status=$?; stty -a",
            sh_quote(&kdbman_bin()),
            sh_quote(&db)
        ),
        dir.path(),
    );
    pty.wait_for("Password for");
    pty.type_text(b"half-typed\x03");
    let (_, screen) = pty.finish();
    assert!(screen.contains("status=130"), "{screen}");
    assert!(
        !screen.contains("half-typed"),
        "typing was echoed:\n{screen}"
    );
    let flags: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        flags.contains(&"echo") && !flags.contains(&"-echo"),
        "echo is still off after Ctrl-C:\n{screen}"
    );
    assert!(
        flags.contains(&"icanon") && flags.contains(&"isig"),
        "line mode or signals left off:\n{screen}"
    );
}

/// `keydb changepw --new-pw-stdin` run by `sh -c "<setup>; exec kdbman …"`
/// with the store password typed at the prompt, once kdbman is past the
/// prompt and reading the new password from the terminal; with its pid.
fn past_the_prompt(dir: &Path, setup: &str) -> (Pty, String) {
    let db = new_store(&KDBMAN, dir, "signals.kdb", true);
    let mut pty = Pty::spawn(
        &format!(
            "{setup}; echo pid=$$; exec {} keydb changepw --db {} --new-pw-stdin",
            sh_quote(&kdbman_bin()),
            sh_quote(&db)
        ),
        dir,
    );
    pty.wait_for("Password for");
    pty.type_text(format!("{PW}\n").as_bytes());
    // Echo is back on once the prompt is over: a typed `@` shows, and
    // kdbman is reading the new password from the terminal. (Keys typed
    // before the terminal is put back arrive unechoed, so keep typing.)
    let start = Instant::now();
    while !pty.screen().contains('@') {
        assert!(
            start.elapsed() < WAIT,
            "echo never came back:\n{}",
            pty.screen()
        );
        pty.type_text(b"@");
        std::thread::sleep(Duration::from_millis(50));
    }
    let screen = pty.screen();
    let pid = screen
        .split("pid=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no pid on the screen:\n{screen}"))
        .to_string();
    (pty, pid)
}

fn send(signal: &str, pid: &str) {
    let sent = std::process::Command::new("kill")
        .args([signal, pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
}

/// After a prompt, SIGTERM still ends kdbman: the prompt's signal handlers
/// must not leave the signal ignored once the password is read.
#[test]
fn sigterm_after_the_prompt_still_ends_kdbman() {
    let dir = tempfile::tempdir().unwrap();
    let (pty, pid) = past_the_prompt(dir.path(), "true");
    send("-TERM", &pid);
    let (code, screen) = pty.finish();
    assert_ne!(code, 0, "{screen}");
    assert!(!screen.contains(PW), "typing was echoed:\n{screen}");
}

/// A signal kdbman was started with ignored (nohup, `trap '' HUP`) stays
/// ignored after a prompt: it does not end the command.
#[test]
fn a_signal_ignored_from_the_start_stays_ignored_after_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let (mut pty, pid) = past_the_prompt(dir.path(), "trap '' HUP");
    send("-HUP", &pid);
    pty.type_text(b"\n");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("changed the password"), "{screen}");
}

// ---------------------------------------------------------------------
// Messages that name the command's own options.

#[test]
fn missing_password_names_the_options_of_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "m.kdb", true);
    let d = db.to_str().unwrap();
    // One without a stash: a read command would take the stash beside it.
    let bare = new_store(&KDBMAN, dir.path(), "bare.kdb", true);
    std::fs::remove_file(dir.path().join("bare.sth")).unwrap();
    let newdb = dir.path().join("new.kdb");
    let p12 = dir.path().join("x.p12");
    let cases: [(&[&str], &str, &[&str]); 4] = [
        (
            &[
                "keydb",
                "create",
                "--db",
                newdb.to_str().unwrap(),
                "--kdf-floor",
                "--type",
                "kdbman",
            ],
            "--pw-env VAR, --pw-file PATH or --pw-stdin",
            &["--stashed"],
        ),
        (
            &["cert", "list", "--db", bare.to_str().unwrap()],
            "--pw-env VAR, --pw-file PATH, --pw-stdin, --stashed or --stash PATH",
            &[],
        ),
        (
            &["keydb", "changepw", "--db", d, "--pw-env", "KPW"],
            "--new-pw-env VAR, --new-pw-file PATH or --new-pw-stdin",
            &["--stashed"],
        ),
        (
            &[
                "keydb",
                "export",
                "--db",
                d,
                "--stashed",
                "--target",
                p12.to_str().unwrap(),
            ],
            "--target-pw-env VAR, --target-pw-file PATH or --target-pw-stdin",
            &["--stashed"],
        ),
    ];
    for (args, names, not) in cases {
        let (code, out, err) = KDBMAN.run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("no password given"), "{args:?}: {err}");
        let fix = err.lines().find(|l| l.contains("fix:")).unwrap_or("");
        assert!(fix.contains(names), "{args:?}: {err}");
        for n in not {
            assert!(!fix.contains(n), "{args:?} has no {n}: {err}");
        }
    }
    // changepw has no --stash PATH for the current password.
    let (_, _, err) = KDBMAN.run(&["keydb", "changepw", "--db", d]);
    assert!(
        err.contains("--pw-env VAR, --pw-file PATH, --pw-stdin or --stashed")
            && !err.contains("--stash PATH"),
        "{err}"
    );
}

#[test]
fn password_source_errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "s.kdb", true);
    let d = db.to_str().unwrap();

    let (code, _, err) = KDBMAN.run(&["cert", "list", "--db", d, "--pw-env", "KDBMAN_UX_UNSET"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("KDBMAN_UX_UNSET"), "{err}");
    assert!(err.contains("fix: export KDBMAN_UX_UNSET"), "{err}");

    let (code, _, err) = KDBMAN.run(&["cert", "list", "--db", d, "--pw-env", "KPW", "--stashed"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than one way"), "{err}");
    assert!(err.contains("fix: keep only one of"), "{err}");

    // --file-pw warns towards the input file's own safe options.
    let (_, _, err) = KDBMAN.run(&[
        "cert",
        "import",
        "--db",
        d,
        "--stashed",
        "--file",
        dir.path().join("absent.p12").to_str().unwrap(),
        "--file-pw",
        "visible",
    ]);
    assert!(
        err.contains("prefer --file-pw-env, --file-pw-file or --file-pw-stdin"),
        "{err}"
    );
}

#[test]
fn a_missing_input_file_is_not_told_to_create_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "f.kdb", true);
    let missing = dir.path().join("root-ca.pem");
    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "add",
        "--db",
        db.to_str().unwrap(),
        "--stashed",
        "--label",
        "root",
        "--file",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("[SSL0214E]") && err.contains("root-ca.pem"),
        "{err}"
    );
    assert!(!err.contains("keydb create"), "{err}");

    let (code, _, err) = KDBMAN.run(&[
        "cert",
        "list",
        "--db",
        dir.path().join("absent.kdb").to_str().unwrap(),
        "--pw-env",
        "KPW",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("keydb create"), "{err}");
}

#[test]
fn kdf_floor_and_kdf_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.kdb");
    let (code, _, err) = KDBMAN.run(&[
        "keydb",
        "create",
        "--db",
        db.to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--kdf",
        "pbkdf2",
        "--kdf-floor",
        "--type",
        "kdbman",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!db.exists());
}

#[test]
fn validate_at_takes_the_times_lint_takes() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "v.kdb", true);
    let d = db.to_str().unwrap();
    // A CA made in another store, trusted here as a signer.
    let other = new_store(&KDBMAN, dir.path(), "other.kdb", true);
    let o = other.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert",
        "create",
        "--db",
        o,
        "--stashed",
        "--label",
        "ca",
        "--dn",
        "CN=UX CA",
        "--key",
        "ec:p256",
        "--ca",
        "--days",
        "30",
    ]);
    let pem = dir.path().join("ca.pem");
    let p = pem.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert",
        "extract",
        "--db",
        o,
        "--stashed",
        "--label",
        "ca",
        "--target",
        p,
    ]);
    KDBMAN.stdout(&[
        "cert",
        "add",
        "--db",
        d,
        "--stashed",
        "--label",
        "ca-signer",
        "--file",
        p,
    ]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let validate = |at: &str| {
        KDBMAN.run(&[
            "cert",
            "validate",
            "--db",
            d,
            "--stashed",
            "--label",
            "ca-signer",
            "--purpose",
            "any",
            "--json",
            "--at",
            at,
        ])
    };
    let (code, out, err) = validate(&format!("@{now}"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["valid"], true);
    // A calendar date, far beyond the 30 days: the dates finding.
    let (code, out, err) = validate("2099-01-31");
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["at"], "2099-01-31T00:00:00Z");
    let (code, _, err) = validate("next tuesday");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2030-01-31"), "{err}");
}

// ---------------------------------------------------------------------
// Help: every option explained, the same words for the same option.

/// The subcommands listed under "Commands:" in `help` (not `help` itself).
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if line.trim().is_empty() {
                break;
            }
            // Wrapped summaries continue deeper; names sit at two spaces.
            if line.starts_with("  ") && !line.starts_with("   ") {
                let name = line.split_whitespace().next().unwrap_or("");
                if name != "help" {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// Every leaf command line, e.g. ["cert", "list"].
fn leaf_commands() -> Vec<Vec<String>> {
    let top = KDBMAN.stdout(&["--help"]);
    let mut leaves = Vec::new();
    for t in subcommands(&top) {
        let h = KDBMAN.stdout(&[&t, "--help"]);
        let subs = subcommands(&h);
        if subs.is_empty() {
            leaves.push(vec![t.clone()]);
        }
        for s in subs {
            leaves.push(vec![t.clone(), s]);
        }
    }
    leaves
}

/// (option, its help text) for each option in a `--help` page.
fn options(help: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = help.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_option = |l: &str| {
        let t = l.trim_start();
        indent(l) <= 6 && (t.starts_with("--") || (t.starts_with('-') && t.get(2..4) == Some(", ")))
    };
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !is_option(l) {
            continue;
        }
        let t = l.trim_start();
        let name = t
            .split_whitespace()
            .find(|w| w.starts_with("--"))
            .unwrap_or("")
            .to_string();
        let mut text = match t.split_once("  ") {
            Some((_, rest)) => rest.trim().to_string(),
            None => String::new(),
        };
        // Long format (or a long name): the help is on the following lines.
        let mut j = i + 1;
        // Paragraphs of a long help are separated by blank lines; the next
        // option or a heading (less indented) ends it.
        while j < lines.len()
            && !is_option(lines[j])
            && (lines[j].trim().is_empty() || indent(lines[j]) > indent(l))
        {
            if !lines[j].trim().is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(lines[j].trim());
            }
            j += 1;
        }
        out.push((name, text));
    }
    out
}

/// The commands this suite holds to the rules (lint and serve have their own).
fn ours(cmd: &[String]) -> bool {
    matches!(cmd[0].as_str(), "keydb" | "cert" | "certreq" | "explain")
}

#[test]
fn every_option_has_help() {
    let mut missing = Vec::new();
    let leaves = leaf_commands();
    assert!(leaves.len() >= 25, "{leaves:?}");
    for cmd in leaves.iter().filter(|c| ours(c)) {
        let args: Vec<&str> = cmd.iter().map(String::as_str).chain(["--help"]).collect();
        let opts = options(&KDBMAN.stdout(&args));
        assert!(!opts.is_empty(), "{cmd:?}");
        for (name, text) in opts {
            if text.is_empty() {
                missing.push(format!("{} {name}", cmd.join(" ")));
            }
        }
    }
    assert!(missing.is_empty(), "options without help: {missing:#?}");
}

#[test]
fn the_same_option_has_the_same_words_everywhere() {
    use std::collections::BTreeMap;
    // Options whose meaning differs on purpose where listed.
    let exceptions: &[(&str, &str)] = &[
        ("keydb create", "--db"),
        ("keydb create", "--pw-env"),
        ("keydb create", "--pw-file"),
        ("keydb create", "--pw-stdin"),
        ("keydb create", "--pw"),
        ("keydb create", "--stash"),
        ("keydb changepw", "--stash"),
        // Here --force skips the password check, not an overwrite check.
        ("keydb delete", "--force"),
    ];
    let uniform = [
        "--db",
        "--pw-env",
        "--pw-file",
        "--pw-stdin",
        "--pw",
        "--stashed",
        "--stash",
        "--allow-insecure-stash",
        "--force",
    ];
    let mut seen: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for cmd in leaf_commands().iter().filter(|c| ours(c)) {
        let name = cmd.join(" ");
        let args: Vec<&str> = cmd.iter().map(String::as_str).chain(["--help"]).collect();
        for (opt, text) in options(&KDBMAN.stdout(&args)) {
            if exceptions.contains(&(name.as_str(), opt.as_str())) {
                continue;
            }
            if opt == "--json" {
                assert!(text.starts_with("Print JSON"), "{name} --json: {text}");
            }
            if uniform.contains(&opt.as_str()) {
                seen.entry(opt)
                    .or_default()
                    .entry(text)
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    assert!(seen["--db"].len() == 1, "--db: {:#?}", seen["--db"]);
    for (opt, wordings) in &seen {
        assert_eq!(
            wordings.len(),
            1,
            "{opt} is worded differently: {wordings:#?}"
        );
    }
}

/// Each read command documents its JSON shape in `--help` (so in the man
/// page), naming the fields it prints.
#[test]
fn json_shapes_are_documented_in_help() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["cert", "list"],
            &[
                "\"entries\"",
                "\"label\"",
                "\"kind\"",
                "\"default\"",
                "\"subject\"",
                "\"not_after\"",
                "\"sha256\"",
            ],
        ),
        (
            &["cert", "details"],
            &[
                "\"has_private_key\"",
                "\"certificate\"",
                "\"chain\"",
                "\"subject_alt_names\"",
            ],
        ),
        (&["cert", "getdefault"], &["\"label\""]),
        (
            &["cert", "validate"],
            &["\"valid\"", "\"code\"", "\"reason\"", "\"fix\""],
        ),
        (
            &["certreq", "list"],
            &["\"requests\"", "\"signature_valid\""],
        ),
        (
            &["certreq", "details"],
            &["\"signature_valid\"", "\"subject_alt_names\""],
        ),
        (
            &["keydb", "details"],
            &[
                "\"kdf\"",
                "\"entries\"",
                "\"password\"",
                "\"stash\"",
                "\"state\"",
                "\"findings\"",
            ],
        ),
        (
            &["explain"],
            &["\"id\"", "\"severity\"", "\"gsk\"", "\"codes\""],
        ),
    ];
    for (cmd, fields) in cases {
        let args: Vec<&str> = cmd.iter().copied().chain(["--help"]).collect();
        let opts = options(&KDBMAN.stdout(&args));
        let json = &opts
            .iter()
            .find(|(o, _)| o == "--json")
            .unwrap_or_else(|| panic!("{cmd:?} has no --json"))
            .1;
        for f in *fields {
            assert!(json.contains(f), "{cmd:?} --json help lacks {f}: {json}");
        }
    }
}

/// The documented field order is the printed order.
#[test]
fn cert_list_json_prints_the_documented_fields_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "l.kdb", true);
    let d = db.to_str().unwrap();
    KDBMAN.stdout(&[
        "cert",
        "create",
        "--db",
        d,
        "--stashed",
        "--label",
        "web",
        "--dn",
        "CN=web",
        "--key",
        "ec:p256",
        "--default",
    ]);
    let out = KDBMAN.stdout(&["cert", "list", "--db", d, "--stashed", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let row = v["entries"][0].as_object().unwrap();
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    let mut want = vec![
        "label",
        "kind",
        "default",
        "subject",
        "not_after",
        "sha256",
        "serial",
        "trusted",
    ];
    assert_eq!(
        {
            let mut k = keys.clone();
            k.sort_unstable();
            k
        },
        {
            want.sort_unstable();
            want
        }
    );
    let at = |k: &str| out.find(&format!("\"{k}\"")).unwrap();
    let order = [
        "format",
        "label",
        "kind",
        "default",
        "subject",
        "not_after",
        "sha256",
        "serial",
        "trusted",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}: {out}", w[0], w[1]);
    }
    assert_eq!(
        v.as_object().unwrap().len(),
        2,
        "only `format` and `entries`: {out}"
    );
}

// ---------------------------------------------------------------------
// A closed pipe is not an error.

/// Runs kdbman with its standard output a pipe whose reader is already
/// gone (as after `| head -1` has read its line): every write fails.
fn with_closed_stdout(args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(kdbman_bin())
        .args(args)
        .env("KPW", PW)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().expect("exited, not killed by SIGPIPE"),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_store(&KDBMAN, dir.path(), "p.kdb", true);
    let d = db.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["cert", "list", "--db", d, "--stashed"],
        &["cert", "list", "--db", d, "--stashed", "--json"],
        &["keydb", "details", "--db", d, "--stashed"],
        &["explain", "--list"],
        &["explain", "--list", "--json"],
        &["explain", "SSL0218E"],
        &["--help"],
        &["cert", "list", "--help"],
    ];
    for args in cases {
        let (code, err) = with_closed_stdout(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} complained: {err}");
    }
    // The pipe is what ends it: with a reader the same command prints.
    assert!(!KDBMAN.stdout(&["explain", "--list"]).is_empty());
}
