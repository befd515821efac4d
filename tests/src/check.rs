//! Run the engine with a hard outer deadline and look into its report.

use std::time::{Duration, Instant};

use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{Event, Finding, Report, Severity};
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
pub fn stage<'r>(report: &'r Report, name: &str) -> Option<&'r rdpcheck_report::StageResult> {
    report.stages.iter().find(|s| s.name == name)
}
