//! xrdp in the foreground on a free loopback port (peer-lab §1a).

use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::certs::TestCert;
use crate::process::{free_port, require_binary, try_wait_for_port, ServerProcess, START_ATTEMPTS};

/// xrdp's `security_layer` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityLayer {
    Negotiate,
    Tls,
    Rdp,
}

impl SecurityLayer {
    fn ini_value(self) -> &'static str {
        match self {
            SecurityLayer::Negotiate => "negotiate",
            SecurityLayer::Tls => "tls",
            SecurityLayer::Rdp => "rdp",
        }
    }
}

/// A running `xrdp --nodaemon` with its own config, cert, log and port. Killed on drop.
#[derive(Debug)]
pub struct Xrdp {
    // Field order matters: the process goes before its scratch dir.
    process: ServerProcess,
    pub port: u16,
    pub layer: SecurityLayer,
    dir: TempDir,
}

const SYSTEM_INI: &str = "/etc/xrdp/xrdp.ini";

/// The system xrdp.ini with only the listener, security layer, certificate and logging changed.
pub fn xrdp_ini(
    system_ini: &str,
    port: u16,
    layer: SecurityLayer,
    cert: &str,
    key: &str,
    log: &str,
) -> String {
    let mut out = String::with_capacity(system_ini.len() + 256);
    let mut port_done = false;
    let mut seen = [false; 6];
    for line in system_ini.lines() {
        let replaced = if !port_done && line.trim_end() == "port=3389" {
            // Only the first one: [Xorg]/[Xvnc]/… have port= lines of their own.
            port_done = true;
            format!("port=tcp://127.0.0.1:{port}")
        } else if line.starts_with("security_layer=") {
            seen[0] = true;
            format!("security_layer={}", layer.ini_value())
        } else if line.starts_with("certificate=") {
            seen[1] = true;
            format!("certificate={cert}")
        } else if line.starts_with("key_file=") {
            seen[2] = true;
            format!("key_file={key}")
        } else if line.starts_with("LogFile=") {
            seen[3] = true;
            format!("LogFile={log}")
        } else if line.starts_with("EnableSyslog=") {
            seen[4] = true;
            "EnableSyslog=false".to_string()
        } else if line.starts_with("LogLevel=") {
            // DEBUG makes every connection child log each config item (slow X.224 replies).
            seen[5] = true;
            "LogLevel=INFO".to_string()
        } else {
            line.to_string()
        };
        out.push_str(&replaced);
        out.push('\n');
    }
    assert!(port_done, "{SYSTEM_INI} has no `port=3389` line to replace");
    let names = [
        "security_layer",
        "certificate",
        "key_file",
        "LogFile",
        "EnableSyslog",
        "LogLevel",
    ];
    for (name, ok) in names.iter().zip(seen) {
        assert!(ok, "{SYSTEM_INI} has no `{name}=` line to replace");
    }
    out
}

impl Xrdp {
    /// Start xrdp with `layer` and `cert`; returns once the port accepts connections.
    pub fn start(layer: SecurityLayer, cert: &TestCert) -> Xrdp {
        let binary = require_binary("xrdp", "xrdp");
        let system_ini = std::fs::read_to_string(SYSTEM_INI).unwrap_or_else(|e| {
            panic!(
                "cannot read {SYSTEM_INI} ({e}): apt-get install -y --no-install-recommends xrdp"
            )
        });
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-xrdp-")
            .tempdir()
            .expect("scratch dir");
        let (cert_path, key_path) = cert.write_pem(dir.path());
        let log = dir.path().join("xrdp.log");
        let ini_path = dir.path().join("xrdp.ini");
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let ini = xrdp_ini(
                &system_ini,
                port,
                layer,
                &cert_path.to_string_lossy(),
                &key_path.to_string_lossy(),
                &log.to_string_lossy(),
            );
            std::fs::write(&ini_path, ini).expect("write xrdp.ini");

            let mut cmd = Command::new(&binary);
            cmd.arg("--nodaemon")
                .arg("--config")
                .arg(&ini_path)
                .current_dir(dir.path());
            let stdout_log = dir.path().join(format!("stdout-{attempt}.log"));
            let mut process = ServerProcess::spawn("xrdp", cmd, &stdout_log);
            match try_wait_for_port(port, Duration::from_secs(5), &mut process) {
                Ok(()) => {
                    return Xrdp {
                        process,
                        port,
                        layer,
                        dir,
                    }
                }
                Err(why) => {
                    let xrdp_log = std::fs::read_to_string(&log).unwrap_or_default();
                    last_error = format!("{why}\nxrdp.log:\n{xrdp_log}");
                    eprintln!("xrdp start attempt {attempt} on port {port} failed: {last_error}");
                }
            }
        }
        panic!("xrdp did not start in {START_ATTEMPTS} attempts; last error: {last_error}");
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// xrdp's own log file (LogFile=) plus its stdout/stderr.
    pub fn logs(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("xrdp.log")).unwrap_or_default();
        format!("{log}\n--- stdout/stderr ---\n{}", self.process.output())
    }
}
