//! Nothing listening: the TCP connect is refused.

use rdpcheck_labtests::check::{assert_problem_at, assert_says, expect_finding, run_probe};
use rdpcheck_labtests::process::closed_port;

use crate::{assert_within, fault_opts, print_summary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_port() {
    // Take a free port and close it again: connecting gets RST (ECONNREFUSED).
    let opts = fault_opts(closed_port());
    let deadline = opts.total_timeout;
    let (report, elapsed) = run_probe(opts).await;
    print_summary("refused", &report, elapsed);
    assert_within(elapsed, deadline, &report);

    expect_finding(&report, "tcp.refused");
    assert_problem_at(&report, "tcp");
    let hint = report.verdict.client_error_hint.as_deref().unwrap_or("");
    assert_says(&report, "client_error_hint", hint, &["0x204"]);
}
