//! The floor of opening a native store, for `benches/list_floor.sh`: read
//! the file, derive the key-encryption key with the header's KDF, check
//! the password, unwrap the data key and open the payload (one AES-256-GCM
//! pass), with nothing decoded. Prints the best wall time of RUNS runs in
//! seconds (this process, so no process start-up is counted: the script
//! adds the cost of starting a process, measured with `true`).
//!
//! `cargo run --release --example native_floor -- STORE PASSWORD [RUNS]`

use std::path::Path;
use std::time::Instant;

use kdbman::Password;
use kdbman::store::native::format;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: native_floor STORE PASSWORD [RUNS]");
    let pw = Password::new(args.next().expect("PASSWORD"));
    let runs: usize = args.next().map_or(5, |s| s.parse().expect("RUNS"));
    let path = Path::new(&path);
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let bytes = std::fs::read(path).expect("read");
        let parsed = format::parse(path, &bytes).expect("a native store");
        let kek = parsed.header.kdf.derive(&pw, &parsed.header.salt);
        assert!(format::password_matches(&parsed.header, &kek), "password");
        let key = format::unwrap_key(&parsed.header, &kek).expect("key wrap");
        let plain = format::open_payload(path, &parsed, &key).expect("payload");
        std::hint::black_box(plain.len());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{best:.4}");
}
