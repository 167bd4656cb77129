//! A PKCS#12 file used as a store (GSKit's `-type pkcs12`): keys with
//! their chains, and trusted certificates. It holds no requests, no
//! default mark and no password expiry.

use std::any::Any;
use std::path::Path;

use crate::error::{Error, StashProblem};
use crate::kinds::{FileKind, Kdf};
use crate::pki;
use crate::secret::Password;
use crate::stash::{StashFormat, gskit};
use crate::store::codec::{
    Codec, CodecError, CodecResult, Companions, Decoded, DefaultMark, Encoded, Facts, Fault,
    HeaderInfo, Key, Model, NewStore, Part, Supports,
};
use crate::store::entry::{Entry, EntryKind};

/// What a PKCS#12 store keeps besides its entries.
pub struct State {
    pub(crate) password: Password,
}

impl State {
    pub fn new(password: &Password) -> State {
        State {
            password: password.clone(),
        }
    }
}

/// Reads the entries of PKCS#12 bytes; no path, no I/O.
pub fn decode(bytes: &[u8], password: &Password) -> CodecResult<(State, Vec<Entry>)> {
    // Opened as a store, a PKCS#12 file is judged as one: a wrong
    // password is exit 6, a malformed file is damaged (exit 5). The
    // reader's errors name no file here: every one that would is mapped.
    let contents = pki::pkcs12::parse(bytes, password, Path::new("")).map_err(|e| match e {
        Error::InputPassword { .. } => CodecError::store(Fault::WrongPassword),
        Error::BadInput { detail, .. } => CodecError::payload(
            Part::Store,
            crate::error::Damage::PayloadEncoding { detail },
        ),
        Error::KdfWorkRefused { over, .. } => CodecError::store(Fault::KdfWorkRefused(over)),
        other => CodecError::from(other),
    })?;
    // A friendly name that cannot be a label (control characters, too
    // long) gives way to one derived from the certificate, as on import.
    let label = |name: Option<String>, cert: &[u8], prefix: &str| {
        name.filter(|n| super::label_problem(n).is_none())
            .unwrap_or_else(|| super::import::derived_label(cert, prefix))
    };
    let mut entries = Vec::new();
    for (name, cert) in contents.certificates {
        let label = label(name, &cert, "signer");
        entries.push(Entry::signer(label, cert).with_created(0));
    }
    for k in contents.keys {
        let leaf = k.chain.first().cloned().unwrap_or_default();
        let label = label(k.friendly_name, &leaf, "key");
        entries.push(Entry::personal(label, k.chain, k.key).with_created(0));
    }
    Ok((State::new(password), entries))
}

/// The file bytes for `entries` (requests cannot be held: refused).
pub fn encode_entries(state: &State, entries: &[Entry]) -> CodecResult<Vec<u8>> {
    if let Some(r) = entries.iter().find(|e| e.kind() == EntryKind::Request) {
        return Err(CodecError::store(Fault::Unsupported {
            what: "hold a certificate request",
            why: format!(
                "PKCS#12 has no place for the pending request `{}`",
                r.label()
            ),
            remedy: crate::error::Remedy::KeepRequestsElsewhere,
        }));
    }
    let mut keys: Vec<(&str, &crate::secret::PrivateKey, &[Vec<u8>])> = Vec::new();
    for e in entries {
        // Keys copied from a CMS store may still be sealed: a damaged one
        // stops the write rather than being left out.
        if let Some(k) = e.key()? {
            keys.push((e.label(), k, e.certificates()));
        }
    }
    let certs: Vec<(&str, &[u8])> = entries
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer)
        .filter_map(|e| Some((e.label(), e.certificate()?)))
        .collect();
    Ok(
        pki::pkcs12::write(&keys, &certs, &state.password, pki::pkcs12::Profile::Modern)
            .map(|z| z.to_vec())?,
    )
}

/// PKCS#12 as a [`Codec`].
pub struct Pkcs12Codec;

/// The PKCS#12 codec, as the registry lists it.
pub static CODEC: Pkcs12Codec = Pkcs12Codec;

/// What PKCS#12 is called and can hold.
static FACTS: Facts = Facts {
    name: "pkcs12",
    aliases: &["p12"],
    gsk_names: &["pkcs12", "p12", "pfx"],
    help: "A PKCS#12 file",
    extensions: &["p12", "pfx"],
    companions: &[],
    versions: &[3],
    title: "PKCS#12",
    supports: Supports {
        requests: false,
        default_mark: DefaultMark::Absent,
        password_expiry: false,
        kdf: false,
        whole_chains: true,
        bound_stash: false,
    },
};

impl Codec for Pkcs12Codec {
    fn facts(&self) -> &'static Facts {
        &FACTS
    }
    fn describe(&self, _version: u16) -> String {
        "PKCS#12".into()
    }
    fn sniff(&self, bytes: &[u8]) -> Option<FileKind> {
        crate::store::magic::looks_pkcs12(bytes).then_some(FileKind::Pkcs12)
    }
    fn claims(&self, kind: &FileKind) -> Option<u16> {
        matches!(kind, FileKind::Pkcs12).then_some(3)
    }
    fn check(&self, _bytes: &[u8], _strict: bool) -> CodecResult<Option<HeaderInfo>> {
        Ok(None)
    }
    fn create(&self, new: &NewStore, password: &Password) -> CodecResult<Box<dyn Model>> {
        if new.password_expires.is_some() {
            return Err(CodecError::store(Fault::Unsupported {
                what: "expire its password",
                why: "PKCS#12 has no password expiry".into(),
                remedy: crate::error::Remedy::LeaveOutExpiry { or_cms: true },
            }));
        }
        Ok(Box::new(State::new(password)))
    }
    fn decode(&self, bytes: &[u8], _: Companions, key: Key<'_>) -> CodecResult<Decoded> {
        match decode(bytes, key.password()) {
            Ok((state, entries)) => Ok(Decoded::Opened {
                model: Box::new(state),
                entries,
            }),
            Err(CodecError {
                fault: Fault::WrongPassword,
                ..
            }) => Ok(if key.is_stash() {
                Decoded::Stash(StashProblem::StaleOrForeign)
            } else {
                Decoded::WrongPassword
            }),
            Err(e) => Err(e),
        }
    }
}

impl Model for State {
    fn codec(&self) -> &'static dyn Codec {
        &CODEC
    }
    fn version(&self) -> u16 {
        3
    }
    fn encode(&mut self, entries: &[Entry]) -> CodecResult<Encoded> {
        Ok(Encoded {
            store: encode_entries(self, entries)?,
            companions: Vec::new(),
        })
    }
    fn change_password(
        &mut self,
        new: &Password,
        kdf: Option<Kdf>,
        password_expires: Option<i64>,
    ) -> CodecResult<()> {
        if password_expires.is_some() || kdf.is_some() {
            return Err(CodecError::from(Error::Usage {
                detail: "a PKCS#12 store has neither a password expiry nor a kdbman KDF".into(),
            }));
        }
        self.password = new.clone();
        Ok(())
    }
    fn stash_format(&self) -> StashFormat {
        StashFormat::Gskit(gskit::Version::V2)
    }
    fn stash_problem(&self, format: &StashFormat, password: &Password) -> Option<StashProblem> {
        match format {
            StashFormat::Kdbman { .. } => Some(StashProblem::Foreign),
            StashFormat::Gskit(_) => (self.password.as_bytes() != password.as_bytes())
                .then_some(StashProblem::StaleOrForeign),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
