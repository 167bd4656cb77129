//! Crash-test loop (issue 13): a writer is started 200 times and killed
//! with SIGKILL at a random moment. After every kill the store opens with
//! its old or its new contents, its stash still opens it, and the next
//! completed write leaves no temporary file of the killed one behind.
//!
//! Ignored by default (it takes about a minute per format); run it with
//! `benches/crash.sh` or
//! `cargo test --release --test crash_loop -- --ignored --nocapture`.
//!
//! Generic over the format: a [`Format`] says how to make a store, how to
//! start a writer that moves it from one generation to the next, how to
//! read the generation back through the stash, and what a leftover is.
//! The native format and CMS (`.kdb` + `.rdb` + GSKit stash) each have one.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use kdbman::stash::Permissions;
use kdbman::{Access, Entry, Stash, Store};

const KILLS: usize = 200;
/// Unchanged entries that make every write a few megabytes, so that kills
/// land in the write, not only in the key derivation.
const BALLAST: usize = 3000;

struct Format {
    name: &'static str,
    /// Creates a store and its stash in `dir` holding generation 0.
    make_store: fn(dir: &Path) -> PathBuf,
    /// A command that moves the store from generation `n` to `n + 1`.
    writer: fn(store: &Path, n: u64) -> Command,
    /// Opens the store through its stash and says its generation.
    generation: fn(store: &Path) -> Result<u64, String>,
    /// Files a killed writer may leave beside the store.
    leftovers: fn(store: &Path) -> Vec<PathBuf>,
}

fn kdbman() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kdbman"))
}

fn gen_label(n: u64) -> String {
    format!("gen-{n}")
}

mod formats {
    use super::*;

    pub fn make_store(dir: &Path) -> PathBuf {
        make_store_of(dir, &["--type", "kdbman", "--kdf-floor"])
    }

    /// A CMS store: the .kdb, its .rdb and a GSKit stash, replaced
    /// together by every write.
    pub fn make_cms_store(dir: &Path) -> PathBuf {
        make_store_of(dir, &[])
    }

    fn make_store_of(dir: &Path, format_args: &[&str]) -> PathBuf {
        let path = dir.join("crash.kdb");
        let out = kdbman()
            .args(["keydb", "create", "--stash", "--pw-env", "PW"])
            .args(format_args)
            .arg("--db")
            .arg(&path)
            .env("PW", "crash-loop-password")
            .output()
            .expect("kdbman");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stash = Stash::read(
            &kdbman::stash::default_path(&path),
            &path,
            Permissions::Strict,
        )
        .expect("stash");
        let mut store = Store::open_stashed(&path, &stash, Access::Update).expect("open");
        let key = kdbman::pki::keygen::generate(kdbman::pki::KeyType::EcP256).expect("key");
        let cert = kdbman::pki::CertSpec::new("CN=crash.example", 30)
            .self_signed(&key)
            .expect("cert");
        store.add_unchecked(Entry::personal(
            gen_label(0),
            vec![cert.clone()],
            key.clone(),
        ));
        for i in 0..BALLAST {
            store.add_unchecked(Entry::personal(
                format!("ballast-{i}"),
                vec![cert.clone()],
                key.clone(),
            ));
        }
        store.save().expect("save");
        path
    }

    pub fn writer(store: &Path, n: u64) -> Command {
        let mut c = kdbman();
        c.args(["cert", "rename", "--stashed", "--db"])
            .arg(store)
            .args(["--label", &gen_label(n), "--new-label", &gen_label(n + 1)]);
        c
    }

    pub fn generation(store: &Path) -> Result<u64, String> {
        let stash = Stash::read(
            &kdbman::stash::default_path(store),
            store,
            Permissions::Strict,
        )
        .map_err(|e| format!("the stash does not read: {e}"))?;
        let s = Store::open_stashed(store, &stash, Access::Read)
            .map_err(|e| format!("the stash does not open the store: {e}"))?;
        if s.entries().len() != BALLAST + 1 {
            return Err(format!(
                "{} entries, not {}",
                s.entries().len(),
                BALLAST + 1
            ));
        }
        let gens: Vec<u64> = s
            .entries()
            .iter()
            .filter_map(|e| e.label().strip_prefix("gen-")?.parse().ok())
            .collect();
        match gens[..] {
            [g] => Ok(g),
            _ => Err(format!("generation labels {gens:?}")),
        }
    }

    pub fn leftovers(store: &Path) -> Vec<PathBuf> {
        let name = store.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::read_dir(store.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with(&format!(".{name}.")) && n.ends_with(".tmp")
            })
            .collect()
    }

    /// A CMS writer may also leave the .rdb's and the commit marker's
    /// temporary files, or the marker itself.
    pub fn cms_leftovers(store: &Path) -> Vec<PathBuf> {
        let mut out = leftovers(store);
        out.extend(leftovers(&store.with_extension("rdb")));
        std::fs::read_dir(store.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".commit"))
            .for_each(|p| out.push(p));
        out
    }
}

const NATIVE: Format = Format {
    name: "native",
    make_store: formats::make_store,
    writer: formats::writer,
    generation: formats::generation,
    leftovers: formats::leftovers,
};

const CMS: Format = Format {
    name: "cms",
    make_store: formats::make_cms_store,
    writer: formats::writer,
    generation: formats::generation,
    leftovers: formats::cms_leftovers,
};

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

fn sigkill(child: &mut Child) {
    // SIGKILL the writer (std's kill sends SIGKILL on Unix).
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    old: usize,
    new: usize,
    finished_before_kill: usize,
    leftovers_seen: usize,
}

fn crash_loop(f: &Format) -> Tally {
    let dir = tempfile::TempDir::new().unwrap();
    let store = (f.make_store)(dir.path());
    let mut n = (f.generation)(&store).expect("a fresh store opens");

    // How long a write takes, to spread the kills over its whole run.
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let st = (f.writer)(&store, n).output().expect("writer").status;
        assert!(st.success(), "{}: an unkilled write failed", f.name);
        runs.push(t.elapsed());
        n += 1;
    }
    let span = runs.iter().max().unwrap().as_micros() as u64 * 12 / 10;
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
    for i in 0..KILLS {
        let mut child = start((f.writer)(&store, n));
        std::thread::sleep(Duration::from_micros(rng.below(span)));
        if child.try_wait().expect("wait").is_some() {
            t.finished_before_kill += 1;
        }
        sigkill(&mut child);
        t.kills += 1;
        match (f.generation)(&store) {
            Ok(g) if g == n => t.old += 1,
            Ok(g) if g == n + 1 => {
                t.new += 1;
                n = g;
            }
            Ok(g) => panic!(
                "{}: kill {i}: generation {g}, expected {n} or {}",
                f.name,
                n + 1
            ),
            Err(e) => panic!("{}: kill {i}: {e}", f.name),
        }
        let left = (f.leftovers)(&store);
        if !left.is_empty() {
            t.leftovers_seen += 1;
            // The next write, run to the end, removes them.
            let st = (f.writer)(&store, n).output().expect("writer").status;
            assert!(st.success(), "{}: the write after kill {i} failed", f.name);
            n += 1;
            assert_eq!(
                (f.generation)(&store),
                Ok(n),
                "{}: after cleanup write",
                f.name
            );
            let still = (f.leftovers)(&store);
            assert!(
                still.is_empty(),
                "{}: the next write left {still:?}",
                f.name
            );
        }
    }
    t
}

#[test]
#[ignore = "crash-test loop: run by benches/crash.sh (about a minute per format)"]
fn native_store_survives_200_sigkills() {
    let t = crash_loop(&NATIVE);
    eprintln!(
        "native: {}/{} kills left a store that opens through its stash ({} old, {} new contents; {} writers had finished; {} kills left temporary files, each removed by the next write)",
        t.old + t.new,
        t.kills,
        t.old,
        t.new,
        t.finished_before_kill,
        t.leftovers_seen
    );
    assert_eq!(t.old + t.new, KILLS);
}

#[test]
#[ignore = "crash-test loop: run by benches/crash.sh (about a minute per format)"]
fn cms_store_survives_200_sigkills() {
    let t = crash_loop(&CMS);
    eprintln!(
        "cms: {}/{} kills left a .kdb/.rdb pair that opens through its GSKit stash ({} old, {} new contents; {} writers had finished; {} kills left temporary files or a commit marker, each cleared by the next write)",
        t.old + t.new,
        t.kills,
        t.old,
        t.new,
        t.finished_before_kill,
        t.leftovers_seen
    );
    assert_eq!(t.old + t.new, KILLS);
}
