//! The impaired-link lab (issue 13): three network namespaces of the test's own — `probe`,
//! `middle`, `server` — joined by two veth pairs, with `impair-forwarder` in the middle bridging
//! the two at layer 2 and holding, dropping or cutting frames as an [`Impairment`] says. The
//! probe (10.216.0.1) and the server (10.216.0.2) share one /24, so the middle is their only
//! path; the middle itself has no address and its kernel forwards nothing.
//!
//! Offloads are off on all four veth ends: with them a veth hands the capture socket 64 KB
//! segments and unfinished checksums, which a re-sent raw frame cannot carry.
//!
//! Everything goes on drop (also on panic): the forwarder first, then the namespaces (which take
//! their veths with them).

mod impairment;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use impairment::{Impairment, Middlebox};

use crate::netns::NetNs;
use crate::process::{require_binary, ServerProcess};

#[derive(Debug)]
pub struct ImpairedLink {
    // Field order matters: the forwarder dies before its namespace goes.
    forwarder: Option<ServerProcess>,
    pub probe: NetNs,
    pub middle: NetNs,
    pub server: NetNs,
    dev_a: String,
    dev_b: String,
    binary: PathBuf,
    logs: tempfile::TempDir,
    starts: u64,
}

impl ImpairedLink {
    pub const PROBE_ADDR: Ipv4Addr = Ipv4Addr::new(10, 216, 0, 1);
    pub const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(10, 216, 0, 2);

    /// Make the three namespaces and both links, start `forwarder` (the impair-forwarder binary:
    /// `env!("CARGO_BIN_EXE_impair-forwarder")`) with `impairment`, and wait until the probe
    /// reaches the server's side. Err when this machine cannot (not root, no iproute2).
    pub fn create(forwarder: &Path, impairment: Impairment) -> Result<ImpairedLink, String> {
        let probe = NetNs::create("probe")?;
        let middle = NetNs::create("middle")?;
        let server = NetNs::create("server")?;
        for ns in [&probe, &middle, &server] {
            no_ipv6(ns);
        }
        use std::sync::atomic::{AtomicU32, Ordering};
        static LINKS: AtomicU32 = AtomicU32::new(0);
        // Unique names (at most 15 characters), as in netns.rs.
        let tag = format!(
            "{}{}",
            std::process::id() % 100_000,
            LINKS.fetch_add(1, Ordering::SeqCst) % 100
        );
        let (dev_p, dev_a, dev_b, dev_s) = (
            format!("imp{tag}p"),
            format!("imp{tag}a"),
            format!("imp{tag}b"),
            format!("imp{tag}s"),
        );
        veth(&probe, &dev_p, &middle, &dev_a)?;
        veth(&server, &dev_s, &middle, &dev_b)?;
        probe.ip(&[
            "addr",
            "add",
            &format!("{}/24", Self::PROBE_ADDR),
            "dev",
            &dev_p,
        ])?;
        server.ip(&[
            "addr",
            "add",
            &format!("{}/24", Self::SERVER_ADDR),
            "dev",
            &dev_s,
        ])?;
        for (ns, dev) in [
            (&probe, &dev_p),
            (&middle, &dev_a),
            (&middle, &dev_b),
            (&server, &dev_s),
        ] {
            no_offloads(ns, dev)?;
            ns.ip(&["link", "set", dev, "up"])?;
        }
        let logs = tempfile::Builder::new()
            .prefix("rdpcheck-impair-")
            .tempdir()
            .map_err(|e| format!("scratch dir: {e}"))?;
        let mut link = ImpairedLink {
            forwarder: None,
            probe,
            middle,
            server,
            dev_a,
            dev_b,
            binary: forwarder.to_path_buf(),
            logs,
            starts: 0,
        };
        link.set(impairment)?;
        link.wait_until_up()?;
        Ok(link)
    }

    /// Restart the forwarder with another impairment (frames in flight are lost).
    pub fn set(&mut self, impairment: Impairment) -> Result<(), String> {
        self.forwarder = None;
        self.starts += 1;
        let mut cmd = self.middle.command(&self.binary);
        cmd.args(impairment.args(&self.dev_a, &self.dev_b, self.starts));
        let log = self
            .logs
            .path()
            .join(format!("forwarder-{}.log", self.starts));
        let mut process = ServerProcess::spawn("impair-forwarder", cmd, &log);
        let deadline = Instant::now() + Duration::from_secs(5);
        while !process.output().contains("ready") {
            if let Some(why) = process.exit_status() {
                return Err(why);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "impair-forwarder not ready after 5 s:\n{}",
                    process.output()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.forwarder = Some(process);
        Ok(())
    }

    /// The running forwarder's process id.
    pub fn forwarder_pid(&self) -> Option<u32> {
        self.forwarder.as_ref().map(ServerProcess::pid)
    }

    /// The forwarder's output so far (errors, if any).
    pub fn forwarder_output(&self) -> String {
        self.forwarder
            .as_ref()
            .map(ServerProcess::output)
            .unwrap_or_default()
    }

    /// Up when a connect from the probe to a closed port on the server side is refused.
    fn wait_until_up(&self) -> Result<(), String> {
        let target = SocketAddr::new(IpAddr::V4(Self::SERVER_ADDR), 9);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.probe.enter(move || {
            matches!(
                TcpStream::connect_timeout(&target, Duration::from_millis(500)),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
            )
        }) {
            if Instant::now() > deadline {
                return Err(format!(
                    "the impaired link did not come up within 10 s; forwarder:\n{}",
                    self.forwarder_output()
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Ok(())
    }
}

fn veth(ns1: &NetNs, dev1: &str, ns2: &NetNs, dev2: &str) -> Result<(), String> {
    let ip = require_binary("ip", "iproute2");
    let args = [
        "link",
        "add",
        dev1,
        "netns",
        ns1.name(),
        "type",
        "veth",
        "peer",
        "name",
        dev2,
        "netns",
        ns2.name(),
    ];
    run(&ip, &args)
}

/// Segmentation, receive merging and checksum offload off (see the module comment).
fn no_offloads(ns: &NetNs, dev: &str) -> Result<(), String> {
    let ethtool = require_binary("ethtool", "ethtool");
    let mut cmd = ns.command(&ethtool);
    cmd.args([
        "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off", "rx", "off",
    ]);
    let out = cmd.output().map_err(|e| format!("ethtool: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ethtool -K {dev}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// No IPv6 in the lab: its neighbour discovery and router solicitations are noise on the link.
fn no_ipv6(ns: &NetNs) {
    ns.enter(|| {
        for conf in ["all", "default"] {
            let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{conf}/disable_ipv6"), "1");
        }
    });
}

fn run(program: &Path, args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
