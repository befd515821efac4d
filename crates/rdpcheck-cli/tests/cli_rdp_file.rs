//! `rdpcheck probe --rdp-file` end to end: the BUILT binary reads connection files written the
//! way Windows writes them (UTF-16LE with a BOM, CRLF) and probes a real xrdp, through a real
//! nginx standing in for the RD Gateway when the file says to use one. Exit codes: 0 healthy,
//! 1 problem, 2 bad input.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rdpcheck_labtests::nginx::{Nginx, NginxSite};
use rdpcheck_labtests::{SecurityLayer, TestCa, TestCert, Xrdp};
use serde_json::Value;

/// Hard limit for one CLI run (its own --timeout is 20 s).
const RUN_LIMIT: Duration = Duration::from_secs(45);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    fn dump(&self) -> String {
        format!(
            "exit {} after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// Run the built `rdpcheck` with `args`; killed (and the test failed) after [`RUN_LIMIT`].
fn rdpcheck(args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rdpcheck"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rdpcheck");
    // Drain both pipes on threads so a full pipe cannot block the child.
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
        if let Some(status) = child.try_wait().expect("wait for rdpcheck") {
            break status;
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rdpcheck {args:?} hung: killed after {RUN_LIMIT:?}");
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

/// `probe --rdp-file FILE --json --samples 1` with short deadlines, plus `extra` arguments.
fn probe_file(file: &Path, extra: &[&str]) -> Run {
    let path = file.to_str().expect("utf-8 path");
    let mut args = vec![
        "probe",
        "--rdp-file",
        path,
        "--json",
        "--samples",
        "1",
        "--connect-timeout",
        "2",
        "--reply-timeout",
        "3",
        "--timeout",
        "20",
    ];
    args.extend_from_slice(extra);
    rdpcheck(&args)
}

/// The bytes mstsc's "Save As" writes: a UTF-16LE BOM, then each line UTF-16LE with CRLF.
fn windows_rdp(lines: &[String]) -> Vec<u8> {
    let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// A typical mstsc file for 127.0.0.1:`port`; `gateway` = (host:port, gatewayusagemethod),
/// none = empty gatewayhostname with usage 4 (what mstsc writes for "no gateway").
fn connection_file(port: u16, gateway: Option<(&str, i64)>) -> Vec<String> {
    let mut lines: Vec<String> = vec![
        "screen mode id:i:2".into(),
        "desktopwidth:i:1920".into(),
        "desktopheight:i:1080".into(),
        "session bpp:i:32".into(),
        format!("full address:s:127.0.0.1:{port}"),
        "authentication level:i:2".into(),
        "prompt for credentials:i:0".into(),
        "negotiate security layer:i:1".into(),
    ];
    match gateway {
        Some((host_port, usage)) => lines.extend([
            format!("gatewayhostname:s:{host_port}"),
            format!("gatewayusagemethod:i:{usage}"),
            "gatewaycredentialssource:i:0".into(),
            "gatewayprofileusagemethod:i:1".into(),
        ]),
        None => lines.extend([
            "gatewayhostname:s:".into(),
            "gatewayusagemethod:i:4".into(),
            "gatewaycredentialssource:i:4".into(),
            "gatewayprofileusagemethod:i:0".into(),
        ]),
    }
    lines.push("username:s:LAB\\alice".into());
    lines
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write .rdp");
    path
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[track_caller]
fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, code, "{}", run.dump());
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn finding_codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn rdp_files_direct_and_through_a_gateway() {
    let ca = TestCa::new();
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_pem = write_file(dir.path(), "ca.pem", ca.cert.cert_pem.as_bytes());
    let ca_arg = ca_pem.to_str().expect("utf-8 path");
    let gw = format!("localhost:{}", nginx.port);

    // Direct: no gateway section, healthy, exit 0.
    let direct = write_file(
        dir.path(),
        "direct.rdp",
        &windows_rdp(&connection_file(xrdp.port, None)),
    );
    let run = probe_file(&direct, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert_eq!(
        str_at(&v, "/rdp_file/host"),
        Some("127.0.0.1"),
        "{}",
        run.dump()
    );
    assert_eq!(v["rdp_file"]["port"], xrdp.port, "{}", run.dump());
    assert_eq!(
        str_at(&v, "/rdp_file/path"),
        direct.to_str(),
        "{}",
        run.dump()
    );
    assert!(v["rdp_file"].get("gateway").is_none(), "{}", run.dump());
    assert!(
        v.get("gateway").is_none_or(Value::is_null),
        "{}",
        run.dump()
    );
    assert_eq!(v["target"]["port"], xrdp.port);
    assert_eq!(
        str_at(&v, "/verdict/status"),
        Some("healthy"),
        "{}",
        run.dump()
    );

    // Through the gateway (usage 1, profile usage 1): the gateway section, trusted via --ca-file.
    let via = write_file(
        dir.path(),
        "gateway.rdp",
        &windows_rdp(&connection_file(xrdp.port, Some((&gw, 1)))),
    );
    let run = probe_file(&via, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert_eq!(
        str_at(&v, "/rdp_file/gateway"),
        Some(gw.as_str()),
        "{}",
        run.dump()
    );
    assert!(
        str_at(&v, "/rdp_file/gateway_usage").is_some_and(|u| u.starts_with("1:")),
        "{}",
        run.dump()
    );
    assert_eq!(
        str_at(&v, "/gateway/host"),
        Some("localhost"),
        "{}",
        run.dump()
    );
    assert_eq!(v["gateway"]["port"], nginx.port);
    assert_eq!(v["gateway"]["trusted"], true, "{}", run.dump());
    assert_eq!(v["gateway"]["http"]["status"], 401, "{}", run.dump());
    assert_eq!(
        v["gateway"]["http"]["auth_schemes"],
        serde_json::json!(["Negotiate", "NTLM"]),
        "{}",
        run.dump()
    );
    assert!(finding_codes(&v).iter().any(|c| c == "gateway.live"));
    assert_eq!(
        str_at(&v, "/verdict/status"),
        Some("healthy"),
        "{}",
        run.dump()
    );

    // The same file without the CA: the client would refuse the certificate, exit 1.
    let run = probe_file(&via, &[]);
    assert_exit(&run, 1);
    let v = run.json();
    assert_eq!(
        str_at(&v, "/verdict/status"),
        Some("problem"),
        "{}",
        run.dump()
    );
    assert_eq!(
        str_at(&v, "/verdict/stage"),
        Some("gateway.tls"),
        "{}",
        run.dump()
    );
    assert_eq!(v["gateway"]["trusted"], false, "{}", run.dump());
    assert!(
        finding_codes(&v)
            .iter()
            .any(|c| c == "gateway.tls_untrusted"),
        "{}",
        run.dump()
    );

    // Gateway named but usage 0: not used, so no gateway section.
    let unused = write_file(
        dir.path(),
        "unused.rdp",
        &windows_rdp(&connection_file(xrdp.port, Some((&gw, 0)))),
    );
    let run = probe_file(&unused, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert!(v["rdp_file"].get("gateway").is_none(), "{}", run.dump());
    assert!(
        v.get("gateway").is_none_or(Value::is_null),
        "{}",
        run.dump()
    );
    assert!(
        str_at(&v, "/rdp_file/gateway_usage").is_some_and(|u| u.starts_with("0:")),
        "{}",
        run.dump()
    );

    // Through the gateway to a host not reachable from here: healthy with the caveat, exit 0.
    let hidden = write_file(
        dir.path(),
        "hidden.rdp",
        &windows_rdp(&connection_file(closed_port(), Some((&gw, 1)))),
    );
    let run = probe_file(&hidden, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert_eq!(
        str_at(&v, "/verdict/status"),
        Some("healthy"),
        "{}",
        run.dump()
    );
    assert!(
        str_at(&v, "/verdict/summary").is_some_and(|s| s.contains("could not be checked")),
        "{}",
        run.dump()
    );
    assert!(finding_codes(&v).iter().any(|c| c == "tcp.refused"));

    // Garbage lines around a valid full address: still probes, lists the bad lines.
    let mut lines = vec![
        "this line has no colons".to_string(),
        "server port:i:33x9".to_string(),
        "color depth:q:32".to_string(),
    ];
    lines.extend(connection_file(xrdp.port, None));
    lines.push("password 51:b:ZZ11".into());
    let broken = write_file(dir.path(), "broken.rdp", &windows_rdp(&lines));
    let run = probe_file(&broken, &["--ca-file", ca_arg]);
    assert_exit(&run, 0);
    let v = run.json();
    assert_eq!(v["rdp_file"]["port"], xrdp.port, "{}", run.dump());
    let problems: Vec<&str> = v["rdp_file"]["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(problems.len(), 4, "problems {problems:?}\n{}", run.dump());
    for (line, text) in [
        (1, "this line has no colons"),
        (2, "33x9"),
        (3, "color depth:q:32"),
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("line {line}:")) && p.contains(text)),
            "no problem for line {line} ({text}) in {problems:?}"
        );
    }
    assert!(problems.iter().any(|p| p.contains("ZZ11")), "{problems:?}");
    assert!(
        run.stderr.contains("this line has no colons"),
        "stderr does not list the problems:\n{}",
        run.dump()
    );
    assert_eq!(
        str_at(&v, "/verdict/status"),
        Some("healthy"),
        "{}",
        run.dump()
    );

    drop(nginx);
    drop(xrdp);
}

#[test]
fn rdp_file_without_full_address_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> = connection_file(3389, None)
        .into_iter()
        .filter(|l| !l.starts_with("full address"))
        .collect();
    let file = write_file(dir.path(), "nohost.rdp", &windows_rdp(&lines));
    let run = probe_file(&file, &[]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("full address"),
        "stderr does not name the missing line:\n{}",
        run.dump()
    );
    assert!(run.stdout.is_empty(), "{}", run.dump());
}

#[test]
fn missing_rdp_file_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("does-not-exist.rdp");
    let run = probe_file(&file, &[]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("does-not-exist.rdp"),
        "stderr does not name the file:\n{}",
        run.dump()
    );
    assert!(run.stdout.is_empty(), "{}", run.dump());
}

/// `/dev/zero` never ends: the built binary must stop at its cap, at once, with exit code 2 and
/// a message naming the file and the cap (not read until memory runs out).
#[test]
fn endless_files_are_bad_input_at_once() {
    for (args, phrase) in [
        (
            vec!["probe", "--rdp-file", "/dev/zero"],
            "--rdp-file /dev/zero: larger than 1 MiB",
        ),
        (
            vec!["probe", "127.0.0.1", "--ca-file", "/dev/zero"],
            "--ca-file /dev/zero: larger than 4 MiB",
        ),
    ] {
        let run = rdpcheck(&args);
        assert_exit(&run, 2);
        assert!(run.stderr.contains(phrase), "{}", run.dump());
        assert!(run.stdout.is_empty(), "{}", run.dump());
        assert!(run.elapsed < Duration::from_secs(5), "{}", run.dump());
    }
}
