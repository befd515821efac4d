//! The relay as an OCI image (`target/dist/rdpcheck-relay-oci.tar`, an OCI image layout in a
//! tar: `podman load`, `skopeo copy oci-archive:…` or `docker load` take it), made from the static
//! relay alone: no base image is pulled and no registry is asked. umoci (Debian) writes the layout:
//! one layer with `/usr/bin/rdpcheck-relay`, `/var/lib/rdpcheck` (the signing key's volume, owned
//! by the user the relay runs as) and `/tmp`; the config runs the relay as nobody (65534) on
//! 0.0.0.0:8080. It sets no `--auth`: the relay refuses to listen beyond loopback until the
//! operator chooses (`RDPCHECK_AUTH=token` with a token file, or `none`). Writing the files'
//! owners needs root: without it `cargo xtask dist` skips the image and says so.

use std::path::{Path, PathBuf};

use crate::{deps, sh};

pub const IMAGE_FILE: &str = "rdpcheck-relay-oci.tar";
/// The image's tag in the layout: the relay's version.
pub const TAG: &str = env!("CARGO_PKG_VERSION");
/// nobody:nogroup, as a number (the image has no /etc/passwd).
pub const RUN_AS: &str = "65534:65534";
pub const KEY_DIR: &str = "/var/lib/rdpcheck";
pub const LISTEN: &str = "0.0.0.0:8080";
pub const PACKAGES: &[(&str, &str)] = &[("umoci", "/usr/bin/umoci")];

fn umoci(args: &[&str]) -> Result<(), String> {
    sh::run("umoci", args)
}

fn mkdir(path: &Path, mode: &str) -> Result<(), String> {
    std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
    sh::run("chmod", &[mode, &path.to_string_lossy()])
}

/// Build the image from `relay` (the static binary) into `dir`; the tar's path, or `None`
/// when not root (said on stderr; an image left from an earlier run is removed, so `dir`
/// never holds one that does not match the relay beside it).
pub fn build(relay: &Path, dir: &Path) -> Result<Option<PathBuf>, String> {
    let tar = dir.join(IMAGE_FILE);
    if !deps::is_root() {
        let _ = std::fs::remove_file(&tar);
        eprintln!("xtask dist: OCI image skipped: writing its files' owners needs root");
        return Ok(None);
    }
    deps::ensure_apt(PACKAGES)?;
    let work = dir.join("oci-build");
    let _ = std::fs::remove_dir_all(&work);
    let layout = work.join("layout");
    let bundle = work.join("bundle");
    let image = format!("{}:{TAG}", layout.display());
    umoci(&["init", "--layout", &layout.to_string_lossy()])?;
    umoci(&["new", "--image", &image])?;
    umoci(&["unpack", "--image", &image, &bundle.to_string_lossy()])?;
    let rootfs = bundle.join("rootfs");
    mkdir(&rootfs.join("usr/bin"), "0755")?;
    mkdir(&rootfs.join("tmp"), "1777")?;
    let keys = rootfs.join(KEY_DIR.trim_start_matches('/'));
    mkdir(&keys, "0700")?;
    sh::run("chown", &[RUN_AS, &keys.to_string_lossy()])?;
    let bin = rootfs.join("usr/bin/rdpcheck-relay");
    std::fs::copy(relay, &bin).map_err(|e| format!("copy the relay into the image: {e}"))?;
    sh::run("chmod", &["0755", &bin.to_string_lossy()])?;
    umoci(&["repack", "--image", &image, &bundle.to_string_lossy()])?;
    let key_env = format!("RDPCHECK_KEY_FILE={KEY_DIR}/relay-signing.key");
    let listen_env = format!("RDPCHECK_LISTEN={LISTEN}");
    let version = format!("org.opencontainers.image.version={TAG}");
    umoci(&[
        "config",
        "--image",
        &image,
        "--config.entrypoint",
        "/usr/bin/rdpcheck-relay",
        "--config.user",
        RUN_AS,
        "--config.env",
        &listen_env,
        "--config.env",
        &key_env,
        "--config.exposedports",
        "8080/tcp",
        "--config.volume",
        KEY_DIR,
        "--config.workingdir",
        "/",
        "--config.label",
        "org.opencontainers.image.title=rdpcheck-relay",
        "--config.label",
        &version,
        "--history.created_by",
        "cargo xtask dist relay",
    ])?;
    umoci(&["gc", "--layout", &layout.to_string_lossy()])?;
    sh::run(
        "tar",
        &[
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "-C",
            &layout.to_string_lossy(),
            "-cf",
            &tar.to_string_lossy(),
            ".",
        ],
    )?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(Some(tar))
}
