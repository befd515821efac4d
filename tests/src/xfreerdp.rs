//! A real client as the oracle: `xfreerdp +auth-only` (FreeRDP 2.11, Debian `freerdp2-x11`, on
//! OpenSSL 3) against a lab server, to hold rdpcheck's `freerdp` verdict entry to what the real
//! client does (peer-lab §2: usage and exit codes).
//!
//! `+auth-only` runs the connection up to authentication and stops: on a server without NLA
//! that is the whole connection sequence (MCS, licensing, capabilities) up to the active state,
//! exit 0; on an NLA server with the wrong credentials (`/u:x /p:y`) the NTLM exchange runs to the
//! AUTHENTICATE message and the server drops the connection, exit 147
//! (ERRCONNECT_CONNECT_TRANSPORT_FAILED). For rdpcheck's purpose — transport and security layers
//! work, the next step is the user's password — reaching that credential check counts as getting
//! through; it is recognised in the debug log (the client answered the server's CHALLENGE).
//!
//! Each run has its own HOME (FreeRDP's known-hosts and config), runs under the lab's shared
//! Xvfb (xfreerdp needs a display even with `+auth-only`), in its own process group, and is
//! killed at its deadline or when dropped.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::process::require_binary;
use crate::shadow::shared_display;

/// How long one client run may take (it needs 0.7–1.8 s on the lab machine).
pub const DEADLINE: Duration = Duration::from_secs(8);

/// What the real client did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the whole connection (no NLA) or NLA with accepted credentials.
    Connected,
    /// NLA ran up to the credential check and the server refused the (wrong) credentials.
    ReachedCredentialCheck,
    /// It stopped earlier: the exit status and the FreeRDP error names in its log.
    Failed { status: i32, errors: Vec<String> },
    /// Still running at the deadline (killed).
    TimedOut,
}

impl Outcome {
    /// Got through the transport and security layers to the logon.
    pub fn reached_logon(&self) -> bool {
        matches!(self, Outcome::Connected | Outcome::ReachedCredentialCheck)
    }
}

/// One run: what happened, the log, how long it took.
#[derive(Debug, Clone)]
pub struct Run {
    pub outcome: Outcome,
    pub log: String,
    pub elapsed: Duration,
}

/// Kills the client's process group if it outlives its run.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pgid) = i32::try_from(self.0.id()) {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// `xfreerdp /v:127.0.0.1:PORT /cert:ignore +auth-only /u:USER /p:PASSWORD`, bounded by
/// [`DEADLINE`]. Blocking: call it from `spawn_blocking` in async tests.
pub fn run(port: u16, user: &str, password: &str) -> Run {
    let binary = require_binary("xfreerdp", "freerdp2-x11");
    let display = shared_display();
    let home = tempfile::Builder::new()
        .prefix("rdpcheck-xfreerdp-")
        .tempdir()
        .expect("scratch HOME");
    let log_path = home.path().join("xfreerdp.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let err = log.try_clone().expect("log handle");
    let start = Instant::now();
    let child = Command::new(binary)
        .arg(format!("/v:127.0.0.1:{port}"))
        .arg("/cert:ignore")
        .arg("+auth-only")
        .arg(format!("/u:{user}"))
        .arg(format!("/p:{password}"))
        .arg("/log-level:DEBUG")
        .env("DISPLAY", format!(":{display}"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .current_dir(home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(err))
        .process_group(0)
        .spawn()
        .expect("start xfreerdp");
    let mut group = Group(child);
    let status = loop {
        match group.0.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > DEADLINE => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for xfreerdp: {e}"),
        }
    };
    let elapsed = start.elapsed();
    drop(group);
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let outcome = match status.map(|s| s.code()) {
        None => Outcome::TimedOut,
        Some(Some(0)) => Outcome::Connected,
        Some(code) => {
            let status = code.unwrap_or(-1);
            if status == 147 && answered_the_challenge(&log) {
                Outcome::ReachedCredentialCheck
            } else {
                Outcome::Failed {
                    status,
                    errors: error_names(&log),
                }
            }
        }
    };
    Run {
        outcome,
        log,
        elapsed,
    }
}

/// The client got the server's NTLM CHALLENGE and answered it: NLA reached the credentials.
fn answered_the_challenge(log: &str) -> bool {
    log.contains("NTLM_STATE_AUTHENTICATE")
}

/// The FreeRDP error names (`ERRCONNECT_…`, `ERRINFO_…`) in the log, first seen first.
fn error_names(log: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in log.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let wanted = (word.starts_with("ERRCONNECT_") || word.starts_with("ERRINFO_"))
            && word != "ERRCONNECT_CONNECT_CANCELLED";
        if wanted && !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_and_the_nla_mark() {
        let log = "[ERROR][com.freerdp.core] - transport_connect_tls:freerdp_set_last_error_ex ERRCONNECT_TLS_CONNECT_FAILED [0x00020008]\n\
                   ... ERRCONNECT_CONNECT_CANCELLED ... ERRCONNECT_TLS_CONNECT_FAILED";
        assert_eq!(error_names(log), ["ERRCONNECT_TLS_CONNECT_FAILED"]);
        assert!(answered_the_challenge(
            "change state from NTLM_STATE_CHALLENGE to NTLM_STATE_AUTHENTICATE"
        ));
        assert!(Outcome::ReachedCredentialCheck.reached_logon());
        assert!(!Outcome::TimedOut.reached_logon());
    }
}
