//! Crash-test loop (issues 13 and 18): writers are started again and
//! again and SIGKILLed, and after every kill the store must be whole:
//!
//! - it opens through its stash, and the stash holds the old or the new
//!   password (a writer that changes the password rewrites the stash in
//!   the same commit);
//! - it holds the old or the new contents, never neither, never a mix;
//! - a CMS `.kdb` and its `.rdb` are from the same commit (after a
//!   password change a `.rdb` from the other commit does not open with the
//!   `.kdb`'s password);
//! - the next completed write leaves no temporary file of the killed one.
//!
//! Writers alternate between renaming an entry (the contents change) and
//! changing the password with `--stash` (the password and the stash
//! change). Half of the kills come after a random delay within a write's
//! run; the other half the moment any file of the set (or the directory)
//! changes, which is where a write that is not atomic would be caught
//! half done.
//!
//! The short loop (30 kills per format: native, CMS with `.rdb` and stash,
//! PKCS#12) runs in every `cargo test`; the long one (200 kills, bigger
//! stores) is `#[ignore]`d and run by `benches/crash.sh`.

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[]);

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use kdbman::stash::Permissions;
use kdbman::{Access, Entry, Password, Stash, Store};

struct Format {
    name: &'static str,
    /// `keydb create` options besides the path and password.
    create: &'static [&'static str],
    /// Whether the store has a `.rdb` written with it.
    rdb: bool,
}

const NATIVE: Format = Format {
    name: "native",
    create: &["--type", "kdbman", "--kdf-floor"],
    rdb: false,
};
const CMS: Format = Format {
    name: "cms",
    create: &["--type", "cms"],
    rdb: true,
};
const PKCS12: Format = Format {
    name: "pkcs12",
    create: &["--type", "pkcs12"],
    rdb: false,
};

/// How big and how long a loop is.
struct Plan {
    kills: usize,
    /// Unchanged signer entries that make every write larger, so kills
    /// land in the write, not only in process start and key derivation.
    ballast: usize,
}

const SHORT: Plan = Plan {
    kills: 30,
    ballast: 60,
};
const LONG: Plan = Plan {
    kills: 200,
    ballast: 3000,
};

fn password(k: u64) -> String {
    format!("crash-loop-password-{k}")
}

fn gen_label(n: u64) -> String {
    format!("gen-{n}")
}

/// What the store holds between writes: its generation label and which
/// password opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    generation: u64,
    password: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Rename,
    ChangePassword,
}

impl Write {
    fn after(self, s: State) -> State {
        match self {
            Write::Rename => State {
                generation: s.generation + 1,
                ..s
            },
            Write::ChangePassword => State {
                password: s.password + 1,
                ..s
            },
        }
    }

    fn command(self, store: &Path, s: State) -> Command {
        let mut c = KDBMAN.std();
        match self {
            Write::Rename => {
                c.args(["cert", "rename", "--stashed", "--db"])
                    .arg(store)
                    .args(["--label", &gen_label(s.generation)])
                    .args(["--new-label", &gen_label(s.generation + 1)]);
            }
            Write::ChangePassword => {
                c.args(["keydb", "changepw", "--stash", "--pw-env", "OLD"])
                    .args(["--new-pw-env", "NEW", "--db"])
                    .arg(store)
                    .env("OLD", password(s.password))
                    .env("NEW", password(s.password + 1));
            }
        }
        c
    }
}

fn stash_path(store: &Path) -> PathBuf {
    kdbman::stash::default_path(store)
}

fn make_store(dir: &Path, f: &Format, plan: &Plan) -> PathBuf {
    let path = dir.join("crash.kdb");
    let out = KDBMAN
        .std()
        .args(["keydb", "create", "--stash", "--pw-env", "PW"])
        .args(f.create)
        .arg("--db")
        .arg(&path)
        .env("PW", password(0))
        .output()
        .expect("kdbman");
    assert!(
        out.status.success(),
        "{}: {}",
        f.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut store = Store::open(&path, &Password::new(password(0)), Access::Update).expect("open");
    let key = kdbman::pki::keygen::generate(kdbman::pki::KeyType::EcP256).expect("key");
    let cert = kdbman::pki::CertSpec::new("CN=crash.example", 30)
        .self_signed(&key)
        .expect("cert");
    store.add_unchecked(Entry::personal(gen_label(0), vec![cert], key));
    for i in 0..plan.ballast {
        let k = kdbman::pki::keygen::generate(kdbman::pki::KeyType::EcP256).expect("key");
        let c = kdbman::pki::CertSpec::new(format!("CN=ballast-{i}"), 30)
            .self_signed(&k)
            .expect("cert");
        store.add_unchecked(Entry::signer(format!("ballast-{i}"), c));
    }
    store.save().expect("save");
    path
}

/// Checks the store after a kill of `write` from `before`, returning what
/// it now holds: `before` or `write.after(before)`, never anything else.
fn check(store: &Path, plan: &Plan, before: State, write: Write) -> Result<State, String> {
    let after = write.after(before);
    // A writer killed between its renames leaves a commit marker; the next
    // kdbman open for writing completes the commit first (before it even
    // checks the password). Do that, as a server's next `kdbman` run
    // would, so the stash read below is of the finished commit.
    if store
        .with_file_name(".crash.kdb.commit")
        .symlink_metadata()
        .is_ok()
    {
        let _ = Store::open(
            store,
            &Password::new(password(before.password)),
            Access::Update,
        );
    }
    let stash = Stash::read(&stash_path(store), store, Permissions::Strict)
        .map_err(|e| format!("the stash does not read: {e}"))?;
    let stashed = stash.password().as_str().to_string();
    let k = if stashed == password(before.password) {
        before.password
    } else if stashed == password(after.password) {
        after.password
    } else {
        return Err(format!(
            "the stash holds neither the old nor the new password ({stashed:?})"
        ));
    };
    let s = Store::open_stashed(store, &stash, Access::Read)
        .map_err(|e| format!("the stash does not open the store: {e}"))?;
    // The password the stash holds is the one that opens it; the other
    // one does not (a .kdb of one commit with a .rdb of another fails
    // here too).
    let other = if k == before.password {
        after.password
    } else {
        before.password
    };
    if other != k && Store::open(store, &Password::new(password(other)), Access::Read).is_ok() {
        return Err(format!(
            "password {other} opens the store too, and so does {k}"
        ));
    }
    if s.entries().len() != plan.ballast + 1 {
        return Err(format!(
            "{} entries, not {}",
            s.entries().len(),
            plan.ballast + 1
        ));
    }
    let gens: Vec<u64> = s
        .entries()
        .iter()
        .filter_map(|e| e.label().strip_prefix("gen-")?.parse().ok())
        .collect();
    let g = match gens[..] {
        [g] => g,
        _ => return Err(format!("generation labels {gens:?}")),
    };
    let now = State {
        generation: g,
        password: k,
    };
    if now != before && now != after {
        return Err(format!(
            "the store holds {now:?}: neither the old {before:?} nor the new {after:?}"
        ));
    }
    Ok(now)
}

/// Temporary files and commit markers beside the store.
fn leftovers(store: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(store.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(".crash.") && (n.ends_with(".tmp") || n.ends_with(".commit"))
        })
        .collect()
}

/// What the set's files and their directory look like, to notice the
/// first change a writer makes.
fn snapshot(files: &[PathBuf], dir: &Path) -> Vec<Option<(u64, u64, i64, i64)>> {
    std::iter::once(dir)
        .chain(files.iter().map(PathBuf::as_path))
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// A small xorshift generator, seeded from the clock (the seed is printed).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn start(mut c: Command) -> Child {
    c.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the writer")
}

fn run_to_end(f: &Format, c: Command, what: &str) {
    let mut c = c;
    let out = c.output().expect("writer");
    assert!(
        out.status.success(),
        "{}: {what} failed: {}",
        f.name,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    old: usize,
    new: usize,
    finished_before_kill: usize,
    leftovers_seen: usize,
}

fn crash_loop(f: &Format, plan: &Plan) -> Tally {
    let dir = tempfile::TempDir::new().unwrap();
    let store = make_store(dir.path(), f, plan);
    let mut files = vec![store.clone(), stash_path(&store)];
    if f.rdb {
        files.push(store.with_extension("rdb"));
    }
    let mut state = State {
        generation: 0,
        password: 0,
    };
    state = check(&store, plan, state, Write::Rename).expect("a fresh store opens");

    // How long a write takes, to spread the timed kills over its run.
    let mut span = 0;
    for w in [Write::Rename, Write::ChangePassword] {
        let t = Instant::now();
        run_to_end(f, w.command(&store, state), "an unkilled write");
        span = span.max(t.elapsed().as_micros() as u64 * 12 / 10);
        state = w.after(state);
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!(
        "{}: a write takes up to {span} µs; kill seed {seed}",
        f.name
    );
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    for i in 0..plan.kills {
        let write = if rng.below(2) == 0 {
            Write::Rename
        } else {
            Write::ChangePassword
        };
        let base = snapshot(&files, dir.path());
        let mut child = start(write.command(&store, state));
        if i % 2 == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(span)));
        } else {
            // The moment the writer touches anything.
            let give_up = Instant::now() + Duration::from_micros(span * 3);
            while snapshot(&files, dir.path()) == base && Instant::now() < give_up {
                if child.try_wait().expect("wait").is_some() {
                    break;
                }
                std::hint::spin_loop();
            }
        }
        if child.try_wait().expect("wait").is_some() {
            t.finished_before_kill += 1;
        }
        // SIGKILL (std's kill sends SIGKILL on Unix).
        let _ = child.kill();
        let _ = child.wait();
        t.kills += 1;
        match check(&store, plan, state, write) {
            Ok(now) if now == state => t.old += 1,
            Ok(now) => {
                t.new += 1;
                state = now;
            }
            Err(e) => panic!(
                "{}: kill {i} of a {write:?} writer from {state:?} (seed {seed}): {e}",
                f.name
            ),
        }
        if !leftovers(&store).is_empty() {
            t.leftovers_seen += 1;
            // The next write of the whole set (store, .rdb and stash),
            // run to the end, clears them. (A write of the store alone
            // leaves a killed password change's stash temporary file:
            // it only clears its own files' leftovers.)
            run_to_end(
                f,
                Write::ChangePassword.command(&store, state),
                "the write after a kill",
            );
            let next = Write::ChangePassword.after(state);
            assert_eq!(
                check(&store, plan, state, Write::ChangePassword),
                Ok(next),
                "{}: after the cleanup write",
                f.name
            );
            state = next;
            let still = leftovers(&store);
            assert!(
                still.is_empty(),
                "{}: the next write left {still:?}",
                f.name
            );
        }
    }
    eprintln!(
        "{}: {} kills, each leaving a store that opens through its stash with the old or new password and contents ({} old, {} new; {} writers had finished; {} kills left temporary files, each cleared by the next write)",
        f.name, t.kills, t.old, t.new, t.finished_before_kill, t.leftovers_seen
    );
    t
}

/// What every loop must show: all its kills made, and kills that landed
/// inside writes (a loop whose writers all finished first proves nothing).
fn assert_meaningful(f: &Format, plan: &Plan, t: &Tally) {
    assert_eq!(t.kills, plan.kills, "{}", f.name);
    assert_eq!(t.old + t.new, t.kills, "{}", f.name);
    // At least a fifth of the kills must land inside a write (typically
    // 20 to 26 of 30 do; on a loaded machine writers finish sooner).
    assert!(
        t.finished_before_kill <= t.kills * 4 / 5,
        "{}: {} of {} writers finished before their kill: the kills miss the writes",
        f.name,
        t.finished_before_kill,
        t.kills
    );
}

#[test]
fn native_store_survives_sigkills() {
    let t = crash_loop(&NATIVE, &SHORT);
    assert_meaningful(&NATIVE, &SHORT, &t);
}

#[test]
fn cms_store_with_rdb_and_stash_survives_sigkills() {
    let t = crash_loop(&CMS, &SHORT);
    assert_meaningful(&CMS, &SHORT, &t);
}

#[test]
fn pkcs12_store_survives_sigkills() {
    let t = crash_loop(&PKCS12, &SHORT);
    assert_meaningful(&PKCS12, &SHORT, &t);
}

#[test]
#[ignore = "long crash-test loop: run by benches/crash.sh (about a minute per format)"]
fn native_store_survives_200_sigkills() {
    let t = crash_loop(&NATIVE, &LONG);
    assert_meaningful(&NATIVE, &LONG, &t);
    assert!(t.old > 0 && t.new > 0, "native: {t:?}");
}

#[test]
#[ignore = "long crash-test loop: run by benches/crash.sh (about a minute per format)"]
fn cms_store_survives_200_sigkills() {
    let t = crash_loop(&CMS, &LONG);
    assert_meaningful(&CMS, &LONG, &t);
    assert!(t.old > 0 && t.new > 0, "cms: {t:?}");
}

#[test]
#[ignore = "long crash-test loop: run by benches/crash.sh (about a minute per format)"]
fn pkcs12_store_survives_200_sigkills() {
    let t = crash_loop(&PKCS12, &LONG);
    assert_meaningful(&PKCS12, &LONG, &t);
    assert!(t.old > 0 && t.new > 0, "pkcs12: {t:?}");
}
