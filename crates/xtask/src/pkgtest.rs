//! `cargo xtask package-test [DEB]`: the relay's Debian package (target/dist/, from `cargo xtask
//! dist`) on this machine, for real: `dpkg -i` installs it, `systemd-analyze verify` accepts the
//! installed unit, the installed binary started as the unit's `ExecStart` line says (as its
//! `User=` through `setpriv`, which execs, so the child is the relay itself; on a free loopback
//! port through `RDPCHECK_LISTEN`: the line itself is unchanged)
//! serves /healthz and creates the key in /var/lib/rdpcheck, and `dpkg -r` removes the binary and
//! keeps the key. Needs root (it installs a package); refuses if the package is already
//! installed, so an operator's install is never touched. Purges what it installed at the end.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::deb::{PACKAGE, UNIT};
use crate::{deps, dist, sh};

const KEY: &str = "/var/lib/rdpcheck/relay-signing.key";

fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Status}", PACKAGE])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("installed"))
}

/// The unit's `key=` value (the first).
fn unit_value(unit: &str, key: &str) -> Option<String> {
    unit.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}=")))
        .map(str::to_string)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// GET /healthz on 127.0.0.1:`port`; the body when it answers 200.
fn healthz(port: u16) -> Option<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.starts_with("HTTP/1.1 200").then_some(text)
}

/// Start `exec_start` as `user` with `RDPCHECK_LISTEN`, wait for /healthz (at most 15 s).
fn start(exec_start: &str, user: &str, port: u16) -> Result<(Child, String), String> {
    let argv: Vec<&str> = exec_start.split_whitespace().collect();
    eprintln!("+ setpriv --reuid={user} --regid={user} --init-groups {exec_start}   (RDPCHECK_LISTEN=127.0.0.1:{port})");
    let mut child = Command::new("setpriv")
        .arg(format!("--reuid={user}"))
        .arg(format!("--regid={user}"))
        .args(["--init-groups", "--"])
        .args(&argv)
        .env("RDPCHECK_LISTEN", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {exec_start}: {e}"))?;
    let until = Instant::now() + Duration::from_secs(15);
    while Instant::now() < until {
        if let Some(body) = healthz(port) {
            return Ok((child, body));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the installed relay exited ({status})"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(format!(
        "the installed relay did not answer /healthz on 127.0.0.1:{port} in 15 s"
    ))
}

fn check(deb: &Path) -> Result<(), String> {
    let deb_s = deb.display().to_string();
    sh::run("dpkg", &["-i", &deb_s])?;
    let unit_path = format!("/lib/systemd/system/{UNIT}");
    sh::run("systemd-analyze", &["verify", &unit_path])?;
    let unit = std::fs::read_to_string(&unit_path).map_err(|e| format!("{unit_path}: {e}"))?;
    let exec_start = unit_value(&unit, "ExecStart").ok_or("the unit has no ExecStart")?;
    let user = unit_value(&unit, "User").ok_or("the unit has no User")?;
    for want in [
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "MemoryDenyWriteExecute=yes",
        "StateDirectory=rdpcheck",
    ] {
        if !unit.contains(want) {
            return Err(format!("the installed unit lacks {want:?}"));
        }
    }
    let port = free_port()?;
    let (mut child, body) = start(&exec_start, &user, port)?;
    let _ = child.kill();
    let _ = child.wait();
    if !body.contains("\"status\":\"ok\"") {
        return Err(format!("/healthz answered: {body}"));
    }
    eprintln!("package-test: /healthz from the installed relay: ok");
    let key = std::fs::read_to_string(KEY).map_err(|e| format!("no key at {KEY}: {e}"))?;
    let mode = std::fs::metadata(KEY).map(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o777
    });
    match mode {
        Ok(0o600) => {}
        Ok(m) => return Err(format!("{KEY} has mode {m:o}, not 600")),
        Err(e) => return Err(format!("{KEY}: {e}")),
    }
    sh::run("dpkg", &["-r", PACKAGE])?;
    if Path::new("/usr/bin/rdpcheck-relay").exists() {
        return Err("dpkg -r left /usr/bin/rdpcheck-relay".into());
    }
    match std::fs::read_to_string(KEY) {
        Ok(after) if after == key => eprintln!("package-test: dpkg -r kept {KEY}: ok"),
        Ok(_) => return Err(format!("{KEY} changed on dpkg -r")),
        Err(e) => return Err(format!("dpkg -r removed the key {KEY}: {e}")),
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let deb = match args {
        [] => dist::dist_dir().join(format!("{PACKAGE}_{}_amd64.deb", env!("CARGO_PKG_VERSION"))),
        [path] => PathBuf::from(path),
        _ => return Err("usage: cargo xtask package-test [DEB]".into()),
    };
    if !deb.exists() {
        return Err(format!(
            "{} is missing: run `cargo xtask dist` first",
            deb.display()
        ));
    }
    if !deps::is_root() {
        return Err("package-test installs a package: run it as root".into());
    }
    if installed() {
        return Err(format!(
            "{PACKAGE} is already installed here; package-test leaves an existing install alone"
        ));
    }
    deps::ensure_apt(&[("systemd", "/usr/bin/systemd-analyze")])?;
    let had_state = Path::new("/var/lib/rdpcheck").exists();
    let had_user = Command::new("getent")
        .args(["passwd", "rdpcheck"])
        .status()
        .is_ok_and(|s| s.success());
    let result = check(&deb);
    // Leave the machine as it was: purge the package, and the state this test made.
    let _ = sh::run("dpkg", &["--purge", PACKAGE]);
    if !had_state {
        let _ = std::fs::remove_dir_all("/var/lib/rdpcheck");
    }
    if !had_user {
        let _ = sh::run("userdel", &["rdpcheck"]);
    }
    result?;
    eprintln!("package-test: {} passed", deb.display());
    Ok(())
}
