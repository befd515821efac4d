//! Install what the tests need, skipping what is already there.

use std::process::Command;

use crate::sh;

/// (Debian package, a file it installs) for the real servers the lab tests start.
pub const LAB_PACKAGES: &[(&str, &str)] = &[
    ("xrdp", "/usr/sbin/xrdp"),
    ("freerdp2-shadow-x11", "/usr/bin/freerdp-shadow-cli"),
    // The real client the oracle tests hold the `freerdp` verdict to (tests/src/xfreerdp.rs).
    ("freerdp2-x11", "/usr/bin/xfreerdp"),
    ("winpr-utils", "/usr/bin/winpr-hash"),
    ("weston", "/usr/bin/weston"),
    ("xvfb", "/usr/bin/Xvfb"),
    ("x11-utils", "/usr/bin/xdpyinfo"),
    ("xauth", "/usr/bin/xauth"),
    ("openssl", "/usr/bin/openssl"),
    ("nginx", "/usr/sbin/nginx"),
    ("curl", "/usr/bin/curl"),
    ("brotli", "/usr/bin/brotli"),
    // promtool: the relay's tests check relay/deploy/{prometheus,alerts}.yml with it.
    ("prometheus", "/usr/bin/promtool"),
    // The relay's shared limits (`limits_backend`) are tested against a real Redis
    // (tests/src/redis.rs; redis-cli comes with it, from redis-tools).
    ("redis-server", "/usr/bin/redis-server"),
    // The network lab turns veth offloads off (tests/src/impair/).
    ("ethtool", "/usr/sbin/ethtool"),
];

pub fn ensure_apt(packages: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(_, file)| !std::path::Path::new(file).exists())
        .map(|(pkg, _)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut full: Vec<&str> = sudo.clone();
        full.extend_from_slice(args);
        sh::run(full[0], &full[1..])
    };
    apt(&["apt-get", "update", "-qq"])?;
    // Packages such as nginx try to start their service on install; a lab machine wants none
    // running (and a failed start would fail the install). policy-rc.d exit 101 = "do not start".
    let policy = std::path::Path::new("/usr/sbin/policy-rc.d");
    let added_policy =
        is_root() && !policy.exists() && std::fs::write(policy, "#!/bin/sh\nexit 101\n").is_ok();
    if added_policy {
        let _ = sh::run("chmod", &["+x", "/usr/sbin/policy-rc.d"]);
    }
    let mut install = vec![
        "env",
        "DEBIAN_FRONTEND=noninteractive",
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
    ];
    install.extend(missing.iter());
    let result = apt(&install);
    if added_policy {
        let _ = std::fs::remove_file(policy);
    }
    result
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
