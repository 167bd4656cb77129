#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kdbman_serve::fuzzing::http_head(data);
});
