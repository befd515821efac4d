//! Failures no real server produces, from the in-process fault server.

use std::time::Duration;

use rdpcheck_labtests::assert_report;
use rdpcheck_labtests::check::{
    assert_problem_at, assert_says, assert_stage, codes, expect_finding, run_probe,
};
use rdpcheck_labtests::{Fault, FaultServer};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_proto::x224::FailureCode;
use rdpcheck_report::{Report, StageStatus, VerdictStatus};

use crate::{assert_within, fault_opts, print_summary};

/// Start a fault server, probe it with `opts` (from `fault_opts`, adjusted by `tune`) and check
/// that the probe came back within `deadline(opts)` + slack and that the server saw a connection.
async fn probe_fault(
    fault: Fault,
    tune: impl FnOnce(&mut ProbeOptions),
    deadline: impl FnOnce(&ProbeOptions) -> Duration,
) -> Report {
    let server = FaultServer::start(fault).await;
    let mut opts = fault_opts(server.port);
    tune(&mut opts);
    let limit = deadline(&opts);
    let (report, elapsed) = run_probe(opts).await;
    print_summary(&format!("{fault:?}"), &report, elapsed);
    assert_report!(
        report,
        server.accepted() >= 1,
        "the fault server saw no connection"
    );
    assert_within(elapsed, limit, &report);
    report
}

fn total(opts: &ProbeOptions) -> Duration {
    opts.total_timeout
}

fn reply(opts: &ProbeOptions) -> Duration {
    opts.reply_timeout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_after_request() {
    let report = probe_fault(Fault::CloseAfterRequest, |_| {}, total).await;
    expect_finding(&report, "x224.closed");
    assert_problem_at(&report, "x224");
    let hint = report.verdict.client_error_hint.as_deref().unwrap_or("");
    assert_says(&report, "client_error_hint", hint, &["0x904"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_after_request() {
    let report = probe_fault(Fault::ResetAfterRequest, |_| {}, total).await;
    expect_finding(&report, "x224.reset");
    assert_problem_at(&report, "x224");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_server() {
    let report = probe_fault(Fault::Silent, |_| {}, reply).await;
    expect_finding(&report, "x224.silent");
    assert_problem_at(&report, "x224");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_reply() {
    let report = probe_fault(Fault::Garbage, |_| {}, total).await;
    expect_finding(&report, "x224.not_rdp");
    assert_problem_at(&report, "x224");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_server_on_the_port() {
    let report = probe_fault(Fault::Http, |_| {}, total).await;
    let f = expect_finding(&report, "x224.not_rdp");
    assert_report!(
        report,
        f.evidence.to_ascii_uppercase().contains("HTTP"),
        "evidence should mention HTTP: {:?}",
        f.evidence
    );
    assert_problem_at(&report, "x224");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_confirm_without_negotiation() {
    let report = probe_fault(Fault::LegacyConfirm, |_| {}, total).await;
    expect_finding(&report, "x224.legacy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiation_failures() {
    // Every connection gets the failure, whatever it asked for (plain RDP included), so no
    // client can get in: each code must show as its finding and as a problem. All codes are
    // probed before asserting the verdicts, so one mismatch does not hide the others.
    let mut not_problem = Vec::new();
    for code in 1..=6u32 {
        let report = probe_fault(Fault::NegFailure(code), |_| {}, total).await;
        let slug = FailureCode::from_u32(code).slug();
        expect_finding(&report, &format!("x224.neg_failure.{slug}"));
        if report.verdict.status != VerdictStatus::Problem {
            not_problem.push(format!(
                "code {code} ({slug}): verdict {:?}, codes {:?}, security_layers {:?}",
                report.verdict.status,
                codes(&report),
                report.security_layers
            ));
        }
    }
    assert!(
        not_problem.is_empty(),
        "every layer was refused, yet the verdict is not `problem`:\n{}",
        not_problem.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_closed_after_client_hello() {
    let report = probe_fault(Fault::SelectTlsThenClose, |_| {}, total).await;
    expect_finding(&report, "tls.closed_after_hello");
    assert_problem_at(&report, "tls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_reset_after_client_hello() {
    let report = probe_fault(Fault::SelectTlsThenReset, |_| {}, total).await;
    let codes = codes(&report);
    assert_report!(
        report,
        codes.iter().any(|c| c == "tls.reset")
            || codes.iter().any(|c| c == "tls.closed_after_hello"),
        "expected tls.reset (or tls.closed_after_hello after a retry); got {codes:?}"
    );
    assert_stage(&report, "tls", StageStatus::Fail);
    assert_problem_at(&report, "tls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_stalls_mid_record() {
    let report = probe_fault(Fault::SelectTlsThenStall, |_| {}, total).await;
    expect_finding(&report, "tls.stalled");
    assert_problem_at(&report, "tls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_handshake_failure_alert() {
    let report = probe_fault(Fault::SelectTlsThenAlert(40), |_| {}, total).await;
    expect_finding(&report, "tls.alert.handshake_failure");
    assert_problem_at(&report, "tls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickling_confirm_hits_the_reply_deadline() {
    let report = probe_fault(
        Fault::Trickle,
        |o| o.reply_timeout = Duration::from_secs(2),
        reply,
    )
    .await;
    let codes = codes(&report);
    assert_report!(
        report,
        codes.iter().any(|c| c == "x224.stalled") || codes.iter().any(|c| c == "x224.silent"),
        "expected x224.stalled or x224.silent; got {codes:?}"
    );
    assert_problem_at(&report, "x224");
}
