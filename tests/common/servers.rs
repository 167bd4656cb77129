//! Starting servers in tests: a running `kdbman serve` with its log
//! ([`Serving`]).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `kdbman serve` child: its standard error collected as the
/// log, its standard output lines kept; stopped gracefully on drop
/// ([`super::stop_gracefully`]). The start-up shared by tests/serve.rs
/// and tests/serve_robust.rs, which add what they need around it.
pub struct Serving {
    pub child: Child,
    /// Every line of standard output so far.
    pub stdout: Arc<Mutex<Vec<String>>>,
    log: Arc<Mutex<String>>,
}

impl Serving {
    /// Spawns `cmd` (pipes are set here) and reads standard output lines
    /// until `ready` says it has seen what it needs (true); panics with
    /// the log if that takes more than 60 seconds or output ends first.
    pub fn start(mut cmd: Command, mut ready: impl FnMut(&str) -> bool) -> Serving {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("kdbman runs");
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let l = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                l.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let out = child.stdout.take().unwrap();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let s = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                s.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no readiness line; stderr: {}", log.lock().unwrap());
            };
            if ready(&line) {
                break;
            }
        }
        Serving { child, stdout, log }
    }

    /// [`Serving::start`] until the `listening on https://127.0.0.1:PORT`
    /// line; the server and its port.
    pub fn on_loopback(cmd: Command) -> (Serving, u16) {
        let mut port = 0;
        let serving = Serving::start(cmd, |line| {
            let Some(rest) = line.strip_prefix("listening on https://127.0.0.1:") else {
                return false;
            };
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            port = digits.parse().unwrap();
            true
        });
        (serving, port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log contains `needle`; false after `secs`.
    pub fn wait_log(&self, needle: &str, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Waits until a log line holds every needle; false after `secs`.
    pub fn wait_line(&self, needles: &[&str], secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if self
                .log()
                .lines()
                .any(|l| needles.iter().all(|n| l.contains(n)))
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Waits for the process to exit by itself; its status code.
    pub fn wait_exit(&mut self, secs: u64) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.child.try_wait() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Sends `sig` (`-TERM`, `-INT`) with kill(1), which must succeed.
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .args([sig, &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        super::stop_gracefully(&mut self.child);
    }
}
