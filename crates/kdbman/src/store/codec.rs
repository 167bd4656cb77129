//! The one shape every store format has: bytes (and companions' bytes) in,
//! a model out; model in, bytes out. A codec sees no path and does no
//! I/O: [`super::Store`] reads the files, asks the registry
//! ([`super::formats`]) which codec's they are, and turns a codec's
//! [`CodecError`] into a [`crate::Error`] by adding the path.
//!
//! A codec is a [`Codec`] (what the format is called, what it can hold,
//! how it is recognised, how it decodes and creates) and, for an open
//! store, a [`Model`]: the format's own state beside the entries (salts,
//! key wraps, records it does not understand), kept to encode them again.

use std::any::Any;

use crate::error::StashProblem;
use crate::kinds::{FileKind, Kdf};
use crate::secret::Password;
use crate::stash::StashFormat;

use super::entry::Entry;
pub use super::fault::{Beside, CodecError, CodecResult, Encoded, Fault, Part, Problem};

/// What a store format can hold and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Supports {
    /// Pending certificate requests.
    pub requests: bool,
    /// A recorded default certificate, and how it is marked.
    pub default_mark: DefaultMark,
    /// A password expiry.
    pub password_expiry: bool,
    /// A key derivation the user chooses (`--kdf`).
    pub kdf: bool,
    /// A personal entry keeps its whole chain (a CMS record holds only its
    /// own certificate: the rest must be signers in the store).
    pub whole_chains: bool,
    /// Stashes bound to one store and password change (kdbman's own); a
    /// format without them is stashed in a GSKit stash.
    pub bound_stash: bool,
}

/// How a store's format records its default certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultMark {
    /// kdbman's own field: documented, and absent means none.
    Native,
    /// Flag bit 1 of a CMS record: read on evidence from IBM-made files,
    /// not on documentation (see [`super::cms::DEFAULT_EVIDENCE`]).
    CmsFlag,
    /// None: PKCS#12 cannot say which certificate is the default.
    Absent,
}

/// How the password reaches a codec: typed, or read from a stash (whose
/// format may bind it to one store).
#[derive(Clone, Copy)]
pub enum Key<'a> {
    Password(&'a Password),
    Stash {
        password: &'a Password,
        format: &'a StashFormat,
    },
}

impl<'a> Key<'a> {
    pub fn password(&self) -> &'a Password {
        match self {
            Key::Password(p) | Key::Stash { password: p, .. } => p,
        }
    }
    pub fn is_stash(&self) -> bool {
        matches!(self, Key::Stash { .. })
    }
}

/// The companions read beside a store, one per extension the codec names
/// in [`Codec::companions`], in that order.
pub type Companions = Vec<(&'static str, Beside)>;

/// What decoding with a password gave. Every outcome but `Opened` is the
/// password's: the store is otherwise sound as far as the codec can tell.
pub enum Decoded {
    Opened {
        model: Box<dyn Model>,
        entries: Vec<Entry>,
    },
    /// The password is not this store's.
    WrongPassword,
    /// The password check failed, yet a private key decrypts with it: the
    /// password is right and the header is damaged (CMS).
    HeaderDamaged,
    /// The password check failed and nothing in the store can tell a
    /// wrong password from a damaged header (CMS).
    Undecided,
    /// The stash given cannot open this store.
    Stash(StashProblem),
}

/// What a new store is made with.
#[derive(Debug, Clone, Copy)]
pub struct NewStore {
    /// The format's own version (see [`Codec::versions`]).
    pub version: u16,
    pub kdf: Kdf,
    pub password_expires: Option<i64>,
}

/// What the header says without a password (native stores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderInfo {
    pub version: u16,
    pub kdf: Kdf,
    pub password_expires: Option<i64>,
    pub store_id: [u8; 16],
    pub payload_len: u64,
}

/// What a format is called and what it can hold: the facts a codec states
/// once, as data (the registry, `--type`, gsk8capicmd's `-type`, `keydb
/// details` and conversion read them through [`Codec`]'s methods).
#[derive(Debug)]
pub struct Facts {
    /// The name in `--type`, JSON (`format`) and messages.
    pub name: &'static str,
    /// Other spellings kdbman's `--type` accepts.
    pub aliases: &'static [&'static str],
    /// The names gsk8capicmd's `-type` gives the format (none: GSKit does
    /// not know it).
    pub gsk_names: &'static [&'static str],
    /// What `--type` help says of the format.
    pub help: &'static str,
    /// File name extensions its stores are given (without the dot).
    pub extensions: &'static [&'static str],
    /// Companion files read and written beside the store, by extension.
    pub companions: &'static [&'static str],
    /// The format versions it writes on request, the default first.
    pub versions: &'static [u16],
    /// How people name the format, before its version ("CMS" in "CMS v6").
    pub title: &'static str,
    /// What the format can hold.
    pub supports: Supports,
}

/// A store format.
pub trait Codec: Sync {
    /// What the format is called and can hold.
    fn facts(&self) -> &'static Facts;
    /// The name in `--type`, JSON (`format`) and messages.
    fn name(&self) -> &'static str {
        self.facts().name
    }
    /// Other spellings kdbman's `--type` accepts.
    fn aliases(&self) -> &'static [&'static str] {
        self.facts().aliases
    }
    /// The names gsk8capicmd's `-type` gives the format.
    fn gsk_names(&self) -> &'static [&'static str] {
        self.facts().gsk_names
    }
    /// What `--type` help says of the format.
    fn help(&self) -> &'static str {
        self.facts().help
    }
    /// File name extensions its stores are given (without the dot).
    fn extensions(&self) -> &'static [&'static str] {
        self.facts().extensions
    }
    /// Companion files read and written beside the store, by extension.
    fn companions(&self) -> &'static [&'static str] {
        self.facts().companions
    }
    /// The format versions it writes on request, the default first.
    fn versions(&self) -> &'static [u16] {
        self.facts().versions
    }
    /// The format and version as people name it: "CMS v6".
    fn describe(&self, version: u16) -> String {
        format!("{} v{version}", self.facts().title)
    }
    /// What the format can hold.
    fn supports(&self) -> Supports {
        self.facts().supports
    }
    /// Detection of its own magic: what the bytes are, if they are (or a
    /// damaged copy of) this format's, companions included.
    fn sniff(&self, bytes: &[u8]) -> Option<FileKind>;
    /// The version of the store that `kind` (what [`Self::sniff`] or
    /// [`crate::store::detect::classify`] said) is, when this codec opens
    /// it; `None` for other kinds, and for its companions.
    fn claims(&self, kind: &FileKind) -> Option<u16>;
    /// Whether the bytes are one of its companions (which [`Self::claims`]
    /// may still send to the codec, to be named).
    fn is_companion(&self, _bytes: &[u8]) -> bool {
        false
    }
    /// What can be refused without a password (a damaged header), and
    /// what the header says. `strict`: also what the open itself would
    /// otherwise judge with the password (a CMS length that disagrees).
    fn check(&self, bytes: &[u8], strict: bool) -> CodecResult<Option<HeaderInfo>>;
    /// An empty store.
    fn create(&self, new: &NewStore, password: &Password) -> CodecResult<Box<dyn Model>>;
    /// Opens the bytes of a store and its companions with a password.
    fn decode(&self, bytes: &[u8], companions: Companions, key: Key<'_>) -> CodecResult<Decoded>;
    /// [`Self::decode`], handing the entries to `meanwhile` as soon as
    /// they are decoded: a codec that still verifies them then (the CMS
    /// integrity MAC) lets the caller's work run alongside. What it gets
    /// counts only if the open succeeds. A codec that verifies first hands
    /// them over at the end, as this default does.
    fn decode_meanwhile(
        &self,
        bytes: &[u8],
        companions: Companions,
        key: Key<'_>,
        meanwhile: &dyn Meanwhile,
    ) -> CodecResult<Decoded> {
        let decoded = self.decode(bytes, companions, key)?;
        if let Decoded::Opened { entries, .. } = &decoded {
            meanwhile.decoded(entries);
        }
        Ok(decoded)
    }
}

/// Work on a store's entries done while its codec finishes checking them
/// ([`Codec::decode_meanwhile`]): `cert list` parses 10,000 certificates
/// while the MAC of their 50 MB store is computed. Its results must be
/// dropped when the open fails.
pub trait Meanwhile: Sync {
    fn decoded(&self, entries: &[Entry]);
}

/// No work.
impl Meanwhile for () {
    fn decoded(&self, _: &[Entry]) {}
}

/// The format's state of an open store: what it keeps besides the entries.
pub trait Model: Any + Send + Sync {
    /// The codec that made it.
    fn codec(&self) -> &'static dyn Codec;
    /// The format version it writes.
    fn version(&self) -> u16;
    /// The bytes of `entries` (the store's and changed companions').
    fn encode(&mut self, entries: &[Entry]) -> CodecResult<Encoded>;
    /// The bytes `encode` made are on disk now.
    fn written(&mut self, _files: &Encoded) {}
    /// Where the bytes were read from, for reports about damage found
    /// later (a private key decrypted on first use).
    fn read_from(&self, _store: &std::path::Path) {}
    /// Switches to a new password (and, where the format has one, key
    /// derivation and expiry) for the next encode.
    fn change_password(
        &mut self,
        new: &Password,
        kdf: Option<Kdf>,
        password_expires: Option<i64>,
    ) -> CodecResult<()>;
    /// The stash format that holds this store's password.
    fn stash_format(&self) -> StashFormat;
    /// Why a stash of `format` holding `password` does not open this
    /// store, if it does not.
    fn stash_problem(&self, format: &StashFormat, password: &Password) -> Option<StashProblem>;
    /// Clears the default marks the format keeps outside the entries.
    fn clear_default_marks(&mut self) {}
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}
