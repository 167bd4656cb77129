//! Text, JSON and SARIF renderings of the same [`Finding`] list.
//!
//! JSON schema (`"schema": "kdbman-lint/1"`; fields are only ever added):
//!
//! ```text
//! { "schema":  "kdbman-lint/1",
//!   "store":   "path/as/given.kdb",
//!   "format":  "cms" | "kdbman" | "pkcs12" | null,  -- null: it did not open
//!   "label":   "server" | null,          -- --label, if given
//!   "at":      "2030-01-01T00:00:00Z",   -- the instant time checks used
//!   "summary": { "error": 1, "warning": 0, "info": 0 },
//!   "findings": [ {
//!       "code": "SSL0219E", "severity": "error" | "warning" | "info",
//!       "title": "...",                  -- catalogue or kdbman rule title
//!       "gsk": { "code": 403, "name": "GSK_..." } | null,
//!       "label": "server" | null,        -- null: the store as a whole
//!       "message": "...", "fix": "...",
//!       "check": "ssl0219e" } ] }
//! ```
//!
//! SARIF 2.1.0 is built with serde-sarif's typed structures: one run whose
//! driver lists a rule for every code lint can report, and one result per
//! finding located at the store file (region line 1, as code scanning
//! wants a region) with the entry's label as a logical location.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use serde_sarif::sarif;

use super::catalogue::{self, Severity};
use super::finding::{EXTRA_RULES, rule_title};
use super::{CHECKED, Finding};

/// What a report says besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    pub store: &'a Path,
    /// The store's format (`cms`, `kdbman`, `pkcs12`), when it opened.
    pub format: Option<&'static str>,
    pub label: Option<&'a str>,
    /// Unix seconds.
    pub at: i64,
}

fn count(findings: &[Finding], s: Severity) -> usize {
    findings.iter().filter(|f| f.severity == s).count()
}

/// Human-readable text, grouped by entry (the store as a whole first);
/// ANSI colour only when `color` is set (a terminal, no `NO_COLOR`).
pub fn text(findings: &[Finding], meta: &Meta<'_>, color: bool) -> String {
    let paint = |s: Severity, t: &str| -> String {
        if !color {
            return t.to_string();
        }
        let c = match s {
            Severity::Error => "31;1",
            Severity::Warning => "33;1",
            Severity::Info => "36",
        };
        format!("\x1b[{c}m{t}\x1b[0m")
    };
    let bold = |t: &str| {
        if color {
            format!("\x1b[1m{t}\x1b[0m")
        } else {
            t.to_string()
        }
    };
    let mut out = format!(
        "{} (checked at {})\n",
        bold(&meta.store.display().to_string()),
        catalogue_time(meta.at)
    );
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = Vec::new();
    for f in findings.iter().filter(|f| f.label.is_none()) {
        match groups.first_mut() {
            Some((None, v)) => v.push(f),
            _ => groups.insert(0, (None, vec![f])),
        }
    }
    for f in findings.iter().filter(|f| f.label.is_some()) {
        let l = f.label.as_deref();
        match groups.iter_mut().find(|(g, _)| *g == l) {
            Some((_, v)) => v.push(f),
            None => groups.push((l, vec![f])),
        }
    }
    for (label, fs) in &groups {
        match label {
            None => out.push_str("  store\n"),
            Some(l) => out.push_str(&format!("  entry `{l}`\n")),
        }
        for f in fs {
            let sev = format!("{:<7}", f.severity.as_str());
            out.push_str(&format!(
                "    {} {}  {}\n      fix: {}\n",
                paint(f.severity, &sev),
                bold(f.code),
                f.message,
                f.fix
            ));
        }
    }
    let (e, w, i) = (
        count(findings, Severity::Error),
        count(findings, Severity::Warning),
        count(findings, Severity::Info),
    );
    if findings.is_empty() {
        out.push_str("  no findings\n");
    } else {
        out.push_str(&format!("{e} error(s), {w} warning(s), {i} info\n"));
        out.push_str("See `kdbman explain CODE` for what a code means.\n");
    }
    out
}

fn catalogue_time(at: i64) -> String {
    crate::pki::cert::rfc3339(at)
}

/// One finding as JSON.
pub fn finding_json(f: &Finding) -> Value {
    json!({
        "code": f.code,
        "severity": f.severity.as_str(),
        "title": f.title(),
        "gsk": f.catalogue().and_then(|c| c.gsk).map(|g| json!({"code": g.code, "name": g.name})),
        "label": f.label,
        "message": f.message,
        "fix": f.fix,
        "check": f.check,
    })
}

/// The JSON report (schema above).
pub fn json(findings: &[Finding], meta: &Meta<'_>) -> Value {
    json!({
        "schema": "kdbman-lint/1",
        "store": meta.store.display().to_string(),
        "format": meta.format,
        "label": meta.label,
        "at": catalogue_time(meta.at),
        "summary": {
            "error": count(findings, Severity::Error),
            "warning": count(findings, Severity::Warning),
            "info": count(findings, Severity::Info),
        },
        "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

fn mms(text: &str) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(text.to_string())
        .build()
}

/// Every code lint can report, in a stable order (the SARIF rules).
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = CHECKED.iter().map(|(id, _)| *id).collect();
    ids.extend(EXTRA_RULES.iter().map(|r| r.id));
    ids
}

fn rule(id: &'static str) -> sarif::ReportingDescriptor {
    let (full, help, sev) = match catalogue::by_id(id) {
        Some(c) => (c.meaning, c.fix, c.severity),
        None => {
            let r = EXTRA_RULES.iter().find(|r| r.id == id);
            (
                r.map_or("", |r| r.help),
                r.map_or("", |r| r.help),
                r.map_or(Severity::Warning, |r| r.severity),
            )
        }
    };
    sarif::ReportingDescriptor::builder()
        .id(id.to_string())
        .name(rule_title(id).to_string())
        .short_description(mms(rule_title(id)))
        .full_description(mms(full))
        .help(mms(&format!("{help} (`kdbman explain {id}` says more.)")))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(sev)))
                .build(),
        )
        .build()
}

/// The SARIF 2.1.0 log.
pub fn sarif(findings: &[Finding], meta: &Meta<'_>) -> sarif::Sarif {
    let ids = rule_ids();
    let uri = meta.store.to_string_lossy().replace('\\', "/");
    let results: Vec<sarif::Result> = findings
        .iter()
        .map(|f| {
            let mut loc = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder().uri(uri.clone()).build(),
                        )
                        .region(sarif::Region::builder().start_line(1).build())
                        .build(),
                )
                .build();
            if let Some(l) = &f.label {
                loc.logical_locations = Some(vec![
                    sarif::LogicalLocation::builder()
                        .name(l.clone())
                        .fully_qualified_name(format!("{uri}#{l}"))
                        .kind("object".to_string())
                        .build(),
                ]);
            }
            let mut fp = BTreeMap::new();
            fp.insert(
                "kdbman/v1".to_string(),
                crate::pki::hex(&crate::pki::sha256(
                    format!("{}\0{}", f.code, f.label.as_deref().unwrap_or("")).as_bytes(),
                )),
            );
            let mut r = sarif::Result::builder()
                .rule_id(f.code.to_string())
                .level(level(f.severity))
                .message(
                    sarif::Message::builder()
                        .text(format!("{} Fix: {}", f.message, f.fix))
                        .build(),
                )
                .locations(vec![loc])
                .partial_fingerprints(fp)
                .build();
            r.rule_index = ids.iter().position(|id| *id == f.code).map(|i| i as i64);
            r
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("kdbman".to_string())
        .version(env!("CARGO_PKG_VERSION").to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .information_uri("https://github.com/kdbman/kdbman".to_string())
        .rules(ids.into_iter().map(rule).collect::<Vec<_>>())
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL.to_string())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}
