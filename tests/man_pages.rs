//! The committed man pages (generated and hand-written) name only pages
//! that exist, and every one has EXAMPLES (issue 20, deliverable 7).

use std::collections::BTreeSet;
use std::path::Path;

/// Pages of other packages that kdbman's pages may name.
const EXTERNAL: &[&str] = &[
    "fcntl(2)",
    "flock(2)",
    "fsync(2)",
    "link(2)",
    "rename(2)",
    "grep(1)",
    "ssh(1)",
    "openssl(1)",
    "keytool(1)",
    "curl(1)",
];

fn pages() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// A page's text with roff's escapes for `-`, fonts and quotes undone.
fn plain(text: &str) -> String {
    let mut s = text.replace("\\-", "-").replace("\\(aq", "'");
    for f in ["\\fB", "\\fI", "\\fR", "\\fP", "\\&"] {
        s = s.replace(f, "");
    }
    s
}

/// Every `NAME(N)` and `.BR NAME (N)` reference of a page.
fn references(text: &str) -> BTreeSet<String> {
    let text = plain(text);
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('(') {
        // (N) with N a section digit, then not another digit.
        let Some(&d) = bytes.get(i + 1) else { continue };
        if !d.is_ascii_digit() || bytes.get(i + 2) != Some(&b')') {
            continue;
        }
        // The name before it, allowing one space (.BR name (N)).
        let mut end = i;
        if end > 0 && bytes[end - 1] == b' ' {
            end -= 1;
        }
        let start = text[..end]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            .map_or(0, |p| p + 1);
        let name = &text[start..end];
        if name.is_empty() || !name.chars().next().unwrap().is_ascii_alphabetic() {
            continue;
        }
        let on_br_line = text[..start].ends_with(".BR ")
            || text[..start].ends_with(".IR ")
            || text[..start].ends_with(".B ");
        // Other names only on .BR lines: ASN.1 text such as signer(2) is
        // not a reference.
        if name.starts_with("kdbman") || on_br_line {
            out.insert(format!("{name}({})", d as char));
        }
    }
    out
}

#[test]
fn every_reference_names_a_page() {
    let pages = pages();
    assert!(pages.len() > 30);
    let names: BTreeSet<String> = pages
        .iter()
        .filter_map(|(n, _)| {
            n.rsplit_once('.')
                .map(|(stem, sec)| format!("{stem}({sec})"))
        })
        .collect();
    let mut checked = 0;
    for (page, text) in &pages {
        for r in references(text) {
            checked += 1;
            if r.starts_with("kdbman") {
                assert!(
                    names.contains(&r),
                    "{page} refers to {r}, which is not in man/"
                );
            } else {
                assert!(
                    names.contains(&r) || EXTERNAL.contains(&r.as_str()),
                    "{page} refers to {r}: neither in man/ nor a known page of another package"
                );
            }
        }
    }
    assert!(checked > 50, "only {checked} references found");
    // The references clap's help subcommand used to leave.
    for (page, text) in &pages {
        assert!(
            !plain(text).contains("-help(1)"),
            "{page} names a help page"
        );
    }
}

#[test]
fn reference_finder_sees_every_form() {
    let text = ".BR kdbman\\-kdb (5),\nsee kdbman\\-cms(5) and \\fBkdbman\\-lint\\fR(1); SHA\\-256(01 || A) and signer(2)\n.TP\nkdbman\\-help(1)\n";
    let refs = references(text);
    for r in [
        "kdbman-kdb(5)",
        "kdbman-cms(5)",
        "kdbman-lint(1)",
        "kdbman-help(1)",
    ] {
        assert!(refs.contains(r), "{r} not found in {refs:?}");
    }
    assert!(
        !refs
            .iter()
            .any(|r| r.starts_with("SHA") || r.starts_with("signer")),
        "{refs:?}"
    );
}

#[test]
fn every_page_has_examples() {
    for (page, text) in pages() {
        let Some(at) = text.find("\n.SH EXAMPLES\n") else {
            panic!("{page} has no EXAMPLES section");
        };
        let section = &text[at..];
        let section = &section[..section[1..].find("\n.SH ").map_or(section.len(), |i| i + 1)];
        let commands = section
            .lines()
            .filter(|l| {
                let l = plain(l);
                l.starts_with("kdbman ")
                    || l.starts_with("gsk8capicmd_64 ")
                    || l.starts_with("runmqakm ")
            })
            .count();
        assert!(commands >= 1, "{page}: EXAMPLES shows no command");
    }
}

/// A text line that starts with `.` or `'` is read as a request: a line
/// such as `.kdb's directory.` vanishes from the page. Every such line
/// must be a request the pages use.
#[test]
fn no_text_line_reads_as_a_request() {
    const REQUESTS: &[&str] = &[
        "TH", "SH", "SS", "PP", "TP", "IP", "RS", "RE", "nf", "fi", "br", "sp", "B", "I", "BR",
        "IR", "RB", "RI", "BI", "IB", "ie", "el", "\\\"",
    ];
    for (page, text) in pages() {
        for (n, line) in text.lines().enumerate() {
            let Some(rest) = line.strip_prefix('.').or_else(|| line.strip_prefix('\'')) else {
                continue;
            };
            let name = rest.split([' ', '\t']).next().unwrap_or("");
            assert!(
                REQUESTS.contains(&name),
                "{page}:{}: `{line}` is read as the request .{name}; start a text line with \\&",
                n + 1
            );
        }
    }
}
