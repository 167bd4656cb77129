//! kdbman's native format: an Argon2id- (or PBKDF2-) keyed, AES-256-GCM
//! sealed container that tells a wrong password from damage on its own.
//! Specified in `man/kdbman-kdb.5`.

pub mod format;
pub mod kdf;
pub mod payload;

use std::any::Any;

use zeroize::Zeroizing;

use crate::error::{Damage, Error, Result, StashProblem};
use crate::kinds::FileKind;
use crate::secret::Password;
use crate::stash::StashFormat;
use crate::store::codec::{
    Codec, CodecError, CodecResult, Companions, Decoded, DefaultMark, Encoded, Facts, Fault,
    HeaderInfo, Key, Model, NewStore, Part, Supports,
};
use crate::store::entry::Entry;
use format::Header;
pub use kdf::Kdf;

/// What a native store keeps besides its entries.
pub struct State {
    pub(crate) header: Header,
    pub(crate) data_key: Zeroizing<[u8; 32]>,
}

impl State {
    /// A fresh header, salt, epoch and data key for `password`.
    pub fn new(kdf: Kdf, password_expires: Option<i64>, password: &Password) -> State {
        let mut header = Header::new(kdf, password_expires);
        let data_key = Zeroizing::new(format::random::<32>());
        let kek = header.kdf.derive(password, &header.salt);
        format::wrap_key(&mut header, &kek, &data_key);
        State { header, data_key }
    }

    /// The file bytes of `entries` under this state.
    pub fn seal(&mut self, entries: &[Entry]) -> Result<Vec<u8>> {
        // Keys copied from a CMS store may still be sealed: a damaged one
        // stops the write rather than being left out.
        for e in entries {
            e.key()?;
        }
        let plain = payload::encode(entries).map_err(|e| Error::Usage {
            detail: format!("cannot encode the entries: {e}"),
        })?;
        Ok(format::seal(&mut self.header, &self.data_key, &plain))
    }
}

/// Whether the password's derived key passes the header's password check.
pub enum Opened {
    Ok(Box<State>, Vec<Entry>),
    WrongPassword,
}

/// Opens native store bytes with the password `password_for` gives for
/// the header (where a stash's binding is checked); no path, no I/O.
pub fn decode<E: From<CodecError>>(
    bytes: &[u8],
    password_for: impl FnOnce(&Header) -> std::result::Result<Password, E>,
) -> std::result::Result<Opened, E> {
    let parsed = format::decode(bytes)?;
    let password = password_for(&parsed.header)?;
    let _permit = bound_kdf(&parsed.header.kdf)?;
    let kek = parsed.header.kdf.derive(&password, &parsed.header.salt);
    if !format::password_matches(&parsed.header, &kek) {
        return Ok(Opened::WrongPassword);
    }
    let Some(data_key) = format::unwrap_key(&parsed.header, &kek) else {
        return Err(CodecError::header(Part::Store, Damage::SealedFields).into());
    };
    let plain = format::decrypt_payload(&parsed, &data_key)?;
    let entries = payload::decode(&plain)
        .map_err(|detail| CodecError::payload(Part::Store, Damage::PayloadEncoding { detail }))?;
    Ok(Opened::Ok(
        Box::new(State {
            header: parsed.header,
            data_key,
        }),
        entries,
    ))
}

/// Checks a header's key derivation against the per-file caps (beyond the
/// format's own bounds, which parsing checked) and, for Argon2id, waits
/// for its memory to fit in the process-wide budget (`lint --jobs` opens
/// several stores at once): the permit is held while it runs.
fn bound_kdf(kdf: &Kdf) -> CodecResult<Option<crate::limits::MemoryPermit>> {
    let refuse = |over| CodecError::store(Fault::KdfWorkRefused(over));
    match *kdf {
        Kdf::Argon2id {
            memory_kib,
            iterations,
            ..
        } => {
            let item = "the header's Argon2id key derivation";
            crate::limits::check_argon2(item, memory_kib, iterations).map_err(refuse)?;
            crate::limits::reserve_memory(item, memory_kib)
                .map(Some)
                .map_err(refuse)
        }
        Kdf::Pbkdf2Sha256 { iterations } => {
            crate::limits::KdfBudget::iterations()
                .charge("the header's PBKDF2 key derivation", u64::from(iterations))
                .map_err(refuse)?;
            Ok(None)
        }
    }
}

/// kdbman's native format as a [`Codec`].
pub struct NativeCodec;

/// The native codec, as the registry lists it.
pub static CODEC: NativeCodec = NativeCodec;

/// What the native format is called and can hold.
static FACTS: Facts = Facts {
    name: "kdbman",
    aliases: &["native"],
    gsk_names: &[],
    help: "kdbman's native format (Argon2id, AES-256-GCM; extension .kdbx by convention)",
    // `.kdbx` is a convention only: nothing relies on a native store's
    // name (lint --dir finds them by content alone).
    extensions: &[],
    companions: &[],
    versions: &[format::VERSION],
    title: "kdbman",
    supports: Supports {
        requests: true,
        default_mark: DefaultMark::Native,
        password_expiry: true,
        kdf: true,
        whole_chains: true,
        bound_stash: true,
    },
};

impl Codec for NativeCodec {
    fn facts(&self) -> &'static Facts {
        &FACTS
    }
    fn sniff(&self, bytes: &[u8]) -> Option<FileKind> {
        crate::store::magic::looks_native(bytes).then(|| FileKind::Kdbman {
            version: bytes.get(8..10).map(|v| u16::from_be_bytes([v[0], v[1]])),
        })
    }
    fn claims(&self, kind: &FileKind) -> Option<u16> {
        matches!(kind, FileKind::Kdbman { .. }).then_some(format::VERSION)
    }
    fn check(&self, bytes: &[u8], _strict: bool) -> CodecResult<Option<HeaderInfo>> {
        let parsed = format::decode(bytes)?;
        Ok(Some(HeaderInfo {
            version: format::VERSION,
            kdf: parsed.header.kdf,
            password_expires: parsed.header.password_expires,
            store_id: parsed.header.store_id,
            payload_len: parsed.header.payload_len,
        }))
    }
    fn create(&self, new: &NewStore, password: &Password) -> CodecResult<Box<dyn Model>> {
        check_kdf(new.kdf)?;
        Ok(Box::new(State::new(
            new.kdf,
            new.password_expires,
            password,
        )))
    }
    fn decode(&self, bytes: &[u8], _: Companions, key: Key<'_>) -> CodecResult<Decoded> {
        enum E {
            Codec(CodecError),
            Stash(StashProblem),
        }
        impl From<CodecError> for E {
            fn from(e: CodecError) -> E {
                E::Codec(e)
            }
        }
        let opened = decode(bytes, |header| match key {
            Key::Password(p) => Ok(p.clone()),
            Key::Stash { password, format } => match format {
                StashFormat::Kdbman { store_id, .. } if store_id != &header.store_id => {
                    Err(E::Stash(StashProblem::Foreign))
                }
                StashFormat::Kdbman { epoch, .. } if epoch != &header.epoch => {
                    Err(E::Stash(StashProblem::Stale))
                }
                _ => Ok(password.clone()),
            },
        });
        Ok(match opened {
            Ok(Opened::Ok(state, entries)) => Decoded::Opened {
                model: state,
                entries,
            },
            Ok(Opened::WrongPassword) => match key {
                Key::Password(_) => Decoded::WrongPassword,
                Key::Stash {
                    format: StashFormat::Kdbman { .. },
                    ..
                } => Decoded::Stash(StashProblem::Rejected),
                Key::Stash { .. } => Decoded::Stash(StashProblem::StaleOrForeign),
            },
            Err(E::Stash(problem)) => Decoded::Stash(problem),
            Err(E::Codec(e)) => return Err(e),
        })
    }
}

fn check_kdf(kdf: Kdf) -> CodecResult<()> {
    kdf.check().map_err(|limit| {
        CodecError::from(Error::Usage {
            detail: format!("key derivation cost refused: {limit}"),
        })
    })
}

impl Model for State {
    fn codec(&self) -> &'static dyn Codec {
        &CODEC
    }
    fn version(&self) -> u16 {
        format::VERSION
    }
    fn encode(&mut self, entries: &[Entry]) -> CodecResult<Encoded> {
        Ok(Encoded {
            store: self.seal(entries)?,
            companions: Vec::new(),
        })
    }
    fn change_password(
        &mut self,
        new: &Password,
        kdf: Option<Kdf>,
        password_expires: Option<i64>,
    ) -> CodecResult<()> {
        let kdf = kdf.unwrap_or(self.header.kdf);
        check_kdf(kdf)?;
        let store_id = self.header.store_id;
        *self = State::new(kdf, password_expires, new);
        self.header.store_id = store_id;
        // The key wrap binds the store id: wrap again with it.
        let kek = self.header.kdf.derive(new, &self.header.salt);
        format::wrap_key(&mut self.header, &kek, &self.data_key);
        Ok(())
    }
    fn stash_format(&self) -> StashFormat {
        StashFormat::Kdbman {
            store_id: self.header.store_id,
            epoch: self.header.epoch,
        }
    }
    fn stash_problem(&self, format: &StashFormat, _: &Password) -> Option<StashProblem> {
        match format {
            StashFormat::Kdbman { store_id, epoch } => {
                if store_id != &self.header.store_id {
                    Some(StashProblem::Foreign)
                } else if epoch != &self.header.epoch {
                    Some(StashProblem::Stale)
                } else {
                    None
                }
            }
            StashFormat::Gskit(_) => Some(StashProblem::StaleOrForeign),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
