//! `bench-probe`: rdpcheck against nmap on real loopback servers (run by `cargo xtask bench probe`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-probe -- --rdpcheck target/release/rdpcheck [--runs N]
//! ```
//!
//! Starts a FreeRDP shadow server with NLA, an xrdp negotiate and an xrdp tls server on free
//! loopback ports, then for each server times, interleaved, `rdpcheck probe HOST:PORT --json
//! --samples 0` (security layers + TLS certificate + NTLM identity: what nmap's two RDP scripts
//! learn) and `nmap -Pn -n --servicedb FILE --script rdp-enum-encryption,rdp-ntlm-info 127.0.0.1`
//! (peer-lab §2: the services file makes the scripts run on a non-3389 port). One warm-up run of
//! each is discarded; wall time per process is measured around `Command::output()`. Prints a
//! Markdown table and what each tool says about NLA and the NTLM identity. Not a test.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::{require_binary, SecurityLayer, Shadow, ShadowSec, TestCert, Xrdp};
use serde_json::Value;

const DEFAULT_RUNS: usize = 15;
const USAGE: &str = "usage: bench-probe --rdpcheck PATH [--runs N] [--nmap PATH]";

struct Args {
    rdpcheck: PathBuf,
    nmap: PathBuf,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut rdpcheck = None;
    let mut nmap = None;
    let mut runs = DEFAULT_RUNS;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--rdpcheck" => rdpcheck = Some(PathBuf::from(value("--rdpcheck")?)),
            "--nmap" => nmap = Some(PathBuf::from(value("--nmap")?)),
            "--runs" => {
                runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}\n{USAGE}"))?;
                if runs == 0 {
                    return Err(format!("--runs must be at least 1\n{USAGE}"));
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let rdpcheck = rdpcheck.ok_or(format!("--rdpcheck is required\n{USAGE}"))?;
    if !rdpcheck.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo build --release -p rdpcheck-cli)",
            rdpcheck.display()
        ));
    }
    let nmap = nmap.unwrap_or_else(|| require_binary("nmap", "nmap"));
    Ok(Args {
        rdpcheck,
        nmap,
        runs,
    })
}

/// Process groups of the servers, killed if the bench is interrupted (they run in their own
/// groups, so a Ctrl-C on the terminal does not reach them). Normal exit and panics stop them
/// through `Drop`. Lock-free so the signal handler can read it.
static SERVER_GROUPS: [AtomicI32; 8] = [const { AtomicI32::new(0) }; 8];

/// Set by the signal thread: `main` stops measuring and cleans up.
static STOP: AtomicBool = AtomicBool::new(false);

fn interrupted() -> bool {
    STOP.load(Ordering::SeqCst)
}

fn register(pgid: u32) {
    let pgid = i32::try_from(pgid).expect("pid fits in i32");
    let slot = SERVER_GROUPS.iter().find(|s| {
        s.compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    });
    assert!(slot.is_some(), "more servers than SERVER_GROUPS slots");
}

/// On SIGINT/SIGTERM/SIGHUP: SIGKILL every server group, then exit 130. A thread with its own
/// small runtime waits for the signals (tokio installs handlers; nothing is blocked, so children
/// start with normal signal dispositions). The shared Xvfb's watchdog sees its pipe close when
/// this process exits and stops Xvfb itself.
fn install_signal_guard() {
    use tokio::signal::unix::{signal, SignalKind};
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let _ = ready_tx.send(Err(format!("no runtime: {e}")));
                return;
            }
        };
        runtime.block_on(async move {
            let kinds = [
                SignalKind::interrupt(),
                SignalKind::terminate(),
                SignalKind::hangup(),
            ];
            let mut streams = Vec::new();
            for kind in kinds {
                match signal(kind) {
                    Ok(s) => streams.push(s),
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot handle {kind:?}: {e}")));
                        return;
                    }
                }
            }
            let _ = ready_tx.send(Ok(()));
            let [int, term, hup] = &mut streams[..] else {
                return;
            };
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            // Kill the servers at once (a tool in flight then ends quickly), let `main` stop and
            // drop everything (scratch dirs included), and exit here only if it does not.
            STOP.store(true, Ordering::SeqCst);
            for slot in &SERVER_GROUPS {
                let pgid = slot.load(Ordering::SeqCst);
                if pgid > 0 {
                    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
                }
            }
            eprintln!("bench-probe: interrupted, servers stopped");
            tokio::time::sleep(Duration::from_secs(10)).await;
            std::process::exit(130);
        });
    });
    match ready_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("bench-probe: {e}; servers may outlive an interrupt"),
        Err(_) => eprintln!("bench-probe: signal thread died; servers may outlive an interrupt"),
    }
}

/// A server under test, kept alive until the end of `main`.
enum Server {
    Shadow(Shadow),
    Xrdp(Xrdp),
}

impl Server {
    fn logs(&self) -> String {
        match self {
            Server::Shadow(s) => s.logs(),
            Server::Xrdp(x) => x.logs(),
        }
    }
}

struct Target {
    name: &'static str,
    port: u16,
    servicedb: PathBuf,
    server: Server,
}

/// Wall times of one (server, tool) pair.
struct Series {
    server: &'static str,
    tool: &'static str,
    ms: Vec<f64>,
    /// Output of the first measured run.
    first: Option<Output>,
    failures: usize,
}

impl Series {
    fn new(server: &'static str, tool: &'static str) -> Series {
        Series {
            server,
            tool,
            ms: Vec::new(),
            first: None,
            failures: 0,
        }
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.ms.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    fn median(&self) -> f64 {
        let v = self.sorted();
        let n = v.len();
        if n == 0 {
            return f64::NAN;
        }
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
}

fn timed(cmd: &mut Command) -> (Output, Duration) {
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    (out, start.elapsed())
}

fn rdpcheck_cmd(args: &Args, port: u16, samples: Option<u32>) -> Command {
    let mut cmd = Command::new(&args.rdpcheck);
    cmd.arg("probe")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--json");
    if let Some(n) = samples {
        cmd.arg("--samples").arg(n.to_string());
    }
    cmd
}

fn nmap_cmd(args: &Args, servicedb: &Path) -> Command {
    let mut cmd = Command::new(&args.nmap);
    cmd.args(["-Pn", "-n", "--servicedb"]).arg(servicedb).args([
        "--script",
        "rdp-enum-encryption,rdp-ntlm-info",
        "127.0.0.1",
    ]);
    cmd
}

fn shown(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// rdpcheck exits 0 (healthy) or 1 (a stage fails); anything else is a usage or internal error.
fn rdpcheck_ok(out: &Output) -> bool {
    matches!(out.status.code(), Some(0 | 1)) && serde_json::from_slice::<Value>(&out.stdout).is_ok()
}

/// The scripts ran when nmap's output names them (a crashed script still prints its name).
fn nmap_scripts_ran(out: &Output) -> bool {
    let text = stdout(out);
    out.status.success() && text.contains("rdp-enum-encryption")
}

fn first_line(program: &Path, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .and_then(|o| {
            stdout(&o)
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}

fn shell_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| stdout(&o).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The first three fields of /proc/loadavg: other work on the machine skews the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn start_servers(scratch: &Path) -> Vec<Target> {
    let cert = TestCert::self_signed();
    let servicedb = |name: &str, port: u16| {
        let path = scratch.join(format!("nmap-services-{name}"));
        std::fs::write(&path, format!("ms-wbt-server\t{port}/tcp\t0.5\n"))
            .expect("write nmap services file");
        path
    };
    let mut targets = Vec::new();
    eprintln!("starting servers …");
    let shadow = Shadow::start_with_cert(ShadowSec::Nla, &cert);
    register(shadow.pid());
    targets.push(Target {
        name: "shadow nla",
        port: shadow.port,
        servicedb: servicedb("shadow-nla", shadow.port),
        server: Server::Shadow(shadow),
    });
    for (name, layer) in [
        ("xrdp negotiate", SecurityLayer::Negotiate),
        ("xrdp tls", SecurityLayer::Tls),
    ] {
        let xrdp = Xrdp::start(layer, &cert);
        register(xrdp.pid());
        targets.push(Target {
            name,
            port: xrdp.port,
            servicedb: servicedb(&name.replace(' ', "-"), xrdp.port),
            server: Server::Xrdp(xrdp),
        });
    }
    for t in &targets {
        eprintln!("  {} on 127.0.0.1:{}", t.name, t.port);
    }
    targets
}

/// What one tool says about NLA and the NTLM identity on one server.
struct Claims {
    nla: String,
    identity: String,
}

fn rdpcheck_claims(out: &Output) -> Claims {
    let Ok(json) = serde_json::from_slice::<Value>(&out.stdout) else {
        return Claims {
            nla: "no JSON".into(),
            identity: "no JSON".into(),
        };
    };
    let layer = &json["security_layers"]["nla"];
    let nla = match layer["accepted"].as_bool() {
        Some(true) => "accepted".to_string(),
        Some(false) => match layer["selected"].as_str() {
            Some(sel) => format!("not accepted (server selected {sel})"),
            None => match layer["failure"].as_str() {
                Some(f) => format!("not accepted ({f})"),
                None => "not accepted".to_string(),
            },
        },
        None => "no answer".to_string(),
    };
    let n = &json["nla"];
    let identity = if n.is_object() {
        let field = |k: &str| n[k].as_str().unwrap_or("-").to_string();
        format!(
            "yes: {}\\{} ({}), version {}",
            field("netbios_domain"),
            field("netbios_computer"),
            field("dns_computer"),
            field("product_version")
        )
    } else {
        "no".to_string()
    };
    Claims { nla, identity }
}

fn nmap_claims(out: &Output) -> Claims {
    let text = stdout(out);
    let line_with = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .map(|l| l.trim_start_matches(['|', '_', ' ']).trim().to_string())
    };
    let nla = if let Some(err) = text
        .lines()
        .find(|l| l.contains("rdp-enum-encryption") && l.contains("ERROR"))
    {
        format!(
            "script failed: {}",
            err.trim_start_matches(['|', '_', ' ']).trim()
        )
    } else {
        match line_with("CredSSP (NLA)") {
            Some(l) if l.contains("SUCCESS") => "SUCCESS".to_string(),
            Some(l) => l,
            None => "not listed".to_string(),
        }
    };
    let identity = match line_with("NetBIOS_Computer_Name") {
        Some(computer) => {
            let domain = line_with("NetBIOS_Domain_Name").unwrap_or_default();
            let version = line_with("Product_Version").unwrap_or_default();
            format!("yes: {domain}; {computer}; {version}")
        }
        None => "no".to_string(),
    };
    Claims { nla, identity }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    install_signal_guard();
    let load_before = load_average();
    let scratch = tempfile::Builder::new()
        .prefix("rdpcheck-bench-")
        .tempdir()
        .expect("scratch dir");
    let targets = start_servers(scratch.path());
    let negotiate_port = targets
        .iter()
        .find(|t| t.name == "xrdp negotiate")
        .map(|t| t.port)
        .expect("xrdp negotiate server");

    // Warm-up (discarded), and proof that nmap's scripts run on these ports.
    for t in &targets {
        let (out, _) = timed(&mut rdpcheck_cmd(&args, t.port, Some(0)));
        if interrupted() {
            return ExitCode::from(130);
        }
        assert!(
            rdpcheck_ok(&out),
            "rdpcheck warm-up against {} failed: {:?}\n{}\nserver log:\n{}",
            t.name,
            out.status,
            String::from_utf8_lossy(&out.stderr),
            t.server.logs()
        );
        let (out, _) = timed(&mut nmap_cmd(&args, &t.servicedb));
        if interrupted() {
            return ExitCode::from(130);
        }
        assert!(
            nmap_scripts_ran(&out),
            "nmap's RDP scripts did not run against {} ({:?}); output:\n{}\n{}\nserver log:\n{}",
            t.name,
            out.status,
            stdout(&out),
            String::from_utf8_lossy(&out.stderr),
            t.server.logs()
        );
    }
    let _ = timed(&mut rdpcheck_cmd(&args, negotiate_port, None));

    let mut series: Vec<Series> = Vec::new();
    for t in &targets {
        series.push(Series::new(t.name, "rdpcheck --samples 0"));
        series.push(Series::new(t.name, "nmap"));
    }
    series.push(Series::new(
        "xrdp negotiate",
        "rdpcheck (default 5 samples)",
    ));
    let record = |s: &mut Series, out: Output, took: Duration, ok: bool| {
        s.ms.push(took.as_secs_f64() * 1000.0);
        if !ok {
            s.failures += 1;
        }
        if s.first.is_none() {
            s.first = Some(out);
        }
    };

    eprintln!("measuring {} runs per tool and server …", args.runs);
    for i in 0..args.runs {
        if interrupted() {
            return ExitCode::from(130);
        }
        for (k, t) in targets.iter().enumerate() {
            let (out, took) = timed(&mut rdpcheck_cmd(&args, t.port, Some(0)));
            let ok = rdpcheck_ok(&out);
            record(&mut series[2 * k], out, took, ok);
            let (out, took) = timed(&mut nmap_cmd(&args, &t.servicedb));
            let ok = nmap_scripts_ran(&out);
            record(&mut series[2 * k + 1], out, took, ok);
        }
        let (out, took) = timed(&mut rdpcheck_cmd(&args, negotiate_port, None));
        let ok = rdpcheck_ok(&out);
        let last = series.len() - 1;
        record(&mut series[last], out, took, ok);
        eprintln!("  run {}/{} done", i + 1, args.runs);
    }

    if interrupted() {
        return ExitCode::from(130);
    }

    // Report.
    let command_line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    println!("## Probe vs nmap (cargo xtask bench probe)\n");
    println!("- command: `cargo run --release -p rdpcheck-labtests --bin bench-probe -- {command_line}` (what `cargo xtask bench probe` runs)");
    println!(
        "- date: {}",
        shell_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"])
    );
    println!(
        "- machine: nproc {}, kernel {}; load average (1/5/15 min) {load_before} at the start, {} at the end",
        shell_line("nproc", &[]),
        shell_line("uname", &["-r"]),
        load_average()
    );
    println!("- rdpcheck: {}", first_line(&args.rdpcheck, "--version"));
    println!("- nmap: {}", first_line(&args.nmap, "--version"));
    println!(
        "- runs: {} per (server, tool), interleaved, after one discarded warm-up; wall time of the whole process",
        args.runs
    );
    println!(
        "- rdpcheck: `{}`",
        shown(&rdpcheck_cmd(&args, 0, Some(0))).replace(":0 ", ":PORT ")
    );
    println!(
        "- nmap: `{}` (FILE: one line `ms-wbt-server<TAB>PORT/tcp<TAB>0.5`)",
        shown(&nmap_cmd(&args, Path::new("FILE")))
    );
    println!();
    println!("| server | tool | median ms | min ms | max ms | nmap / rdpcheck (median) |");
    println!("|---|---|---:|---:|---:|---:|");
    for s in &series {
        let rdpcheck_median = series
            .iter()
            .find(|r| r.server == s.server && r.tool == "rdpcheck --samples 0")
            .map(Series::median)
            .unwrap_or(f64::NAN);
        let ratio = if s.tool == "nmap" {
            format!("{:.1}x", s.median() / rdpcheck_median)
        } else {
            String::new()
        };
        let failed = if s.failures > 0 {
            format!(" ({} of {} runs failed)", s.failures, s.ms.len())
        } else {
            String::new()
        };
        println!(
            "| {} | {}{} | {:.1} | {:.1} | {:.1} | {} |",
            s.server,
            s.tool,
            failed,
            s.median(),
            s.min(),
            s.max(),
            ratio
        );
    }

    println!("\n### What each tool says\n");
    println!("| server | rdpcheck: NLA (`security_layers.nla`) | nmap rdp-enum-encryption: CredSSP (NLA) | rdpcheck: NTLM identity | nmap rdp-ntlm-info: NTLM identity |");
    println!("|---|---|---|---|---|");
    for t in &targets {
        let of = |tool: &str| {
            series
                .iter()
                .find(|s| s.server == t.name && s.tool == tool)
                .and_then(|s| s.first.as_ref())
        };
        let r = of("rdpcheck --samples 0")
            .map(rdpcheck_claims)
            .unwrap_or(Claims {
                nla: "-".into(),
                identity: "-".into(),
            });
        let n = of("nmap").map(nmap_claims).unwrap_or(Claims {
            nla: "-".into(),
            identity: "-".into(),
        });
        println!(
            "| {} | {} | {} | {} | {} |",
            t.name, r.nla, n.nla, r.identity, n.identity
        );
    }

    println!(
        "\n### Where rdpcheck spends its time (stage durations of its first measured run, ms)\n"
    );
    for t in &targets {
        let json = series
            .iter()
            .find(|s| s.server == t.name && s.tool == "rdpcheck --samples 0")
            .and_then(|s| s.first.as_ref())
            .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok());
        let Some(json) = json else { continue };
        let stages: Vec<String> = json["stages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|s| {
                format!(
                    "{} {:.1}",
                    s["name"].as_str().unwrap_or("?"),
                    s["duration_ms"].as_f64().unwrap_or(f64::NAN)
                )
            })
            .collect();
        println!(
            "- {}: total {:.1}; {}",
            t.name,
            json["duration_ms"].as_f64().unwrap_or(f64::NAN),
            stages.join(", ")
        );
    }

    for t in &targets {
        if let Some(out) = series
            .iter()
            .find(|s| s.server == t.name && s.tool == "nmap")
            .and_then(|s| s.first.as_ref())
        {
            println!(
                "\n<details><summary>nmap output, {}</summary>\n\n```",
                t.name
            );
            print!("{}", stdout(out).replace(&t.port.to_string(), "PORT"));
            println!("```\n</details>");
        }
    }
    drop(targets);
    ExitCode::SUCCESS
}
