//! GSKit-shaped text for the read actions: `-cert -list`, `-cert -details`,
//! `-cert -getdefault`, `-certreq -list`, `-certreq -details`. Each
//! function returns the whole text, so tests and callers see exactly
//! what is printed.

use kdbman::text::escape as esc;
use kdbman::{Entry, EntryKind, pki};
use x509_parser::prelude::*;

/// Which entries `-cert -list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    All,
    Personal,
    Ca,
}

/// A label as GSKit prints it in lists: in double quotes when it has a
/// space or a comma; control characters escaped (`kdbman::text`), so a
/// label cannot forge rows.
pub fn quote_label(label: &str) -> String {
    let label = esc(label);
    if label.contains([' ', ',']) {
        format!("\"{label}\"")
    } else {
        label.to_string()
    }
}

/// `-cert -list`: two header lines, then marker(s), TAB, label.
/// Markers: `*` default, `-` personal (has a private key), `!` trusted
/// signer; a signer whose trust is disabled has no marker.
pub fn cert_list<'a>(entries: impl IntoIterator<Item = &'a Entry>, filter: ListFilter) -> String {
    let mut lines = Vec::new();
    for e in entries {
        let marker = match e.kind() {
            EntryKind::Personal if filter != ListFilter::Ca => {
                if e.is_default() {
                    "*-"
                } else {
                    "-"
                }
            }
            EntryKind::Signer if filter != ListFilter::Personal => {
                if e.is_trusted() {
                    "!"
                } else {
                    ""
                }
            }
            _ => continue,
        };
        lines.push(format!("{marker}\t{}\n", quote_label(e.label())));
    }
    if lines.is_empty() {
        return "No certificates were found.\n".to_string();
    }
    let mut out =
        String::from("Certificates found\n* default, - personal, ! trusted, # secret key\n");
    out.extend(lines);
    out
}

/// `-certreq -list`: `Certificates requests found` (IBM's wording), then a
/// TAB and the label of each request.
pub fn certreq_list<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> String {
    let lines: Vec<String> = entries
        .into_iter()
        .filter(|e| e.kind() == EntryKind::Request)
        .map(|e| format!("\t{}\n", quote_label(e.label())))
        .collect();
    if lines.is_empty() {
        return "No certificate requests were found.\n".to_string();
    }
    let mut out = String::from("Certificates requests found\n");
    out.extend(lines);
    out
}

/// A date as GSKit prints it in the en_US locale, in UTC:
/// `December 29, 2018 12:00:00 AM GMT+00:00`.
pub fn gsk_date(unix: i64) -> String {
    let Ok(t) = ::time::OffsetDateTime::from_unix_timestamp(unix) else {
        return format!("@{unix}");
    };
    let (h, ampm) = match t.hour() {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!(
        "{} {}, {} {}:{:02}:{:02} {} GMT+00:00",
        t.month(),
        t.day(),
        t.year(),
        h,
        t.minute(),
        t.second(),
        ampm
    )
}

/// Upper-case hex, bytes separated by spaces, 16 to a line, each line
/// indented by four spaces.
fn hex_block(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(16) {
        out.push_str("    ");
        out.push_str(&hex_spaced(chunk));
        out.push('\n');
    }
    out
}

fn hex_spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A DN in RFC 4514 order (most specific first), attributes joined by
/// commas without spaces, as GSKit prints them; the same text kdbman's own
/// listings show (`pki::dn::display`).
fn dn(name: &X509Name<'_>) -> String {
    esc(&pki::dn::display(name)).into_owned()
}

fn key_size_and_type(spki: &SubjectPublicKeyInfo<'_>) -> (String, String) {
    let alg = pki::cert::key_algorithm_of_spki(spki);
    let oid = spki.algorithm.algorithm.to_id_string();
    use pki::cert::KeyAlgorithm as K;
    let size = match &alg {
        K::Rsa { bits } => bits.to_string(),
        K::EcP256 | K::Ed25519 => "256".into(),
        K::EcP384 => "384".into(),
        K::EcP521 => "521".into(),
        _ => "0".into(),
    };
    let name = match &alg {
        K::Rsa { .. } => "RSA",
        K::EcP256 | K::EcP384 | K::EcP521 | K::EcOther(_) => "EC_ecPublicKey",
        K::Ed25519 => "Ed25519",
        K::Dsa => "DSA",
        _ => "Unknown",
    };
    (size, format!("{name} ({oid})"))
}

/// GSKit's names for signature algorithms.
fn signature_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.4" => "MD5WithRSASignature",
        "1.2.840.113549.1.1.5" => "SHA1WithRSASignature",
        "1.2.840.113549.1.1.14" => "SHA224WithRSASignature",
        "1.2.840.113549.1.1.11" => "SHA256WithRSASignature",
        "1.2.840.113549.1.1.12" => "SHA384WithRSASignature",
        "1.2.840.113549.1.1.13" => "SHA512WithRSASignature",
        "1.2.840.113549.1.1.10" => "RSASSA_PSS",
        "1.2.840.10045.4.1" => "SHA1WithECDSASignature",
        "1.2.840.10045.4.3.1" => "SHA224WithECDSASignature",
        "1.2.840.10045.4.3.2" => "SHA256WithECDSASignature",
        "1.2.840.10045.4.3.3" => "SHA384WithECDSASignature",
        "1.2.840.10045.4.3.4" => "SHA512WithECDSASignature",
        "1.3.101.112" => "Ed25519",
        "1.2.840.10040.4.3" => "SHA1WithDSASignature",
        _ => "Unknown",
    }
}

fn fingerprints(der: &[u8], spki_der: &[u8]) -> String {
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    let spki_sha256 = pki::sha256(spki_der);
    let mut out = String::new();
    out.push_str("Fingerprint : SHA1 :\n");
    out.push_str(&format!("    {}\n", hex_spaced(sha1.as_ref())));
    out.push_str("Fingerprint : MD5 :\n");
    out.push_str(&format!("    {}\n", hex_spaced(&md5(der))));
    out.push_str("Fingerprint : SHA256 :\n");
    out.push_str(&format!("    {}\n", hex_spaced(&pki::sha256(der))));
    out.push_str("HPKP :\n");
    out.push_str(&format!("    {}\n", base64(&spki_sha256)));
    out
}

fn extensions(exts: &[X509Extension<'_>]) -> String {
    let mut out = String::from("Extensions\n");
    for ext in exts {
        let crit = if ext.critical { " (critical)" } else { "" };
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                out.push_str(&format!("    SubjectAltName{crit}\n"));
                for n in &san.general_names {
                    out.push_str(&format!("        {}\n", general_name(n)));
                }
            }
            ParsedExtension::BasicConstraints(bc) => {
                out.push_str(&format!("    BasicConstraints{crit}\n"));
                out.push_str(&format!("        ca = {}\n", bc.ca));
                if let Some(p) = bc.path_len_constraint {
                    out.push_str(&format!("        pathLength = {p}\n"));
                }
            }
            ParsedExtension::KeyUsage(ku) => {
                out.push_str(&format!("    KeyUsage{crit}\n"));
                for (set, name) in [
                    (ku.digital_signature(), "digital_signature"),
                    (ku.non_repudiation(), "non_repudiation"),
                    (ku.key_encipherment(), "key_encipherment"),
                    (ku.data_encipherment(), "data_encipherment"),
                    (ku.key_agreement(), "key_agreement"),
                    (ku.key_cert_sign(), "key_cert_sign"),
                    (ku.crl_sign(), "crl_sign"),
                ] {
                    if set {
                        out.push_str(&format!("        {name}\n"));
                    }
                }
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                out.push_str(&format!("    ExtendedKeyUsage{crit}\n"));
                for (set, name) in [
                    (eku.server_auth, "serverAuth"),
                    (eku.client_auth, "clientAuth"),
                    (eku.code_signing, "codeSigning"),
                    (eku.email_protection, "emailProtection"),
                    (eku.time_stamping, "timeStamping"),
                    (eku.ocsp_signing, "ocspSigning"),
                ] {
                    if set {
                        out.push_str(&format!("        {name}\n"));
                    }
                }
            }
            ParsedExtension::SubjectKeyIdentifier(k) => {
                out.push_str(&format!("    SubjectKeyIdentifier{crit}\n"));
                out.push_str(&format!("        keyIdentifier: {}\n", hex_spaced(k.0)));
            }
            ParsedExtension::AuthorityKeyIdentifier(k) => {
                out.push_str(&format!("    AuthorityKeyIdentifier{crit}\n"));
                if let Some(id) = &k.key_identifier {
                    out.push_str(&format!("        keyIdentifier: {}\n", hex_spaced(id.0)));
                }
            }
            _ => {
                out.push_str(&format!("    {}{crit}\n", ext.oid.to_id_string()));
            }
        }
    }
    out
}

/// A general name, escaped: it comes from the certificate's author.
fn general_name(n: &GeneralName<'_>) -> String {
    esc(&general_name_raw(n)).into_owned()
}

fn general_name_raw(n: &GeneralName<'_>) -> String {
    match n {
        GeneralName::DNSName(d) => format!("DNSName: {d}"),
        GeneralName::RFC822Name(m) => format!("EmailAddress: {m}"),
        GeneralName::URI(u) => format!("URI: {u}"),
        GeneralName::IPAddress(b) if b.len() == 4 => format!(
            "IPAddress: {}",
            std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])
        ),
        GeneralName::IPAddress(b) if b.len() == 16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            format!("IPAddress: {}", std::net::Ipv6Addr::from(a))
        }
        other => format!("{other}"),
    }
}

/// `-cert -details` (and `-cert -getdefault`) of an entry with a
/// certificate, in GSKit's field order.
pub fn cert_details(e: &Entry) -> Result<String, String> {
    let Some(der) = e.certificate() else {
        return Err(format!("`{}` has no certificate", esc(e.label())));
    };
    let (_, cert) = X509Certificate::from_der(der).map_err(|err| {
        format!(
            "the certificate of `{}` is malformed: {err}",
            esc(e.label())
        )
    })?;
    let tbs = &cert.tbs_certificate;
    let spki_der = tbs.subject_pki.raw;
    let (size, key_type) = key_size_and_type(&tbs.subject_pki);
    let version = match tbs.version.0 {
        0 => "X509 V1",
        1 => "X509 V2",
        _ => "X509 V3",
    };
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    let mut out = String::new();
    out.push_str(&format!("Label : {}\n", esc(e.label())));
    out.push_str(&format!("Key Size : {size}\n"));
    out.push_str(&format!("Version : {version}\n"));
    out.push_str(&format!("Serial : {}\n", pki::hex(tbs.raw_serial())));
    out.push_str(&format!("Issuer : {}\n", dn(&tbs.issuer)));
    out.push_str(&format!("Subject : {}\n", dn(&tbs.subject)));
    out.push_str(&format!(
        "Not Before : {}\n\n",
        gsk_date(tbs.validity.not_before.timestamp())
    ));
    out.push_str(&format!(
        "Not After : {}\n\n",
        gsk_date(tbs.validity.not_after.timestamp())
    ));
    out.push_str("Public Key\n");
    out.push_str(&hex_block(spki_der));
    out.push_str(&format!("Public Key Type : {key_type}\n"));
    out.push_str(&fingerprints(der, spki_der));
    out.push_str(&extensions(tbs.extensions()));
    out.push_str(&format!(
        "Signature Algorithm : {} ({sig_oid})\n",
        signature_name(&sig_oid)
    ));
    out.push_str("Value\n");
    out.push_str(&hex_block(&cert.signature_value.data));
    out.push_str(&format!(
        "Trust Status : {}\n",
        if e.is_trusted() {
            "Enabled"
        } else {
            "Disabled"
        }
    ));
    Ok(out)
}

/// `-certreq -details` in GSKit's field order.
pub fn certreq_details(e: &Entry) -> Result<String, String> {
    use x509_parser::certification_request::X509CertificationRequest;
    let Some(der) = e.csr() else {
        return Err(format!("`{}` is not a certificate request", esc(e.label())));
    };
    let (_, req) = X509CertificationRequest::from_der(der)
        .map_err(|err| format!("the request `{}` is malformed: {err}", esc(e.label())))?;
    let info = &req.certification_request_info;
    let spki_der = info.subject_pki.raw;
    let (size, key_type) = key_size_and_type(&info.subject_pki);
    let sig_oid = req.signature_algorithm.algorithm.to_id_string();
    let mut out = String::new();
    out.push_str(&format!("Label : {}\n", esc(e.label())));
    out.push_str(&format!("Key Size : {size}\n"));
    out.push_str(&format!("Subject : {}\n", dn(&info.subject)));
    out.push_str("Public Key\n");
    out.push_str(&hex_block(spki_der));
    out.push_str(&format!("Public Key Type : {key_type}\n"));
    out.push_str(&fingerprints(der, spki_der));
    out.push_str("Attributes\n");
    let requested = requested_extensions(&req);
    out.push_str("Extension Reqs\n");
    out.push_str(&extensions(&requested).replacen("Extensions\n", "", 1));
    out.push_str(&format!(
        "Signature Algorithm : {} ({sig_oid})\n",
        signature_name(&sig_oid)
    ));
    out.push_str("Value\n");
    out.push_str(&hex_block(&req.signature_value.data));
    Ok(out)
}

/// The extensions a request asks for, as full extensions.
fn requested_extensions<'a>(
    req: &'a x509_parser::certification_request::X509CertificationRequest<'a>,
) -> Vec<X509Extension<'a>> {
    let mut out = Vec::new();
    for attr in req.certification_request_info.iter_attributes() {
        if let ParsedCriAttribute::ExtensionRequest(er) = attr.parsed_attribute() {
            out.extend(er.extensions.iter().cloned());
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// MD5, only for GSKit's legacy fingerprint line.
fn md5(input: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(input).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_known_answers() {
        assert_eq!(pki::hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            pki::hex(&md5(b"The quick brown fox jumps over the lazy dog")),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn base64_padding() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn dates_in_gskit_form() {
        assert_eq!(
            gsk_date(1_546_041_600),
            "December 29, 2018 12:00:00 AM GMT+00:00"
        );
        assert_eq!(
            gsk_date(1_627_316_977),
            "July 26, 2021 4:29:37 PM GMT+00:00"
        );
    }

    #[test]
    fn labels_with_spaces_or_commas_are_quoted() {
        assert_eq!(quote_label("web"), "web");
        assert_eq!(quote_label("my web"), "\"my web\"");
        assert_eq!(quote_label("CN=R3,O=x"), "\"CN=R3,O=x\"");
    }
}
