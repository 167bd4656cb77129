//! Which format a store file is in, from its first bytes (never its name).

use super::cms;

/// The file formats a store can be kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreFormat {
    /// kdbman's native format (`man/kdbman-kdb.5`).
    Kdbman,
    /// IBM CMS key database (`man/kdbman-cms.5`).
    Cms(cms::Version),
    /// A PKCS#12 file.
    Pkcs12,
}

/// New stores are CMS v6: what IHS, MQ and Db2 load.
impl Default for StoreFormat {
    fn default() -> Self {
        StoreFormat::Cms(cms::Version::V6)
    }
}

impl StoreFormat {
    /// The short name used in `--type`, JSON (`format`) and messages.
    pub fn name(self) -> &'static str {
        match self {
            StoreFormat::Kdbman => "kdbman",
            StoreFormat::Cms(_) => "cms",
            StoreFormat::Pkcs12 => "pkcs12",
        }
    }
    /// The format version (CMS 3, 4 or 6, kdbman 1, PKCS#12 3).
    pub fn version(self) -> u16 {
        match self {
            StoreFormat::Kdbman => super::native::format::VERSION,
            StoreFormat::Cms(v) => u16::from(v.number()),
            StoreFormat::Pkcs12 => 3,
        }
    }
}

impl std::fmt::Display for StoreFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreFormat::Kdbman => f.write_str("kdbman v1"),
            StoreFormat::Cms(v) => write!(f, "CMS v{}", v.number()),
            StoreFormat::Pkcs12 => f.write_str("PKCS#12"),
        }
    }
}

fn bit_distance(a: &[u8], b: &[u8]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// A CMS container, or one whose magic or tag (not both) took a few bit
/// flips: such a file is a damaged CMS store, not a foreign one.
fn looks_cms(b: &[u8]) -> bool {
    if b.len() < 16 {
        return cms::container::looks_like(b);
    }
    let tags: [&[u8]; 3] = [b"X509KEY\0", b"X509KYP\0", b"X509CRL\0"];
    let tag_near = tags.iter().any(|t| bit_distance(&b[8..16], t) <= 2);
    let magic_exact = b[..2] == cms::container::MAGIC;
    let magic_near = bit_distance(&b[..2], &cms::container::MAGIC) <= 2;
    let tag_exact = tags.iter().any(|t| b[8..16] == **t);
    magic_exact || (tag_exact && b[4..8] == [0; 4]) || (magic_near && (tag_exact || tag_near))
}

/// A PFX is a DER SEQUENCE whose first element is INTEGER 3.
pub(crate) fn looks_pkcs12(b: &[u8]) -> bool {
    if b.first() != Some(&0x30) || b.len() < 6 {
        return false;
    }
    let len_octets = match b[1] {
        n if n < 0x80 => 0,
        n @ 0x81..=0x84 => (n & 0x7f) as usize,
        _ => return false,
    };
    b.get(2 + len_octets..2 + len_octets + 3) == Some(&[0x02, 0x01, 0x03])
}

/// The format of store bytes. Anything that is neither CMS nor PKCS#12 is
/// left to the native parser, which says what it is instead (a damaged
/// kdbman store, a PEM file, a JKS keystore…).
pub fn detect(bytes: &[u8]) -> StoreFormat {
    if looks_cms(bytes) {
        let v = bytes
            .get(2)
            .and_then(|&n| cms::Version::from_number(n))
            .unwrap_or(cms::Version::V6);
        StoreFormat::Cms(v)
    } else if looks_pkcs12(bytes) {
        StoreFormat::Pkcs12
    } else {
        StoreFormat::Kdbman
    }
}
