//! The RD Gateway hop against a REAL nginx on loopback (live gateway look-alike, plain web site,
//! HTTP transport off with the RPC proxy on, redirect), certificates from the lab CA (trusted,
//! unknown CA, expired, wrong name), a closed gateway port, and a fake TLS front door that
//! closes without an HTTP answer. The direct target is a closed loopback port — so the verdict is
//! the gateway's, or healthy with the caveat that the host could not be checked — or a real xrdp.

use std::time::Duration;

use rdpcheck_labtests::check::{
    assert_healthy, assert_no_fail, assert_problem_at, assert_says, assert_stage,
    assert_verdict_names, codes, expect_finding, expect_severity, finding, gateway_section, pretty,
    tls_section,
};
use rdpcheck_labtests::nginx::{
    expired_leaf, wrong_name_leaf, ClosingTlsServer, Nginx, NginxSite, REDIRECT_TARGET,
};
use rdpcheck_labtests::process::{closed_port, processes_in_group};
use rdpcheck_labtests::{assert_report, assert_report_eq};
use rdpcheck_labtests::{Fault, FaultServer, SecurityLayer, TestCa, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{Finding, Report, Severity, StageStatus};

use crate::probe;

/// Options for a check through the gateway `gw_host:gw_port` to 127.0.0.1:`direct_port`,
/// trusting `ca` for the gateway certificate. Short deadlines: everything is on loopback.
fn gateway_opts(
    direct_port: u16,
    gw_host: &str,
    gw_port: u16,
    ca: Option<&TestCa>,
) -> ProbeOptions {
    let mut opts = ProbeOptions::new("127.0.0.1", direct_port);
    opts.connect_timeout = Duration::from_secs(2);
    opts.reply_timeout = Duration::from_secs(2);
    opts.total_timeout = Duration::from_secs(20);
    opts.samples = 1;
    opts.sample_pause = Duration::from_millis(50);
    opts.udp_timeout = Duration::from_secs(1);
    opts.gateway = Some((gw_host.to_string(), gw_port));
    opts.extra_roots = ca.map(|c| vec![c.cert.der.clone()]).unwrap_or_default();
    opts
}

/// A check through the gateway `gw_host:gw_port` to a closed direct port: the verdict is the
/// gateway's, or healthy with the caveat that the host could not be checked.
async fn probe_via(label: &str, gw_host: &str, gw_port: u16, ca: Option<&TestCa>) -> Report {
    probe(label, gateway_opts(closed_port(), gw_host, gw_port, ca)).await
}

/// A problem at `stage` that names `code` among its codes.
#[track_caller]
fn assert_problem_naming(report: &Report, stage: &str, code: &str) {
    assert_problem_at(report, stage);
    assert_verdict_names(report, code);
}

/// The verdict summary says (or, with `says` false, does not say) `text`.
#[track_caller]
fn assert_summary(report: &Report, says: bool, text: &str) {
    let summary = &report.verdict.summary;
    assert_report!(
        report,
        summary.contains(text) == says,
        "summary {summary:?}"
    );
}

/// The client would refuse the gateway's certificate: `code` fails at gateway.tls and the
/// gateway section says why (`trust_error`). The finding.
#[track_caller]
fn assert_untrusted<'r>(report: &'r Report, code: &str, trust_error: &str) -> &'r Finding {
    let f = expect_severity(report, code, Severity::Fail);
    let g = gateway_section(report);
    assert_report_eq!(report, g.trusted, Some(false));
    assert_report_eq!(report, g.trust_error.as_deref(), Some(trust_error));
    assert_problem_naming(report, "gateway.tls", code);
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_gateway_trusted_ca_host_closed_is_healthy_with_caveat() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let report = probe_via("gateway live", "localhost", nginx.port, Some(&ca)).await;

    let live = expect_severity(&report, "gateway.live", Severity::Info);
    assert_says(
        &report,
        "gateway.live summary",
        &live.summary,
        &["Negotiate, NTLM"],
    );
    let g = gateway_section(&report);
    assert_report_eq!(report, g.host, "localhost");
    assert_report_eq!(report, g.port, nginx.port);
    assert_report_eq!(report, g.trusted, Some(true));
    assert_report_eq!(report, g.trust_error, None);
    let http = g
        .http
        .as_ref()
        .unwrap_or_else(|| panic!("no http answer\n{}\n{}", pretty(&report), nginx.logs()));
    assert_report_eq!(report, http.status, 401);
    assert_report_eq!(report, http.auth_schemes, ["Negotiate", "NTLM"]);
    assert_report!(
        report,
        http.server.as_deref().unwrap_or("").starts_with("nginx"),
        "server {:?}",
        http.server
    );
    // The RPC proxy is asked only when the HTTP transport is not live.
    assert_report_eq!(report, g.rpc_proxy, None);
    assert_report!(report, finding(&report, "gateway.rpc_proxy").is_none());
    for stage in ["gateway.dns", "gateway.tcp", "gateway.tls", "gateway.http"] {
        assert_stage(&report, stage, StageStatus::Pass);
    }

    // The host behind the gateway is not reachable from here: expected, not decisive.
    expect_finding(&report, "tcp.refused");
    assert_healthy(&report);
    assert_report_eq!(report, report.verdict.stage, None);
    assert_summary(&report, true, "could not be checked");
    assert_verdict_names(&report, "tcp.refused");
    // nginx saw the unauthenticated gateway request (it writes the access log line after the
    // response went out, so give it a moment).
    let mut logs = nginx.logs();
    for _ in 0..30 {
        if logs.contains("RDG_OUT_DATA /remoteDesktopGateway/") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        logs = nginx.logs();
    }
    assert!(
        logs.contains("RDG_OUT_DATA /remoteDesktopGateway/"),
        "nginx access log lacks the request:\n{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_gateway_and_real_xrdp_both_pass() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let report = probe(
        "gateway live + xrdp",
        gateway_opts(xrdp.port, "127.0.0.1", nginx.port, Some(&ca)),
    )
    .await;

    assert_no_fail(&report);
    expect_finding(&report, "gateway.live");
    let g = gateway_section(&report);
    assert_report_eq!(report, g.trusted, Some(true));
    assert_report_eq!(report, g.probed_address.as_deref(), Some("127.0.0.1"));
    for stage in [
        "gateway.dns",
        "gateway.tcp",
        "gateway.tls",
        "gateway.http",
        "dns",
        "tcp",
        "x224",
    ] {
        assert_stage(&report, stage, StageStatus::Pass);
    }
    // The direct path reached xrdp's TLS: the host's own certificate, not the gateway's.
    let host_cert = tls_section(&report)
        .certificate
        .as_ref()
        .expect("host certificate");
    let gw_cert = g
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .expect("gateway certificate");
    assert_ne!(host_cert.sha256, gw_cert.sha256, "{}", pretty(&report));
    assert_healthy(&report);
    assert_summary(&report, true, "RD Gateway answers");
    assert_summary(&report, false, "could not be checked");
    drop(xrdp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_web_server_is_not_a_gateway() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::PlainWeb, &ca.issue_leaf());
    let report = probe_via("gateway plain web", "localhost", nginx.port, Some(&ca)).await;

    let f = expect_severity(&report, "gateway.not_rdg", Severity::Fail);
    assert_says(&report, "evidence", &f.evidence, &["Server: nginx"]);
    assert_says(&report, "evidence", &f.evidence, &["HTTP 200"]);
    let g = gateway_section(&report);
    assert_report_eq!(report, g.trusted, Some(true));
    assert_report_eq!(report, g.http.as_ref().map(|h| h.status), Some(200));
    assert_report_eq!(report, g.rpc_proxy, Some(false));
    assert_problem_naming(&report, "gateway.http", "gateway.not_rdg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_transport_off_with_rpc_proxy_is_a_warning() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::NoHttpTransport, &ca.issue_leaf());
    let report = probe_via(
        "gateway no http transport",
        "localhost",
        nginx.port,
        Some(&ca),
    )
    .await;

    expect_severity(&report, "gateway.no_http_transport", Severity::Warn);
    let rpc = expect_severity(&report, "gateway.rpc_proxy", Severity::Info);
    let answered = "RPC_IN_DATA /rpc/rpcproxy.dll answered 401";
    assert_says(&report, "evidence", &rpc.evidence, &[answered]);
    let g = gateway_section(&report);
    assert_report_eq!(report, g.http.as_ref().map(|h| h.status), Some(404));
    assert_report_eq!(report, g.rpc_proxy, Some(true));
    assert_stage(&report, "gateway.http", StageStatus::Warn);
    // A warning is not decisive; the closed direct port is expected behind a gateway.
    assert_healthy(&report);
    assert_summary(&report, true, "could not be checked");
    assert_verdict_names(&report, "gateway.no_http_transport");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_is_reported_with_its_location() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Redirect, &ca.issue_leaf());
    let report = probe_via("gateway redirect", "localhost", nginx.port, Some(&ca)).await;

    let f = expect_severity(&report, "gateway.redirect", Severity::Fail);
    assert_says(&report, "summary", &f.summary, &[REDIRECT_TARGET, "301"]);
    let http = gateway_section(&report).http.as_ref().expect("http answer");
    assert_report_eq!(report, http.status, 301);
    assert_report_eq!(report, http.location.as_deref(), Some(REDIRECT_TARGET));
    assert_problem_naming(&report, "gateway.http", "gateway.redirect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_from_an_unknown_ca_is_untrusted() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    // The CA is not passed: nothing the client trusts signed the certificate.
    let report = probe_via("gateway untrusted", "localhost", nginx.port, None).await;

    assert_untrusted(&report, "gateway.tls_untrusted", "unknown_issuer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_gateway_certificate() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &expired_leaf(&ca));
    let report = probe_via("gateway expired", "localhost", nginx.port, Some(&ca)).await;

    let f = assert_untrusted(&report, "gateway.cert_expired", "expired");
    assert_says(&report, "evidence", &f.evidence, &["2020"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_certificate_for_another_name() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &wrong_name_leaf(&ca));
    let report = probe_via("gateway wrong name", "localhost", nginx.port, Some(&ca)).await;

    let f = assert_untrusted(&report, "gateway.cert_name_mismatch", "name_mismatch");
    assert_says(&report, "evidence", &f.evidence, &["other.example"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_port_closed() {
    let ca = TestCa::new();
    let report = probe_via("gateway refused", "127.0.0.1", closed_port(), Some(&ca)).await;

    expect_severity(&report, "gateway.tcp_refused", Severity::Fail);
    assert_problem_naming(&report, "gateway.tcp", "gateway.tcp_refused");
    for stage in ["gateway.tls", "gateway.http"] {
        assert_stage(&report, stage, StageStatus::Skip);
    }
    let g = gateway_section(&report);
    assert_report_eq!(report, g.tls, None);
    assert_report_eq!(report, g.http, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_closed_without_an_http_answer() {
    let ca = TestCa::new();
    let server = ClosingTlsServer::start(&ca.issue_leaf()).await;
    let report = probe_via("gateway closed", "localhost", server.port, Some(&ca)).await;

    expect_severity(&report, "gateway.closed", Severity::Fail);
    let g = gateway_section(&report);
    assert_report_eq!(report, g.trusted, Some(true));
    assert_report_eq!(report, g.http, None);
    assert_report!(report, g.http_error.is_some());
    assert_problem_naming(&report, "gateway.http", "gateway.closed");
    assert_report!(report, server.accepted() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_gateway_port_fails_tls() {
    // The fault server accepts and never answers: the TLS handshake runs into its deadline.
    let server = FaultServer::start(Fault::Silent).await;
    let ca = TestCa::new();
    let report = probe_via("gateway silent tls", "127.0.0.1", server.port, Some(&ca)).await;

    expect_severity(&report, "gateway.tls_failed", Severity::Fail);
    assert_problem_naming(&report, "gateway.tls", "gateway.tls_failed");
    assert_stage(&report, "gateway.http", StageStatus::Skip);
    eprintln!("[gateway silent tls] codes {:?}", codes(&report));
}

#[test]
fn nginx_master_and_worker_are_killed_on_drop() {
    let ca = TestCa::new();
    let mut nginx = Nginx::start(NginxSite::PlainWeb, &ca.issue_leaf());
    nginx.assert_running();
    let pgid = nginx.pid();
    let members = processes_in_group(pgid);
    assert!(
        members.len() >= 2,
        "expected nginx master + worker in group {pgid}, got {members:?}\n{}",
        nginx.logs()
    );
    assert!(nginx.conf().contains("daemon off;"));
    drop(nginx);
    assert_eq!(
        processes_in_group(pgid),
        Vec::<u32>::new(),
        "nginx processes left behind"
    );
}
