//! The registry of store formats: every format kdbman reads and writes is
//! one [`Codec`] in [`FORMATS`] and one variant of [`StoreFormat`]. Which
//! files are stores, which codec opens them, what `--type` accepts, what
//! `keydb details` and JSON call a format, and what it can hold all come
//! from here.

use std::path::Path;

use super::codec::Codec;
use super::{cms, native, pkcs12};
use crate::error::{Error, Result};
use crate::kinds::FileKind;

/// Every store format, in the order detection asks them and `--type`
/// lists them.
pub static FORMATS: &[&dyn Codec] = &[&cms::CODEC, &native::CODEC, &pkcs12::CODEC];

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
    /// The codec of this format.
    pub fn codec(self) -> &'static dyn Codec {
        match self {
            StoreFormat::Kdbman => &native::CODEC,
            StoreFormat::Cms(_) => &cms::CODEC,
            StoreFormat::Pkcs12 => &pkcs12::CODEC,
        }
    }

    /// The format of `codec`'s version `version` (its default version
    /// when it has no such one).
    pub fn of(codec: &dyn Codec, version: u16) -> StoreFormat {
        match codec.name() {
            "cms" => StoreFormat::Cms(
                u8::try_from(version)
                    .ok()
                    .and_then(cms::Version::from_number)
                    .unwrap_or(cms::Version::V6),
            ),
            "pkcs12" => StoreFormat::Pkcs12,
            _ => StoreFormat::Kdbman,
        }
    }

    /// The short name used in `--type`, JSON (`format`) and messages.
    pub fn name(self) -> &'static str {
        self.codec().name()
    }

    /// The format version (CMS 3, 4 or 6, kdbman 1, PKCS#12 3).
    pub fn version(self) -> u16 {
        match self {
            StoreFormat::Cms(v) => u16::from(v.number()),
            _ => self.codec().versions()[0],
        }
    }

    /// The format named `name` (a `--type` value or an alias), in its
    /// default version.
    pub fn named(name: &str) -> Option<StoreFormat> {
        let codec = by_name(name)?;
        Some(StoreFormat::of(codec, codec.versions()[0]))
    }
}

impl std::fmt::Display for StoreFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.codec().describe(self.version()))
    }
}

impl FileKind {
    /// The store format whose reader opens (or, when damaged, judges) this
    /// file; `None` for a file that is no store kdbman reads.
    pub fn store_format(self) -> Option<StoreFormat> {
        FORMATS
            .iter()
            .find_map(|c| c.claims(&self).map(|v| StoreFormat::of(*c, v)))
    }
}

/// The codec named `name`, by its name or an alias (case-insensitive).
pub fn by_name(name: &str) -> Option<&'static dyn Codec> {
    FORMATS.iter().copied().find(|c| {
        c.name().eq_ignore_ascii_case(name)
            || c.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The codec whose stores are usually named with extension `ext`.
pub fn by_extension(ext: &str) -> Option<&'static dyn Codec> {
    FORMATS
        .iter()
        .copied()
        .find(|c| c.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// The names `--type` accepts, in registry order.
pub fn names() -> Vec<&'static str> {
    FORMATS.iter().map(|c| c.name()).collect()
}

/// What the bytes are: the registered codecs' own magic first, then
/// every other kind kdbman names ([`super::detect::classify`]).
pub fn classify(bytes: &[u8]) -> FileKind {
    if bytes.is_empty() {
        return FileKind::Empty;
    }
    FORMATS
        .iter()
        .find_map(|c| c.sniff(bytes))
        .unwrap_or_else(|| super::detect::classify(bytes))
}

/// The format whose codec opens `bytes`, or `None` with what they are.
pub fn detect(bytes: &[u8]) -> std::result::Result<StoreFormat, FileKind> {
    let kind = classify(bytes);
    kind.store_format().ok_or(kind)
}

/// The format whose reader opens `bytes`, or [`Error::NotAStore`] naming
/// what they are (told by content: a `.kdb` may be CMS, PKCS#12, KeePass…).
pub fn store_format(path: &Path, bytes: &[u8]) -> Result<StoreFormat> {
    detect(bytes).map_err(|found| Error::NotAStore {
        path: path.to_path_buf(),
        found,
    })
}

/// Whether the file whose first bytes are `head` is a store (not a
/// companion such as a CMS request database, nor another kind of file).
pub fn is_store(head: &[u8]) -> bool {
    classify(head).store_format().is_some() && !FORMATS.iter().any(|c| c.is_companion(head))
}
