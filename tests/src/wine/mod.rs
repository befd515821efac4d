//! Running the Windows build under Wine (Debian's `wine`, 8.0 on Debian 12) for the Wine tests:
//! one fresh WINEPREFIX in a scratch directory (`wineboot -i` once, timed), `wine reg add` /
//! `reg delete` to write the registry values each client finding needs, and bounded runs of
//! `rdpcheck.exe` with both pipes drained.
//!
//! Wine 8 has no `bcryptprimitives.dll`, whose `ProcessPrng` Rust's standard library calls for
//! randomness: the harness builds a stand-in (bcryptprimitives.c: `ProcessPrng` filled from
//! `RtlGenRandom`) with mingw-w64 and puts it next to the copied `.exe`, where Windows' loader
//! looks first. Only the test copy gets it; the shipped `.exe` is unchanged.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::process::require_binary;

const STAND_IN: &str = include_str!("bcryptprimitives.c");

/// The longest one wine command may take (the first ones start wineserver).
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// The output of one command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn dump(&self) -> String {
        format!(
            "exit {} after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// A Wine prefix of its own with `rdpcheck.exe` (and the stand-in DLL) copied into it.
pub struct Wine {
    dir: TempDir,
    wine: PathBuf,
    exe: PathBuf,
    /// How long `wineboot -i` took.
    pub boot: Duration,
}

/// Where the Windows build is: `$RDPCHECK_WINDOWS_EXE`, else `target/dist/`.
pub fn windows_exe() -> PathBuf {
    if let Some(p) = std::env::var_os("RDPCHECK_WINDOWS_EXE") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dist/rdpcheck-windows-x86_64.exe")
}

fn run_bounded(mut cmd: Command, limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
    let mut out = child.stdout.take().expect("stdout pipe");
    let mut err = child.stderr.take().expect("stderr pipe");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} hung: killed after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        elapsed: start.elapsed(),
    }
}

impl Wine {
    /// A fresh prefix with the Windows build of `exe` in it. Panics naming the package when
    /// wine or mingw-w64 is missing, and when the `.exe` was not built.
    pub fn new(exe: &Path) -> Wine {
        let wine = require_binary("wine", "wine");
        let gcc = require_binary("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64");
        assert!(
            exe.is_file(),
            "{} is not built: run `cargo xtask dist` (or `cargo xtask test`, which builds it)",
            exe.display()
        );
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-wine-")
            .tempdir()
            .expect("scratch dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home dir");
        std::fs::copy(exe, bin.join("rdpcheck.exe")).expect("copy the exe");
        let src = dir.path().join("bcryptprimitives.c");
        std::fs::write(&src, STAND_IN).expect("write the stand-in source");
        let mut cc = Command::new(&gcc);
        cc.args(["-shared", "-O2", "-s", "-o"])
            .arg(bin.join("bcryptprimitives.dll"))
            .arg(&src)
            .arg("-ladvapi32");
        let built = run_bounded(cc, COMMAND_LIMIT);
        assert_eq!(built.code, 0, "build the stand-in DLL: {}", built.dump());
        let mut w = Wine {
            dir,
            wine,
            exe: bin.join("rdpcheck.exe"),
            boot: Duration::ZERO,
        };
        let started = Instant::now();
        let boot = w.command("wineboot", &["-i"]);
        assert_eq!(boot.code, 0, "wineboot -i: {}", boot.dump());
        let _ = w.command("wineserver", &["-w"]);
        w.boot = started.elapsed();
        w
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("WINEPREFIX", self.dir.path().join("prefix"))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            // Wine links the prefix's Documents and friends to $HOME's: keep them in here.
            .env("HOME", self.dir.path().join("home"))
            .env_remove("DISPLAY");
    }

    /// `wineboot`, `wineserver`, or a program under `wine`.
    fn command(&self, program: &str, args: &[&str]) -> Run {
        let mut cmd = if program == "wineboot" || program == "wineserver" {
            Command::new(program)
        } else {
            let mut c = Command::new(&self.wine);
            c.arg(program);
            c
        };
        cmd.args(args);
        self.env(&mut cmd);
        run_bounded(cmd, COMMAND_LIMIT)
    }

    /// `rdpcheck.exe ARGS` under wine.
    pub fn rdpcheck(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(&self.wine);
        cmd.arg(&self.exe).args(args);
        self.env(&mut cmd);
        run_bounded(cmd, COMMAND_LIMIT)
    }

    /// `reg add KEY /v NAME /t TYPE /d DATA /f`.
    #[track_caller]
    pub fn reg_add(&self, key: &str, name: &str, kind: &str, data: &str) {
        let r = self.command(
            "reg",
            &["add", key, "/v", name, "/t", kind, "/d", data, "/f"],
        );
        assert_eq!(r.code, 0, "reg add {key} {name}: {}", r.dump());
    }

    /// Import registry changes in one `regedit /S` run (each `wine reg` call costs a Wine start,
    /// about two seconds): `set` values (key, name, `REG_DWORD` | `REG_SZ` | `REG_EXPAND_SZ` |
    /// `REG_BINARY`, data as `reg add` takes it), `unset` values (key, name) and whole `remove`
    /// keys. Keys are written `HKLM\…` / `HKCU\…`.
    #[track_caller]
    pub fn reg_import(
        &self,
        set: &[(&str, &str, &str, &str)],
        unset: &[(&str, &str)],
        remove: &[&str],
    ) {
        let full = |key: &str| {
            key.replacen("HKLM\\", "HKEY_LOCAL_MACHINE\\", 1).replacen(
                "HKCU\\",
                "HKEY_CURRENT_USER\\",
                1,
            )
        };
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut text = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
        for key in remove {
            text.push_str(&format!("[-{}]\r\n\r\n", full(key)));
        }
        for (key, name) in unset {
            text.push_str(&format!("[{}]\r\n{}=-\r\n\r\n", full(key), quote(name)));
        }
        for (key, name, kind, data) in set {
            let value = match *kind {
                "REG_DWORD" => format!("dword:{:08x}", data.parse::<u32>().expect("a DWORD")),
                "REG_SZ" => quote(data),
                "REG_EXPAND_SZ" => {
                    let hex: Vec<String> = data
                        .encode_utf16()
                        .chain([0])
                        .flat_map(u16::to_le_bytes)
                        .map(|b| format!("{b:02x}"))
                        .collect();
                    format!("hex(2):{}", hex.join(","))
                }
                "REG_BINARY" => {
                    let bytes: Vec<&str> = (0..data.len() / 2)
                        .map(|i| &data[2 * i..2 * i + 2])
                        .collect();
                    format!("hex:{}", bytes.join(","))
                }
                other => panic!("reg_import: type {other} not supported"),
            };
            text.push_str(&format!(
                "[{}]\r\n{}={value}\r\n\r\n",
                full(key),
                quote(name)
            ));
        }
        let file = self.dir.path().join("import.reg");
        std::fs::write(&file, text).expect("write the .reg file");
        let path = file.to_str().expect("utf-8 path").to_string();
        let r = self.command("regedit", &["/S", &path]);
        assert_eq!(r.code, 0, "regedit /S: {}", r.dump());
    }

    /// `reg delete KEY /v NAME /f`; a value that is not there is fine.
    pub fn reg_delete_value(&self, key: &str, name: &str) {
        let _ = self.command("reg", &["delete", key, "/v", name, "/f"]);
    }

    /// `winecfg /v VERSION` (`win10`): the Windows version the prefix reports.
    #[track_caller]
    pub fn set_windows_version(&self, version: &str) {
        let r = self.command("winecfg", &["/v", version]);
        assert_eq!(r.code, 0, "winecfg /v {version}: {}", r.dump());
    }

    /// `reg delete KEY /f` (the whole key); a key that is not there is fine.
    pub fn reg_delete_key(&self, key: &str) {
        let _ = self.command("reg", &["delete", key, "/f"]);
    }

    /// The Windows path of a file in the prefix's C: drive, and its Unix path.
    pub fn c_drive(&self, rel: &str) -> (String, PathBuf) {
        (
            format!("C:\\{}", rel.replace('/', "\\")),
            self.dir.path().join("prefix/drive_c").join(rel),
        )
    }

    /// Stop the prefix's wineserver.
    pub fn stop(&self) {
        let _ = self.command("wineserver", &["-k"]);
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        self.stop();
    }
}
