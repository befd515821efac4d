//! FreeRDP 2 shadow server (`/sec:nla`, `/sec:tls`) on the shared Xvfb.

use rdpcheck_labtests::check::{
    assert_no_fail, certificate, expect_finding, layers, nla_section, pretty, run_probe,
};
use rdpcheck_labtests::{assert_layer, assert_report, assert_report_eq};
use rdpcheck_labtests::{Shadow, ShadowSec, TestCert};

use crate::{print_summary, print_tls, real_opts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_nla_requires_nla_and_tells_its_identity() {
    let server = Shadow::start(ShadowSec::Nla);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("shadow nla", &report, elapsed);
    if let Some(nla) = &report.nla {
        eprintln!("[shadow nla] nla report: {nla:?}");
    }
    print_tls("shadow nla", &report);

    assert_layer!(report, nla, accepted);
    assert_report!(report, layers(&report).nla_required, "nla_required");

    let nla = nla_section(&report);
    assert_report!(report, nla.netbios_computer.is_some(), "netbios_computer");
    assert_report!(report, nla.product_version.is_some(), "product_version");
    let skew = nla
        .clock_skew_s
        .unwrap_or_else(|| panic!("no clock_skew_s\n{}", pretty(&report)));
    assert_report!(
        report,
        skew.abs() < 5.0,
        "clock skew {skew} s against a server on this machine"
    );

    expect_finding(&report, "nla.identity");
    assert_no_fail(&report);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_tls_accepts_tls_not_nla() {
    let cert = TestCert::self_signed();
    let server = Shadow::start_with_cert(ShadowSec::Tls, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("shadow tls", &report, elapsed);
    print_tls("shadow tls", &report);

    assert_layer!(report, nla, !accepted);
    assert_layer!(report, tls, accepted);
    assert_report_eq!(
        report,
        certificate(&report).sha256,
        cert.sha256,
        "thumbprint of the served cert"
    );
    drop(server);
}
