//! Text, JSON, SARIF, JUnit, Prometheus and GitHub Actions renderings of
//! the same [`Finding`] lists.
//!
//! JSON schema for one store (`"schema": "kdbman-lint/1"`; fields are only
//! ever added):
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
//!       "check": "ssl0219e",
//!       "location": null | {             -- the configuration line behind it
//!           "file": "conf/httpd.conf", "line": 42,
//!           "directive": "SSLServerCert" | null } } ] }
//! ```
//!
//! JSON schema for many stores (`lint --dir`, or `--db` given more than
//! once; `"schema": "kdbman-lint-fleet/1"`, fields only ever added). Each
//! element of `stores` is the one-store object above, unchanged (its own
//! `schema` included), with two fields added:
//!
//! ```text
//! { "schema":  "kdbman-lint-fleet/1",
//!   "label":   "server" | null,
//!   "at":      "2030-01-01T00:00:00Z",
//!   "summary": { "stores": 20, "opened": 18, "failed": 2,
//!                "error": 3, "warning": 5, "info": 0 },
//!   "stores":  [ { ...kdbman-lint/1...,
//!                  "opened": true,     -- false: the first finding says why
//!                  "configured": {     -- only with --httpd-conf / --labels
//!                      "store_at": {"file", "line", "directive"} | null,
//!                      "label_at": {"file", "line", "directive"} | null,
//!                      "sites": ["<VirtualHost *:443>"] },
//!                  "certificates": [ { "label": "web",
//!                      "kind": "personal" | "chain" | "signer",
//!                      "subject": "CN=...", "serial": "<hex>",
//!                      "not_after": "2031-01-01T00:00:00Z",
//!                      "sha256": "<hex>" } ] } ],
//!   "notes":   [ { "location": {"file", "line", "directive"},
//!                  "message": "..." } ] }  -- --httpd-conf / --labels only:
//!                                          -- lines not linted (crypto tokens)
//! ```
//!
//! SARIF 2.1.0 is built by the command line (`src/cli/sarif.rs`, with
//! serde-sarif's typed structures, which the library does not depend on): one run whose
//! driver lists a rule for every code lint can report, and one result per
//! finding located at its own store file (region line 1, as code scanning
//! wants a region) with the entry's label as a logical location. With many
//! stores there is still one run; each result points at its store. A
//! finding a configuration line explains (`--httpd-conf`, `--labels`: a
//! label the store lacks, a `KeyFile` that does not open) is located
//! first at that file and line, then at its store; configuration lines
//! lint leaves alone (a PKCS#11 token's certificate) are notifications
//! at their line. GitHub annotations point at the configuration line
//! when there is one.
//!
//! JUnit XML: one `<testsuite>` per store (named by its path), one
//! `<testcase>` per check (`kdbman lint --checks` lists them; `open` is the
//! store opening at all). Findings at or above `--fail-on` are a
//! `<failure>` (type: the code; message: code and message; body: every
//! finding with its fix); those below are in the case's `<system-out>`. A
//! store that did not open has an `<error>` in `open`, and its checks that
//! need an open store are `<skipped>`. So are the checks of the certificate
//! in use when there is none (a trust store; SSL0206E, SSL0227E, SSL0223E),
//! with the reason: a check that did not run is never a pass. SARIF carries
//! them as `toolExecutionNotifications` (level `note`) of the run's one
//! invocation.
//!
//! A store linted once per label (two virtual hosts sharing a KeyFile
//! with different `SSLServerCert` labels) is a JUnit suite per label,
//! named `PATH [LABEL]`; Prometheus shows it once (its findings: the most
//! any of its runs had, per code).
//!
//! Prometheus text exposition (for node_exporter's textfile collector):
//! `kdbman_certificate_not_after_seconds{store,label,kind,subject,serial}`,
//! `kdbman_store_opened{store}` (1 or 0),
//! `kdbman_lint_findings{store,code,severity}` (codes with findings only)
//! and `kdbman_lint_timestamp_seconds` (the instant checked); and the
//! x509-certificate-exporter's `x509_cert_not_before`,
//! `x509_cert_not_after` and `x509_cert_expired` for every certificate
//! (labels in [`super::exporter`]: `filename`, `filepath`, `label`, `kind`,
//! `serial_number`, `subject_CN`, `issuer_CN`, …).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::catalogue::Severity;
use super::finding::{EXTRA_RULES, Location, rule_title};
use super::fleet::StoreReport;
use super::httpd_conf::Note;
use super::{Finding, checked, checks};

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
        bold(&crate::text::path(meta.store)),
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
            Some(l) => out.push_str(&format!("  entry `{}`\n", crate::text::escape(l))),
        }
        for f in fs {
            let sev = format!("{:<7}", f.severity.as_str());
            out.push_str(&format!(
                "    {} {}  {}\n",
                paint(f.severity, &sev),
                bold(f.code),
                crate::text::escape(&f.message),
            ));
            if let Some(at) = &f.location {
                out.push_str(&format!("      at: {}\n", located(at)));
            }
            out.push_str(&format!("      fix: {}\n", crate::text::escape(&f.fix)));
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

pub(crate) fn catalogue_time(at: i64) -> String {
    crate::pki::cert::rfc3339(at)
}

/// `FILE:LINE (Directive)`, escaped for a terminal.
fn located(at: &Location) -> String {
    match &at.directive {
        Some(d) => format!("{at} ({})", crate::text::escape(d)),
        None => at.to_string(),
    }
}

/// A configuration line as JSON: `{"file", "line", "directive"}`.
pub fn location_json(at: &Location) -> Value {
    json!({"file": at.file.display().to_string(), "line": at.line, "directive": at.directive})
}

/// One finding as JSON.
pub fn finding_json(f: &Finding) -> Value {
    json!({
        "location": f.location.as_ref().map(location_json),
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

/// Every code lint can report, in a stable order (the SARIF rules).
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = checked().into_iter().map(|(id, _)| id).collect();
    ids.extend(EXTRA_RULES.iter().map(|r| r.id));
    ids
}

/// What a many-store report says besides the stores.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub label: Option<&'a str>,
    /// Unix seconds.
    pub at: i64,
    /// Findings at or above this severity fail the run (JUnit failures).
    pub fail_on: Severity,
}

impl<'a> Run<'a> {
    /// The one-store report header of a store of the run.
    pub fn meta(&self, r: &'a StoreReport) -> Meta<'a> {
        Meta {
            store: &r.path,
            format: r.format.map(|f| f.name()),
            label: r.label.as_deref().or(self.label),
            at: self.at,
        }
    }
}

fn totals(reports: &[StoreReport]) -> (usize, usize, usize) {
    let all = |s| reports.iter().map(|r| count(&r.findings, s)).sum::<usize>();
    (
        all(Severity::Error),
        all(Severity::Warning),
        all(Severity::Info),
    )
}

/// Text for many stores: each store's report, then a summary line.
pub fn fleet_text(reports: &[StoreReport], run: &Run<'_>, color: bool) -> String {
    let mut out = String::new();
    for r in reports {
        let t = text(&r.findings, &run.meta(r), color);
        match (configured(r), t.split_once('\n')) {
            (Some(c), Some((head, rest))) => {
                out.push_str(&format!("{head}\n{c}{rest}"));
            }
            _ => out.push_str(&t),
        }
        out.push('\n');
    }
    let failed = reports.iter().filter(|r| !r.opened()).count();
    let (e, w, i) = totals(reports);
    out.push_str(&format!(
        "{} store(s), {} did not open: {e} error(s), {w} warning(s), {i} info\n",
        reports.len(),
        failed
    ));
    out
}

/// What a configuration said of a store, for the text report: the
/// label and where it and the store were named, and the sites using it.
fn configured(r: &StoreReport) -> Option<String> {
    if r.store_at.is_none() && r.label_at.is_none() {
        return None;
    }
    let mut out = String::new();
    if let Some(at) = &r.store_at
        && r.store_at != r.label_at
    {
        out.push_str(&format!("  store named at {}\n", located(at)));
    }
    match (&r.label, &r.label_at) {
        (Some(l), Some(at)) => out.push_str(&format!(
            "  label `{}` from {}\n",
            crate::text::escape(l),
            located(at)
        )),
        _ => out.push_str("  no label configured: the store's default\n"),
    }
    if !r.sites.is_empty() {
        out.push_str(&format!(
            "  used by {}\n",
            crate::text::escape(&r.sites.join(", "))
        ));
    }
    Some(out)
}

/// Configuration lines lint left alone, as JSON (`notes` of the fleet
/// report with --httpd-conf or --labels).
pub fn notes_json(notes: &[Note]) -> Value {
    notes
        .iter()
        .map(|n| json!({"location": location_json(&n.at), "message": n.message}))
        .collect()
}

/// The `kdbman-lint-fleet/1` JSON report (schema above).
pub fn fleet_json(reports: &[StoreReport], run: &Run<'_>) -> Value {
    let stores: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut v = json(&r.findings, &run.meta(r));
            v["opened"] = json!(r.opened());
            if r.store_at.is_some() || r.label_at.is_some() {
                v["configured"] = json!({
                    "store_at": r.store_at.as_ref().map(location_json),
                    "label_at": r.label_at.as_ref().map(location_json),
                    "sites": r.sites,
                });
            }
            v["certificates"] = r
                .certificates
                .iter()
                .map(|c| {
                    json!({
                        "label": c.label, "kind": c.kind, "subject": c.subject,
                        "serial": c.serial, "not_after": catalogue_time(c.not_after),
                        "sha256": c.sha256,
                    })
                })
                .collect();
            v
        })
        .collect();
    let failed = reports.iter().filter(|r| !r.opened()).count();
    let (e, w, i) = totals(reports);
    json!({
        "schema": "kdbman-lint-fleet/1",
        "label": run.label,
        "at": catalogue_time(run.at),
        "summary": {
            "stores": reports.len(), "opened": reports.len() - failed, "failed": failed,
            "error": e, "warning": w, "info": i,
        },
        "stores": stores,
    })
}

/// Escapes text for XML 1.0 content and attributes. The characters XML
/// 1.0 cannot carry (C0 controls but TAB, LF and CR; U+FFFE, U+FFFF) are
/// replaced by their `kdbman::text` escape (`\x1b`); CR, DEL, C1 controls
/// and bidi controls, which it can, go as character references, so
/// nothing in the file moves a terminal's cursor.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&crate::text::escape(c.encode_utf8(&mut [0; 4])));
            }
            c if crate::text::is_unsafe(c) => out.push_str(&format!("&#x{:x};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Element text: newlines kept as they are.
fn xml_text(s: &str) -> String {
    xml(s).replace("&#10;", "\n")
}

fn finding_line(f: &Finding) -> String {
    let label = f
        .label
        .as_deref()
        .map(|l| format!(" [{l}]"))
        .unwrap_or_default();
    let at = f
        .location
        .as_ref()
        .map(|at| format!("\n  at: {}", located(at)))
        .unwrap_or_default();
    format!(
        "{} {}{label}: {}{at}\n  fix: {}\n",
        f.severity.as_str(),
        f.code,
        f.message,
        f.fix
    )
}

/// The title a check's test case carries: its code's title.
fn check_title(check: &str) -> &'static str {
    match check {
        "open" => "The store opens",
        c => rule_title(&c.to_ascii_uppercase()),
    }
}

/// JUnit XML (shape above).
pub fn junit(reports: &[StoreReport], run: &Run<'_>) -> String {
    let stamp = catalogue_time(run.at).trim_end_matches('Z').to_string();
    let mut suites = String::new();
    let (mut t_all, mut f_all, mut e_all, mut s_all) = (0, 0, 0, 0);
    for r in reports {
        // A store linted with several labels (two virtual hosts) has a
        // suite per label, told apart by it.
        let name = match &r.label {
            Some(l) if reports.iter().filter(|o| o.path == r.path).count() > 1 => {
                format!("{} [{l}]", r.path.display())
            }
            _ => r.path.display().to_string(),
        };
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        let mut cases = String::new();
        for &check in &checks::NAMES {
            tests += 1;
            let mine: Vec<&Finding> = r.findings.iter().filter(|f| f.check == check).collect();
            let failing: Vec<&&Finding> =
                mine.iter().filter(|f| f.severity <= run.fail_on).collect();
            let mut body = String::new();
            if check == "open" && !r.opened() {
                errors += 1;
                let f = mine.first();
                body.push_str(&format!(
                    "      <error type=\"{}\" message=\"{}\">{}</error>\n",
                    xml(f.map_or("SSL0214E", |f| f.code)),
                    xml(&f.map_or(String::new(), |f| format!("{}: {}", f.code, f.message))),
                    xml_text(&mine.iter().map(|f| finding_line(f)).collect::<String>())
                ));
            } else if !r.opened() && !checks::of(checks::Stage::Target).any(|c| c.name == check) {
                skipped += 1;
                body.push_str("      <skipped message=\"the store did not open\"/>\n");
            } else if let Some((_, why)) = r.not_run.iter().find(|(c, _)| *c == check) {
                skipped += 1;
                body.push_str(&format!("      <skipped message=\"{}\"/>\n", xml(why)));
            } else if let Some(first) = failing.first() {
                failures += 1;
                body.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    xml(first.code),
                    xml(&format!("{}: {}", first.code, first.message)),
                    xml_text(&failing.iter().map(|f| finding_line(f)).collect::<String>())
                ));
            }
            let below: String = mine
                .iter()
                .filter(|f| f.severity > run.fail_on)
                .map(|f| finding_line(f))
                .collect();
            if !below.is_empty() {
                body.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    xml_text(&below)
                ));
            }
            let open = format!(
                "    <testcase name=\"{} ({})\" classname=\"{}\" time=\"0\"",
                xml(check),
                xml(check_title(check)),
                xml(&name)
            );
            if body.is_empty() {
                cases.push_str(&format!("{open}/>\n"));
            } else {
                cases.push_str(&format!("{open}>\n{body}    </testcase>\n"));
            }
        }
        let format = r.format.map_or("", |f| f.name());
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{stamp}\">\n    <properties>\n      <property name=\"format\" value=\"{}\"/>\n      <property name=\"checked_at\" value=\"{}\"/>\n    </properties>\n{cases}  </testsuite>\n",
            xml(&name),
            xml(format),
            xml(&catalogue_time(run.at)),
        ));
        t_all += tests;
        f_all += failures;
        e_all += errors;
        s_all += skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kdbman lint\" tests=\"{t_all}\" failures=\"{f_all}\" errors=\"{e_all}\" skipped=\"{s_all}\" time=\"0\">\n{suites}</testsuites>\n"
    )
}

pub(crate) use super::exporter::prom;

/// A store path as a Prometheus label value: its bytes as
/// `kdbman::text::path` shows them (not lossily: two stores whose names
/// differ only in bytes that are not UTF-8 stay two series).
fn prom_path(p: &std::path::Path) -> String {
    crate::text::path(p)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Prometheus text exposition format 0.0.4 (metrics above).
pub fn prometheus(reports: &[StoreReport], run: &Run<'_>) -> String {
    let mut out = String::new();
    // A store linted with several labels (--httpd-conf, --labels) is one
    // store: its series once, its findings the most any of its runs had.
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&StoreReport> = reports.iter().filter(|r| seen.insert(&r.path)).collect();
    out.push_str("# HELP kdbman_certificate_not_after_seconds When a certificate in a store expires (its notAfter), as a Unix time.\n# TYPE kdbman_certificate_not_after_seconds gauge\n");
    for r in &unique {
        let store = prom_path(&r.path);
        // One series per label set: the same certificate twice under one
        // entry would be a duplicate series.
        let mut series: BTreeMap<String, i64> = BTreeMap::new();
        for c in &r.certificates {
            let key = format!(
                "store=\"{store}\",label=\"{}\",kind=\"{}\",subject=\"{}\",serial=\"{}\"",
                prom(&c.label),
                c.kind,
                prom(&c.subject),
                prom(&c.serial)
            );
            series
                .entry(key)
                .and_modify(|t| *t = (*t).min(c.not_after))
                .or_insert(c.not_after);
        }
        for (k, t) in series {
            out.push_str(&format!(
                "kdbman_certificate_not_after_seconds{{{k}}} {t}\n"
            ));
        }
    }
    out.push_str("# HELP kdbman_store_opened Whether the store opened (1) or not (0); when not, kdbman_lint_findings says why.\n# TYPE kdbman_store_opened gauge\n");
    for r in &unique {
        out.push_str(&format!(
            "kdbman_store_opened{{store=\"{}\"}} {}\n",
            prom_path(&r.path),
            u8::from(r.opened())
        ));
    }
    out.push_str("# HELP kdbman_lint_findings Lint findings of a store, by code and severity (codes with findings only).\n# TYPE kdbman_lint_findings gauge\n");
    for r in &unique {
        let store = prom_path(&r.path);
        let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for same in reports.iter().filter(|o| o.path == r.path) {
            let mut mine: BTreeMap<(&str, &str), usize> = BTreeMap::new();
            for f in &same.findings {
                *mine.entry((f.code, f.severity.as_str())).or_default() += 1;
            }
            for (k, n) in mine {
                let e = by.entry(k).or_default();
                *e = (*e).max(n);
            }
        }
        for ((code, sev), n) in by {
            out.push_str(&format!(
                "kdbman_lint_findings{{store=\"{store}\",code=\"{code}\",severity=\"{sev}\"}} {n}\n"
            ));
        }
    }
    // The x509-certificate-exporter's series (names and labels as it has
    // them; `filename`/`filepath` as it labels a file).
    let x509: Vec<(Vec<(&'static str, String)>, &super::exporter::X509Facts)> = reports
        .iter()
        .flat_map(|r| {
            let filepath = r.path.to_string_lossy().into_owned();
            let filename = r
                .path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            r.certificates
                .iter()
                .filter(|c| !c.x509.labels.is_empty())
                .map(move |c| {
                    (
                        vec![
                            ("filename", filename.clone()),
                            ("filepath", filepath.clone()),
                            ("label", c.label.clone()),
                            ("kind", c.kind.to_string()),
                        ],
                        &c.x509,
                    )
                })
        })
        .collect();
    out.push_str(&super::exporter::render(&x509, run.at));
    out.push_str(&format!(
        "# HELP kdbman_lint_timestamp_seconds The instant the lint's time checks used, as a Unix time.\n# TYPE kdbman_lint_timestamp_seconds gauge\nkdbman_lint_timestamp_seconds {}\n",
        run.at
    ));
    out
}

/// A GitHub Actions workflow command's data (`%`, CR, LF escaped) or
/// property (`:` and `,` too). Other control and bidi characters (ESC
/// above all), which the runner passes through to the log, are
/// percent-encoded as well: shown as `%1B`, never acted on, and distinct
/// from a literal `%1B` (whose `%` is escaped).
fn gh(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            c if crate::text::is_unsafe(c) => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    let s = out;
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

/// GitHub Actions workflow commands: one `::error`, `::warning` or
/// `::notice` annotation per finding, on its store file.
pub fn github(reports: &[StoreReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let file = r.path.to_string_lossy().replace('\\', "/");
        for f in &r.findings {
            let cmd = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let label = f
                .label
                .as_deref()
                .map(|l| format!("[{l}] "))
                .unwrap_or_default();
            let (file, line) = match &f.location {
                Some(at) => (at.file.to_string_lossy().replace('\\', "/"), at.line),
                None => (file.clone(), 1),
            };
            out.push_str(&format!(
                "::{cmd} file={},line={line},title={}::{}\n",
                gh(&file, true),
                gh(&format!("{} {}", f.code, f.title()), true),
                gh(&format!("{label}{}\nfix: {}", f.message, f.fix), false)
            ));
        }
    }
    out
}
