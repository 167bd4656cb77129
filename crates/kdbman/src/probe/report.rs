//! Renderings of probe reports: text, JSON, SARIF, JUnit, Prometheus.
//!
//! JSON for one target (`"schema": "kdbman-probe/1"`, fields only ever
//! added):
//!
//! ```text
//! { "schema": "kdbman-probe/1", "target": "host:443", "address": "192.0.2.1:443" | null,
//!   "servername": "host" | null, "at": "2030-01-01T00:00:00Z",
//!   "reachable": true, "error": null | "why no certificate arrived",
//!   "protocol": "TLSv1.3" | null, "cipher_suite": "TLS13_AES_256_GCM_SHA384" | null,
//!   "key_exchange": "X25519" | null, "alpn": "h2" | null, "ocsp_stapled": false,
//!   "protocols": { "TLSv1.3": { "accepted": true, "cipher_suite": ..., "key_exchange": ...,
//!                               "error": null }, "TLSv1.2": {...} },
//!   "chain": [ { "subject", "issuer", "serial", "not_before", "not_after", "sha256",
//!                "key", "sans": [...] } ],            -- leaf first, as sent
//!   "client_auth": null | { "requested": true, "ca_names": [...] },
//!   "client_certificate": null | { "label": "...", "result": "accepted" | "refused" | "not-requested", "reason": ... },
//!   "store": null | { "label": "...", "chain_complete": true },
//!   "client_views": [ { "trust": "client.kdb", "accepts": true } ],
//!   "summary": { "error": 0, "warning": 0, "info": 0 },
//!   "findings": [ { "code", "severity", "title", "label", "message", "fix", "check" } ] }
//! ```
//!
//! Many targets (`--targets`): `{"schema": "kdbman-probe-fleet/1", "at",
//! "summary": {"targets", "unreachable", "error", "warning", "info"},
//! "targets": [one object above per target, in file order]}`.

use serde_json::{Value, json};

use super::{ClientCertOutcome, ProbeReport, TlsVersion, codes};
use crate::diagnose::report::{catalogue_time, finding_json, prom, xml};
use crate::diagnose::{Finding, Severity};

fn count(findings: &[Finding], s: Severity) -> usize {
    findings.iter().filter(|f| f.severity == s).count()
}

/// The checks of a probe, in order (JUnit test cases).
pub const CHECKS: &[(&str, &str)] = &[
    ("connect", "The server answers in TLS with a certificate"),
    ("protocol", "TLS versions"),
    ("served", "The server presents the store's certificate"),
    ("chain", "The served chain reaches a signer of the store"),
    ("validity", "The certificates are valid"),
    ("name", "The certificate matches the host name"),
    (
        "client-trust",
        "A client with the given signers accepts the server",
    ),
    ("client-auth", "Client certificate"),
];

/// Every code probe can report (SARIF rules).
pub fn rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = codes::PROBE_RULES.iter().map(|r| r.id).collect();
    ids.extend(["SSL0208E", "SSL0219E", "SSL0221E", "KDB0001W"]);
    ids
}

/// One target as JSON (schema above).
pub fn json(r: &ProbeReport) -> Value {
    let best = r.best();
    let neg = best.and_then(|a| a.negotiated.as_ref());
    let mut protocols = serde_json::Map::new();
    for (v, a) in &r.attempts {
        protocols.insert(
            v.as_str().to_string(),
            json!({
                "accepted": r.accepts(*v),
                "completed": a.completed,
                "cipher_suite": a.negotiated.as_ref().map(|n| n.cipher_suite.clone()),
                "key_exchange": a.negotiated.as_ref().and_then(|n| n.key_exchange.clone()),
                "alpn": a.negotiated.as_ref().and_then(|n| n.alpn.clone()),
                "error": a.failure.as_ref().map(ToString::to_string),
            }),
        );
    }
    let chain: Vec<Value> = r
        .chain
        .iter()
        .zip(&r.chain_info)
        .map(|(der, info)| match info {
            Some(i) => json!({
                "subject": i.subject, "issuer": i.issuer, "serial": i.serial,
                "not_before": catalogue_time(i.not_before),
                "not_after": catalogue_time(i.not_after),
                "sha256": i.sha256, "key": i.key.to_string(), "sans": i.subject_alt_names,
            }),
            None => json!({
                "subject": null, "issuer": null, "serial": null, "not_before": null,
                "not_after": null, "sha256": crate::pki::hex(&crate::pki::sha256(der)),
                "key": null, "sans": [],
            }),
        })
        .collect();
    let client_cert = r.client_cert.as_ref().map(|(label, o)| {
        let (result, reason) = match o {
            ClientCertOutcome::Accepted => ("accepted", None),
            ClientCertOutcome::NotRequested => ("not-requested", None),
            ClientCertOutcome::Refused(w) => ("refused", Some(w.clone())),
        };
        json!({"label": label, "result": result, "reason": reason})
    });
    json!({
        "schema": "kdbman-probe/1",
        "target": r.target.display(),
        "address": r.address.map(|a| a.to_string()),
        "servername": r.servername,
        "at": catalogue_time(r.at),
        "reachable": r.unreachable.is_none(),
        "error": r.unreachable,
        "protocol": neg.map(|n| n.version.as_str()),
        "cipher_suite": neg.map(|n| n.cipher_suite.clone()),
        "key_exchange": neg.and_then(|n| n.key_exchange.clone()),
        "alpn": neg.and_then(|n| n.alpn.clone()),
        "ocsp_stapled": best.is_some_and(|a| a.ocsp_stapled),
        "protocols": protocols,
        "chain": chain,
        "client_auth": r.client_auth().map(|c| json!({"requested": true, "ca_names": c.ca_names})),
        "client_certificate": client_cert,
        "store": r.store_chain_ok.map(|ok| json!({"label": r.label, "chain_complete": ok})),
        "client_views": r.client_views.iter().map(|(n, ok)| json!({"trust": n, "accepts": ok})).collect::<Vec<_>>(),
        "summary": {
            "error": count(&r.findings, Severity::Error),
            "warning": count(&r.findings, Severity::Warning),
            "info": count(&r.findings, Severity::Info),
        },
        "findings": r.findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

/// Many targets as JSON (schema above).
pub fn fleet_json(reports: &[ProbeReport], at: i64) -> Value {
    let all = |s| reports.iter().map(|r| count(&r.findings, s)).sum::<usize>();
    json!({
        "schema": "kdbman-probe-fleet/1",
        "at": catalogue_time(at),
        "summary": {
            "targets": reports.len(),
            "unreachable": reports.iter().filter(|r| r.unreachable.is_some()).count(),
            "error": all(Severity::Error), "warning": all(Severity::Warning), "info": all(Severity::Info),
        },
        "targets": reports.iter().map(json).collect::<Vec<_>>(),
    })
}

/// Text for people; ANSI colour only when `color` is set.
pub fn text(r: &ProbeReport, color: bool) -> String {
    use crate::text::escape as esc;
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
    let mut out = format!(
        "{}{} (probed at {})\n",
        r.target.display(),
        r.address.map(|a| format!(" [{a}]")).unwrap_or_default(),
        catalogue_time(r.at)
    );
    if let Some(sni) = &r.servername {
        out.push_str(&format!("  SNI: {}\n", esc(sni)));
    } else {
        out.push_str("  SNI: none\n");
    }
    for (v, a) in &r.attempts {
        let line = match (&a.negotiated, r.accepts(*v)) {
            (Some(n), true) => format!(
                "accepted: {}, key exchange {}, ALPN {}{}",
                n.cipher_suite,
                n.key_exchange.as_deref().unwrap_or("?"),
                n.alpn.as_deref().unwrap_or("none"),
                match &a.failure {
                    Some(f) if !a.completed => format!(" (then: {f})"),
                    _ => String::new(),
                }
            ),
            _ => format!(
                "refused ({})",
                a.failure
                    .as_ref()
                    .map_or_else(|| "no certificate".into(), |f| f.to_string())
            ),
        };
        out.push_str(&format!("  {}: {}\n", v.as_str(), esc(&line)));
    }
    if r.unreachable.is_none() {
        out.push_str(&format!(
            "  OCSP staple: {}\n",
            if r.best().is_some_and(|a| a.ocsp_stapled) {
                "sent"
            } else {
                "none"
            }
        ));
        out.push_str(&format!(
            "  chain sent ({} certificate(s)):\n",
            r.chain.len()
        ));
        for (n, (der, info)) in r.chain.iter().zip(&r.chain_info).enumerate() {
            match info {
                Some(i) => out.push_str(&format!(
                    "    [{n}] {}\n        issuer: {}\n        serial: {}  not after: {}  key: {}\n        SHA-256: {}\n{}",
                    esc(&i.subject),
                    esc(&i.issuer),
                    i.serial,
                    catalogue_time(i.not_after),
                    i.key,
                    i.sha256,
                    if i.subject_alt_names.is_empty() {
                        String::new()
                    } else {
                        format!("        SANs: {}\n", esc(&i.subject_alt_names.join(", ")))
                    }
                )),
                None => out.push_str(&format!(
                    "    [{n}] (undecodable) SHA-256: {}\n",
                    crate::pki::hex(&crate::pki::sha256(der))
                )),
            }
        }
        match r.client_auth() {
            Some(c) => {
                out.push_str("  client certificate: requested\n");
                for n in &c.ca_names {
                    out.push_str(&format!("    CA name: {}\n", esc(n)));
                }
                if c.ca_names.is_empty() {
                    out.push_str("    (no CA names listed)\n");
                }
            }
            None => out.push_str("  client certificate: not requested\n"),
        }
        if let Some((label, o)) = &r.client_cert {
            let what = match o {
                ClientCertOutcome::Accepted => "accepted".to_string(),
                ClientCertOutcome::NotRequested => "not asked for, not sent".to_string(),
                ClientCertOutcome::Refused(w) => format!("refused ({w})"),
            };
            out.push_str(&format!("  presented `{}`: {}\n", esc(label), esc(&what)));
        }
        if let Some(ok) = r.store_chain_ok {
            out.push_str(&format!(
                "  store: label `{}`, chain {}\n",
                esc(r.label.as_deref().unwrap_or("(none)")),
                if ok {
                    "reaches a signer"
                } else {
                    "does not reach a signer"
                }
            ));
        }
        for (n, ok) in &r.client_views {
            out.push_str(&format!(
                "  client trusting {}: {}\n",
                esc(n),
                if *ok { "accepts" } else { "refuses" }
            ));
        }
    }
    for f in &r.findings {
        out.push_str(&format!(
            "  {} {}  {}\n      fix: {}\n",
            paint(f.severity, &format!("{:<7}", f.severity.as_str())),
            f.code,
            esc(&f.message),
            esc(&f.fix)
        ));
    }
    let (e, w, i) = (
        count(&r.findings, Severity::Error),
        count(&r.findings, Severity::Warning),
        count(&r.findings, Severity::Info),
    );
    if r.findings.is_empty() {
        out.push_str("  no findings\n");
    } else {
        out.push_str(&format!("{e} error(s), {w} warning(s), {i} info\n"));
        out.push_str("See `kdbman explain CODE` for what a code means.\n");
    }
    out
}

fn finding_line(f: &Finding) -> String {
    format!(
        "{} {}: {}\n  fix: {}\n",
        f.severity.as_str(),
        f.code,
        f.message,
        f.fix
    )
}

/// JUnit XML: one test suite per target, one test case per check.
pub fn junit(reports: &[ProbeReport], fail_on: Severity, at: i64) -> String {
    let stamp = catalogue_time(at).trim_end_matches('Z').to_string();
    let (mut t_all, mut f_all, mut e_all, mut s_all) = (0, 0, 0, 0);
    let mut suites = String::new();
    for r in reports {
        let name = r.target.display();
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        let mut cases = String::new();
        for (check, title) in CHECKS {
            tests += 1;
            let mine: Vec<&Finding> = r.findings.iter().filter(|f| f.check == *check).collect();
            let failing: Vec<&&Finding> = mine.iter().filter(|f| f.severity <= fail_on).collect();
            let mut body = String::new();
            if *check == "connect" && r.unreachable.is_some() {
                errors += 1;
                body.push_str(&format!(
                    "      <error type=\"{}\" message=\"{}\">{}</error>\n",
                    codes::UNREACHABLE,
                    xml(r.unreachable.as_deref().unwrap_or_default()),
                    xml(&mine.iter().map(|f| finding_line(f)).collect::<String>())
                ));
            } else if r.unreachable.is_some() {
                skipped += 1;
                body.push_str("      <skipped message=\"no handshake reached a certificate\"/>\n");
            } else if let Some(first) = failing.first() {
                failures += 1;
                body.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    xml(first.code),
                    xml(&format!("{}: {}", first.code, first.message)),
                    xml(&failing.iter().map(|f| finding_line(f)).collect::<String>())
                ));
            }
            let below: String = mine
                .iter()
                .filter(|f| f.severity > fail_on)
                .map(|f| finding_line(f))
                .collect();
            if !below.is_empty() {
                body.push_str(&format!("      <system-out>{}</system-out>\n", xml(&below)));
            }
            let open = format!(
                "    <testcase name=\"{} ({})\" classname=\"{}\" time=\"0\"",
                xml(check),
                xml(title),
                xml(&name)
            );
            if body.is_empty() {
                cases.push_str(&format!("{open}/>\n"));
            } else {
                cases.push_str(&format!("{open}>\n{body}    </testcase>\n"));
            }
        }
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{stamp}\">\n{cases}  </testsuite>\n",
            xml(&name)
        ));
        t_all += tests;
        f_all += failures;
        e_all += errors;
        s_all += skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kdbman probe\" tests=\"{t_all}\" failures=\"{f_all}\" errors=\"{e_all}\" skipped=\"{s_all}\" time=\"0\">\n{suites}</testsuites>\n"
    )
}

/// Prometheus text exposition: the x509-certificate-exporter series for
/// every certificate served (labels `target`, `position` and the
/// exporter's), and kdbman's own `kdbman_probe_success{target}`,
/// `kdbman_probe_tls_version_accepted{target,version}`,
/// `kdbman_probe_findings{target,code,severity}` and
/// `kdbman_probe_timestamp_seconds`.
pub fn prometheus(reports: &[ProbeReport], at: i64) -> String {
    let mut facts: Vec<(String, usize, crate::diagnose::exporter::X509Facts)> = Vec::new();
    for r in reports {
        for (n, der) in r.chain.iter().enumerate() {
            if let Some(f) = crate::diagnose::exporter::facts(der) {
                facts.push((r.target.display(), n, f));
            }
        }
    }
    let rows: Vec<(
        Vec<(&'static str, String)>,
        &crate::diagnose::exporter::X509Facts,
    )> = facts
        .iter()
        .map(|(t, n, f)| (vec![("target", t.clone()), ("position", n.to_string())], f))
        .collect();
    let mut out = crate::diagnose::exporter::render(&rows, at);
    out.push_str("# HELP kdbman_probe_success Whether a TLS handshake with the target reached a certificate (1) or not (0).\n# TYPE kdbman_probe_success gauge\n");
    let mut seen = std::collections::BTreeSet::new();
    for r in reports {
        if seen.insert(r.target.display()) {
            out.push_str(&format!(
                "kdbman_probe_success{{target=\"{}\"}} {}\n",
                prom(&r.target.display()),
                u8::from(r.unreachable.is_none())
            ));
        }
    }
    out.push_str("# HELP kdbman_probe_tls_version_accepted Whether the target accepted a TLS version (1) or not (0).\n# TYPE kdbman_probe_tls_version_accepted gauge\n");
    let mut seen = std::collections::BTreeSet::new();
    for r in reports {
        for v in [TlsVersion::Tls12, TlsVersion::Tls13] {
            if seen.insert((r.target.display(), v)) {
                out.push_str(&format!(
                    "kdbman_probe_tls_version_accepted{{target=\"{}\",version=\"{}\"}} {}\n",
                    prom(&r.target.display()),
                    v.as_str(),
                    u8::from(r.accepts(v))
                ));
            }
        }
    }
    out.push_str("# HELP kdbman_probe_findings Probe findings of a target, by code and severity (codes with findings only).\n# TYPE kdbman_probe_findings gauge\n");
    let mut by: std::collections::BTreeMap<(String, &str, &str), usize> =
        std::collections::BTreeMap::new();
    for r in reports {
        for f in &r.findings {
            *by.entry((r.target.display(), f.code, f.severity.as_str()))
                .or_default() += 1;
        }
    }
    for ((t, code, sev), n) in by {
        out.push_str(&format!(
            "kdbman_probe_findings{{target=\"{}\",code=\"{code}\",severity=\"{sev}\"}} {n}\n",
            prom(&t)
        ));
    }
    out.push_str(&format!(
        "# HELP kdbman_probe_timestamp_seconds The instant of the probe, as a Unix time.\n# TYPE kdbman_probe_timestamp_seconds gauge\nkdbman_probe_timestamp_seconds {at}\n"
    ));
    out
}
