//! Starting servers in tests: the port a `kdbman serve` child listens on.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::time::{Duration, Instant};

/// The port of `kdbman serve`'s `listening on https://127.0.0.1:PORT`
/// line on the child's (piped) standard output, read within 60 seconds;
/// None, with the child killed and reaped, if it did not come (the caller
/// panics with what it knows). Later output is drained so the server
/// never blocks on a full pipe.
pub fn listening_port(child: &mut Child) -> Option<u16> {
    let out = child.stdout.take().expect("serve's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        if let Some(rest) = line.strip_prefix("listening on https://127.0.0.1:") {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return Some(port.parse().unwrap());
        }
    }
}
