//! Reading IBM HTTP Server's `httpd.conf` for what `lint --httpd-conf`
//! needs: which key database each site uses (`KeyFile`) and which label
//! (`SSLServerCert`), with the file and line of every directive.
//!
//! Pure: text in, directives and locations out. Files are reached only
//! through a [`Source`] ([`Disk`] for the real file system), so includes
//! can be tested without one.
//!
//! # What is read
//!
//! - Lines as Apache reads them: `#` starts a comment line, a line
//!   ending in `\` continues on the next (a directive's location is its
//!   first line), arguments are words or quoted strings (`"…"` or `'…'`,
//!   `\` escaping the quote); directive names compare without case.
//! - `ServerRoot`: relative `Include` and `KeyFile` paths are taken
//!   from the `ServerRoot` in effect at that line; before one (or
//!   without any), from the directory of the file given to
//!   `--httpd-conf`. A relative `ServerRoot` is taken from that
//!   directory too.
//! - `Include` and `IncludeOptional`, read in place (inside a
//!   `<VirtualHost>`, what they hold belongs to it): wildcards (`*`, `?`,
//!   `[…]`, in any path component) expand in name order and match files
//!   only; a directory is read whole (every file under it, in name
//!   order). `Include` of a missing file, or a wildcard matching nothing,
//!   is an error, as IHS refuses to start; `IncludeOptional` skips them.
//!   A file that includes itself, directly or through others, is an
//!   error (include loop), and includes nest at most
//!   [`MAX_INCLUDE_DEPTH`] deep; at most [`MAX_FILES`] files are read.
//! - Sections: `<VirtualHost …>` opens a site of its own; every other
//!   section (`<IfModule>`, `<IfDefine>`, `<Directory>`…) is read as if
//!   its condition held. A section must close in the file that opens it.
//! - `KeyFile`, `SSLServerCert`, `SSLStashfile`, `SSLEnable` and
//!   `SSLDisable`, in the main server and per `<VirtualHost>`; the last
//!   of each in a scope counts. A virtual host without its own `KeyFile`
//!   or `SSLServerCert` uses the main server's (IHS merges them so).

use std::path::{Component, Path, PathBuf};

use super::finding::Location;
use super::glob;
use crate::error::{Error, Result};

/// How deep includes may nest (IHS itself stops far deeper; a real
/// configuration nests two or three).
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// The most files one configuration may read (a wildcard over a big
/// directory, or a tree of includes).
pub const MAX_FILES: usize = 1024;

/// Where configuration files come from.
pub trait Source {
    /// The text of a file (an error when it is missing, not a regular
    /// file, or not readable).
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// Whether the path is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Whether the path exists at all.
    fn exists(&self, path: &Path) -> bool;
    /// The paths of a directory's entries, in any order.
    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>>;
    /// What identifies the file for loop detection (its canonical path).
    fn identity(&self, path: &Path) -> PathBuf;
}

/// The real file system: regular files only (a FIFO is never opened),
/// each at most [`crate::limits::input_max_bytes`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Source for Disk {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = crate::file::read_input(path).map_err(|e| match e {
            Error::Io { source, .. } => source,
            e => std::io::Error::other(e.to_string()),
        })?;
        // Comments in Latin-1 are common in old configurations: read
        // what is not UTF-8 as U+FFFD rather than refuse the file.
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
    fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect()
    }
    fn identity(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
    }
}

/// One directive's value and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The first argument, as written.
    pub value: String,
    /// For path directives (`KeyFile`, `SSLStashfile`): the value
    /// resolved against the `ServerRoot` in effect.
    pub path: PathBuf,
    pub at: Location,
}

/// The main server or one `<VirtualHost>`: what it sets itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `main server` or `<VirtualHost *:443>`.
    pub name: String,
    /// Where a virtual host opens.
    pub at: Option<Location>,
    pub key_file: Option<Setting>,
    pub server_cert: Option<Setting>,
    pub stash_file: Option<Setting>,
    /// `SSLEnable` (true) or `SSLDisable` (false), the last one set.
    pub ssl: Option<(bool, Location)>,
}

impl Scope {
    fn new(name: String, at: Option<Location>) -> Scope {
        Scope {
            name,
            at,
            key_file: None,
            server_cert: None,
            stash_file: None,
            ssl: None,
        }
    }

    fn names_ssl(&self) -> bool {
        self.key_file.is_some() || self.server_cert.is_some()
    }
}

/// What a configuration sets, scope by scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub main: Scope,
    pub vhosts: Vec<Scope>,
    /// Every file read, in order (the first is the one given).
    pub files: Vec<PathBuf>,
}

fn config_error(at: &Location, detail: String, fix: &str) -> Error {
    Error::Config {
        at: at.to_string(),
        detail,
        fix: fix.to_string(),
    }
}

/// Reads `path` and every file it includes.
pub fn read(path: &Path, src: &dyn Source) -> Result<Config> {
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut r = Reader {
        src,
        base: base.clone(),
        root: base,
        main: Scope::new("main server".into(), None),
        vhosts: Vec::new(),
        current: None,
        open: Vec::new(),
        files: Vec::new(),
    };
    let text = src.read(path).map_err(|e| Error::io(path, "read", e))?;
    r.file(path, &text, 0)?;
    Ok(Config {
        main: r.main,
        vhosts: r.vhosts,
        files: r.files,
    })
}

struct Reader<'s> {
    src: &'s dyn Source,
    /// The directory of the file given.
    base: PathBuf,
    /// The `ServerRoot` in effect.
    root: PathBuf,
    main: Scope,
    vhosts: Vec<Scope>,
    /// The virtual host being read, by index.
    current: Option<usize>,
    /// The files being read, outermost first (identities), for loops.
    open: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

/// An Apache configuration line split into words (`ap_getword_conf`):
/// quoted strings keep their spaces, `\` escapes the quote inside one.
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut word = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\\' && chars.peek() == Some(&first) {
                    word.push(first);
                    chars.next();
                } else if c == first {
                    break;
                } else {
                    word.push(c);
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        out.push(word);
    }
    out
}

/// The logical lines of a file: continuations joined, comments and
/// blank lines left out; each with the number of its first line.
pub fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (start, mut acc) = pending.take().unwrap_or((n + 1, String::new()));
        if let Some(head) = raw.strip_suffix('\\') {
            acc.push_str(head);
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(raw);
        let t = acc.trim();
        if !t.is_empty() && !t.starts_with('#') {
            out.push((start, t.to_string()));
        }
    }
    if let Some((start, acc)) = pending {
        let t = acc.trim();
        if !t.is_empty() && !t.starts_with('#') {
            out.push((start, t.to_string()));
        }
    }
    out
}

/// `p` with `.` and `..` resolved lexically (no file system access).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

impl Reader<'_> {
    fn resolve(&self, value: &str) -> PathBuf {
        let p = Path::new(value);
        if p.is_absolute() {
            normalize(p)
        } else {
            normalize(&self.root.join(p))
        }
    }

    fn scope(&mut self) -> &mut Scope {
        match self.current {
            Some(i) => &mut self.vhosts[i],
            None => &mut self.main,
        }
    }

    fn file(&mut self, path: &Path, text: &str, depth: usize) -> Result<()> {
        if self.files.len() >= MAX_FILES {
            return Err(config_error(
                &Location {
                    file: path.to_path_buf(),
                    line: 1,
                    directive: None,
                },
                format!("more than {MAX_FILES} configuration files are included"),
                "narrow the Include wildcards",
            ));
        }
        self.files.push(path.to_path_buf());
        self.open.push(self.src.identity(path));
        // Sections opened in this file: (name, where, was a vhost).
        let mut sections: Vec<(String, Location, bool)> = Vec::new();
        for (line, text) in logical_lines(text) {
            let at = |directive: Option<&str>| Location {
                file: path.to_path_buf(),
                line,
                directive: directive.map(str::to_string),
            };
            if let Some(rest) = text.strip_prefix("</") {
                let name = rest.trim_end_matches('>').trim().to_string();
                match sections.pop() {
                    Some((open, _, vhost)) if open.eq_ignore_ascii_case(&name) => {
                        if vhost {
                            self.current = None;
                        }
                    }
                    Some((open, opened, _)) => {
                        return Err(config_error(
                            &at(None),
                            format!("</{name}> closes <{open}> opened at {opened}"),
                            "close sections in the order they open",
                        ));
                    }
                    None => {
                        return Err(config_error(
                            &at(None),
                            format!("</{name}> closes no section opened in this file"),
                            "remove it, or open the section in this file (a section must close in the file that opens it)",
                        ));
                    }
                }
                continue;
            }
            if let Some(rest) = text.strip_prefix('<') {
                let Some(inner) = rest.strip_suffix('>') else {
                    return Err(config_error(
                        &at(None),
                        format!(
                            "section line `{}` does not end with `>`",
                            crate::text::escape(&text)
                        ),
                        "end the section's opening line with `>`",
                    ));
                };
                let ws = words(inner);
                let name = ws.first().cloned().unwrap_or_default();
                let vhost = name.eq_ignore_ascii_case("VirtualHost");
                if vhost {
                    if self.current.is_some() {
                        return Err(config_error(
                            &at(None),
                            "<VirtualHost> inside another <VirtualHost>".into(),
                            "close the first virtual host before opening the next",
                        ));
                    }
                    self.vhosts.push(Scope::new(
                        format!("<VirtualHost {}>", ws[1..].join(" ")),
                        Some(at(Some("VirtualHost"))),
                    ));
                    self.current = Some(self.vhosts.len() - 1);
                }
                sections.push((name, at(None), vhost));
                continue;
            }
            let ws = words(&text);
            let Some(name) = ws.first() else { continue };
            let arg = ws.get(1).cloned();
            let lower = name.to_ascii_lowercase();
            let directive = || at(Some(name));
            match lower.as_str() {
                "serverroot" => {
                    if let Some(v) = arg {
                        let p = Path::new(&v);
                        self.root = normalize(&if p.is_absolute() {
                            p.to_path_buf()
                        } else {
                            self.base.join(p)
                        });
                    }
                }
                "include" | "includeoptional" => {
                    let Some(v) = arg else {
                        return Err(config_error(
                            &directive(),
                            format!("{name} names no file"),
                            "give the file, directory or wildcard to include",
                        ));
                    };
                    let optional = lower == "includeoptional";
                    self.include(&v, optional, &directive(), depth)?;
                }
                "keyfile" | "sslservercert" | "sslstashfile" => {
                    let Some(v) = arg else {
                        return Err(config_error(
                            &directive(),
                            format!("{name} has no value"),
                            "give it a value, or remove the line",
                        ));
                    };
                    let setting = Setting {
                        path: self.resolve(&v),
                        value: v,
                        at: directive(),
                    };
                    let scope = self.scope();
                    match lower.as_str() {
                        "keyfile" => scope.key_file = Some(setting),
                        "sslservercert" => scope.server_cert = Some(setting),
                        _ => scope.stash_file = Some(setting),
                    }
                }
                "sslenable" => self.scope().ssl = Some((true, directive())),
                "ssldisable" => self.scope().ssl = Some((false, directive())),
                _ => {}
            }
        }
        if let Some((open, opened, _)) = sections.pop() {
            return Err(config_error(
                &opened,
                format!("<{open}> is not closed in this file"),
                &format!("add </{open}> (a section must close in the file that opens it)"),
            ));
        }
        self.open.pop();
        Ok(())
    }

    fn include(&mut self, value: &str, optional: bool, at: &Location, depth: usize) -> Result<()> {
        let what = if optional {
            "IncludeOptional"
        } else {
            "Include"
        };
        let pattern = self.resolve(value);
        let files = if glob::is_glob(value) {
            // Wildcards count in the value only, not in ServerRoot.
            let (start, rel) = if Path::new(value).is_absolute() {
                (PathBuf::new(), normalize(Path::new(value)))
            } else {
                (self.root.clone(), normalize(Path::new(value)))
            };
            let found = self.expand(&start, &rel);
            if found.is_empty() && !optional {
                return Err(config_error(
                    at,
                    format!(
                        "Include `{}` matches no file (IHS does not start)",
                        crate::text::path(&pattern)
                    ),
                    "correct the wildcard, or use IncludeOptional where matching nothing is fine",
                ));
            }
            found
        } else if self.src.is_dir(&pattern) {
            let mut all = Vec::new();
            let mut seen = std::collections::HashSet::new();
            self.tree(&pattern, &mut all, &mut seen, 0);
            all
        } else if self.src.exists(&pattern) {
            vec![pattern.clone()]
        } else if optional {
            Vec::new()
        } else {
            return Err(config_error(
                at,
                format!(
                    "Include `{}`: no such file (IHS does not start)",
                    crate::text::path(&pattern)
                ),
                "correct the path (relative paths are taken from ServerRoot), or use IncludeOptional",
            ));
        };
        for f in files {
            let id = self.src.identity(&f);
            if self.open.contains(&id) {
                return Err(config_error(
                    at,
                    format!(
                        "{what} `{}` includes a file already being read: an include loop",
                        crate::text::path(&f)
                    ),
                    "remove the Include that leads back to a file including it",
                ));
            }
            if depth + 1 > MAX_INCLUDE_DEPTH {
                return Err(config_error(
                    at,
                    format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                    "flatten the includes",
                ));
            }
            let text = self.src.read(&f).map_err(|e| {
                config_error(
                    at,
                    format!("{what} `{}`: {e}", crate::text::path(&f)),
                    "make the file readable, or correct the path",
                )
            })?;
            self.file(&f, &text, depth + 1)?;
        }
        Ok(())
    }

    /// Every file under `dir`, in name order (a directory given to
    /// `Include`).
    fn tree(
        &self,
        dir: &Path,
        out: &mut Vec<PathBuf>,
        seen: &mut std::collections::HashSet<PathBuf>,
        depth: usize,
    ) {
        // A directory reached twice (a link back up) is read once.
        if depth > MAX_INCLUDE_DEPTH
            || out.len() > MAX_FILES
            || !seen.insert(self.src.identity(dir))
        {
            return;
        }
        let mut entries = self.src.list(dir).unwrap_or_default();
        entries.sort();
        for e in entries {
            if self.src.is_dir(&e) {
                self.tree(&e, out, seen, depth + 1);
            } else {
                out.push(e);
            }
        }
    }

    /// The files a wildcard path (`pattern`, from `start`) matches, in
    /// name order.
    fn expand(&self, start: &Path, pattern: &Path) -> Vec<PathBuf> {
        let parts: Vec<Component> = pattern.components().collect();
        let mut current: Vec<PathBuf> = vec![start.to_path_buf()];
        for (k, c) in parts.iter().enumerate() {
            let last = k + 1 == parts.len();
            let name = c.as_os_str().to_string_lossy().to_string();
            let mut next = Vec::new();
            for base in &current {
                if glob::is_glob(&name) {
                    let dir = if base.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        base.clone()
                    };
                    let mut entries = self.src.list(&dir).unwrap_or_default();
                    entries.sort();
                    for e in entries {
                        let Some(n) = e.file_name().and_then(|n| n.to_str()) else {
                            continue;
                        };
                        if n.starts_with('.') && !name.starts_with('.') {
                            continue;
                        }
                        if !glob::matches(&name, n) {
                            continue;
                        }
                        let p = base.join(n);
                        let dir = self.src.is_dir(&p);
                        if (last && !dir) || (!last && dir) {
                            next.push(p);
                        }
                    }
                } else {
                    let p = base.join(c.as_os_str());
                    if last || self.src.is_dir(&p) {
                        next.push(p);
                    }
                }
            }
            current = next;
            if current.len() > MAX_FILES {
                current.truncate(MAX_FILES);
            }
        }
        current.retain(|p| self.src.exists(p) && !self.src.is_dir(p));
        current
    }
}

/// One store IHS opens, with the label it uses there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The sites using it (`main server`, `<VirtualHost *:443>`).
    pub names: Vec<String>,
    /// The key database (the `KeyFile` resolved).
    pub key_file: PathBuf,
    /// Where that `KeyFile` is.
    pub key_file_at: Location,
    /// The `SSLServerCert` label, if any (else the store's default).
    pub label: Option<String>,
    pub label_at: Option<Location>,
    /// The `SSLStashfile` in effect (the PKCS#11 token or CRL LDAP
    /// password stash; IHS opens the key database with `KEYFILE.sth`).
    pub stash_file: Option<Setting>,
}

/// A configuration line lint does not check, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: Location,
    pub message: String,
}

/// What lint checks for a configuration: each (key database, label)
/// once, and notes for what it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub sites: Vec<Site>,
    pub notes: Vec<Note>,
}

/// Whether an `SSLServerCert` value names a certificate on a PKCS#11
/// crypto token (`TOKEN:LABEL`, as IHS reads any value with a colon;
/// `crypto:server` is token `crypto`, label `server`).
pub fn token_of(value: &str) -> Option<(&str, &str)> {
    value.split_once(':')
}

/// The sites of a configuration. Linted: every virtual host that enables
/// SSL (its own `SSLEnable`, or the main server's) or names its own
/// `KeyFile` or `SSLServerCert`; the main server when it enables SSL, or
/// when it names a `KeyFile` no linted virtual host uses. A site that
/// uses SSL without any `KeyFile` is an error (IHS does not start).
pub fn plan(cfg: &Config) -> Result<Plan> {
    let mut plan = Plan::default();
    let main_ssl = cfg.main.ssl.as_ref().is_some_and(|(on, _)| *on);
    let mut merged: Vec<Scope> = Vec::new();
    for v in &cfg.vhosts {
        let ssl = match &v.ssl {
            Some((on, _)) => *on,
            None => main_ssl,
        };
        if !(ssl || v.names_ssl()) {
            continue;
        }
        let mut m = v.clone();
        if m.key_file.is_none() {
            m.key_file = cfg.main.key_file.clone();
        }
        if m.server_cert.is_none() {
            m.server_cert = cfg.main.server_cert.clone();
        }
        if m.stash_file.is_none() {
            m.stash_file = cfg.main.stash_file.clone();
        }
        merged.push(m);
    }
    let main_key_used = merged
        .iter()
        .any(|m| m.key_file.as_ref().map(|k| &k.at) == cfg.main.key_file.as_ref().map(|k| &k.at));
    let mut sites: Vec<&Scope> = Vec::new();
    if main_ssl || (cfg.main.key_file.is_some() && !main_key_used) {
        sites.push(&cfg.main);
    }
    sites.extend(merged.iter());
    for s in sites {
        let Some(kf) = &s.key_file else {
            let at = s
                .ssl
                .as_ref()
                .map(|(_, at)| at.clone())
                .or_else(|| s.at.clone())
                .or_else(|| s.server_cert.as_ref().map(|c| c.at.clone()))
                .unwrap_or(Location {
                    file: cfg.files.first().cloned().unwrap_or_default(),
                    line: 1,
                    directive: None,
                });
            return Err(config_error(
                &at,
                format!(
                    "{} uses SSL but no KeyFile applies to it (IHS does not start)",
                    s.name
                ),
                "add a KeyFile directive to it or to the main server",
            ));
        };
        if kf.value.eq_ignore_ascii_case("/saf") {
            plan.notes.push(Note {
                at: kf.at.clone(),
                message: format!(
                    "{}: KeyFile /saf names a z/OS SAF key ring, not a file: not linted",
                    s.name
                ),
            });
            continue;
        }
        if let Some(c) = &s.server_cert
            && let Some((token, label)) = token_of(&c.value)
        {
            plan.notes.push(Note {
                at: c.at.clone(),
                message: format!(
                    "{}: SSLServerCert `{}` names certificate `{label}` on PKCS#11 crypto token `{token}`: kdbman reads no crypto device, so it is not linted (KeyFile {} is then IHS's store of signers only)",
                    s.name,
                    crate::text::escape(&c.value),
                    crate::text::path(&kf.path)
                ),
            });
            continue;
        }
        let label = s.server_cert.as_ref().map(|c| c.value.clone());
        let same = plan
            .sites
            .iter_mut()
            .find(|x| normalize(&x.key_file) == normalize(&kf.path) && x.label == label);
        match same {
            Some(x) => x.names.push(s.name.clone()),
            None => plan.sites.push(Site {
                names: vec![s.name.clone()],
                key_file: kf.path.clone(),
                key_file_at: kf.at.clone(),
                label,
                label_at: s.server_cert.as_ref().map(|c| c.at.clone()),
                stash_file: s.stash_file.clone(),
            }),
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    /// Files in memory.
    struct Mem(BTreeMap<PathBuf, String>);

    impl Mem {
        fn new(files: &[(&str, &str)]) -> Mem {
            Mem(files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect())
        }
    }

    impl Source for Mem {
        fn read(&self, path: &Path) -> std::io::Result<String> {
            self.0
                .get(&normalize(path))
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
        fn is_dir(&self, path: &Path) -> bool {
            let p = normalize(path);
            self.0.keys().any(|k| k.starts_with(&p) && *k != p)
        }
        fn exists(&self, path: &Path) -> bool {
            self.0.contains_key(&normalize(path)) || self.is_dir(path)
        }
        fn list(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
            let d = normalize(dir);
            let mut out: HashSet<PathBuf> = HashSet::new();
            for k in self.0.keys() {
                if let Ok(rest) = k.strip_prefix(&d)
                    && let Some(first) = rest.components().next()
                {
                    out.insert(dir.join(first.as_os_str()));
                }
            }
            Ok(out.into_iter().collect())
        }
        fn identity(&self, path: &Path) -> PathBuf {
            normalize(path)
        }
    }

    fn read_mem(files: &[(&str, &str)]) -> Result<Config> {
        read(Path::new(files[0].0), &Mem::new(files))
    }

    #[test]
    fn virtual_hosts_included_and_inherited() {
        let cfg = read_mem(&[
            (
                "/ihs/conf/httpd.conf",
                "ServerRoot /ihs\n# a comment\nKeyFile conf/main.kdb\nSSLServerCert \"main cert\"\n\
                 <IfModule mod_ibm_ssl.c>\n<VirtualHost *:443>\n  SSLEnable\n  SSLServerCert www\n</VirtualHost>\n</IfModule>\n\
                 Include conf/vhosts/*.conf\n",
            ),
            (
                "/ihs/conf/vhosts/api.conf",
                "<VirtualHost *:8443>\nSSLEnable\nKeyFile \\\n  /keys/api.kdb\nSSLServerCert api\n</VirtualHost>\n",
            ),
            ("/ihs/conf/vhosts/notes.txt", "KeyFile /nope.kdb\n"),
        ])
        .unwrap();
        assert_eq!(cfg.vhosts.len(), 2);
        let plan = plan(&cfg).unwrap();
        assert_eq!(plan.sites.len(), 2, "{plan:#?}");
        let www = &plan.sites[0];
        assert_eq!(www.key_file, Path::new("/ihs/conf/main.kdb"));
        assert_eq!(www.label.as_deref(), Some("www"));
        assert_eq!(www.label_at.as_ref().unwrap().line, 8);
        assert_eq!(www.key_file_at.line, 3);
        let api = &plan.sites[1];
        assert_eq!(api.key_file, Path::new("/keys/api.kdb"));
        assert_eq!(api.key_file_at.file, Path::new("/ihs/conf/vhosts/api.conf"));
        assert_eq!(api.key_file_at.line, 3);
        assert_eq!(api.label_at.as_ref().unwrap().line, 5);
    }

    #[test]
    fn include_loops_and_depth_are_errors() {
        let e = read_mem(&[
            ("/c/httpd.conf", "Include /c/a.conf\n"),
            ("/c/a.conf", "Include b.conf\n"),
            ("/c/b.conf", "\nInclude /c/httpd.conf\n"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("/c/b.conf:2") && e.contains("include loop"),
            "{e}"
        );
        let e = read_mem(&[("/c/self.conf", "IncludeOptional /c/*.conf\n")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("include loop"), "{e}");
        // A chain deeper than the bound.
        let names: Vec<String> = (0..=MAX_INCLUDE_DEPTH + 1)
            .map(|i| format!("/d/{i}.conf"))
            .collect();
        let texts: Vec<String> = (0..=MAX_INCLUDE_DEPTH + 1)
            .map(|i| format!("Include /d/{}.conf\n", i + 1))
            .collect();
        let mut files: Vec<(&str, &str)> = names
            .iter()
            .zip(&texts)
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let last = format!("/d/{}.conf", MAX_INCLUDE_DEPTH + 2);
        files.push((&last, "KeyFile /k.kdb\n"));
        let e = read_mem(&files).unwrap_err().to_string();
        assert!(e.contains("nest more than"), "{e}");
    }

    #[test]
    fn missing_includes_and_sections() {
        let e = read_mem(&[("/c/h.conf", "ServerRoot /c\nInclude conf.d/x.conf\n")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/c/h.conf:2") && e.contains("/c/conf.d/x.conf"),
            "{e}"
        );
        assert!(read_mem(&[("/c/h.conf", "IncludeOptional nothing/*.conf\n")]).is_ok());
        let e = read_mem(&[("/c/h.conf", "Include /c/none-*.conf\n")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("matches no file"), "{e}");
        let e = read_mem(&[("/c/h.conf", "<VirtualHost *:443>\nKeyFile /k.kdb\n")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("/c/h.conf:1") && e.contains("not closed"), "{e}");
    }

    #[test]
    fn tokens_saf_and_ssl_without_a_key_file() {
        let cfg = read_mem(&[(
            "/c/h.conf",
            "KeyFile /k/trust.kdb\n<VirtualHost *:443>\nSSLEnable\nSSLServerCert crypto:server\nSSLStashfile /k/token.sth\n</VirtualHost>\n",
        )])
        .unwrap();
        let p = plan(&cfg).unwrap();
        assert!(p.sites.is_empty(), "{p:#?}");
        assert_eq!(p.notes.len(), 1);
        assert_eq!(p.notes[0].at.line, 4);
        assert!(p.notes[0].message.contains("crypto token `crypto`"));
        let cfg = read_mem(&[(
            "/c/h.conf",
            "<VirtualHost *:443>\nSSLEnable\n</VirtualHost>\n",
        )])
        .unwrap();
        let e = plan(&cfg).unwrap_err().to_string();
        assert!(e.contains("/c/h.conf:2") && e.contains("no KeyFile"), "{e}");
        // Plain HTTP virtual hosts are not sites.
        let cfg = read_mem(&[(
            "/c/h.conf",
            "Listen 80\n<VirtualHost *:80>\nServerName x\n</VirtualHost>\n",
        )])
        .unwrap();
        assert!(plan(&cfg).unwrap().sites.is_empty());
    }

    #[test]
    fn wildcards_count_in_the_include_only() {
        let cfg = read_mem(&[
            (
                "/srv/[x]/conf/httpd.conf",
                "ServerRoot \"/srv/[x]\"\nInclude conf/v*.conf\n",
            ),
            (
                "/srv/[x]/conf/v1.conf",
                "<VirtualHost *:443>\nSSLEnable\nKeyFile k.kdb\n</VirtualHost>\n",
            ),
        ])
        .unwrap();
        let p = plan(&cfg).unwrap();
        assert_eq!(p.sites[0].key_file, Path::new("/srv/[x]/k.kdb"));
    }

    #[test]
    fn words_and_lines() {
        assert_eq!(
            words(r#"SSLServerCert "my \"cert\"" 'a b' c"#),
            ["SSLServerCert", "my \"cert\"", "a b", "c"]
        );
        assert_eq!(
            logical_lines("a \\\n b\n  # c\n\nd\r\n"),
            [(1, "a  b".to_string()), (5, "d".to_string())]
        );
        assert_eq!(normalize(Path::new("/a/./b/../c")), Path::new("/a/c"));
    }

    #[test]
    fn the_same_store_and_label_is_one_site() {
        let cfg = read_mem(&[(
            "/c/h.conf",
            "SSLEnable\nKeyFile /k.kdb\nSSLServerCert www\n<VirtualHost *:443>\nSSLEnable\n</VirtualHost>\n<VirtualHost *:8443>\nSSLServerCert api\n</VirtualHost>\n",
        )])
        .unwrap();
        let p = plan(&cfg).unwrap();
        assert_eq!(p.sites.len(), 2, "{p:#?}");
        assert_eq!(p.sites[0].names, ["main server", "<VirtualHost *:443>"]);
        assert_eq!(p.sites[1].label.as_deref(), Some("api"));
    }
}
