//! Child processes in their own process group, free ports, readiness polling, binary lookup,
//! and killing the groups when the program is interrupted.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

/// A free TCP port on 127.0.0.1: bind port 0, read the port, drop the listener.
pub fn free_port() -> u16 {
    free_port_on(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// A free TCP port on `ip` (e.g. `::1`): bind port 0, read the port, drop the listener.
pub fn free_port_on(ip: IpAddr) -> u16 {
    let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip} port 0: {e}"));
    listener.local_addr().expect("local_addr").port()
}

/// A loopback TCP port nothing listens on (bind port 0, drop): connects are refused.
pub fn closed_port() -> u16 {
    free_port()
}

/// Directories searched besides `$PATH` (cargo test may run without the sbin directories).
const EXTRA_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Full path of `binary`, or a panic telling which Debian package provides it.
pub fn require_binary(binary: &str, apt_package: &str) -> PathBuf {
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path_var).chain(EXTRA_DIRS.iter().map(PathBuf::from));
    for dir in dirs {
        let candidate = dir.join(binary);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "lab binary `{binary}` not found (searched $PATH and {EXTRA_DIRS:?}). \
         Install it: apt-get install -y --no-install-recommends {apt_package}"
    );
}

/// A server child process, leader of its own process group. Drop sends SIGKILL to the whole
/// group (xrdp's per-connection children ignore SIGTERM) and waits for the leader.
#[derive(Debug)]
pub struct ServerProcess {
    name: String,
    child: Child,
    log: PathBuf,
}

impl ServerProcess {
    /// Spawn `cmd` with stdin from /dev/null and stdout+stderr appended to `log`.
    pub fn spawn(name: &str, mut cmd: Command, log: &Path) -> ServerProcess {
        let out = File::create(log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let err = out.try_clone().expect("clone log file handle");
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}"));
        ServerProcess {
            name: name.to_string(),
            child,
            log: log.to_path_buf(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to stdout/stderr so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panic (with the server's output) if the server has exited.
    pub fn assert_running(&mut self) {
        if let Some(why) = self.exited() {
            panic!("{why}");
        }
    }

    /// If the server has exited: that it did, with its status and output.
    pub fn exit_status(&mut self) -> Option<String> {
        self.exited()
    }

    fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        Some(format!(
            "{} (pid {}) exited early with {status}; its output ({}):\n{}",
            self.name,
            self.child.id(),
            self.log.display(),
            self.output()
        ))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(pgid) = i32::try_from(self.child.id()) {
            // ESRCH when the group is already gone: nothing to do.
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
        let _ = self.child.wait();
        // SIGKILL is delivered asynchronously: wait (bounded) until no live member of the group
        // is left, so a test that ends right after the drop leaves nothing running.
        let deadline = Instant::now() + Duration::from_secs(3);
        while !processes_in_group(self.child.id()).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Live (not zombie) processes whose process group is `pgid`, from /proc/<pid>/stat.
pub fn processes_in_group(pgid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp …": comm may hold spaces, so split after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let in_group = fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid);
        if in_group && fields.first() != Some(&"Z") {
            out.push(pid);
        }
    }
    out
}

/// Wait until something accepts TCP connections on 127.0.0.1:`port`. Each attempt connects and
/// drops the connection at once (no half-open connections left behind). Panics after `timeout`,
/// or at once when `server` has exited, with the server's output.
pub fn wait_for_port(port: u16, timeout: Duration, server: Option<&mut ServerProcess>) {
    let result = match server {
        Some(s) => try_wait_for_port(port, timeout, s),
        None => poll_addr(
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            timeout,
            || None,
        ),
    };
    if let Err(why) = result {
        panic!("{why}");
    }
}

/// Like [`wait_for_port`] but returns why the server is not ready (it exited, or nothing
/// listens after `timeout`), with its output, so the caller can retry on another port.
pub fn try_wait_for_port(
    port: u16,
    timeout: Duration,
    server: &mut ServerProcess,
) -> Result<(), String> {
    try_wait_for_addr(
        SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        timeout,
        server,
    )
}

/// [`try_wait_for_port`] for any address (IPv6 loopback included).
pub fn try_wait_for_addr(
    addr: SocketAddr,
    timeout: Duration,
    server: &mut ServerProcess,
) -> Result<(), String> {
    poll_addr(addr, timeout, || server.exited())
        .map_err(|why| format!("{why}\nserver output:\n{}", server.output()))
}

fn poll_addr(
    addr: SocketAddr,
    timeout: Duration,
    mut exited: impl FnMut() -> Option<String>,
) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if let Some(why) = exited() {
            return Err(why);
        }
        if let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(250)) {
            drop(stream);
            // Someone listens; make sure it is not another server while ours died on bind.
            return match exited() {
                Some(why) => Err(why),
                None => Ok(()),
            };
        }
        if start.elapsed() > timeout {
            return Err(format!("nothing listens on {addr} after {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many times a server start is tried, each on a fresh port: between `free_port` dropping
/// its listener and the server binding, another socket (a parallel test's, or an outgoing
/// connection's ephemeral port) may take the port.
pub const START_ATTEMPTS: usize = 3;

// ---------------------------------------------------------------------------------------------
// Interrupts. The benchmark binaries' servers lead their own process groups, so a Ctrl-C on the
// terminal does not reach them: the groups registered here are killed when the program is.

/// Process groups to kill on SIGINT/SIGTERM/SIGHUP. Lock-free so the signal thread can read it;
/// normal exit and panics stop the servers through `Drop`.
static INTERRUPT_GROUPS: [AtomicI32; 8] = [const { AtomicI32::new(0) }; 8];

/// Set by the signal thread: loops stop and `main` cleans up.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether SIGINT, SIGTERM or SIGHUP arrived since [`install_interrupt_guard`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Kill process group `pgid` (a group leader's pid) if the program is interrupted. Panics when
/// more groups than the table holds are registered.
pub fn kill_on_interrupt(pgid: u32) {
    let pgid = i32::try_from(pgid).expect("pid fits in i32");
    let slot = INTERRUPT_GROUPS.iter().find(|s| {
        s.compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    });
    assert!(
        slot.is_some(),
        "more process groups than INTERRUPT_GROUPS slots"
    );
}

/// Undo [`kill_on_interrupt`]: the group is gone (its owner stopped it).
pub fn forget_on_interrupt(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    for slot in &INTERRUPT_GROUPS {
        let _ = slot.compare_exchange(pgid, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// On SIGINT/SIGTERM/SIGHUP: mark the program [`interrupted`], SIGKILL every registered group at
/// once (a tool in flight then ends quickly), print `{program}: interrupted, {what} stopped`, let
/// `main` stop and drop everything (scratch dirs included), and exit 130 if it has not within
/// 10 s. The handlers are installed before this returns, so before any server starts. A thread
/// with its own small runtime waits for the signals, so this works under a sync or an async
/// `main`; tokio installs handlers and blocks nothing, so children start with normal signal
/// dispositions. An Xvfb shared through its watchdog sees its pipe close when the program exits
/// and stops itself.
pub fn install_interrupt_guard(program: &'static str, what: &'static str) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let _ = ready_tx.send(Err(format!("no runtime: {e}")));
                return;
            }
        };
        runtime.block_on(async move {
            let mut streams = Vec::new();
            for kind in [
                SignalKind::interrupt(),
                SignalKind::terminate(),
                SignalKind::hangup(),
            ] {
                match signal(kind) {
                    Ok(s) => streams.push(s),
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot handle {kind:?}: {e}")));
                        return;
                    }
                }
            }
            let _ = ready_tx.send(Ok(()));
            let [int, term, hup] = &mut streams[..] else {
                return;
            };
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            INTERRUPTED.store(true, Ordering::SeqCst);
            for slot in &INTERRUPT_GROUPS {
                let pgid = slot.load(Ordering::SeqCst);
                if pgid > 0 {
                    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
                }
            }
            eprintln!("{program}: interrupted, {what} stopped");
            tokio::time::sleep(Duration::from_secs(10)).await;
            std::process::exit(130);
        });
    });
    match ready_rx.recv() {
        Ok(result) => result,
        Err(_) => Err("signal thread died".to_string()),
    }
}
