//! `cargo xtask oci-test [TAR]`: the relay's OCI image (target/dist/, from `cargo xtask dist
//! relay`) run for real under runc (Debian), in a network namespace this test makes: unpacked by
//! umoci into a runtime bundle as any engine would, with the key directory bound from a
//! scratch directory as a volume. Checks that without an `--auth` choice the relay refuses to
//! start and says so; that with `RDPCHECK_AUTH=none` it serves /healthz on the image's
//! 0.0.0.0:8080 as user 65534; and that a second container on the same volume signs with the
//! same key. Needs root. Traffic stays in the namespace.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::oci::{IMAGE_FILE, KEY_DIR, TAG};
use crate::{deps, dist, oci, sh};

const RUNC: &[(&str, &str)] = &[("runc", "/usr/sbin/runc")];

/// The namespace, the container and the scratch directory, removed on drop.
struct Lab {
    netns: String,
    dir: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for id in ["refuses", "serves", "again"] {
            let _ = quiet("runc", &["delete", "-f", &self.id(id)]);
        }
        let _ = quiet("ip", &["netns", "del", &self.netns]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Lab {
    fn id(&self, what: &str) -> String {
        format!("{}-{what}", self.netns)
    }
}

fn quiet(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("{program} {}: {text}", args.join(" ")))
    }
}

/// The bundle's config.json, edited: the lab's network namespace, the key volume bound from
/// `keys`, and `auth` as `RDPCHECK_AUTH` when given.
fn configure(bundle: &Path, netns: &str, keys: &Path, auth: Option<&str>) -> Result<(), String> {
    let path = bundle.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("config.json: {e}"))?;
    let mut c: Value = serde_json::from_str(&text).map_err(|e| format!("config.json: {e}"))?;
    let namespaces = c["linux"]["namespaces"]
        .as_array_mut()
        .ok_or("config.json has no linux.namespaces")?;
    for ns in namespaces.iter_mut() {
        if ns["type"] == "network" {
            ns["path"] = json!(format!("/run/netns/{netns}"));
        }
    }
    c["process"]["terminal"] = json!(false);
    if let Some(auth) = auth {
        c["process"]["env"]
            .as_array_mut()
            .ok_or("config.json has no process.env")?
            .push(json!(format!("RDPCHECK_AUTH={auth}")));
    }
    c["mounts"]
        .as_array_mut()
        .ok_or("config.json has no mounts")?
        .push(json!({
            "destination": KEY_DIR,
            "type": "bind",
            "source": keys.to_string_lossy(),
            "options": ["rbind", "rw"],
        }));
    std::fs::write(&path, c.to_string()).map_err(|e| format!("config.json: {e}"))
}

/// GET /healthz inside the namespace; the body once it answers (at most 15 s).
fn healthz(lab: &Lab, child: &mut Child) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let url = format!(
        "http://127.0.0.1:{}/healthz",
        oci::LISTEN.rsplit(':').next().unwrap_or("8080")
    );
    loop {
        let args = [
            "netns",
            "exec",
            &lab.netns,
            "curl",
            "-sf",
            "--max-time",
            "2",
            &url,
        ];
        if let Ok(body) = quiet("ip", &args) {
            return Ok(body);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the container exited ({status}) before /healthz answered"
            ));
        }
        if Instant::now() > deadline {
            return Err("/healthz did not answer in 15 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn key_id(health: &str) -> Option<String> {
    let v: Value = serde_json::from_str(health).ok()?;
    v["key_id"].as_str().map(str::to_string)
}

/// The uid the container's first process runs as (`runc state`'s pid, /proc).
fn uid_of(id: &str) -> Result<String, String> {
    let state: Value = serde_json::from_str(&quiet("runc", &["state", id])?)
        .map_err(|e| format!("runc state: {e}"))?;
    let pid = state["pid"].as_u64().ok_or("runc state has no pid")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string)
        .ok_or("no Uid line".into())
}

/// Unpacks a fresh bundle named `what` and starts it; the runc child.
fn start(lab: &Lab, layout: &Path, what: &str, auth: Option<&str>) -> Result<Child, String> {
    let bundle = lab.dir.join(what);
    let image = format!("{}:{TAG}", layout.display());
    quiet(
        "umoci",
        &["unpack", "--image", &image, &bundle.to_string_lossy()],
    )?;
    configure(&bundle, &lab.netns, &lab.dir.join("keys"), auth)?;
    let log = std::fs::File::create(lab.dir.join(format!("{what}.log")))
        .map_err(|e| format!("log: {e}"))?;
    let err = log.try_clone().map_err(|e| format!("log: {e}"))?;
    Command::new("runc")
        .args(["run", "--bundle", &bundle.to_string_lossy(), &lab.id(what)])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run runc: {e}"))
}

fn stop(lab: &Lab, what: &str, mut child: Child) {
    let _ = quiet("runc", &["kill", &lab.id(what), "TERM"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn log_of(lab: &Lab, what: &str) -> String {
    std::fs::read_to_string(lab.dir.join(format!("{what}.log"))).unwrap_or_default()
}

pub fn run(args: &[String]) -> Result<(), String> {
    if !deps::is_root() {
        return Err("oci-test runs containers: run it as root".into());
    }
    deps::ensure_apt(RUNC)?;
    deps::ensure_apt(oci::PACKAGES)?;
    let tar = match args {
        [] => dist::dist_dir().join(IMAGE_FILE),
        [t] => PathBuf::from(t),
        _ => return Err("usage: cargo xtask oci-test [TAR]".into()),
    };
    if !tar.exists() {
        return Err(format!(
            "{} is missing: run cargo xtask dist relay",
            tar.display()
        ));
    }
    let netns = format!("rdpcheck-oci-{}", std::process::id());
    let lab = Lab {
        netns: netns.clone(),
        dir: std::env::temp_dir().join(&netns),
    };
    let layout = lab.dir.join("layout");
    std::fs::create_dir_all(&layout).map_err(|e| format!("{}: {e}", layout.display()))?;
    sh::run(
        "tar",
        &[
            "-xf",
            &tar.to_string_lossy(),
            "-C",
            &layout.to_string_lossy(),
        ],
    )?;
    let keys = lab.dir.join("keys");
    std::fs::create_dir_all(&keys).map_err(|e| format!("{}: {e}", keys.display()))?;
    sh::run("chown", &[oci::RUN_AS, &keys.to_string_lossy()])?;
    quiet("ip", &["netns", "add", &netns])?;
    quiet("ip", &["-n", &netns, "link", "set", "lo", "up"])?;

    // 1. No auth choice: the relay must refuse to listen on 0.0.0.0 and say why.
    let mut child = start(&lab, &layout, "refuses", None)?;
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let exited = matches!(child.try_wait(), Ok(Some(s)) if !s.success());
    let said = log_of(&lab, "refuses");
    stop(&lab, "refuses", child);
    if !exited || !said.contains("--auth") {
        return Err(format!(
            "without an --auth choice the relay should refuse to start; it said:\n{said}"
        ));
    }
    eprintln!(
        "oci-test: without --auth the relay refuses: {}",
        said.lines().last().unwrap_or_default()
    );

    // 2. RDPCHECK_AUTH=none: /healthz on 0.0.0.0:8080, as 65534, a key in the volume.
    let mut child = start(&lab, &layout, "serves", Some("none"))?;
    let first =
        healthz(&lab, &mut child).map_err(|e| format!("{e}\n{}", log_of(&lab, "serves")))?;
    let uid = uid_of(&lab.id("serves"));
    stop(&lab, "serves", child);
    if uid.as_deref() != Ok("65534") {
        return Err(format!(
            "the relay in the container runs as uid {uid:?}, not 65534"
        ));
    }
    let first_key = key_id(&first).ok_or(format!("no key_id in /healthz: {first}"))?;
    eprintln!("oci-test: /healthz answered as uid 65534, key {first_key}");

    // 3. A new container on the same volume keeps the key.
    let mut child = start(&lab, &layout, "again", Some("none"))?;
    let second =
        healthz(&lab, &mut child).map_err(|e| format!("{e}\n{}", log_of(&lab, "again")))?;
    stop(&lab, "again", child);
    if key_id(&second).as_deref() != Some(first_key.as_str()) {
        return Err(format!(
            "the second container signs with another key: {second}"
        ));
    }
    let size = std::fs::metadata(&tar).map(|m| m.len()).unwrap_or(0);
    eprintln!("oci-test: {} ({size} bytes) passed: refuses without --auth, serves as 65534, keeps its key", tar.display());
    Ok(())
}
