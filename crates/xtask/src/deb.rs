//! The relay's Debian package, built by hand with `dpkg-deb --build` (no cargo-deb: every file
//! and its mode is written here, in one place): the static relay as /usr/bin/rdpcheck-relay, the
//! hardened unit (relay/deploy/rdpcheck-relay.service), /etc/rdpcheck/relay.toml (the example
//! config with every key commented, a conffile), /var/lib/rdpcheck for the key (made by the
//! postinst, owned by the `rdpcheck` system user it creates), and the nginx and Prometheus
//! examples. Removing the package keeps /var/lib/rdpcheck: the key signs links people still hold.

use std::path::{Path, PathBuf};

use crate::{sh, web};

pub const PACKAGE: &str = "rdpcheck-relay";
pub const UNIT: &str = "rdpcheck-relay.service";

/// The example config with every setting commented out: the package's /etc/rdpcheck/relay.toml.
/// Comments stay as they are; a setting line `key = value` becomes `# key = value`.
pub fn commented_config(example: &str) -> String {
    example
        .lines()
        .map(|line| {
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') {
                line.to_string()
            } else {
                format!("# {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn control(version: &str, installed_kib: u64) -> String {
    format!(
        "Package: {PACKAGE}\nVersion: {version}\nArchitecture: amd64\nSection: net\nPriority: optional\n\
         Maintainer: rdpcheck developers <rdpcheck@localhost>\nDepends: passwd\n\
         Installed-Size: {installed_kib}\n\
         Description: rdpcheck relay: the RDP diagnosis page and its probes\n \
         Serves the rdpcheck page and runs its RDP checks from the server's network over a\n \
         WebSocket, signing each report. A hardened systemd unit runs it as the rdpcheck user.\n"
    )
}

fn write(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    chmod(path, mode)
}

fn chmod(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

fn size_kib(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            total += match e.file_type() {
                Ok(t) if t.is_dir() => size_kib(&p) * 1024,
                _ => e.metadata().map(|m| m.len()).unwrap_or(0),
            };
        }
    }
    total.div_ceil(1024)
}

/// Build `rdpcheck-relay_<version>_amd64.deb` in `out` from the static `relay` binary.
pub fn build(relay: &Path, out: &Path) -> Result<PathBuf, String> {
    let root = web::root();
    let deploy = root.join("relay/deploy");
    let read = |name: &str| {
        std::fs::read_to_string(deploy.join(name)).map_err(|e| format!("relay/deploy/{name}: {e}"))
    };
    let version = env!("CARGO_PKG_VERSION");
    let tree = root.join("target/deb").join(PACKAGE);
    let _ = std::fs::remove_dir_all(&tree);
    let bin = tree.join("usr/bin").join(PACKAGE);
    std::fs::create_dir_all(tree.join("usr/bin"))
        .map_err(|e| format!("{}: {e}", tree.display()))?;
    std::fs::copy(relay, &bin).map_err(|e| format!("copy {}: {e}", relay.display()))?;
    chmod(&bin, 0o755)?;
    write(
        &tree.join("lib/systemd/system").join(UNIT),
        &read(UNIT)?,
        0o644,
    )?;
    let example = std::fs::read_to_string(root.join("relay/relay.example.toml"))
        .map_err(|e| format!("relay/relay.example.toml: {e}"))?;
    let header = "# /etc/rdpcheck/relay.toml: every setting is commented out, so the relay runs with its\n\
                  # defaults (127.0.0.1:8080, policy local). Uncomment and edit what you need; the\n\
                  # README's settings table says what each does. Then: systemctl restart rdpcheck-relay\n\n";
    write(
        &tree.join("etc/rdpcheck/relay.toml"),
        &format!("{header}{}", commented_config(&example)),
        0o644,
    )?;
    // The examples an administrator adapts: the reverse proxy, the Prometheus scrape config and
    // its alert rules.
    for example in ["nginx.conf", "prometheus.yml", "alerts.yml"] {
        write(
            &tree.join("usr/share/doc").join(PACKAGE).join(example),
            &read(example)?,
            0o644,
        )?;
    }
    let installed = size_kib(&tree);
    write(
        &tree.join("DEBIAN/control"),
        &control(version, installed),
        0o644,
    )?;
    write(
        &tree.join("DEBIAN/conffiles"),
        "/etc/rdpcheck/relay.toml\n",
        0o644,
    )?;
    write(&tree.join("DEBIAN/postinst"), &read("postinst")?, 0o755)?;
    let deb = out.join(format!("{PACKAGE}_{version}_amd64.deb"));
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let (tree_s, deb_s) = (tree.display().to_string(), deb.display().to_string());
    sh::run(
        "dpkg-deb",
        &["--root-owner-group", "--build", &tree_s, &deb_s],
    )?;
    Ok(deb)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every setting of the example is in the package's config, commented, and none is active:
    /// the two cannot drift apart (the README table is checked against the example by the
    /// relay's config tests).
    #[test]
    fn the_package_config_is_the_example_with_every_key_commented() {
        let example = include_str!("../../../relay/relay.example.toml");
        let package = commented_config(example);
        for line in package.lines() {
            let t = line.trim_start();
            assert!(t.is_empty() || t.starts_with('#'), "active line: {line}");
        }
        let settings: Vec<&str> = example
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect();
        assert!(settings.iter().any(|l| l.starts_with("trusted_proxies")));
        for s in settings {
            assert!(package.contains(&format!("# {s}")), "{s}");
        }
    }
}
