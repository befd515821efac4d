//! The FreeRDP shadow server (`freerdp-shadow-cli`) on a shared Xvfb (peer-lab §1b).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::certs::TestCert;
use crate::process::{free_port, require_binary, wait_for_port, ServerProcess};

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

/// One Xvfb per test process, shared by every shadow server.
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
    let log =
        std::env::temp_dir().join(format!("rdpcheck-labtests-xvfb-{}.log", std::process::id()));
    // `-displayfd 1`: Xvfb picks a free display itself (it checks /tmp/.X<n>-lock and the
    // sockets) and prints its number once it is ready to accept clients.
    let script = r#"xvfb="$1"; log="$2"; shift 2
"$xvfb" -displayfd 1 -screen 0 1024x768x24 -nolisten tcp </dev/null 2>"$log" &
x=$!
read _unused
kill -TERM "$x" 2>/dev/null
wait "$x"
rm -f "$log""#;
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(&xvfb)
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sh watchdog for Xvfb");
    let stdin = child.stdin.take().expect("watchdog stdin");
    let stdout = child.stdout.take().expect("watchdog stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(15))
        .unwrap_or_else(|_| {
            panic!(
                "Xvfb did not report a display within 15 s; its log ({}):\n{}",
                log.display(),
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
    let display: u32 = line.trim().parse().unwrap_or_else(|_| {
        panic!(
            "Xvfb failed to start (printed {line:?}); its log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        )
    });
    // Belt and braces: a real X client must get through before shadow servers use it.
    let start = Instant::now();
    loop {
        let ok = Command::new(&xdpyinfo)
            .arg("-display")
            .arg(format!(":{display}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "xdpyinfo -display :{display} still fails after 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    SharedXvfb {
        display,
        _watchdog: Mutex::new((child, stdin)),
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

        let port = free_port();
        let mut cmd = Command::new(binary);
        cmd.arg("/bind-address:127.0.0.1")
            .arg(format!("/port:{port}"))
            .arg(sec.arg())
            .arg(format!("/sam-file:{}", sam_file.display()))
            .env("DISPLAY", format!(":{display}"))
            .env("XDG_CONFIG_HOME", &cfg)
            .env("HOME", dir.path())
            .current_dir(dir.path());
        let mut process =
            ServerProcess::spawn("freerdp-shadow-cli", cmd, &dir.path().join("shadow.log"));
        // Ready in 35–200 ms normally; one cold start took 1.4 s in the lab notes.
        wait_for_port(port, Duration::from_secs(10), Some(&mut process));
        Shadow {
            process,
            port,
            sec,
            display,
            sam_file,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    pub fn logs(&self) -> String {
        self.process.output()
    }
}
