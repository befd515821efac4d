//! One test binary for the whole lab (keeps link time low): real xrdp and FreeRDP shadow servers,
//! the fault server, and a refused port — all on loopback, each test on its own port; and the
//! real FreeRDP client as the oracle for the verdict's `freerdp` entry (oracle.rs).

mod fault;
mod fixtures;
mod gateway;
mod harness;
mod oracle;
mod rdpfile;
mod shadow;
mod tcp;
mod udp;
mod weston;
mod windows;
mod xrdp;

use std::time::Duration;

use rdpcheck_labtests::check::{codes, pretty, stage};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{Event, Report, Stage, StageStatus};

/// Options for a real server on loopback: short but comfortable deadlines, few samples.
pub fn real_opts(port: u16) -> ProbeOptions {
    loopback_opts(port, 3, 5, 30)
}

/// Options for the fault server: short deadlines so every case stays fast.
pub fn fault_opts(port: u16) -> ProbeOptions {
    loopback_opts(port, 2, 1, 10)
}

/// 127.0.0.1:`port` with these connect / reply / whole-check deadlines (seconds) and two
/// stability samples 50 ms apart.
fn loopback_opts(port: u16, connect_s: u64, reply_s: u64, total_s: u64) -> ProbeOptions {
    let mut opts = ProbeOptions::new("127.0.0.1", port);
    opts.connect_timeout = Duration::from_secs(connect_s);
    opts.reply_timeout = Duration::from_secs(reply_s);
    opts.total_timeout = Duration::from_secs(total_s);
    opts.samples = 2;
    opts.sample_pause = Duration::from_millis(50);
    opts
}

/// Slack on top of a deadline when asserting that the engine honoured it (not a speed test).
pub const SLACK: Duration = Duration::from_secs(3);

#[track_caller]
pub fn assert_within(elapsed: Duration, deadline: Duration, report: &Report) {
    assert!(
        elapsed <= deadline + SLACK,
        "probe took {elapsed:?}, more than its deadline {deadline:?} + {SLACK:?} slack; codes {:?}\n{}",
        codes(report),
        pretty(report)
    );
}

/// Run the engine, print the summary, and check it honoured its whole-check deadline.
pub async fn probe(label: &str, opts: ProbeOptions) -> Report {
    let deadline = opts.total_timeout;
    let (report, elapsed) = rdpcheck_labtests::check::run_probe(opts).await;
    print_summary(label, &report, elapsed);
    assert_within(elapsed, deadline, &report);
    report
}

/// One line per stage and the findings, printed for the record (`--nocapture` shows it).
pub fn print_summary(label: &str, report: &Report, elapsed: Duration) {
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|s| format!("{}={:?}", s.name, s.status))
        .collect();
    eprintln!(
        "[{label}] {elapsed:?} verdict={:?} stage={:?} hint={:?} stages=[{}] codes={:?}",
        report.verdict.status,
        report.verdict.stage,
        report.verdict.client_error_hint,
        stages.join(" "),
        codes(report)
    );
}

/// The TLS version and cipher suite, printed for the record when the report has a TLS section.
pub fn print_tls(label: &str, report: &Report) {
    if let Some(tls) = &report.tls {
        eprintln!(
            "[{label}] tls version={:?} cipher={:?}",
            tls.version, tls.cipher_suite
        );
    }
}

/// The engine's ladder, in order, by published name.
pub fn ladder() -> [&'static str; 12] {
    Stage::ALL.map(Stage::as_str)
}

fn ladder_index(name: &str) -> usize {
    ladder()
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("event for unknown stage {name:?} (ladder: {:?})", ladder()))
}

/// Events must follow the ladder: stages start in ladder order, each started stage finishes
/// after it started, every non-skipped finish had a start, dns → tcp → x224 → security_layers
/// run one after another, and every ladder stage ends with a StageFinished that matches the
/// report's stage list.
#[track_caller]
pub fn assert_event_order(events: &[Event], report: &Report) {
    let dump = || format!("events:\n{events:#?}\nreport:\n{}", pretty(report));
    let mut started: Vec<(usize, &str, f64)> = Vec::new();
    let mut finished: Vec<(usize, &str, StageStatus, f64)> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::StageStarted { name, at_ms } => {
                assert!(
                    !started.iter().any(|(_, n, _)| *name == *n),
                    "stage {name} started twice\n{}",
                    dump()
                );
                started.push((i, name.as_str(), *at_ms));
            }
            Event::StageFinished { result, at_ms } => {
                assert!(
                    !finished.iter().any(|(_, n, _, _)| result.name == *n),
                    "stage {} finished twice\n{}",
                    result.name,
                    dump()
                );
                finished.push((i, result.name.as_str(), result.status, *at_ms));
            }
            Event::Finding { .. } => {}
        }
    }
    // Starts in ladder order.
    let order: Vec<usize> = started.iter().map(|(_, n, _)| ladder_index(n)).collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "stages did not start in ladder order: {:?}\n{}",
        started.iter().map(|(_, n, _)| *n).collect::<Vec<_>>(),
        dump()
    );
    let start_of = |name: &str| started.iter().find(|(_, n, _)| *n == name);
    let finish_of = |name: &str| finished.iter().find(|(_, n, _, _)| *n == name);
    // Each start has a later finish.
    for (i, name, at) in &started {
        let f = finish_of(name)
            .unwrap_or_else(|| panic!("stage {name} started but never finished\n{}", dump()));
        assert!(
            f.0 > *i,
            "stage {name} finished before it started\n{}",
            dump()
        );
        assert!(
            f.3 >= *at,
            "stage {name}: finished at_ms {} < started at_ms {at}\n{}",
            f.3,
            dump()
        );
    }
    // Each finish that is not a skip had a start.
    for (_, name, status, _) in &finished {
        if *status != StageStatus::Skip {
            assert!(
                start_of(name).is_some(),
                "stage {name} finished ({status:?}) without a start\n{}",
                dump()
            );
        }
    }
    // The connection prefix is strictly sequential.
    for pair in ["dns", "tcp", "x224", "security_layers"].windows(2) {
        if let (Some(prev), Some(next)) = (finish_of(pair[0]), start_of(pair[1])) {
            assert!(
                prev.0 < next.0,
                "stage {} started before {} finished\n{}",
                pair[1],
                pair[0],
                dump()
            );
        }
    }
    // Every ladder stage of this check reported (gateway stages only with a gateway, udp only
    // when asked for), and the report lists the same stages in ladder order.
    let expected: Vec<&str> = ladder()
        .into_iter()
        .filter(|n| !n.starts_with("gateway.") || report.gateway.is_some())
        .filter(|n| *n != "udp" || report.stages.iter().any(|s| s.name == "udp"))
        .collect();
    for name in expected.iter().copied() {
        assert!(
            finish_of(name).is_some(),
            "no StageFinished for stage {name}\n{}",
            dump()
        );
    }
    let report_names: Vec<&str> = report.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        report_names,
        expected,
        "report.stages are not the ladder\n{}",
        dump()
    );
    for name in expected.iter().copied() {
        let (_, _, status, _) = finish_of(name).expect("checked above");
        let in_report = stage(report, name).expect("checked above");
        assert_eq!(
            *status,
            in_report.status,
            "stage {name}: event status differs from report\n{}",
            dump()
        );
    }
}
