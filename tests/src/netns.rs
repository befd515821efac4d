//! Network namespaces of a test's own (needs root; research/network-lab.md: veth pairs work,
//! netem does not). [`NetNs`] is one namespace, deleted on drop — also when the test panics —
//! with helpers to run a program inside it (`ip netns exec`), to run a closure on a thread that
//! entered it (sockets made there belong to it), and to wait for a port inside it.
//!
//! [`TwoSites`] is the lab of the two-vantage tests: two namespaces joined by one veth pair,
//! "local" (the user's computer) at 10.213.0.1 and "relay" at 10.213.0.2 (a /30), and one more
//! address, [`TwoSites::SHARED`] (10.213.0.9), on the loopback device of *both*: each side
//! reaches its own host behind the same address, so a test can put a different server behind
//! it on each side. Nothing is changed in the machine's own namespace, and nothing is routed out.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sched::CloneFlags;

use crate::process::{require_binary, ServerProcess};

/// The prefix of every namespace these helpers make: `rdpv-<pid>-<n>-<role>`.
const PREFIX: &str = "rdpv-";

/// One network namespace, with its loopback up. Deleted (`ip netns del`) on drop.
#[derive(Debug)]
pub struct NetNs {
    name: String,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new(require_binary("ip", "iproute2"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {} {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Delete namespaces an earlier run left behind (killed before its drops ran): those whose
/// process is gone.
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir("/run/netns") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = ip(&["netns", "del", &name]);
        }
    }
}

impl NetNs {
    /// A new namespace named `rdpv-<pid>-<n>-<role>`; Err when namespaces cannot be made here
    /// (not root, no CAP_SYS_ADMIN, no iproute2).
    pub fn create(role: &str) -> Result<NetNs, String> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        sweep_stale();
        let name = format!(
            "{PREFIX}{}-{}-{role}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        ip(&["netns", "add", &name])?;
        let ns = NetNs { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `ip -n <ns> <args…>`.
    pub fn ip(&self, args: &[&str]) -> Result<(), String> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// `program` run inside the namespace (`ip netns exec <ns> program`); `ip` execs it, so the
    /// child's pid and process group are the program's.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut cmd = Command::new(require_binary("ip", "iproute2"));
        cmd.arg("netns").arg("exec").arg(&self.name).arg(program);
        cmd
    }

    /// Run `f` on a new thread that entered the namespace: the sockets it makes belong to the
    /// namespace for their whole life, whichever thread uses them afterwards.
    pub fn enter<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let file = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
            nix::sched::setns(file, CloneFlags::CLONE_NEWNET)
                .unwrap_or_else(|e| panic!("setns {path}: {e}"));
            f()
        })
        .join()
        .unwrap_or_else(|_| panic!("a thread inside {} panicked", self.name))
    }

    /// Whether something inside the namespace accepts TCP connections on `addr` now.
    pub fn accepts(&self, addr: SocketAddr) -> bool {
        self.enter(move || TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok())
    }

    /// Wait until `addr` accepts connections inside the namespace; Err (with the server's
    /// output) when `server` exits or `timeout` passes.
    pub fn wait_for(
        &self,
        addr: SocketAddr,
        timeout: Duration,
        server: &mut ServerProcess,
    ) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(why) = server.exit_status() {
                return Err(why);
            }
            if self.accepts(addr) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "nothing accepts connections on {addr} in {} after {timeout:?}; output:\n{}",
                    self.name,
                    server.output()
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl NetNs {
    /// A file that programs started with [`NetNs::command`] see as `/etc/<file>` (iproute2 binds
    /// `/etc/netns/<ns>/<file>` over it), e.g. `hosts`: names that resolve only inside.
    /// Removed with the namespace.
    pub fn etc_file(&self, file: &str, contents: &str) -> Result<(), String> {
        let dir = std::path::Path::new("/etc/netns").join(&self.name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let path = dir.join(file);
        std::fs::write(&path, contents).map_err(|e| format!("write {}: {e}", path.display()))
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let etc = std::path::Path::new("/etc/netns").join(&self.name);
        if etc.exists() {
            let _ = std::fs::remove_dir_all(&etc);
        }
        if let Err(e) = ip(&["netns", "del", &self.name]) {
            eprintln!("cannot delete network namespace {}: {e}", self.name);
        }
    }
}

/// Two sites joined by a veth pair, each with [`TwoSites::SHARED`] on its own loopback.
#[derive(Debug)]
pub struct TwoSites {
    /// The user's computer.
    pub local: NetNs,
    /// Where the relay runs.
    pub relay: NetNs,
}

impl TwoSites {
    /// The local end of the veth pair.
    pub const LOCAL_ADDR: Ipv4Addr = Ipv4Addr::new(10, 213, 0, 1);
    /// The relay's end of the veth pair.
    pub const RELAY_ADDR: Ipv4Addr = Ipv4Addr::new(10, 213, 0, 2);
    /// On both sites' loopback: one address, a different host behind it on each side.
    pub const SHARED: Ipv4Addr = Ipv4Addr::new(10, 213, 0, 9);

    /// Make both namespaces and the link; Err when this machine cannot (see [`NetNs::create`]).
    pub fn create() -> Result<TwoSites, String> {
        let local = NetNs::create("local")?;
        let relay = NetNs::create("relay")?;
        // Interface names are per namespace, but the pair is made in one call: keep them unique
        // (at most 15 characters).
        use std::sync::atomic::{AtomicU32, Ordering};
        static PAIRS: AtomicU32 = AtomicU32::new(0);
        let tag = format!(
            "{}{}",
            std::process::id() % 100_000,
            PAIRS.fetch_add(1, Ordering::SeqCst) % 100
        );
        let (l, r) = (format!("rdpv{tag}l"), format!("rdpv{tag}r"));
        ip(&[
            "link",
            "add",
            &l,
            "netns",
            local.name(),
            "type",
            "veth",
            "peer",
            "name",
            &r,
            "netns",
            relay.name(),
        ])?;
        for (ns, dev, addr) in [
            (&local, &l, Self::LOCAL_ADDR),
            (&relay, &r, Self::RELAY_ADDR),
        ] {
            ns.ip(&["addr", "add", &format!("{addr}/30"), "dev", dev])?;
            ns.ip(&["link", "set", dev, "up"])?;
            ns.ip(&["addr", "add", &format!("{}/32", Self::SHARED), "dev", "lo"])?;
        }
        let sites = TwoSites { local, relay };
        // The link is up when the relay's end answers a connect (refused is an answer).
        let deadline = Instant::now() + Duration::from_secs(5);
        let probe = SocketAddr::new(IpAddr::V4(Self::RELAY_ADDR), 9);
        while !sites.local.enter(move || {
            matches!(
                TcpStream::connect_timeout(&probe, Duration::from_millis(200)),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
            )
        }) {
            if Instant::now() > deadline {
                return Err("the veth link did not come up within 5 s".into());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Ok(sites)
    }
}
