//! `lint --labels FILE`: which label each store's server uses, one
//! `STORE LABEL` per line. Pure: text in, lines out; [`assign`] matches
//! them against store paths it is given.
//!
//! # The file
//!
//! - One `STORE LABEL` per line, separated by blanks; either may be
//!   quoted (`"…"`, with `\"` and `\\` inside) to hold blanks or `#`.
//! - `#` starts a comment (a whole line, or after the two fields);
//!   blank lines are ignored. Anything else is an error naming the file
//!   and line.
//! - `STORE` is a path relative to the labels file's directory (or
//!   absolute), and may hold wildcards ([`super::glob`]: `*` and `?`
//!   within a directory, `**` across directories, `[…]`).
//!
//! # Matching
//!
//! A line with wildcards matches the stores `--dir` found or `--db`
//! named; one that matches none is an error naming the file and line (a
//! server configured for a store that is not there). A line without
//! wildcards names its store whether or not it was found: it is linted,
//! so a missing file is reported (SSL0214E) at that line. A store
//! matched by several lines is linted once per label (two sites
//! sharing a store). A store found but matched by no line is linted
//! without a label (the store's default, or every personal certificate
//! checked as if in use).

use std::path::{Path, PathBuf};

use super::finding::Location;
use super::glob;
use super::httpd_conf::normalize;
use crate::error::{Error, Result};

/// One line of a labels file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// As written (a path or a wildcard pattern).
    pub store: String,
    pub label: String,
    pub at: Location,
}

fn error(file: &Path, line: usize, detail: String) -> Error {
    Error::Config {
        at: format!("{}:{line}", crate::text::path(file)),
        detail,
        fix: "write one `STORE LABEL` per line (quote a field holding blanks or #; # starts a comment)".into(),
    }
}

/// The fields of a line: words, or quoted strings; `None` for an
/// unclosed quote. A bare word starting with `#` ends the line.
fn fields(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        if first == '#' {
            break;
        }
        let mut word = String::new();
        if first == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                        word.extend(chars.next());
                    }
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => word.push(c),
                }
            }
            if !closed {
                return None;
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
    Some(out)
}

/// Reads a labels file's text (`file` names it in errors).
pub fn parse(text: &str, file: &Path) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let Some(f) = fields(raw) else {
            return Err(error(file, line, "a quoted field is not closed".into()));
        };
        match f.as_slice() {
            [] => {}
            [store, label] if !store.is_empty() && !label.is_empty() => out.push(Line {
                store: store.clone(),
                label: label.clone(),
                at: Location {
                    file: file.to_path_buf(),
                    line,
                    directive: None,
                },
            }),
            [_, _] => return Err(error(file, line, "an empty store or label".into())),
            [store] => {
                return Err(error(
                    file,
                    line,
                    format!("`{}` has no label after it", crate::text::escape(store)),
                ));
            }
            more => {
                return Err(error(
                    file,
                    line,
                    format!("{} fields where two are expected", more.len()),
                ));
            }
        }
    }
    Ok(out)
}

/// A store to lint with a label from a labels file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// As found (`found`), or as the line names it (relative to the
    /// labels file's directory).
    pub path: PathBuf,
    pub label: String,
    pub at: Location,
}

/// Matches `lines` against the stores `found` (paths as found,
/// relative to `cwd` when relative); `base` is the labels file's
/// directory. Returns every (store, label) pair, in the order of
/// `found` (lines in order for each store), then the stores named by
/// lines without wildcards that were not found; and the stores found
/// that no line matches.
pub fn assign(
    lines: &[Line],
    base: &Path,
    found: &[PathBuf],
    cwd: &Path,
) -> Result<(Vec<Assignment>, Vec<PathBuf>)> {
    let abs = |p: &Path| normalize(&cwd.join(p));
    let base = abs(base);
    let found_abs: Vec<PathBuf> = found.iter().map(|p| abs(p)).collect();
    let found_real: Vec<Option<PathBuf>> = found
        .iter()
        .map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut hits: Vec<Vec<&Line>> = vec![Vec::new(); found.len()];
    let mut extra: Vec<Assignment> = Vec::new();
    // Wildcards count in the line only, not in the directory it is in.
    let base_pattern: String = base
        .to_string_lossy()
        .chars()
        .flat_map(|c| {
            let esc = matches!(c, '*' | '?' | '[' | ']' | '\\').then_some('\\');
            esc.into_iter().chain(std::iter::once(c))
        })
        .collect();
    for l in lines {
        let pattern = normalize(&base.join(&l.store));
        let is_glob = glob::is_glob(&l.store);
        let pattern_text = if Path::new(&l.store).is_absolute() {
            normalize(Path::new(&l.store))
        } else {
            normalize(&Path::new(&base_pattern).join(&l.store))
        };
        let pattern_text = pattern_text.to_string_lossy();
        let real = if is_glob {
            None
        } else {
            std::fs::canonicalize(&pattern).ok()
        };
        let mut any = false;
        for (i, f) in found_abs.iter().enumerate() {
            let hit = if is_glob {
                glob::matches(&pattern_text, &f.to_string_lossy())
            } else {
                *f == pattern || (real.is_some() && real == found_real[i])
            };
            if hit {
                hits[i].push(l);
                any = true;
            }
        }
        if any {
            continue;
        }
        if is_glob {
            return Err(Error::Config {
                at: l.at.to_string(),
                detail: format!(
                    "`{}` matches no store found (it is taken from the labels file's directory, {}, and matched against the stores --dir finds and --db names)",
                    crate::text::escape(&l.store),
                    crate::text::path(&base)
                ),
                fix: "correct the pattern, give the --dir holding the stores, or remove the line"
                    .into(),
            });
        }
        extra.push(Assignment {
            path: pattern,
            label: l.label.clone(),
            at: l.at.clone(),
        });
    }
    let mut out = Vec::new();
    let mut unlabelled = Vec::new();
    for (i, f) in found.iter().enumerate() {
        if hits[i].is_empty() {
            unlabelled.push(f.clone());
        }
        for l in &hits[i] {
            if out
                .iter()
                .any(|a: &Assignment| a.path == *f && a.label == l.label)
            {
                continue;
            }
            out.push(Assignment {
                path: f.clone(),
                label: l.label.clone(),
                at: l.at.clone(),
            });
        }
    }
    out.extend(extra);
    Ok((out, unlabelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_quotes() {
        let text = "# stores\n\nweb/*.kdb www   # the web tier\n\"my store.kdb\" \"my cert\"\r\nmq.kdb \"a \\\"q\\\" b\"\n";
        let l = parse(text, Path::new("l.txt")).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(
            (l[0].store.as_str(), l[0].label.as_str(), l[0].at.line),
            ("web/*.kdb", "www", 3)
        );
        assert_eq!(
            (l[1].store.as_str(), l[1].label.as_str()),
            ("my store.kdb", "my cert")
        );
        assert_eq!(l[2].label, "a \"q\" b");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        for (text, want) in [
            ("a.kdb x\nb.kdb\n", "no label"),
            ("\n\na b c\n", "3 fields"),
            ("\"a.kdb x\n", "not closed"),
        ] {
            let e = parse(text, Path::new("conf/labels"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{e}");
            assert!(e.starts_with("conf/labels:"), "{e}");
        }
        let e = parse("\n\na b c\n", Path::new("labels"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("labels:3:"), "{e}");
    }

    #[test]
    fn globs_match_found_stores_relative_to_the_file() {
        let lines = parse(
            "web/*.kdb www\nmq/qm?.kdb ibmwebspheremqqm\nmissing.kdb x\n",
            Path::new("/srv/conf/labels"),
        )
        .unwrap();
        let found = [
            PathBuf::from("../conf/web/a.kdb"),
            PathBuf::from("mq/qm1.kdb"),
            PathBuf::from("other/z.kdb"),
        ];
        let (a, rest) = assign(
            &lines,
            Path::new("/srv/conf"),
            &found,
            Path::new("/srv/conf"),
        )
        .unwrap();
        assert_eq!(a.len(), 3, "{a:#?}");
        assert_eq!(
            (a[0].path.as_path(), a[0].label.as_str()),
            (found[0].as_path(), "www")
        );
        assert_eq!(a[1].label, "ibmwebspheremqqm");
        assert_eq!(a[2].path, Path::new("/srv/conf/missing.kdb"));
        assert_eq!(a[2].at.line, 3);
        assert_eq!(rest, [PathBuf::from("other/z.kdb")]);
        // Brackets in the labels file's directory are not wildcards.
        let lines = parse("*.kdb web\n", Path::new("/s/[a]/l")).unwrap();
        let found = [PathBuf::from("/s/[a]/w.kdb"), PathBuf::from("/s/a/w.kdb")];
        let (a, rest) = assign(&lines, Path::new("/s/[a]"), &found, Path::new("/")).unwrap();
        assert_eq!(a.len(), 1, "{a:#?}");
        assert_eq!(a[0].path, found[0]);
        assert_eq!(rest, [found[1].clone()]);
        let lines = parse("nothing/*.kdb x\n", Path::new("/srv/l")).unwrap();
        let e = assign(&lines, Path::new("/srv"), &found, Path::new("/srv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/srv/l:1:") && e.contains("matches no store"),
            "{e}"
        );
    }
}
