//! Certificate expiry series under the names and labels of the widely
//! deployed x509-certificate-exporter (enix), so that its dashboards and
//! alerts work on kdbman's output unchanged.
//!
//! Metrics (gauges): `x509_cert_not_before` and `x509_cert_not_after`
//! (Unix seconds) and `x509_cert_expired` (1 when the certificate's
//! notAfter is before the instant checked, else 0). Labels, as that
//! exporter sets them: `serial_number` (decimal), `subject_C`,
//! `subject_ST`, `subject_L`, `subject_O`, `subject_OU`, `subject_CN` and
//! the same six `issuer_*` (each only when the name has that attribute;
//! its first value), plus where the certificate was found: `filename` and
//! `filepath` for a store (as the exporter labels a file; kdbman adds
//! `label` and `kind`), `target` for a server kdbman probed (with
//! `position`, 0 for the leaf).

use std::collections::BTreeMap;

use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

/// The exporter's labels and the dates of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct X509Facts {
    /// `serial_number` and the `subject_*`/`issuer_*` labels.
    pub labels: Vec<(&'static str, String)>,
    pub not_before: i64,
    pub not_after: i64,
}

fn name_labels(name: &X509Name<'_>, prefix: &'static str, out: &mut Vec<(&'static str, String)>) {
    let first = |it: &mut dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>>| {
        it.next()
            .map(|a| a.as_str().map_or_else(|_| "?".to_string(), str::to_string))
    };
    let pairs: [(&'static str, &'static str, Option<String>); 6] = [
        ("subject_C", "issuer_C", first(&mut name.iter_country())),
        (
            "subject_ST",
            "issuer_ST",
            first(&mut name.iter_state_or_province()),
        ),
        ("subject_L", "issuer_L", first(&mut name.iter_locality())),
        (
            "subject_O",
            "issuer_O",
            first(&mut name.iter_organization()),
        ),
        (
            "subject_OU",
            "issuer_OU",
            first(&mut name.iter_organizational_unit()),
        ),
        (
            "subject_CN",
            "issuer_CN",
            first(&mut name.iter_common_name()),
        ),
    ];
    for (s, i, v) in pairs {
        if let Some(v) = v {
            out.push((if prefix == "subject" { s } else { i }, v));
        }
    }
}

/// The exporter's facts of a DER certificate (`None` if it does not decode).
pub fn facts(der: &[u8]) -> Option<X509Facts> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut labels = vec![("serial_number", cert.tbs_certificate.serial.to_string())];
    name_labels(cert.subject(), "subject", &mut labels);
    name_labels(cert.issuer(), "issuer", &mut labels);
    Some(X509Facts {
        labels,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
    })
}

/// The three series families for `certs` (each with the labels saying
/// where it was found), checked at `at`. One series per label set: a
/// certificate found twice at the same place is written once.
pub fn render(certs: &[(Vec<(&'static str, String)>, &X509Facts)], at: i64) -> String {
    let mut rows: BTreeMap<String, &X509Facts> = BTreeMap::new();
    for (place, f) in certs {
        let mut all: Vec<(&str, &str)> = place
            .iter()
            .chain(f.labels.iter())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        all.sort();
        all.dedup_by(|a, b| a.0 == b.0);
        let key = all
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", prom(v)))
            .collect::<Vec<_>>()
            .join(",");
        rows.entry(key).or_insert(f);
    }
    let mut out = String::new();
    type Value<'v> = &'v dyn Fn(&X509Facts) -> i64;
    let families: [(&str, &str, Value<'_>); 3] = [
        (
            "x509_cert_not_before",
            "Indicates the certificate's not before timestamp",
            &|f| f.not_before,
        ),
        (
            "x509_cert_not_after",
            "Indicates the certificate's not after timestamp",
            &|f| f.not_after,
        ),
        (
            "x509_cert_expired",
            "Indicates if the certificate is expired",
            &|f| i64::from(at > f.not_after),
        ),
    ];
    for (name, help, value) in families {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for (k, f) in &rows {
            out.push_str(&format!("{name}{{{k}}} {}\n", value(f)));
        }
    }
    out
}

/// A Prometheus label value: first shown as text (`kdbman::text`: control
/// and bidi characters as `\x1b`-style escapes, backslash doubled, so two
/// values stay two), then backslash, double quote and newline escaped per
/// the exposition format.
pub(crate) fn prom(s: &str) -> String {
    crate::text::escape(s)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_exporter() {
        let key = crate::pki::keygen::generate(crate::pki::KeyType::EcP256).unwrap();
        let mut spec = crate::pki::CertSpec::new("CN=web \\\"1\\\",O=Example,C=US", 2);
        spec.is_ca = true;
        let der = spec.self_signed(&key).unwrap();
        let f = facts(&der).unwrap();
        let names: Vec<&str> = f.labels.iter().map(|(k, _)| *k).collect();
        assert!(names.contains(&"subject_CN") && names.contains(&"issuer_O"));
        assert!(
            !names.contains(&"subject_OU"),
            "absent attributes are left out"
        );
        let serial = &f.labels[0].1;
        assert!(serial.bytes().all(|b| b.is_ascii_digit()), "{serial}");
        let text = render(
            &[
                (vec![("target", "h:1".to_string())], &f),
                (vec![("target", "h:1".to_string())], &f),
            ],
            f.not_after + 1,
        );
        assert_eq!(text.matches("x509_cert_expired{").count(), 1, "{text}");
        assert!(text.contains("subject_CN=\"web \\\"1\\\"\""), "{text}");
        assert!(text.contains("} 1\n"), "{text}");
    }
}
