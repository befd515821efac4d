//! FreeRDP 2 shadow server (`/sec:nla`, `/sec:tls`) on the shared Xvfb.

use rdpcheck_labtests::check::{assert_no_fail, expect_finding, pretty, run_probe};
use rdpcheck_labtests::{Shadow, ShadowSec, TestCert};

use crate::{print_summary, real_opts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_nla_requires_nla_and_tells_its_identity() {
    let server = Shadow::start(ShadowSec::Nla);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("shadow nla", &report, elapsed);
    if let Some(nla) = &report.nla {
        eprintln!("[shadow nla] nla report: {nla:?}");
    }
    if let Some(tls) = &report.tls {
        eprintln!(
            "[shadow nla] tls version={:?} cipher={:?}",
            tls.version, tls.cipher_suite
        );
    }

    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        layers.nla.accepted,
        "nla layer: {:?}\n{}",
        layers.nla,
        pretty(&report)
    );
    assert!(layers.nla_required, "nla_required\n{}", pretty(&report));

    let nla = report
        .nla
        .as_ref()
        .unwrap_or_else(|| panic!("no nla section\n{}", pretty(&report)));
    assert!(
        nla.netbios_computer.is_some(),
        "netbios_computer\n{}",
        pretty(&report)
    );
    assert!(
        nla.product_version.is_some(),
        "product_version\n{}",
        pretty(&report)
    );
    let skew = nla
        .clock_skew_s
        .unwrap_or_else(|| panic!("no clock_skew_s\n{}", pretty(&report)));
    assert!(
        skew.abs() < 5.0,
        "clock skew {skew} s against a server on this machine\n{}",
        pretty(&report)
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
    if let Some(tls) = &report.tls {
        eprintln!(
            "[shadow tls] tls version={:?} cipher={:?}",
            tls.version, tls.cipher_suite
        );
    }

    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        !layers.nla.accepted,
        "nla layer: {:?}\n{}",
        layers.nla,
        pretty(&report)
    );
    assert!(
        layers.tls.accepted,
        "tls layer: {:?}\n{}",
        layers.tls,
        pretty(&report)
    );
    let leaf = report
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .unwrap_or_else(|| panic!("no certificate\n{}", pretty(&report)));
    assert_eq!(
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert\n{}",
        pretty(&report)
    );
    drop(server);
}
