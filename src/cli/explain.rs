//! `kdbman explain`: what an IHS message or GSKit return code means.

use clap::Args;
use kdbman::diagnose::catalogue::{self, Code, Scope};
use kdbman::{Error, Result};
use serde_json::{Value, json};

use super::{exit, output};

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// SSL0218E, ssl0218, 218, a GSKit return code (408) or name (GSK_ERROR_BAD_KEYFILE_PASSWORD), a lint warning (KDB0009W) or a gsk8capicmd front-end message (KDBG0008W, CTGSK3029W)
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every IHS message code with its GSKit return code
    #[arg(long)]
    pub list: bool,
    /// Print JSON instead of text (the shape is in --help)
    #[arg(long, long_help = EXPLAIN_JSON)]
    pub json: bool,
}

const EXPLAIN_JSON: &str = r#"Print JSON instead of text:

{"id": "SSL0218E", "severity": "error", "title": "...", "gsk": {"code": 106, "name": "GSK_..."}, "meaning": "...", "causes": ["..."], "fix": "...", "kdbman": "...", "scope": "store"}

gsk is null when no GSKit return code belongs to the message; scope is store (lint checks it), runtime (serve reports it), command (a message of the gsk8capicmd front end, KDBG0001W or CTGSK3029W) or not-applicable. With --list: {"codes": [CODE, ...]} with one such object per catalogue code. Fields are only ever added."#;

fn scope_str(s: Scope) -> &'static str {
    match s {
        Scope::Store => "store",
        Scope::Runtime => "runtime",
        Scope::NotApplicable => "not-applicable",
    }
}

/// The JSON shape of one catalogue entry.
pub fn code_json(c: &Code) -> Value {
    json!({
        "id": c.id,
        "severity": c.severity.as_str(),
        "title": c.title,
        "gsk": c.gsk.map(|g| json!({"code": g.code, "name": g.name})),
        "meaning": c.meaning,
        "causes": c.causes,
        "fix": c.fix,
        "kdbman": c.kdbman,
        "scope": scope_str(c.scope),
    })
}

pub fn run(args: ExplainArgs) -> Result<u8> {
    if args.list {
        if args.json {
            output::json(
                &json!({"codes": catalogue::CODES.iter().map(code_json).collect::<Vec<_>>()}),
            );
        } else {
            for c in catalogue::CODES {
                let gsk = c
                    .gsk
                    .map(|g| format!(" [GSK {} {}]", g.code, g.name))
                    .unwrap_or_default();
                output::line(format!(
                    "{}  {:<14} {}{}",
                    c.id,
                    scope_str(c.scope),
                    c.title,
                    gsk
                ));
            }
        }
        return Ok(exit::OK);
    }
    let q = args.code.unwrap_or_default();
    if let Some(rule) = kdbman::diagnose::EXTRA_RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(q.trim()) || r.id[..7].eq_ignore_ascii_case(q.trim()))
    {
        return explain_extra(rule, args.json);
    }
    if let Some(code) = super::gsk::explain::lookup(&q) {
        return super::gsk::explain::run(code, args.json);
    }
    if let Some(rule) = kdbman::probe::codes::PROBE_RULES.iter().find(|r| {
        r.id.eq_ignore_ascii_case(q.trim()) || r.id[..r.id.len() - 1].eq_ignore_ascii_case(q.trim())
    }) {
        return explain_extra(rule, args.json);
    }
    let c = catalogue::lookup(&q).ok_or_else(|| Error::Usage {
        detail: format!("`{q}` is not an IHS message code or GSKit return code kdbman knows; `kdbman explain --list` shows them all"),
    })?;
    if args.json {
        output::json(&code_json(c));
        return Ok(exit::OK);
    }
    output::line(format!("{}: {}", c.id, c.title));
    if let Some(g) = c.gsk {
        output::line(format!("GSKit return code {} ({})", g.code, g.name));
    }
    output::line(format!("\nWhat it means\n  {}", c.meaning));
    if !c.causes.is_empty() {
        output::line("\nLikely causes");
        for cause in c.causes {
            output::line(format!("  - {cause}"));
        }
    }
    output::line(format!("\nHow to fix it\n  {}", c.fix));
    output::line(format!(
        "\nIn kdbman ({})\n  {}",
        scope_str(c.scope),
        c.kdbman
    ));
    Ok(exit::OK)
}

/// kdbman's own lint warnings (KDB0001W…), which have no IHS message.
fn explain_extra(rule: &kdbman::diagnose::ExtraRule, as_json: bool) -> Result<u8> {
    if rule.id.starts_with("KDBP") {
        return explain_probe(rule, as_json);
    }
    if as_json {
        output::json(&json!({
            "id": rule.id,
            "severity": rule.severity.as_str(),
            "title": rule.title,
            "gsk": null,
            "meaning": rule.help,
            "causes": [],
            "fix": rule.help,
            "kdbman": "a kdbman lint warning beyond the IHS catalogue",
            "scope": "store",
        }));
    } else {
        output::line(format!("{}: {}", rule.id, rule.title));
        output::line(format!("\nWhat it means\n  {}", rule.help));
        output::line(
            "\nIn kdbman (store)\n  A warning of `kdbman lint`, beyond the IHS catalogue: IBM HTTP Server has no message for it.",
        );
    }
    Ok(exit::OK)
}

/// `kdbman probe`'s own codes (KDBP0001E…).
fn explain_probe(rule: &kdbman::diagnose::ExtraRule, as_json: bool) -> Result<u8> {
    let how = "A finding of `kdbman probe` about a live server, beyond the IHS catalogue: IBM HTTP Server has no message for it.";
    if as_json {
        output::json(&json!({
            "id": rule.id,
            "severity": rule.severity.as_str(),
            "title": rule.title,
            "gsk": null,
            "meaning": rule.help,
            "causes": [],
            "fix": rule.help,
            "kdbman": how,
            "scope": "probe",
        }));
    } else {
        output::line(format!("{}: {}", rule.id, rule.title));
        output::line(format!("\nWhat it means\n  {}", rule.help));
        output::line(format!("\nIn kdbman (probe)\n  {how}"));
    }
    Ok(exit::OK)
}
