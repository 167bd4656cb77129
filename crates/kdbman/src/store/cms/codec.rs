//! CMS key databases as a [`Codec`]: the `.kdb` with its `.rdb` and `.crl`
//! companions, versions 6, 4 and 3. A file of its own so that the codec
//! interface (which names [`Entry`]) is not in the `entry` ↔ `cms` circle.

use std::any::Any;

use crate::error::{Error, PasswordProblem, StashProblem};
use crate::kinds::{FileKind, Kdf};
use crate::secret::Password;
use crate::stash::{StashFormat, gskit};
use crate::store::codec::{
    Codec, CodecError, CodecResult, Companions, Decoded, DefaultMark, Encoded, Facts, Fault,
    HeaderInfo, Key, Meanwhile, Model, NewStore, Supports,
};
use crate::store::entry::Entry;

use super::{Besides, CRL, Opened, RDB, State, Version, container};

/// CMS as a [`Codec`].
pub struct CmsCodec;

/// The CMS codec, as the registry lists it.
pub static CODEC: CmsCodec = CmsCodec;

fn expiry_unsupported() -> CodecError {
    CodecError::store(Fault::Unsupported {
        what: "expire its password",
        why: "where GSKit keeps the password expiry of a CMS key database is not documented, and kdbman does not guess".into(),
        remedy: crate::error::Remedy::LeaveOutExpiry { or_cms: false },
    })
}

/// CMS passwords end up in GSKit stashes, which hold at most 128 bytes,
/// and in GSKit's own C-string APIs and command line, where a NUL ends
/// them: a password either cannot carry is refused before anything is
/// written.
fn check_password(p: &Password) -> CodecResult<()> {
    const CMS: &str = "a CMS key database (and its GSKit stash)";
    let reason = if p.as_bytes().len() > gskit::MAX_PASSWORD {
        PasswordProblem::TooLong {
            max: gskit::MAX_PASSWORD,
            format: CMS,
        }
    } else if p.as_bytes().contains(&0) {
        PasswordProblem::Nul { format: CMS }
    } else {
        return Ok(());
    };
    Err(Error::BadPassword { reason }.into())
}

fn version_of(number: u16) -> Version {
    u8::try_from(number)
        .ok()
        .and_then(Version::from_number)
        .unwrap_or(Version::V6)
}

/// What CMS is called and can hold.
static FACTS: Facts = Facts {
    name: "cms",
    aliases: &["kdb"],
    gsk_names: &["cms", "kdb"],
    help: "IBM CMS key database (.kdb, with .rdb for requests): what IHS, MQ and Db2 load",
    extensions: &["kdb"],
    companions: &[RDB, CRL],
    // v3 is read and kept, and written only on request in code
    // (`StoreFormat::Cms(Version::V3)`), never offered.
    versions: &[6, 4],
    title: "CMS",
    supports: Supports {
        requests: true,
        default_mark: DefaultMark::CmsFlag,
        password_expiry: false,
        kdf: false,
        whole_chains: false,
        bound_stash: false,
    },
};

impl Codec for CmsCodec {
    fn facts(&self) -> &'static Facts {
        &FACTS
    }
    fn sniff(&self, bytes: &[u8]) -> Option<FileKind> {
        container::sniff(bytes)
    }
    fn claims(&self, kind: &FileKind) -> Option<u16> {
        // A CMS file of a version kdbman does not read goes to the CMS
        // reader, which tells a damaged version byte from an unknown one.
        match kind {
            FileKind::Cms { version, .. } => Some(u16::from(
                version
                    .and_then(Version::from_number)
                    .unwrap_or(Version::V6)
                    .number(),
            )),
            _ => None,
        }
    }
    fn is_companion(&self, bytes: &[u8]) -> bool {
        container::looks_like(bytes)
            && matches!(
                container::sniff(bytes),
                Some(FileKind::Cms {
                    content: crate::kinds::CmsContent::Requests | crate::kinds::CmsContent::Crls,
                    ..
                })
            )
    }
    fn check(&self, bytes: &[u8], strict: bool) -> CodecResult<Option<HeaderInfo>> {
        if strict {
            container::decode(bytes)?;
        } else {
            container::decode_header(bytes)?;
        }
        Ok(None)
    }
    fn create(&self, new: &NewStore, password: &Password) -> CodecResult<Box<dyn Model>> {
        if new.password_expires.is_some() {
            return Err(expiry_unsupported());
        }
        check_password(password)?;
        Ok(Box::new(State::new(version_of(new.version), password)))
    }
    fn decode(&self, bytes: &[u8], companions: Companions, key: Key<'_>) -> CodecResult<Decoded> {
        self.decode_meanwhile(bytes, companions, key, &())
    }
    /// The entries go to `meanwhile` while the integrity MAC is computed.
    fn decode_meanwhile(
        &self,
        bytes: &[u8],
        companions: Companions,
        key: Key<'_>,
        meanwhile: &dyn Meanwhile,
    ) -> CodecResult<Decoded> {
        if let Key::Stash {
            format: StashFormat::Kdbman { .. },
            ..
        } = key
        {
            // Parse first: a damaged store is not a stash problem.
            container::decode(bytes)?;
            return Ok(Decoded::Stash(StashProblem::Foreign));
        }
        let mut besides = Besides::none();
        for (ext, found) in companions {
            match ext {
                RDB => besides.rdb = found,
                CRL => besides.crl = found,
                _ => {}
            }
        }
        Ok(
            match super::decode(bytes, besides, key.password(), meanwhile)? {
                Opened::Ok(state, entries) => Decoded::Opened {
                    model: state,
                    entries,
                },
                Opened::WrongPassword if key.is_stash() => {
                    Decoded::Stash(StashProblem::StaleOrForeign)
                }
                Opened::WrongPassword => Decoded::WrongPassword,
                Opened::HeaderDamaged => Decoded::HeaderDamaged,
                Opened::Undecided => Decoded::Undecided,
            },
        )
    }
}

impl Model for State {
    fn codec(&self) -> &'static dyn Codec {
        &CODEC
    }
    fn version(&self) -> u16 {
        u16::from(self.kdb.version.number())
    }
    fn encode(&mut self, entries: &[Entry]) -> CodecResult<Encoded> {
        super::encode_files(self, entries)
    }
    fn written(&mut self, files: &Encoded) {
        State::written(self, files);
    }
    fn read_from(&self, store: &std::path::Path) {
        State::read_from(self, store);
    }
    fn change_password(
        &mut self,
        new: &Password,
        kdf: Option<Kdf>,
        password_expires: Option<i64>,
    ) -> CodecResult<()> {
        if password_expires.is_some() {
            return Err(expiry_unsupported());
        }
        if kdf.is_some() {
            return Err(Error::Usage {
                detail: "--kdf applies to kdbman stores; a CMS store keys its MACs with the password itself".into(),
            }
            .into());
        }
        check_password(new)?;
        Ok(State::change_password(self, new)?)
    }
    fn stash_format(&self) -> StashFormat {
        StashFormat::Gskit(gskit::Version::V2)
    }
    fn stash_problem(&self, format: &StashFormat, password: &Password) -> Option<StashProblem> {
        match format {
            StashFormat::Kdbman { .. } => Some(StashProblem::Foreign),
            StashFormat::Gskit(_) => {
                (!self.password_is(password)).then_some(StashProblem::StaleOrForeign)
            }
        }
    }
    fn clear_default_marks(&mut self) {
        State::clear_default_marks(self);
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
