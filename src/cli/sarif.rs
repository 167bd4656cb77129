//! SARIF 2.1.0 for `lint` and `probe`, built from the library's findings
//! with serde-sarif's typed structures. The layout (one run, a rule per
//! code, results at their store or configuration line) is described in
//! `kdbman::diagnose::report`; it lives here so that the library does not
//! depend on serde-sarif.

use std::collections::BTreeMap;
use std::path::Path;

use kdbman::diagnose::Finding;
use kdbman::diagnose::catalogue::{self, Severity};
use kdbman::diagnose::finding::{self, Location, rule_title};
use kdbman::diagnose::fleet::StoreReport;
use kdbman::diagnose::httpd_conf::Note;
use kdbman::diagnose::report::{Meta, Run, rule_ids};
use kdbman::probe::ProbeReport;
use serde_json::json;
use serde_sarif::sarif;

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

fn rule(id: &'static str) -> sarif::ReportingDescriptor {
    let (full, help, sev) = match catalogue::by_id(id) {
        Some(c) => (c.meaning, c.fix, c.severity),
        None => {
            let r = finding::extra_rule(id);
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

/// The SARIF 2.1.0 log of many stores: one run, each result located at
/// its own store.
pub fn sarif_many(stores: &[(&[Finding], Meta<'_>)]) -> sarif::Sarif {
    sarif_with_rules(stores, rule_ids())
}

/// The SARIF 2.1.0 log of many reports whose driver lists the rules `ids`
/// (lint's, or `kdbman probe`'s): one run, each result located at its own
/// store (or target).
pub fn sarif_with_rules(stores: &[(&[Finding], Meta<'_>)], ids: Vec<&'static str>) -> sarif::Sarif {
    let mut results: Vec<sarif::Result> = Vec::new();
    for (findings, meta) in stores {
        let uri = uri_of(meta.store);
        results.extend(findings.iter().map(|f| sarif_result(f, &uri, &ids)));
    }
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

/// A store path as a SARIF `uri` (an RFC 3986 URI reference): every byte
/// but the unreserved characters and `/` percent-encoded, so spaces,
/// `#`, `%`, controls and bytes that are not UTF-8 all survive intact.
fn uri_of(path: &std::path::Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_result(f: &Finding, uri: &str, ids: &[&str]) -> sarif::Result {
    let mut loc = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(
                    sarif::ArtifactLocation::builder()
                        .uri(uri.to_string())
                        .build(),
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
    let mut locations = vec![loc];
    if let Some(at) = &f.location {
        // The configuration line comes first: that is what to change.
        locations.insert(0, config_location(at));
    }
    let mut fp = BTreeMap::new();
    fp.insert(
        "kdbman/v1".to_string(),
        kdbman::pki::hex(&kdbman::pki::sha256(
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
        .locations(locations)
        .partial_fingerprints(fp)
        .build();
    r.rule_index = ids.iter().position(|id| *id == f.code).map(|i| i as i64);
    r
}

/// Adds configuration lines lint left alone to a SARIF log, as
/// `toolExecutionNotifications` (level `note`) located at their line.
pub fn sarif_notes(log: &mut sarif::Sarif, notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    let extra: Vec<sarif::Notification> = notes
        .iter()
        .map(|n| {
            sarif::Notification::builder()
                .level(json!("note"))
                .message(sarif::Message::builder().text(n.message.clone()).build())
                .locations(vec![config_location(&n.at)])
                .build()
        })
        .collect();
    let Some(run) = log.runs.first_mut() else {
        return;
    };
    match run.invocations.as_mut().and_then(|i| i.first_mut()) {
        Some(inv) => inv
            .tool_execution_notifications
            .get_or_insert_with(Vec::new)
            .extend(extra),
        None => {
            run.invocations = Some(vec![
                sarif::Invocation::builder()
                    .execution_successful(true)
                    .tool_execution_notifications(extra)
                    .build(),
            ]);
        }
    }
}

/// A SARIF location at a configuration line.
fn config_location(at: &Location) -> sarif::Location {
    sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(
                    sarif::ArtifactLocation::builder()
                        .uri(uri_of(&at.file))
                        .build(),
                )
                .region(sarif::Region::builder().start_line(at.line as i64).build())
                .build(),
        )
        .build()
}

/// SARIF for many stores.
pub fn fleet_sarif(reports: &[StoreReport], run: &Run<'_>) -> sarif::Sarif {
    let items: Vec<(&[Finding], Meta<'_>)> = reports
        .iter()
        .map(|r| (r.findings.as_slice(), run.meta(r)))
        .collect();
    let mut log = sarif_many(&items);
    let notes: Vec<sarif::Notification> = reports
        .iter()
        .flat_map(|r| {
            let uri = uri_of(&r.path);
            r.not_run.iter().map(move |(check, why)| {
                sarif::Notification::builder()
                    .level(json!("note"))
                    .message(
                        sarif::Message::builder()
                            .text(format!("{check} did not run: {why}"))
                            .build(),
                    )
                    .locations(vec![
                        sarif::Location::builder()
                            .physical_location(
                                sarif::PhysicalLocation::builder()
                                    .artifact_location(
                                        sarif::ArtifactLocation::builder().uri(uri.clone()).build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    ])
                    .build()
            })
        })
        .collect();
    if !notes.is_empty()
        && let Some(first) = log.runs.first_mut()
    {
        first.invocations = Some(vec![
            sarif::Invocation::builder()
                .execution_successful(true)
                .tool_execution_notifications(notes)
                .build(),
        ]);
    }
    log
}

/// SARIF 2.1.0 of `kdbman probe`: one run, each result located at its target.
pub fn probe(reports: &[ProbeReport]) -> sarif::Sarif {
    let names: Vec<std::path::PathBuf> = reports
        .iter()
        .map(|r| std::path::PathBuf::from(r.target.display()))
        .collect();
    let items: Vec<(&[Finding], Meta<'_>)> = reports
        .iter()
        .zip(&names)
        .map(|(r, n)| {
            (
                r.findings.as_slice(),
                Meta {
                    store: Path::new(n),
                    format: None,
                    label: r.label.as_deref(),
                    at: r.at,
                },
            )
        })
        .collect();
    sarif_with_rules(&items, kdbman::probe::report::rule_ids())
}
