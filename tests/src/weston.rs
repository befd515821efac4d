//! weston 10's RDP backend (FreeRDP 2.11), headless, on a free loopback port (peer-lab §1c): a
//! server that serves one connection at a time (it accepts TLS with a blocking call).
//!
//! `kiosk-shell` and no input method: with the default desktop-shell weston quits after the
//! first client disconnects. No NLA in weston 10.

use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::certs::TestCert;
use crate::process::{free_port, require_binary, try_wait_for_port, ServerProcess, START_ATTEMPTS};

/// What weston is given: a TLS certificate (TLS and standard RDP security offered) or only the
/// standard-RDP-security key (`--rdp4-key`: RDP only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WestonSec {
    Tls,
    RdpOnly,
}

/// A running weston with the RDP backend. Killed on drop.
#[derive(Debug)]
pub struct Weston {
    // Field order matters: the process goes before its scratch dir.
    process: ServerProcess,
    pub port: u16,
    pub sec: WestonSec,
    _dir: TempDir,
}

const INI: &str = "[core]\nidle-time=0\nrequire-input=false\n\n[input-method]\npath=\n";

impl Weston {
    pub fn start(sec: WestonSec, cert: &TestCert) -> Weston {
        let binary = require_binary("weston", "weston");
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-weston-")
            .tempdir()
            .expect("scratch dir");
        let (cert_path, key_path) = cert.write_pem(dir.path());
        let ini = dir.path().join("weston.ini");
        std::fs::write(&ini, INI).expect("write weston.ini");
        let runtime = dir.path().join("xdg");
        std::fs::create_dir(&runtime).expect("runtime dir");
        set_private(&runtime);
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let mut cmd = Command::new(&binary);
            cmd.arg("--backend=rdp-backend.so")
                .arg(format!("--config={}", ini.display()))
                .arg("--shell=kiosk-shell.so")
                .arg("--address=127.0.0.1")
                .arg(format!("--port={port}"))
                .arg("--width=800")
                .arg("--height=600")
                .arg(format!("--socket=wl-rdpcheck-{port}"))
                .env("XDG_RUNTIME_DIR", &runtime)
                .current_dir(dir.path());
            match sec {
                WestonSec::Tls => {
                    cmd.arg(format!("--rdp-tls-cert={}", cert_path.display()))
                        .arg(format!("--rdp-tls-key={}", key_path.display()));
                }
                WestonSec::RdpOnly => {
                    cmd.arg(format!("--rdp4-key={}", key_path.display()));
                }
            }
            let log = dir.path().join(format!("weston-{attempt}.log"));
            let mut process = ServerProcess::spawn("weston", cmd, &log);
            match try_wait_for_port(port, Duration::from_secs(10), &mut process) {
                Ok(()) => {
                    return Weston {
                        process,
                        port,
                        sec,
                        _dir: dir,
                    }
                }
                Err(why) => {
                    last_error = why;
                    eprintln!("weston start attempt {attempt} on port {port} failed: {last_error}");
                }
            }
        }
        panic!("weston did not start in {START_ATTEMPTS} attempts; last error: {last_error}");
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    pub fn logs(&self) -> String {
        self.process.output()
    }
}

/// weston refuses an XDG_RUNTIME_DIR that others can read.
fn set_private(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}
