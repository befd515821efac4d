//! Running the built `rdpcheck` (bounded, both pipes drained) and reading its JSON.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Hard limit for one CLI run (its own --timeout is 20 s).
const RUN_LIMIT: Duration = Duration::from_secs(45);

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The string at `pointer` in `v` (this run's JSON) is `want`; the run on failure.
    #[track_caller]
    pub fn assert_str(&self, v: &Value, pointer: &str, want: Option<&str>) {
        assert_eq!(str_at(v, pointer), want, "{}", self.dump());
    }

    pub fn dump(&self) -> String {
        format!(
            "exit {} after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// Run the built `rdpcheck` with `args`; killed (and the test failed) after [`RUN_LIMIT`].
pub fn rdpcheck(args: &[&str]) -> Run {
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
pub fn probe_file(file: &Path, extra: &[&str]) -> Run {
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

#[track_caller]
pub fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, code, "{}", run.dump());
}

pub fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

pub fn finding_codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
