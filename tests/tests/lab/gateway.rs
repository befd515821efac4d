//! The RD Gateway hop against a REAL nginx on loopback (live gateway look-alike, plain web site,
//! HTTP transport off with the RPC proxy on, redirect), certificates from the lab CA (trusted,
//! unknown CA, expired, wrong name), a closed gateway port, and a fake TLS front door that
//! closes without an HTTP answer. The direct target is a closed loopback port — so the verdict is
//! the gateway's, or healthy with the caveat that the host could not be checked — or a real xrdp.

use std::net::TcpListener;
use std::time::Duration;

use rdpcheck_labtests::check::{assert_no_fail, codes, expect_finding, finding, pretty};
use rdpcheck_labtests::nginx::{
    expired_leaf, wrong_name_leaf, ClosingTlsServer, Nginx, NginxSite, REDIRECT_TARGET,
};
use rdpcheck_labtests::process::processes_in_group;
use rdpcheck_labtests::{Fault, FaultServer, SecurityLayer, TestCa, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{GatewayReport, Report, Severity, StageStatus, VerdictStatus};

use crate::probe;

/// A loopback TCP port nothing listens on (bind port 0, drop): connects are refused.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

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

#[track_caller]
fn gateway_section(report: &Report) -> &GatewayReport {
    report
        .gateway
        .as_ref()
        .unwrap_or_else(|| panic!("no gateway section\n{}", pretty(report)))
}

#[track_caller]
fn assert_stage(report: &Report, name: &str, status: StageStatus) {
    let stage = report
        .stages
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no stage {name}\n{}", pretty(report)));
    assert_eq!(stage.status, status, "stage {name}\n{}", pretty(report));
}

#[track_caller]
fn assert_problem_at(report: &Report, stage: &str, code: &str) {
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Problem,
        "{}",
        pretty(report)
    );
    assert_eq!(
        report.verdict.stage.as_ref().map(|s| s.as_str()),
        Some(stage),
        "{}",
        pretty(report)
    );
    assert!(
        report.verdict.codes.iter().any(|c| c == code),
        "verdict codes {:?} lack {code}\n{}",
        report.verdict.codes,
        pretty(report)
    );
}

#[track_caller]
fn assert_severity(report: &Report, code: &str, severity: Severity) {
    let f = expect_finding(report, code);
    assert_eq!(f.severity, severity, "{code}\n{}", pretty(report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_gateway_trusted_ca_host_closed_is_healthy_with_caveat() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let direct = closed_port();
    let report = probe(
        "gateway live",
        gateway_opts(direct, "localhost", nginx.port, Some(&ca)),
    )
    .await;

    let live = expect_finding(&report, "gateway.live");
    assert_eq!(live.severity, Severity::Info, "{}", pretty(&report));
    assert!(
        live.summary.contains("Negotiate, NTLM"),
        "gateway.live summary {:?}\n{}",
        live.summary,
        pretty(&report)
    );
    let g = gateway_section(&report);
    assert_eq!(g.host, "localhost");
    assert_eq!(g.port, nginx.port);
    assert_eq!(g.trusted, Some(true), "{}", pretty(&report));
    assert_eq!(g.trust_error, None, "{}", pretty(&report));
    let http = g
        .http
        .as_ref()
        .unwrap_or_else(|| panic!("no http answer\n{}\n{}", pretty(&report), nginx.logs()));
    assert_eq!(http.status, 401);
    assert_eq!(
        http.auth_schemes,
        ["Negotiate", "NTLM"],
        "{}",
        pretty(&report)
    );
    assert!(
        http.server.as_deref().unwrap_or("").starts_with("nginx"),
        "server {:?}",
        http.server
    );
    // The RPC proxy is asked only when the HTTP transport is not live.
    assert_eq!(g.rpc_proxy, None, "{}", pretty(&report));
    assert!(finding(&report, "gateway.rpc_proxy").is_none());
    for stage in ["gateway.dns", "gateway.tcp", "gateway.tls", "gateway.http"] {
        assert_stage(&report, stage, StageStatus::Pass);
    }

    // The host behind the gateway is not reachable from here: expected, not decisive.
    expect_finding(&report, "tcp.refused");
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
    assert_eq!(report.verdict.stage, None);
    assert!(
        report.verdict.summary.contains("could not be checked"),
        "summary {:?}",
        report.verdict.summary
    );
    assert!(
        report.verdict.codes.iter().any(|c| c == "tcp.refused"),
        "verdict codes {:?}",
        report.verdict.codes
    );
    // nginx saw the unauthenticated gateway request.
    let logs = nginx.logs();
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
    assert_eq!(g.trusted, Some(true), "{}", pretty(&report));
    assert_eq!(g.probed_address.as_deref(), Some("127.0.0.1"));
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
    let tls = report
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("no tls section\n{}", pretty(&report)));
    let host_cert = tls.certificate.as_ref().expect("host certificate");
    let gw_cert = g
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .expect("gateway certificate");
    assert_ne!(host_cert.sha256, gw_cert.sha256, "{}", pretty(&report));
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
    assert!(
        report.verdict.summary.contains("RD Gateway answers"),
        "summary {:?}",
        report.verdict.summary
    );
    assert!(
        !report.verdict.summary.contains("could not be checked"),
        "summary {:?}",
        report.verdict.summary
    );
    drop(xrdp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_web_server_is_not_a_gateway() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::PlainWeb, &ca.issue_leaf());
    let report = probe(
        "gateway plain web",
        gateway_opts(closed_port(), "localhost", nginx.port, Some(&ca)),
    )
    .await;

    let f = expect_finding(&report, "gateway.not_rdg");
    assert_eq!(f.severity, Severity::Fail);
    assert!(
        f.evidence.contains("Server: nginx"),
        "evidence {:?}\n{}",
        f.evidence,
        pretty(&report)
    );
    assert!(f.evidence.contains("HTTP 200"), "evidence {:?}", f.evidence);
    let g = gateway_section(&report);
    assert_eq!(g.trusted, Some(true), "{}", pretty(&report));
    assert_eq!(g.http.as_ref().map(|h| h.status), Some(200));
    assert_eq!(g.rpc_proxy, Some(false), "{}", pretty(&report));
    assert_problem_at(&report, "gateway.http", "gateway.not_rdg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_transport_off_with_rpc_proxy_is_a_warning() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::NoHttpTransport, &ca.issue_leaf());
    let report = probe(
        "gateway no http transport",
        gateway_opts(closed_port(), "localhost", nginx.port, Some(&ca)),
    )
    .await;

    assert_severity(&report, "gateway.no_http_transport", Severity::Warn);
    let rpc = expect_finding(&report, "gateway.rpc_proxy");
    assert_eq!(rpc.severity, Severity::Info);
    assert!(
        rpc.evidence
            .contains("RPC_IN_DATA /rpc/rpcproxy.dll answered 401"),
        "evidence {:?}",
        rpc.evidence
    );
    let g = gateway_section(&report);
    assert_eq!(g.http.as_ref().map(|h| h.status), Some(404));
    assert_eq!(g.rpc_proxy, Some(true), "{}", pretty(&report));
    assert_stage(&report, "gateway.http", StageStatus::Warn);
    // A warning is not decisive; the closed direct port is expected behind a gateway.
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
    assert!(
        report.verdict.summary.contains("could not be checked"),
        "summary {:?}",
        report.verdict.summary
    );
    assert!(
        report
            .verdict
            .codes
            .iter()
            .any(|c| c == "gateway.no_http_transport"),
        "verdict codes {:?}",
        report.verdict.codes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_is_reported_with_its_location() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Redirect, &ca.issue_leaf());
    let report = probe(
        "gateway redirect",
        gateway_opts(closed_port(), "localhost", nginx.port, Some(&ca)),
    )
    .await;

    let f = expect_finding(&report, "gateway.redirect");
    assert_eq!(f.severity, Severity::Fail);
    assert!(
        f.summary.contains(REDIRECT_TARGET) && f.summary.contains("301"),
        "summary {:?}",
        f.summary
    );
    let http = gateway_section(&report).http.as_ref().expect("http answer");
    assert_eq!(http.status, 301);
    assert_eq!(http.location.as_deref(), Some(REDIRECT_TARGET));
    assert_problem_at(&report, "gateway.http", "gateway.redirect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_from_an_unknown_ca_is_untrusted() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    // The CA is not passed: nothing the client trusts signed the certificate.
    let report = probe(
        "gateway untrusted",
        gateway_opts(closed_port(), "localhost", nginx.port, None),
    )
    .await;

    assert_severity(&report, "gateway.tls_untrusted", Severity::Fail);
    let g = gateway_section(&report);
    assert_eq!(g.trusted, Some(false), "{}", pretty(&report));
    assert_eq!(g.trust_error.as_deref(), Some("unknown_issuer"));
    assert_problem_at(&report, "gateway.tls", "gateway.tls_untrusted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_gateway_certificate() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &expired_leaf(&ca));
    let report = probe(
        "gateway expired",
        gateway_opts(closed_port(), "localhost", nginx.port, Some(&ca)),
    )
    .await;

    let f = expect_finding(&report, "gateway.cert_expired");
    assert_eq!(f.severity, Severity::Fail);
    assert!(f.evidence.contains("2020"), "evidence {:?}", f.evidence);
    let g = gateway_section(&report);
    assert_eq!(g.trusted, Some(false), "{}", pretty(&report));
    assert_eq!(g.trust_error.as_deref(), Some("expired"));
    assert_problem_at(&report, "gateway.tls", "gateway.cert_expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_certificate_for_another_name() {
    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &wrong_name_leaf(&ca));
    let report = probe(
        "gateway wrong name",
        gateway_opts(closed_port(), "localhost", nginx.port, Some(&ca)),
    )
    .await;

    let f = expect_finding(&report, "gateway.cert_name_mismatch");
    assert_eq!(f.severity, Severity::Fail);
    assert!(
        f.evidence.contains("other.example"),
        "evidence {:?}",
        f.evidence
    );
    let g = gateway_section(&report);
    assert_eq!(g.trusted, Some(false), "{}", pretty(&report));
    assert_eq!(g.trust_error.as_deref(), Some("name_mismatch"));
    assert_problem_at(&report, "gateway.tls", "gateway.cert_name_mismatch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_port_closed() {
    let ca = TestCa::new();
    let report = probe(
        "gateway refused",
        gateway_opts(closed_port(), "127.0.0.1", closed_port(), Some(&ca)),
    )
    .await;

    assert_severity(&report, "gateway.tcp_refused", Severity::Fail);
    assert_problem_at(&report, "gateway.tcp", "gateway.tcp_refused");
    for stage in ["gateway.tls", "gateway.http"] {
        assert_stage(&report, stage, StageStatus::Skip);
    }
    let g = gateway_section(&report);
    assert_eq!(g.tls, None, "{}", pretty(&report));
    assert_eq!(g.http, None, "{}", pretty(&report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_closed_without_an_http_answer() {
    let ca = TestCa::new();
    let server = ClosingTlsServer::start(&ca.issue_leaf()).await;
    let report = probe(
        "gateway closed",
        gateway_opts(closed_port(), "localhost", server.port, Some(&ca)),
    )
    .await;

    assert_severity(&report, "gateway.closed", Severity::Fail);
    let g = gateway_section(&report);
    assert_eq!(g.trusted, Some(true), "{}", pretty(&report));
    assert_eq!(g.http, None, "{}", pretty(&report));
    assert!(g.http_error.is_some(), "{}", pretty(&report));
    assert_problem_at(&report, "gateway.http", "gateway.closed");
    assert!(server.accepted() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_gateway_port_fails_tls() {
    // The fault server accepts and never answers: the TLS handshake runs into its deadline.
    let server = FaultServer::start(Fault::Silent).await;
    let ca = TestCa::new();
    let report = probe(
        "gateway silent tls",
        gateway_opts(closed_port(), "127.0.0.1", server.port, Some(&ca)),
    )
    .await;

    assert_severity(&report, "gateway.tls_failed", Severity::Fail);
    assert_problem_at(&report, "gateway.tls", "gateway.tls_failed");
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
