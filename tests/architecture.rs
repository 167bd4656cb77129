//! The import graph keeps its shape (issue 22, ARCHITECTURE.md "Layers"):
//! no circle between the files of any of the workspace's crates (the
//! library `crates/kdbman`, the server `crates/kdbman-serve`, the command
//! line `src/`), nor between the library's top-level modules; the library
//! crates never reach the front ends (`crate::cli`, clap, rpassword,
//! process exit) and their dependency trees (read from `Cargo.lock`) hold
//! no front-end crate; and `error.rs` with the small data types it
//! carries sits on the floor, using nothing above it.
//!
//! The graph is read from the source text: every `crate::…`, `super::…`
//! and `self::…` path (grouped `use` trees included) outside comments and
//! `#[cfg(test)]` modules, resolved to the deepest module file it names.
//! A module's references to its own submodules are declarations and
//! re-exports of a facade (`mod.rs`), not arrows, and are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules `error.rs` and its floor may use: data types and helpers
/// that use nothing of the crate above this set.
const FLOOR: &[&str] = &["error", "kinds", "time", "chain_problem", "limits"];

/// Text the library (everything outside `src/cli/` and `src/main.rs`)
/// must not contain outside comments and tests.
const FRONT_END_ONLY: &[&str] = &[
    "crate::cli",
    "clap::",
    "use clap",
    "rpassword",
    "process::exit",
];

type Module = Vec<String>;
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The library crate's sources.
fn src_dir() -> PathBuf {
    root().join("crates/kdbman/src")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each crate of the workspace: its name, its sources, and whether it is
/// a library (which must know nothing of the front ends).
const CRATES: &[(&str, &str, bool)] = &[
    ("kdbman", "crates/kdbman/src", true),
    ("kdbman-serve", "crates/kdbman-serve/src", true),
    ("kdbman-cli", "src", false),
];

/// Crates only a front end may depend on.
const FRONT_END_CRATES: &[&str] = &[
    "clap",
    "clap_mangen",
    "clap_complete",
    "rpassword",
    "mio",
    "serde-sarif",
    "rustix",
    "signal-hook",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/pki/rfc5280.rs` -> `[pki, rfc5280]`; `src/store/mod.rs` ->
/// `[store]`; `src/lib.rs` and `src/main.rs` -> `[]` (the crate root).
fn module_of(rel: &Path) -> Module {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if !(stem == "mod" || (parts.is_empty() && (stem == "lib" || stem == "main"))) {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments, string contents and test modules.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' {
            // Skip the string (a crate path in a message is not an arrow).
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            let ch = text[i..].chars().next().expect("a char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Parses a path tree at `i` (after a leading `crate::`/`super::`/`self::`):
/// `a::b::c`, `a::{b, c::d}`, `{a, b}`; pushes every path to `out`.
fn path_tree(b: &[u8], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'{' {
            i += 1;
            loop {
                i = path_tree(b, i, &path, out);
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return i + 1;
                }
            }
        }
        let start = i;
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if start == i {
            out.push(path);
            return i;
        }
        path.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        if b[i..].starts_with(b"::") {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// Every path the code names, as written from the crate root.
fn references(code: &str, module: &Module) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b':') {
            i += 1;
            continue;
        }
        // The module `self` and `super` count from: a `mod.rs` file is the
        // module of its directory.
        let here: Module = module.clone();
        let (base, mut j) = if b[i..].starts_with(b"crate::") {
            (Vec::new(), i + 7)
        } else if b[i..].starts_with(b"self::") {
            (here, i + 6)
        } else if b[i..].starts_with(b"super::") {
            let mut base = here;
            let mut j = i;
            while b[j..].starts_with(b"super::") {
                base.pop();
                j += 7;
            }
            (base, j)
        } else {
            i += 1;
            continue;
        };
        let mut paths = Vec::new();
        j = path_tree(b, j, &base, &mut paths);
        out.extend(paths);
        i = j.max(i + 1);
    }
    out
}

struct Source {
    rel: PathBuf,
    module: Module,
    code: String,
}

/// The library crate's files.
fn sources() -> Vec<Source> {
    sources_of(&src_dir())
}

fn sources_of(src: &Path) -> Vec<Source> {
    let src = src.to_path_buf();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src").to_path_buf();
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            Source {
                module: module_of(&rel),
                code: code_of(&text),
                rel,
            }
        })
        .collect()
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

/// The file graph: module -> modules it uses (deepest module file named by
/// each path; none to itself, its ancestors' facades' children excepted).
fn file_graph(sources: &[Source]) -> Graph {
    let known: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut g = Graph::new();
    for s in sources {
        let edges = g.entry(name(&s.module)).or_default();
        for path in references(&s.code, &s.module) {
            let Some(target) = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| known.contains(p))
            else {
                continue;
            };
            // Itself, or one of its own submodules (a facade's declaration
            // or re-export): not an arrow.
            if target.starts_with(&s.module) {
                continue;
            }
            edges.insert(name(&target));
        }
    }
    g
}

/// Collapses a graph to the first `depth` segments of each module.
fn coarse(g: &Graph, depth: usize) -> Graph {
    let cut = |m: &str| m.split("::").take(depth).collect::<Vec<_>>().join("::");
    let mut out = Graph::new();
    for (from, tos) in g {
        let f = cut(from);
        let edges = out.entry(f.clone()).or_default();
        for t in tos {
            let t = cut(t);
            if t != f && t != "crate" && f != "crate" {
                edges.insert(t);
            }
        }
    }
    out
}

/// The circles of a graph: each set of modules that reach one another
/// (Tarjan's strongly connected components of more than one module).
fn circles(g: &Graph) -> Vec<BTreeSet<String>> {
    struct T<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.stack.contains(&w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut set = BTreeSet::new();
            while let Some(w) = t.stack.pop() {
                set.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                t.out.push(set);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = g
        .iter()
        .flat_map(|(f, ts)| std::iter::once(f.as_str()).chain(ts.iter().map(String::as_str)))
        .collect();
    for v in nodes {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// Circles known when this test was written (issue 22) and not closed
/// yet. A new circle fails; so does a listed one that is gone (take it off
/// the list): the list only shrinks.
const KNOWN_FILE_CIRCLES: &[&[&str]] = &[];
const KNOWN_LIBRARY_CIRCLES: &[&[&str]] = &[];

fn check_circles(what: &str, g: &Graph, known: &[&[&str]]) {
    let found = circles(g);
    let known: Vec<BTreeSet<String>> = known
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect();
    let new: Vec<_> = found.iter().filter(|c| !known.contains(c)).collect();
    let gone: Vec<_> = known.iter().filter(|c| !found.contains(c)).collect();
    let show = |c: &BTreeSet<String>| {
        let edges: Vec<String> = c
            .iter()
            .flat_map(|f| {
                g[f].iter()
                    .filter(|t| c.contains(*t))
                    .map(move |t| format!("{f} -> {t}"))
            })
            .collect();
        edges.join(", ")
    };
    assert!(
        new.is_empty(),
        "import circle between {what}: {}\nmove what they share into a module below them (ARCHITECTURE.md, Layers)",
        new.iter().map(|c| show(c)).collect::<Vec<_>>().join("; ")
    );
    assert!(
        gone.is_empty(),
        "circles between {what} closed, take them off the known list: {gone:?}"
    );
}

#[test]
fn no_circle_between_files() {
    for (name, dir, _) in CRATES {
        let g = file_graph(&sources_of(&root().join(dir)));
        assert!(g.len() > 5, "read too few modules of {name}: {}", g.len());
        let known = if *name == "kdbman" {
            KNOWN_FILE_CIRCLES
        } else {
            &[]
        };
        check_circles(&format!("files of {name}"), &g, known);
    }
    assert!(
        file_graph(&sources()).len() > 50,
        "read too few library modules"
    );
}

#[test]
fn no_circle_between_library_modules() {
    let library = sources();
    check_circles(
        "the library's top-level modules",
        &coarse(&file_graph(&library), 1),
        KNOWN_LIBRARY_CIRCLES,
    );
}

#[test]
fn the_library_knows_nothing_of_the_front_ends() {
    let mut found = Vec::new();
    for (_, dir, library) in CRATES {
        if !library {
            continue;
        }
        for s in sources_of(&root().join(dir)) {
            for bad in FRONT_END_ONLY {
                if s.code.contains(bad) {
                    found.push(format!("{dir}/{}: {bad}", s.rel.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "the library reaches up: {found:#?}");
}

/// The packages of `Cargo.lock`: name -> the names it depends on.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    let mut g: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines() {
            let line = line.trim();
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_string());
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line.starts_with(']') {
                in_deps = false;
            } else if in_deps {
                let d = line.trim_end_matches(',').trim_matches('"');
                deps.push(d.split(' ').next().unwrap_or_default().to_string());
            }
        }
        if let Some(n) = name {
            g.entry(n).or_default().extend(deps);
        }
    }
    g
}

/// Every package `root` pulls in (Cargo.lock lists dev-dependencies and
/// every target's too, so this is an upper bound).
fn dependency_tree(g: &BTreeMap<String, Vec<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(p) = todo.pop() {
        if seen.insert(p.clone()) {
            todo.extend(g.get(&p).into_iter().flatten().cloned());
        }
    }
    seen
}

#[test]
fn the_library_crates_depend_on_no_front_end_crate() {
    let g = lock_graph();
    let cli = dependency_tree(&g, "kdbman-cli");
    for bad in FRONT_END_CRATES.iter().filter(|c| **c != "mio") {
        assert!(
            cli.contains(*bad),
            "the reader misses {bad} under kdbman-cli: {cli:?}"
        );
    }
    let lib = dependency_tree(&g, "kdbman");
    assert!(
        lib.contains("ring") && lib.contains("rustls"),
        "the reader misses kdbman's own dependencies"
    );
    let found: Vec<_> = FRONT_END_CRATES
        .iter()
        .filter(|c| lib.contains(**c))
        .collect();
    assert!(
        found.is_empty(),
        "the library crate kdbman depends on {found:?}"
    );
    let serve = dependency_tree(&g, "kdbman-serve");
    let found: Vec<_> = FRONT_END_CRATES
        .iter()
        .filter(|c| **c != "mio" && serve.contains(**c))
        .collect();
    assert!(found.is_empty(), "kdbman-serve depends on {found:?}");
}

#[test]
fn error_and_its_floor_use_nothing_above_them() {
    let g = file_graph(&sources());
    let mut found = Vec::new();
    for m in FLOOR {
        let edges = g
            .get(*m)
            .unwrap_or_else(|| panic!("no module `{m}` in crates/kdbman/src/ (update FLOOR)"));
        for t in edges {
            let top = t.split("::").next().unwrap_or_default();
            if !FLOOR.contains(&top) {
                found.push(format!("{m} -> {t}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "error.rs and its floor ({FLOOR:?}) point up: {found:#?}"
    );
}

/// The reader itself: a circle written the ways the code writes paths is
/// found, and a line of arrows is not.
#[test]
fn the_reader_finds_a_circle() {
    let a = code_of(
        "use super::b::{Thing, other::X};\n// use crate::c;\nfn f() { crate::c::g(\"crate::d\") }\n",
    );
    let refs = references(&a, &vec!["m".into(), "a".into()]);
    let names: BTreeSet<String> = refs.iter().map(|p| p.join("::")).collect();
    assert!(names.contains("m::b::Thing"), "{names:?}");
    assert!(names.contains("m::b::other::X"), "{names:?}");
    assert!(names.contains("c::g"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with('d')), "{names:?}");

    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default();
    assert!(circles(&g).is_empty());
    g.entry("c".into()).or_default().insert("a".into());
    let all: BTreeSet<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    assert_eq!(circles(&g), vec![all]);
}

/// Every check module has its one row in the table, and the table names
/// no module that is not there.
#[test]
fn every_check_is_registered_once() {
    use kdbman::diagnose::checks::{CHECKS, NAMES, Run};
    let dir = src_dir().join("diagnose/checks");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("crates/kdbman/src/diagnose/checks")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .filter(|n| n != "mod")
        .collect();
    files.sort();
    let mut rows: Vec<String> = CHECKS
        .iter()
        .filter(|c| !matches!(c.run, Run::By(_)))
        .map(|c| c.name.to_string())
        .collect();
    rows.sort();
    assert_eq!(
        rows, files,
        "rows of CHECKS that run vs files in crates/kdbman/src/diagnose/checks"
    );
    let mut seen = BTreeSet::new();
    for c in CHECKS {
        assert!(seen.insert(c.name), "{} registered twice", c.name);
        if let Run::By(other) = c.run {
            assert!(
                files.iter().any(|f| f == other),
                "{}: no check {other}",
                c.name
            );
        }
    }
    assert_eq!(
        NAMES.to_vec(),
        CHECKS.iter().map(|c| c.name).collect::<Vec<_>>()
    );
}
