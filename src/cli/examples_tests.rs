//! The examples of `examples.rs` and of the hand-written section 5 pages
//! are commands of today's syntax: each one parses with the real parser,
//! so a renamed option or command breaks this test. (`tests/examples.rs`
//! runs them.)

use clap::{CommandFactory, Parser};

use super::examples::{
    ENV, GSK_TOOLS, PREAMBLE, Step, WORKFLOWS, for_page, man_name, page_of, roff_section,
    shell_words,
};

fn env(name: &str) -> Option<String> {
    ENV.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the CLI has a feature named as `"cert renew"` or
/// `"lint --mq-qmgr"`.
fn has_feature(feature: &str) -> bool {
    let mut cmd = super::Cli::command();
    for word in feature.split_whitespace() {
        if let Some(long) = word.strip_prefix("--") {
            return cmd.get_arguments().any(|a| a.get_long() == Some(long));
        }
        match cmd.find_subcommand(word) {
            Some(c) => cmd = c.clone(),
            None => return false,
        }
    }
    true
}

/// Every page key of the CLI (`""`, `"cert"`, `"cert add"`, …) and `gsk`.
fn page_keys() -> Vec<String> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let p = format!("{path} {}", sub.get_name());
            walk(sub, p.trim(), out);
        }
    }
    let mut out = Vec::new();
    walk(&super::Cli::command(), "", &mut out);
    out.push("gsk".to_string());
    out
}

/// Parses a kdbman or gsk8capicmd command line; other programs are not
/// checked (None).
fn parse(words: &[String]) -> Option<Result<(), String>> {
    let prog = words.first()?;
    let gsk = GSK_TOOLS.contains(&prog.as_str())
        || (prog == "kdbman" && words.get(1).is_some_and(|w| w.starts_with('-')));
    if gsk {
        return Some(
            super::gsk::parse::parse(&words[1..])
                .map(|_| ())
                .map_err(|e| format!("{} {}", e.code, e.text)),
        );
    }
    if prog != "kdbman" {
        return None;
    }
    Some(
        super::Cli::try_parse_from(words)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    )
}

fn steps() -> impl Iterator<Item = &'static Step> {
    WORKFLOWS.iter().flat_map(|w| w.steps.iter())
}

#[test]
fn every_example_parses() {
    let mut parsed = 0;
    for s in steps() {
        let (words, _) = shell_words(s.cmd, &env).unwrap_or_else(|e| panic!("{e}"));
        if let Some(f) = s.pending
            && !has_feature(f)
        {
            eprintln!(
                "SKIPPED: `{}` waits for `{f}`, which this build does not have",
                s.cmd
            );
            continue;
        }
        if let Some(r) = parse(&words) {
            r.unwrap_or_else(|e| panic!("example `{}` does not parse:\n{e}", s.cmd));
            parsed += 1;
        }
    }
    assert!(parsed > 50, "only {parsed} examples parsed");
}

#[test]
fn pending_features_are_named_as_the_cli_would() {
    for s in steps() {
        if let Some(f) = s.pending {
            let words: Vec<&str> = f.split_whitespace().collect();
            assert!(
                !words.is_empty() && words[..words.len() - 1].iter().all(|w| !w.starts_with('-')),
                "pending feature {f:?}: a command path, then at most one --option"
            );
            assert!(
                s.cmd
                    .contains(f.split_whitespace().last().unwrap_or_default()),
                "`{}` does not use its pending feature {f:?}",
                s.cmd
            );
        }
    }
}

#[test]
fn every_page_has_examples_and_every_example_a_page() {
    let keys = page_keys();
    for k in &keys {
        assert!(
            !roff_section(k).is_empty(),
            "{}(1) has no examples: add a step that runs it to src/cli/examples.rs",
            man_name(k)
        );
    }
    for w in WORKFLOWS {
        for p in w.pages {
            assert!(keys.contains(&p.to_string()), "{}: no page {p:?}", w.title);
        }
        for s in w.steps {
            let waiting = s.pending.is_some_and(|f| !has_feature(f));
            for p in page_of(s.cmd)
                .into_iter()
                .chain(s.also.iter().map(|a| a.to_string()))
            {
                assert!(
                    waiting || keys.contains(&p),
                    "`{}` belongs to page {p:?}, which does not exist",
                    s.cmd
                );
            }
        }
    }
    // kdbman(1) shows every workflow.
    assert_eq!(for_page("").len(), WORKFLOWS.len());
}

#[test]
fn rendering_wraps_and_escapes() {
    for s in steps() {
        let section = roff_section(&page_of(s.cmd).unwrap_or_default());
        assert!(section.starts_with(".SH EXAMPLES\n"));
        // The command, unwrapped and unescaped, is in the section as typed.
        let text = section.replace("\\-", "-").replace("\\e", "\\");
        let joined = text.replace(" \\\n    ", " ");
        assert!(
            joined.contains(s.cmd),
            "`{}` is not rendered as typed",
            s.cmd
        );
        let mut in_block = false;
        for line in text.lines() {
            match line {
                ".nf" => in_block = true,
                ".fi" => in_block = false,
                l => assert!(
                    !in_block || l.len() <= 80 || !l.contains(" -"),
                    "command line too long: {l}"
                ),
            }
        }
    }
    assert!(roff_section("lint").contains(&PREAMBLE.replace('-', "\\-")));
    assert!(roff_section("").contains("These workflows run in order"));
}

#[test]
fn shell_words_reads_quotes_variables_and_redirection() {
    let (w, r) = shell_words(
        "kdbman cert create --dn \"CN=a b,O=$KDB_PW\" --label 'x $y' > out.txt",
        &env,
    )
    .unwrap();
    assert_eq!(
        w,
        [
            "kdbman",
            "cert",
            "create",
            "--dn",
            "CN=a b,O=Correct-Horse-Battery-9",
            "--label",
            "x $y"
        ]
    );
    assert_eq!(r.as_deref(), Some("out.txt"));
    for bad in ["a | b", "a \"b", "a > b c", "a $", "a >b", "a $NOPE"] {
        assert!(shell_words(bad, &env).is_err(), "{bad}");
    }
}

/// The commands of a hand-written page's EXAMPLES section: the lines of
/// its `.nf` blocks, unescaped, with `\` continuations joined.
pub fn section5_commands(page: &str) -> Vec<String> {
    let Some(start) = page.find("\n.SH EXAMPLES\n") else {
        return Vec::new();
    };
    let rest = &page[start + 1..];
    let end = rest[4..].find("\n.SH ").map_or(rest.len(), |i| i + 4);
    let mut out = Vec::new();
    let mut in_block = false;
    let mut cur = String::new();
    for line in rest[..end].lines() {
        match line {
            ".nf" => in_block = true,
            ".fi" => in_block = false,
            l if in_block => {
                let l = l
                    .replace("\\-", "-")
                    .replace("\\e", "\\")
                    .replace("\\(dq", "\"");
                let l = l.trim();
                match l.strip_suffix('\\') {
                    Some(head) => {
                        cur.push_str(head.trim_end());
                        cur.push(' ');
                    }
                    None => {
                        cur.push_str(l);
                        out.push(std::mem::take(&mut cur));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn section5_pages_have_examples_that_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut pages = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("5") {
            continue;
        }
        pages += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let cmds = section5_commands(&text);
        let mut checked = 0;
        for c in &cmds {
            let (words, _) =
                shell_words(c, &env).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(r) = parse(&words) {
                r.unwrap_or_else(|e| {
                    panic!("{}: example `{c}` does not parse:\n{e}", path.display())
                });
                checked += 1;
            }
        }
        assert!(
            checked >= 2,
            "{}: EXAMPLES needs at least two kdbman commands, found {cmds:?}",
            path.display()
        );
    }
    assert!(pages >= 4);
}
