//! xrdp in the foreground on a free loopback port (peer-lab §1a).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::certs::TestCert;
use crate::netns::NetNs;
use crate::process::{
    free_port_on, require_binary, try_wait_for_addr, ServerProcess, START_ATTEMPTS,
};

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

/// Where xrdp listens: IPv4 or IPv6 loopback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// `tcp://127.0.0.1:PORT`
    V4,
    /// `tcp6://{::1}:PORT` (peer-lab §1a: IPv6 works)
    V6,
}

impl Listen {
    pub fn ip(self) -> IpAddr {
        match self {
            Listen::V4 => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Listen::V6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
        }
    }

    /// xrdp's `port=` value for this address and `port`.
    pub fn ini_value(self, port: u16) -> String {
        match self {
            Listen::V4 => format!("tcp://127.0.0.1:{port}"),
            Listen::V6 => format!("tcp6://{{::1}}:{port}"),
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
    /// The address it listens on: `127.0.0.1` or `::1`; pass it as the probe's host.
    pub host: String,
    dir: TempDir,
}

const SYSTEM_INI: &str = "/etc/xrdp/xrdp.ini";

/// Settings the harness itself manages (the logging ones live in [Logging]).
const MANAGED: [&str; 6] = [
    "security_layer",
    "certificate",
    "key_file",
    "LogFile",
    "EnableSyslog",
    "LogLevel",
];

/// What to change in the system xrdp.ini.
#[derive(Debug, Clone, Copy)]
pub struct IniChanges<'a> {
    /// The first `port=3389` line becomes `port=<listen>` (e.g. `tcp://127.0.0.1:33891`).
    pub listen: &'a str,
    pub layer: SecurityLayer,
    pub cert: &'a str,
    pub key: &'a str,
    pub log: &'a str,
    /// Extra `key=value` settings for [Globals]: an existing (uncommented) `key=` line in
    /// [Globals] is replaced, otherwise the line is added at the end of [Globals]. They win over
    /// the harness's own [Globals] settings (`security_layer`, `certificate`, `key_file`); the
    /// listener is set with `listen`, never here.
    pub extra: &'a [(&'a str, &'a str)],
}

/// The key of an `key=value` line, if it is one (comments start with `;` or `#`).
fn setting_key(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with(';') || t.starts_with('#') || t.starts_with('[') {
        return None;
    }
    t.split_once('=').map(|(k, _)| k.trim())
}

/// The system xrdp.ini with only the listener, security layer, certificate, logging and the
/// `extra` [Globals] settings changed.
pub fn xrdp_ini(system_ini: &str, changes: &IniChanges<'_>) -> String {
    for (key, _) in changes.extra {
        assert!(
            *key != "port",
            "set the listener with IniChanges::listen, not an extra `port=`"
        );
        assert!(
            !key.is_empty() && !key.contains(['=', '\n', '[']),
            "bad xrdp.ini key {key:?}"
        );
    }
    let extra_value = |key: &str| {
        changes
            .extra
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    };
    let mut out = String::with_capacity(system_ini.len() + 512);
    let mut port_done = false;
    let mut seen = [false; MANAGED.len()];
    let mut extra_done = vec![false; changes.extra.len()];
    let mut section = String::new();
    let mut globals_closed = false;
    let push_missing_extras = |out: &mut String, done: &mut Vec<bool>| {
        for (i, (key, value)) in changes.extra.iter().enumerate() {
            let later_duplicate = changes.extra[i + 1..].iter().any(|(k, _)| k == key);
            if !done[i] && !later_duplicate {
                out.push_str(&format!("{key}={value}\n"));
            }
            done[i] = true;
        }
    };
    for line in system_ini.lines() {
        if let Some(name) = line
            .trim()
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
        {
            if section == "Globals" && !globals_closed {
                push_missing_extras(&mut out, &mut extra_done);
                globals_closed = true;
            }
            section = name.to_string();
        }
        let in_globals = section == "Globals";
        let key = setting_key(line).filter(|_| in_globals);
        let replaced = if !port_done && line.trim_end() == "port=3389" {
            // Only the first one: [Xorg]/[Xvnc]/… have port= lines of their own.
            port_done = true;
            format!("port={}", changes.listen)
        } else if let Some((key, value)) = key.and_then(|k| extra_value(k).map(|v| (k, v))) {
            for (i, (k, _)) in changes.extra.iter().enumerate() {
                if *k == key {
                    extra_done[i] = true;
                }
            }
            if let Some(i) = MANAGED.iter().position(|m| *m == key) {
                seen[i] = true;
            }
            format!("{key}={value}")
        } else if line.starts_with("security_layer=") {
            seen[0] = true;
            format!("security_layer={}", changes.layer.ini_value())
        } else if line.starts_with("certificate=") {
            seen[1] = true;
            format!("certificate={}", changes.cert)
        } else if line.starts_with("key_file=") {
            seen[2] = true;
            format!("key_file={}", changes.key)
        } else if line.starts_with("LogFile=") {
            seen[3] = true;
            format!("LogFile={}", changes.log)
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
    if section == "Globals" && !globals_closed {
        push_missing_extras(&mut out, &mut extra_done);
        globals_closed = true;
    }
    assert!(globals_closed, "{SYSTEM_INI} has no [Globals] section");
    assert!(port_done, "{SYSTEM_INI} has no `port=3389` line to replace");
    for (name, ok) in MANAGED.iter().zip(seen) {
        assert!(ok, "{SYSTEM_INI} has no `{name}=` line to replace");
    }
    out
}

impl Xrdp {
    /// Start xrdp with `layer` and `cert` on 127.0.0.1; returns once the port accepts connections.
    pub fn start(layer: SecurityLayer, cert: &TestCert) -> Xrdp {
        Xrdp::start_full(layer, cert, &[], Listen::V4)
    }

    /// Like [`Xrdp::start`], with extra [Globals] settings, e.g.
    /// `&[("ssl_protocols", "TLSv1"), ("tls_ciphers", "ALL:@SECLEVEL=0")]`.
    pub fn start_with(layer: SecurityLayer, cert: &TestCert, extra: &[(&str, &str)]) -> Xrdp {
        Xrdp::start_full(layer, cert, extra, Listen::V4)
    }

    /// Start xrdp on `listen` (IPv4 or IPv6 loopback) with extra [Globals] settings.
    pub fn start_full(
        layer: SecurityLayer,
        cert: &TestCert,
        extra: &[(&str, &str)],
        listen: Listen,
    ) -> Xrdp {
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
        let (cert_s, key_s, log_s) = (
            cert_path.to_string_lossy(),
            key_path.to_string_lossy(),
            log.to_string_lossy(),
        );
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port_on(listen.ip());
            let listen_value = listen.ini_value(port);
            let ini = xrdp_ini(
                &system_ini,
                &IniChanges {
                    listen: &listen_value,
                    layer,
                    cert: &cert_s,
                    key: &key_s,
                    log: &log_s,
                    extra,
                },
            );
            std::fs::write(&ini_path, ini).expect("write xrdp.ini");

            let mut cmd = Command::new(&binary);
            cmd.arg("--nodaemon")
                .arg("--config")
                .arg(&ini_path)
                .current_dir(dir.path());
            let stdout_log = dir.path().join(format!("stdout-{attempt}.log"));
            let mut process = ServerProcess::spawn("xrdp", cmd, &stdout_log);
            let addr = SocketAddr::new(listen.ip(), port);
            match try_wait_for_addr(addr, Duration::from_secs(5), &mut process) {
                Ok(()) => {
                    return Xrdp {
                        process,
                        port,
                        layer,
                        host: listen.ip().to_string(),
                        dir,
                    }
                }
                Err(why) => {
                    let xrdp_log = std::fs::read_to_string(&log).unwrap_or_default();
                    last_error = format!("{why}\nxrdp.log:\n{xrdp_log}");
                    eprintln!("xrdp start attempt {attempt} on {addr} failed: {last_error}");
                }
            }
        }
        panic!("xrdp did not start in {START_ATTEMPTS} attempts; last error: {last_error}");
    }

    /// xrdp inside the network namespace `ns`, on every IPv4 address there at `port`
    /// (`tcp://:PORT`); returns once `ready` (an address of the namespace) accepts connections.
    /// `host` is `ready`'s IP.
    pub fn start_in(
        ns: &NetNs,
        layer: SecurityLayer,
        cert: &TestCert,
        port: u16,
        ready: IpAddr,
    ) -> Xrdp {
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
        let ini = xrdp_ini(
            &system_ini,
            &IniChanges {
                listen: &format!("tcp://:{port}"),
                layer,
                cert: &cert_path.to_string_lossy(),
                key: &key_path.to_string_lossy(),
                log: &log.to_string_lossy(),
                extra: &[],
            },
        );
        std::fs::write(&ini_path, ini).expect("write xrdp.ini");
        let mut cmd = ns.command(&binary);
        cmd.arg("--nodaemon")
            .arg("--config")
            .arg(&ini_path)
            .current_dir(dir.path());
        let mut process = ServerProcess::spawn("xrdp", cmd, &dir.path().join("stdout.log"));
        if let Err(why) = ns.wait_for(
            SocketAddr::new(ready, port),
            Duration::from_secs(10),
            &mut process,
        ) {
            let xrdp_log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "xrdp did not start in {}: {why}\nxrdp.log:\n{xrdp_log}",
                ns.name()
            );
        }
        Xrdp {
            process,
            port,
            layer,
            host: ready.to_string(),
            dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The xrdp.ini this server runs with.
    pub fn ini(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("xrdp.ini")).unwrap_or_default()
    }

    /// xrdp's own log file (LogFile=) plus its stdout/stderr.
    pub fn logs(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("xrdp.log")).unwrap_or_default();
        format!("{log}\n--- stdout/stderr ---\n{}", self.process.output())
    }
}
