//! Native store file: header frame and records (`format::parse`), then the
//! payload's DER entry list (`entry::decode`), as if the payload had
//! decrypted to these bytes. The KDF and AEAD in between are not fuzzed:
//! they run on authenticated data only.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kdbman::fuzzing::store(data);
});
