//! Nothing listening: the TCP connect is refused.

use std::net::TcpListener;

use rdpcheck_labtests::check::{expect_finding, pretty, run_probe};
use rdpcheck_report::VerdictStatus;

use crate::{assert_within, fault_opts, print_summary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_port() {
    // Take a free port and close it again: connecting gets RST (ECONNREFUSED).
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let opts = fault_opts(port);
    let deadline = opts.total_timeout;
    let (report, elapsed) = run_probe(opts).await;
    print_summary("refused", &report, elapsed);
    assert_within(elapsed, deadline, &report);

    expect_finding(&report, "tcp.refused");
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Problem,
        "{}",
        pretty(&report)
    );
    assert_eq!(
        report.verdict.stage.as_ref().map(|s| s.as_str()),
        Some("tcp"),
        "{}",
        pretty(&report)
    );
    let hint = report.verdict.client_error_hint.as_deref().unwrap_or("");
    assert!(
        hint.contains("0x204"),
        "client_error_hint {hint:?}\n{}",
        pretty(&report)
    );
}
