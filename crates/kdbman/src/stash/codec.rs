//! The one shape of a stash format: bytes in, the format (with what binds
//! it to a store) and the password bytes out; format and password in,
//! bytes out. No path and no I/O: [`super::Stash`] reads and writes the
//! file and names it in errors. The registry is [`super::STASHES`].

use zeroize::Zeroizing;

use super::StashFormat;
use crate::error::StashProblem;

/// A stash file format.
pub trait StashCodec: Sync {
    /// The format's name (`kdbman`, `gskit`).
    fn name(&self) -> &'static str;
    /// Whether the bytes are this format's to decode (or to name as
    /// damaged), told by content.
    fn claims(&self, bytes: &[u8]) -> bool;
    /// The format and the password bytes, or what is wrong with them.
    fn decode(&self, bytes: &[u8]) -> Result<(StashFormat, Zeroizing<Vec<u8>>), StashProblem>;
    /// The bytes of a stash of `format` holding `password`, when `format`
    /// is this codec's (the caller has checked the password fits).
    fn encode(&self, format: &StashFormat, password: &[u8]) -> Option<Zeroizing<Vec<u8>>>;
    /// How `keydb details` names `format` (`kdbman v1`, `gskit v2`), when
    /// it is this codec's.
    fn describe(&self, format: &StashFormat) -> Option<String>;
    /// The longest password it holds, when `format` is this codec's.
    fn max_password(&self, format: &StashFormat) -> Option<usize>;
}
