//! What a file is, from its bytes (never its name): the classification
//! behind naming a file that is not a store. The registry
//! ([`super::formats::classify`]) asks every registered codec's own magic
//! check first and comes here for the rest; this module is below the
//! codecs (they name a foreign file with it), so it calls the built-in
//! formats' magic checks directly.
//!
//! `.kdb` is not IBM's alone: KeePass 1.x databases use it too, and
//! `runmqakm -keydb -create -type pkcs12 -db key.kdb` writes a PKCS#12 file
//! under that name. So the name says nothing; the first bytes decide, and
//! every error about a file's kind names what was found
//! ([`crate::Error::NotAStore`]). Only kdbman's own magic may be called "a
//! kdbman store".

use super::cms;
use super::magic::{looks_native, looks_pkcs12};
pub use crate::kinds::{CmsContent, FileKind, Head, PemBlocks, cms_versions_read};

/// "a certificate and a private key", in a fixed order.
impl std::fmt::Display for PemBlocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Self::NAMES
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        match names.as_slice() {
            [] => f.write_str("no complete block"),
            [one] => f.write_str(one),
            [rest @ .., last] => write!(f, "{} and {last}", rest.join(", ")),
        }
    }
}

impl Head {
    fn of(b: &[u8]) -> Head {
        let mut bytes = [0u8; 8];
        let n = b.len().min(8);
        bytes[..n].copy_from_slice(&b[..n]);
        let sample = &b[..b.len().min(4096)];
        let text = match std::str::from_utf8(sample) {
            Ok(s) => !s.chars().any(|c| c.is_control() && !c.is_whitespace()),
            // A sample cut inside a character is still text.
            Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > sample.len(),
        };
        Head {
            bytes,
            len: n as u8,
            text,
        }
    }
    pub fn is_text(&self) -> bool {
        self.text
    }
    /// The first (up to 8) bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

const KEEPASS_1: [u8; 8] = [0x03, 0xD9, 0xA2, 0x9A, 0x65, 0xFB, 0x4B, 0xB5];
const KEEPASS_2: [u8; 8] = [0x03, 0xD9, 0xA2, 0x9A, 0x67, 0xFB, 0x4B, 0xB5];
const KEEPASS_2_PRE: [u8; 8] = [0x03, 0xD9, 0xA2, 0x9A, 0x66, 0xFB, 0x4B, 0xB5];

impl FileKind {
    /// Whether the file is a keystore of a format kdbman does not open as
    /// a store (it holds keys, but needs converting).
    pub fn is_foreign_keystore(self) -> bool {
        matches!(self, FileKind::Jks | FileKind::Jceks)
    }
}

/// The kind as a noun phrase: "a KeePass 2.x password database".
impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileKind::Kdbman {
                version: Some(v), ..
            } => write!(f, "a kdbman store of format version {v}"),
            FileKind::Kdbman { version: None } => f.write_str("a kdbman store"),
            FileKind::Cms { version, content } => {
                f.write_str("an IBM CMS ")?;
                if let Some(v) = version {
                    write!(f, "v{v} ")?;
                }
                f.write_str(match content {
                    CmsContent::Keys => "key database",
                    CmsContent::Requests => "request database",
                    CmsContent::Crls => "CRL database",
                    CmsContent::Unknown => "file",
                })
            }
            FileKind::Pkcs12 => f.write_str("a PKCS#12 file"),
            FileKind::Store {
                format,
                version: Some(v),
            } => write!(f, "a {format} store of format version {v}"),
            FileKind::Store {
                format,
                version: None,
            } => write!(f, "a {format} store"),
            FileKind::Jks => f.write_str("a Java KeyStore (JKS)"),
            FileKind::Jceks => f.write_str("a Java JCEKS keystore"),
            FileKind::Pem(blocks) => write!(f, "a PEM file holding {blocks}"),
            FileKind::DerCertificate => f.write_str("a certificate in DER form"),
            FileKind::KeePass1 => f.write_str("a KeePass 1.x file"),
            FileKind::KeePass2 => f.write_str("a KeePass 2.x file"),
            FileKind::KdbmanStash => f.write_str("a kdbman stash file"),
            FileKind::GskitStash => f.write_str("a GSKit stash file (.sth)"),
            FileKind::Empty => f.write_str("an empty file"),
            FileKind::Unknown => f.write_str("data in no format kdbman recognises"),
            FileKind::UnknownBytes(head) => {
                f.write_str(if head.text { "text" } else { "binary data" })?;
                f.write_str(" in no format kdbman recognises")?;
                if !head.text && head.len > 0 {
                    f.write_str(" (it begins")?;
                    for b in head.bytes() {
                        write!(f, " {b:02x}")?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

/// The PEM blocks of text, by the labels of their BEGIN lines; `None` when
/// it is not PEM.
fn pem_blocks(b: &[u8]) -> Option<PemBlocks> {
    if !crate::pki::pem::is_pem(b) {
        return None;
    }
    let mut seen = 0u8;
    for line in b.split(|c| *c == b'\n') {
        let line = line.trim_ascii();
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ")
            && let Some(label) = rest.strip_suffix(b"-----")
        {
            seen |= PemBlocks::from_label(label);
        }
    }
    Some(PemBlocks(seen))
}

/// What the bytes are. Reads at most a few KiB of them, except to check
/// that a DER SEQUENCE is a certificate and to list a PEM file's blocks.
pub fn classify(b: &[u8]) -> FileKind {
    if b.is_empty() {
        return FileKind::Empty;
    }
    // The store formats' own magic checks, in the registry's order of
    // precedence (a damaged CMS header is CMS before it is anything else).
    if let Some(kind) = cms::container::sniff(b) {
        return kind;
    }
    if looks_native(b) {
        return FileKind::Kdbman {
            version: b.get(8..10).map(|v| u16::from_be_bytes([v[0], v[1]])),
        };
    }
    if looks_pkcs12(b) {
        return FileKind::Pkcs12;
    }
    match b.get(..8) {
        Some(m) if m == KEEPASS_1 => return FileKind::KeePass1,
        Some(m) if m == KEEPASS_2 || m == KEEPASS_2_PRE => return FileKind::KeePass2,
        _ => {}
    }
    if b.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) {
        return FileKind::Jks;
    }
    if b.starts_with(&[0xCE, 0xCE, 0xCE, 0xCE]) {
        return FileKind::Jceks;
    }
    if b.starts_with(crate::stash::native::MAGIC.as_slice()) {
        return FileKind::KdbmanStash;
    }
    if crate::stash::gskit::looks_like(b).is_some() {
        return FileKind::GskitStash;
    }
    if let Some(blocks) = pem_blocks(b) {
        return FileKind::Pem(blocks);
    }
    if b[0] == 0x30 && x509_parser::parse_x509_certificate(b).is_ok() {
        return FileKind::DerCertificate;
    }
    FileKind::UnknownBytes(Head::of(b))
}

/// A PKCS#12 reader's refusal of bytes that are not DER
/// ([`crate::pki::pkcs12::NOT_DER`]), saying what they look like instead.
pub fn name_foreign(e: crate::Error, data: &[u8]) -> crate::Error {
    match e {
        crate::Error::BadInput { what, detail, code } if detail == crate::pki::pkcs12::NOT_DER => {
            let detail = match classify(data) {
                FileKind::UnknownBytes(_) | FileKind::Unknown => detail,
                kind => format!("not a PKCS#12 file: it looks like {kind}"),
            };
            crate::Error::BadInput { what, detail, code }
        }
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::formats::StoreFormat;

    #[test]
    fn versions_read_are_those_the_cms_codec_accepts() {
        let accepted: Vec<u8> = (0..=u8::MAX)
            .filter(|n| cms::Version::from_number(*n).is_some())
            .collect();
        assert_eq!(accepted, crate::kinds::CMS_VERSIONS_READ);
    }

    #[test]
    fn each_kind_by_its_first_bytes() {
        let cms_v3 = hex("3748030200000000583530394b455900");
        assert_eq!(
            classify(&cms_v3),
            FileKind::Cms {
                version: Some(3),
                content: CmsContent::Keys
            }
        );
        let rdb = hex("3748030100000000583530394b595000");
        assert!(matches!(
            classify(&rdb),
            FileKind::Cms {
                content: CmsContent::Requests,
                ..
            }
        ));
        let mut native = crate::store::magic::NATIVE_MAGIC.to_vec();
        native.extend_from_slice(&[0, 7, 0, 0]);
        assert_eq!(classify(&native), FileKind::Kdbman { version: Some(7) });
        assert_eq!(classify(&native[..3]), FileKind::Kdbman { version: None });
        let mut kp = KEEPASS_1.to_vec();
        kp.extend_from_slice(&[0; 100]);
        assert_eq!(classify(&kp), FileKind::KeePass1);
        kp[4] = 0x67;
        assert_eq!(classify(&kp), FileKind::KeePass2);
        assert_eq!(
            classify(&[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]),
            FileKind::Jks
        );
        assert_eq!(classify(&[0xCE; 8]), FileKind::Jceks);
        assert_eq!(classify(b""), FileKind::Empty);
        assert_eq!(
            classify(&[0x30, 0x82, 1, 0, 2, 1, 3, 0x30]),
            FileKind::Pkcs12
        );
        assert_eq!(
            classify(&[0x30, 0x82, 1, 0, 2, 1, 3, 0x30]).store_format(),
            Some(StoreFormat::Pkcs12)
        );
        assert_eq!(classify(&kp).store_format(), None);
    }

    #[test]
    fn pem_names_its_blocks_without_echoing_labels() {
        let pem = b"Bag Attributes\n    friendlyName: web\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let k = classify(pem);
        assert_eq!(
            k.to_string(),
            "a PEM file holding a certificate and a private key"
        );
        let odd = b"-----BEGIN \x1b[31mEVIL-----\n";
        assert_eq!(
            classify(odd).to_string(),
            "a PEM file holding another PEM block"
        );
    }

    #[test]
    fn unknown_bytes_are_shown_not_guessed() {
        // Once named "an IBM CMS key database" by a guess on the name.
        let mut b = vec![0u8, 0x9c, 0xff, 1, 2, 3, 4, 5, 6];
        b.extend_from_slice(&[0x80; 60]);
        let k = classify(&b);
        assert_eq!(
            k.to_string(),
            "binary data in no format kdbman recognises (it begins 00 9c ff 01 02 03 04 05)"
        );
        assert_eq!(
            classify(b"password=secret\n").to_string(),
            "text in no format kdbman recognises"
        );
        assert_eq!(k.store_format(), None);
    }

    #[test]
    fn damaged_magic_is_still_its_format() {
        let mut cms = hex("3748060200000000583530394b455900");
        cms[0] ^= 0x04;
        assert!(matches!(classify(&cms), FileKind::Cms { .. }));
        let mut native = crate::store::magic::NATIVE_MAGIC.to_vec();
        native.extend_from_slice(&[0, 1]);
        native[3] ^= 0x21;
        assert!(matches!(classify(&native), FileKind::Kdbman { .. }));
    }

    #[test]
    fn any_bytes_are_classified_without_panic() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        };
        let magics: [&[u8]; 6] = [
            &crate::store::magic::NATIVE_MAGIC,
            &cms::container::MAGIC,
            &KEEPASS_1,
            &[0x30, 0x82],
            b"-----BEGIN ",
            &[0xFE, 0xED, 0xFE, 0xED],
        ];
        for len in 0..400 {
            let mut b: Vec<u8> = (0..len).map(|_| next()).collect();
            let m = magics[len % magics.len()];
            let n = m.len().min(b.len());
            b[..n].copy_from_slice(&m[..n]);
            assert!(!classify(&b).to_string().is_empty());
        }
        for len in [129, 193] {
            let b: Vec<u8> = (0..len).map(|_| next()).collect();
            let _ = classify(&b);
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
