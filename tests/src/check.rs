//! Run the engine with a hard outer deadline and look into its report: its sections, stages
//! and verdict, with assertions that print the whole report when they fail ([`assert_layer!`],
//! [`assert_report!`], [`assert_report_eq!`] and the `assert_*` functions here).

use std::time::{Duration, Instant};

use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{
    CertInfo, Event, Finding, GatewayReport, NlaReport, Report, SecurityLayers, Severity,
    StabilityReport, StageResult, StageStatus, TlsReport, UdpReport, VerdictStatus,
};
use tokio::sync::mpsc::UnboundedSender;

/// Slack on top of `total_timeout` before a probe counts as hung.
pub const HANG_SLACK: Duration = Duration::from_secs(5);

/// Run `probe` with a deadline of `total_timeout + 5 s`; panic if it does not return by then.
/// Returns the report and how long the call took.
pub async fn run_probe(opts: ProbeOptions) -> (Report, Duration) {
    run_probe_inner(opts, None).await
}

/// Like [`run_probe`], sending progress events to `events`.
pub async fn run_probe_with_events(
    opts: ProbeOptions,
    events: UnboundedSender<Event>,
) -> (Report, Duration) {
    run_probe_inner(opts, Some(events)).await
}

async fn run_probe_inner(
    opts: ProbeOptions,
    events: Option<UnboundedSender<Event>>,
) -> (Report, Duration) {
    let limit = opts.total_timeout + HANG_SLACK;
    let what = format!("{}:{}", opts.host, opts.port);
    let start = Instant::now();
    let report = tokio::time::timeout(limit, rdpcheck_probe::probe(opts, events))
        .await
        .unwrap_or_else(|_| {
            panic!("probe of {what} hung: no report after {limit:?} (total_timeout + 5 s)")
        });
    (report, start.elapsed())
}

/// The report as pretty JSON, for assertion messages.
pub fn pretty(report: &Report) -> String {
    serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("<cannot serialize: {e}> {report:?}"))
}

/// Every finding code, in report order.
pub fn codes(report: &Report) -> Vec<String> {
    report.findings.iter().map(|f| f.code.to_string()).collect()
}

pub fn finding<'r>(report: &'r Report, code: &str) -> Option<&'r Finding> {
    report.findings.iter().find(|f| f.code == code)
}

/// The finding with `code`, or a panic listing the codes that were there and the whole report.
#[track_caller]
pub fn expect_finding<'r>(report: &'r Report, code: &str) -> &'r Finding {
    finding(report, code).unwrap_or_else(|| {
        panic!(
            "expected finding `{code}`; got {:?}\nreport:\n{}",
            codes(report),
            pretty(report)
        )
    })
}

/// No finding of severity `fail`.
#[track_caller]
pub fn assert_no_fail(report: &Report) {
    let fails: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Fail)
        .map(|f| f.code.to_string())
        .collect();
    assert!(
        fails.is_empty(),
        "expected no `fail` finding; got {fails:?}\nreport:\n{}",
        pretty(report)
    );
}

/// The stage result named `name`, if the report has it.
pub fn stage<'r>(report: &'r Report, name: &str) -> Option<&'r StageResult> {
    report.stages.iter().find(|s| s.name == name)
}

/// The stage result named `name`, or a panic with the report.
#[track_caller]
pub fn expect_stage<'r>(report: &'r Report, name: &str) -> &'r StageResult {
    match stage(report, name) {
        Some(s) => s,
        None => panic!("no stage {name}\n{}", pretty(report)),
    }
}

/// Stage `name` is in the report with `status`.
#[track_caller]
pub fn assert_stage(report: &Report, name: &str, status: StageStatus) {
    let stage = expect_stage(report, name);
    assert_eq!(stage.status, status, "stage {name}\n{}", pretty(report));
}

// ---------------------------------------------------------------------------------------------
// Sections: each one or a panic naming what is missing, with the report.

/// `get(report)`, or a panic saying `no {what}` with the report.
#[track_caller]
pub fn section<'r, T: ?Sized>(
    report: &'r Report,
    what: &str,
    get: impl FnOnce(&'r Report) -> Option<&'r T>,
) -> &'r T {
    match get(report) {
        Some(section) => section,
        None => panic!("no {what}\n{}", pretty(report)),
    }
}

#[track_caller]
pub fn layers(report: &Report) -> &SecurityLayers {
    section(report, "security_layers", |r| r.security_layers.as_ref())
}

#[track_caller]
pub fn tls_section(report: &Report) -> &TlsReport {
    section(report, "tls section", |r| r.tls.as_ref())
}

/// The host's TLS certificate (`tls.certificate`).
#[track_caller]
pub fn certificate(report: &Report) -> &CertInfo {
    section(report, "certificate", |r| {
        r.tls.as_ref().and_then(|t| t.certificate.as_ref())
    })
}

#[track_caller]
pub fn nla_section(report: &Report) -> &NlaReport {
    section(report, "nla section", |r| r.nla.as_ref())
}

#[track_caller]
pub fn stability_section(report: &Report) -> &StabilityReport {
    section(report, "stability", |r| r.stability.as_ref())
}

#[track_caller]
pub fn gateway_section(report: &Report) -> &GatewayReport {
    section(report, "gateway section", |r| r.gateway.as_ref())
}

#[track_caller]
pub fn udp_section(report: &Report) -> &UdpReport {
    section(report, "udp section", |r| r.udp.as_ref())
}

// ---------------------------------------------------------------------------------------------
// The verdict.

/// The verdict is a problem at `stage`.
#[track_caller]
pub fn assert_problem_at(report: &Report, stage: &str) {
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Problem,
        "verdict\n{}",
        pretty(report)
    );
    assert_verdict_stage(report, stage);
}

/// The verdict names `stage` (whatever its status).
#[track_caller]
pub fn assert_verdict_stage(report: &Report, stage: &str) {
    assert_eq!(
        report.verdict.stage.as_ref().map(|s| s.as_str()),
        Some(stage),
        "verdict stage\n{}",
        pretty(report)
    );
}

/// The verdict is a problem at `stage`, decided by exactly `code`.
#[track_caller]
pub fn assert_decided_by(report: &Report, stage: &str, code: &str) {
    assert_problem_at(report, stage);
    assert_eq!(
        report.verdict.codes,
        [code],
        "verdict codes\n{}",
        pretty(report)
    );
}

/// `code` is among the verdict's codes.
#[track_caller]
pub fn assert_verdict_names(report: &Report, code: &str) {
    assert!(
        report.verdict.codes.iter().any(|c| c == code),
        "verdict codes {:?} lack {code}\n{}",
        report.verdict.codes,
        pretty(report)
    );
}

/// The verdict is healthy.
#[track_caller]
pub fn assert_healthy(report: &Report) {
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "verdict\n{}",
        pretty(report)
    );
}

/// The finding `code` is there with `severity`; the finding.
#[track_caller]
pub fn expect_severity<'r>(report: &'r Report, code: &str, severity: Severity) -> &'r Finding {
    let f = expect_finding(report, code);
    assert_eq!(f.severity, severity, "{code}\n{}", pretty(report));
    f
}

/// `text` (a field the message calls `what`, e.g. "evidence") contains every one of `needles`.
#[track_caller]
pub fn assert_says(report: &Report, what: &str, text: &str, needles: &[&str]) {
    assert!(
        needles.iter().all(|n| text.contains(n)),
        "{what} {text:?}\n{}",
        pretty(report)
    );
}

// ---------------------------------------------------------------------------------------------
// Assertion macros that add the report to the failure message.

/// `assert!(cond)` that prints the report (after an optional message) when it fails:
/// `assert_report!(report, udp.rtt_ms.is_some())`, `assert_report!(report, cond, "why {x}")`.
#[macro_export]
macro_rules! assert_report {
    ($report:expr, $cond:expr $(,)?) => {
        assert!($cond, "{}", $crate::check::pretty(&$report))
    };
    ($report:expr, $cond:expr, $($msg:tt)+) => {
        assert!(
            $cond,
            "{}\n{}",
            format_args!($($msg)+),
            $crate::check::pretty(&$report)
        )
    };
}

/// `assert_eq!(left, right)` that prints the report (after an optional message) when it fails.
#[macro_export]
macro_rules! assert_report_eq {
    ($report:expr, $left:expr, $right:expr $(,)?) => {
        assert_eq!($left, $right, "{}", $crate::check::pretty(&$report))
    };
    ($report:expr, $left:expr, $right:expr, $($msg:tt)+) => {
        assert_eq!(
            $left,
            $right,
            "{}\n{}",
            format_args!($($msg)+),
            $crate::check::pretty(&$report)
        )
    };
}

/// One fact about a security layer of the report (`security_layers.<layer>`), failing with the
/// layer and the whole report:
///
/// - `assert_layer!(report, tls, accepted)` / `assert_layer!(report, nla, !accepted)`
/// - `assert_layer!(report, nla, selected == "tls")` / `assert_layer!(report, rdp, failure == "…")`
/// - any of them with a message after a comma: `assert_layer!(report, tls, accepted, "why")`.
#[macro_export]
macro_rules! assert_layer {
    (@message) => {
        String::new()
    };
    (@message $($msg:tt)+) => {
        format!("{}: ", format_args!($($msg)+))
    };
    (@check $report:expr, $layer:ident, |$l:ident| $cond:expr $(, $($msg:tt)+)?) => {{
        let report = &$report;
        let $l = &$crate::check::layers(report).$layer;
        assert!(
            $cond,
            "{}{} layer: {:?}\n{}",
            $crate::assert_layer!(@message $($($msg)+)?),
            stringify!($layer),
            $l,
            $crate::check::pretty(report)
        );
    }};
    ($report:expr, $layer:ident, accepted $(, $($msg:tt)+)?) => {
        $crate::assert_layer!(@check $report, $layer, |l| l.accepted $(, $($msg)+)?)
    };
    ($report:expr, $layer:ident, !accepted $(, $($msg:tt)+)?) => {
        $crate::assert_layer!(@check $report, $layer, |l| !l.accepted $(, $($msg)+)?)
    };
    ($report:expr, $layer:ident, $field:ident == $want:expr $(, $($msg:tt)+)?) => {{
        let report = &$report;
        let layer = &$crate::check::layers(report).$layer;
        assert_eq!(
            layer.$field.as_deref(),
            Some($want),
            "{}{} layer: {:?}\n{}",
            $crate::assert_layer!(@message $($($msg)+)?),
            stringify!($layer),
            layer,
            $crate::check::pretty(report)
        );
    }};
}
