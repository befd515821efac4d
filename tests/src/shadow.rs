//! The FreeRDP shadow server (`freerdp-shadow-cli`) on a shared Xvfb (peer-lab §1b).

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::certs::TestCert;
use crate::netns::NetNs;
use crate::process::{free_port, require_binary, try_wait_for_port, ServerProcess, START_ATTEMPTS};

/// Which `/sec:` the shadow server runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShadowSec {
    Nla,
    Tls,
    Rdp,
}

impl ShadowSec {
    fn arg(self) -> &'static str {
        match self {
            ShadowSec::Nla => "/sec:nla",
            ShadowSec::Tls => "/sec:tls",
            ShadowSec::Rdp => "/sec:rdp",
        }
    }
}

/// The NLA user in the SAM file.
pub const LAB_USER: &str = "labuser";
pub const LAB_PASSWORD: &str = "LabPass1!";

/// What every shadow server needs before it starts: its binary, its certificate where it reads
/// it, the lab user's SAM file, the shared display.
struct Setup {
    binary: PathBuf,
    display: u32,
    cfg: PathBuf,
    sam_file: PathBuf,
    dir: TempDir,
}

impl Setup {
    fn new(cert: &TestCert) -> Setup {
        let binary = require_binary("freerdp-shadow-cli", "freerdp2-shadow-x11");
        let winpr_hash = require_binary("winpr-hash", "winpr-utils");
        let display = shared_display();
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-shadow-")
            .tempdir()
            .expect("scratch dir");
        let cfg = dir.path().join("cfg");
        // No CLI option for the certificate: it reads $XDG_CONFIG_HOME/freerdp/shadow/shadow.{crt,key}.
        cert.write_as(
            &cfg.join("freerdp").join("shadow"),
            "shadow.crt",
            "shadow.key",
        );
        let sam = Command::new(winpr_hash)
            .args(["-u", LAB_USER, "-p", LAB_PASSWORD, "-f", "sam"])
            .output()
            .expect("run winpr-hash");
        assert!(
            sam.status.success() && !sam.stdout.is_empty(),
            "winpr-hash failed: {}",
            String::from_utf8_lossy(&sam.stderr)
        );
        let sam_file = dir.path().join("sam.txt");
        std::fs::write(&sam_file, &sam.stdout).expect("write SAM file");
        Setup {
            binary,
            display,
            cfg,
            sam_file,
            dir,
        }
    }

    fn args(&self, cmd: &mut Command, sec: ShadowSec, bind: &str, port: u16) {
        cmd.arg(format!("/bind-address:{bind}"))
            .arg(format!("/port:{port}"))
            .arg(sec.arg())
            .arg(format!("/sam-file:{}", self.sam_file.display()))
            .env("DISPLAY", format!(":{}", self.display))
            .env("XDG_CONFIG_HOME", &self.cfg)
            .env("HOME", self.dir.path())
            .current_dir(self.dir.path());
    }

    fn into_shadow(self, process: ServerProcess, port: u16, sec: ShadowSec) -> Shadow {
        Shadow {
            process,
            port,
            sec,
            display: self.display,
            sam_file: self.sam_file,
            _dir: self.dir,
        }
    }
}

/// One Xvfb per test process, shared by every shadow server.
///
/// `-noreset`: by default an X server resets when its last client disconnects and refuses
/// connections meanwhile; with shadow servers coming and going in parallel tests, a new one
/// then fails with "failed to open display" now and then.
///
/// A static is never dropped, so Xvfb runs under a tiny `sh` watchdog that blocks on a pipe
/// from this process: when the test process exits (normally, by panic or by signal) the pipe
/// closes, `read` returns and the watchdog sends Xvfb SIGTERM (which removes its lock file).
struct SharedXvfb {
    display: u32,
    _watchdog: Mutex<(Child, ChildStdin)>,
}

static XVFB: OnceLock<SharedXvfb> = OnceLock::new();

/// The display (`:N`) of the shared Xvfb, started on first use.
pub fn shared_display() -> u32 {
    XVFB.get_or_init(start_xvfb).display
}

fn start_xvfb() -> SharedXvfb {
    let xvfb = require_binary("Xvfb", "xvfb");
    let xdpyinfo = require_binary("xdpyinfo", "x11-utils");
    // Start the scan at a per-process offset: a display number just freed by an earlier test
    // process can still have its socket unlinked by the exiting Xvfb, so do not reuse it at once.
    let base = 100 + std::process::id() % 400;
    let mut failures = Vec::new();
    for display in base..base + 200 {
        if display_in_use(display) {
            continue;
        }
        match try_xvfb(&xvfb, &xdpyinfo, display) {
            Ok(shared) => return shared,
            Err(why) => failures.push(format!(":{display}: {why}")),
        }
        if failures.len() >= 5 {
            break;
        }
    }
    panic!("could not start Xvfb:\n{}", failures.join("\n"));
}

fn display_in_use(display: u32) -> bool {
    Path::new(&format!("/tmp/.X{display}-lock")).exists()
        || Path::new(&format!("/tmp/.X11-unix/X{display}")).exists()
}

/// Start Xvfb on `:display` under the watchdog and wait until `xdpyinfo` gets through.
fn try_xvfb(xvfb: &Path, xdpyinfo: &Path, display: u32) -> Result<SharedXvfb, String> {
    let log = std::env::temp_dir().join(format!(
        "rdpcheck-labtests-xvfb-{}-{display}.log",
        std::process::id()
    ));
    let script = r#"xvfb="$1"; disp="$2"; log="$3"
"$xvfb" "$disp" -screen 0 1024x768x24 -nolisten tcp -noreset </dev/null >"$log" 2>&1 &
x=$!
echo "$x"
read _unused
kill -TERM "$x" 2>/dev/null
sleep 0.3
# Xvfb may ignore TERM when started from a non-interactive shell: make sure it is gone.
kill -KILL "$x" 2>/dev/null
wait "$x"
n="${disp#:}"
rm -f "$log" "/tmp/.X$n-lock" "/tmp/.X11-unix/X$n""#;
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(xvfb)
        .arg(format!(":{display}"))
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start sh watchdog: {e}"))?;
    let stdin = child.stdin.take().expect("watchdog stdin");
    let stdout = child.stdout.take().expect("watchdog stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let stop = |mut child: Child, stdin: ChildStdin, why: String| {
        drop(stdin); // the watchdog's `read` returns: it stops Xvfb and exits
        let _ = child.wait();
        let xlog = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        Err(format!("{why}; Xvfb output:\n{xlog}"))
    };
    let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) else {
        return stop(child, stdin, "the watchdog printed no pid".into());
    };
    let Ok(xvfb_pid) = line.trim().parse::<u32>() else {
        return stop(child, stdin, format!("the watchdog printed {line:?}"));
    };
    let start = Instant::now();
    loop {
        if !process_alive(xvfb_pid) {
            return stop(child, stdin, "Xvfb exited".into());
        }
        let socket_there = Path::new(&format!("/tmp/.X11-unix/X{display}")).exists();
        if socket_there && xdpyinfo_ok(xdpyinfo, display) {
            return Ok(SharedXvfb {
                display,
                _watchdog: Mutex::new((child, stdin)),
            });
        }
        if start.elapsed() > Duration::from_secs(10) {
            return stop(child, stdin, "xdpyinfo still fails after 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn xdpyinfo_ok(xdpyinfo: &Path, display: u32) -> bool {
    Command::new(xdpyinfo)
        .arg("-display")
        .arg(format!(":{display}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Running and not a zombie.
fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z"),
        Err(_) => false,
    }
}

/// A running `freerdp-shadow-cli` bound to 127.0.0.1 on a free port. Killed on drop.
#[derive(Debug)]
pub struct Shadow {
    process: ServerProcess,
    pub port: u16,
    pub sec: ShadowSec,
    pub display: u32,
    pub sam_file: PathBuf,
    _dir: TempDir,
}

impl Shadow {
    /// Start with the lab's normal self-signed certificate.
    pub fn start(sec: ShadowSec) -> Shadow {
        Shadow::start_with_cert(sec, &TestCert::self_signed())
    }

    pub fn start_with_cert(sec: ShadowSec, cert: &TestCert) -> Shadow {
        let setup = Setup::new(cert);
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let mut cmd = Command::new(&setup.binary);
            setup.args(&mut cmd, sec, "127.0.0.1", port);
            let log = setup.dir.path().join(format!("shadow-{attempt}.log"));
            let mut process = ServerProcess::spawn("freerdp-shadow-cli", cmd, &log);
            // Ready in 35–200 ms normally; one cold start took 1.4 s in the lab notes.
            match try_wait_for_port(port, Duration::from_secs(10), &mut process) {
                Ok(()) => return setup.into_shadow(process, port, sec),
                Err(why) => {
                    last_error = why;
                    eprintln!("shadow start attempt {attempt} on port {port} failed: {last_error}");
                }
            }
        }
        panic!("freerdp-shadow-cli did not start in {START_ATTEMPTS} attempts; last error: {last_error}");
    }

    /// The shadow server inside the network namespace `ns`, bound to `addr` (an address of the
    /// namespace) at `port`; returns once it accepts connections there. (Its X display is the
    /// shared Xvfb's socket file, which every namespace sees.)
    pub fn start_in(ns: &NetNs, sec: ShadowSec, addr: IpAddr, port: u16) -> Shadow {
        let setup = Setup::new(&TestCert::self_signed());
        let mut cmd = ns.command(&setup.binary);
        setup.args(&mut cmd, sec, &addr.to_string(), port);
        let log = setup.dir.path().join("shadow.log");
        let mut process = ServerProcess::spawn("freerdp-shadow-cli", cmd, &log);
        if let Err(why) = ns.wait_for(
            SocketAddr::new(addr, port),
            Duration::from_secs(10),
            &mut process,
        ) {
            panic!("freerdp-shadow-cli did not start in {}: {why}", ns.name());
        }
        setup.into_shadow(process, port, sec)
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    pub fn logs(&self) -> String {
        self.process.output()
    }
}
