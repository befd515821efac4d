//! Saved connection files written the way Windows writes them (UTF-16LE with a BOM, CRLF), read
//! with `rdpcheck_proto::rdpfile` and probed: a real xrdp as the host, a real nginx as the RD
//! Gateway when the file says to use one. (The CLI's `--rdp-file` runs the same path end to end:
//! crates/rdpcheck-cli/tests/cli_rdp_file.rs.)

use std::time::Duration;

use rdpcheck_labtests::check::{assert_healthy, assert_no_fail, expect_finding, gateway_section};
use rdpcheck_labtests::mstsc::{self, write_rdp};
use rdpcheck_labtests::nginx::{Nginx, NginxSite};
use rdpcheck_labtests::{assert_report, assert_report_eq};
use rdpcheck_labtests::{SecurityLayer, TestCa, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_proto::rdpfile::{self, GatewayUsage};

use crate::probe;

/// The display and experience lines of the lab's mstsc files.
const SETTINGS: &[&str] = &[
    "screen mode id:i:2",
    "use multimon:i:0",
    "desktopwidth:i:1920",
    "desktopheight:i:1080",
    "session bpp:i:32",
    "compression:i:1",
    "keyboardhook:i:2",
    "connection type:i:7",
    "networkautodetect:i:1",
];

/// A typical mstsc file for 127.0.0.1:`port` with `gateway` settings (none: an empty
/// gatewayhostname and usage 4, as mstsc writes "no gateway").
fn connection_file(port: u16, gateway: Option<(&str, i64)>) -> Vec<String> {
    mstsc::connection_file(SETTINGS, port, gateway)
}

/// Read the file from disk the way the CLI does and turn its target into probe options.
fn options_from_file(path: &std::path::Path, ca: &TestCa) -> (ProbeOptions, rdpfile::Target) {
    let bytes = std::fs::read(path).expect("read .rdp");
    let file = rdpfile::parse(&bytes).expect("a UTF-16LE .rdp parses");
    assert!(
        file.problems.is_empty(),
        "problems in a clean file: {:?}",
        file.problems
    );
    let target = file.target().expect("full address present");
    let mut opts = ProbeOptions::new(target.host.clone(), target.port);
    opts.connect_timeout = Duration::from_secs(2);
    opts.reply_timeout = Duration::from_secs(3);
    opts.total_timeout = Duration::from_secs(25);
    opts.samples = 1;
    opts.udp_timeout = Duration::from_secs(1);
    opts.gateway = target.gateway.as_ref().map(|g| (g.host.clone(), g.port));
    opts.extra_roots = vec![ca.cert.der.clone()];
    (opts, target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_rdp_files_direct_and_through_gateway() {
    let ca = TestCa::new();
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = format!("localhost:{}", nginx.port);

    // Direct: empty gateway, usage 4.
    let direct = write_rdp(dir.path(), "direct.rdp", &connection_file(xrdp.port, None));
    assert_eq!(
        &std::fs::read(&direct).expect("read")[..4],
        b"\xFF\xFEs\x00"
    );
    let (opts, target) = options_from_file(&direct, &ca);
    assert_eq!(
        (target.host.as_str(), target.port),
        ("127.0.0.1", xrdp.port)
    );
    assert_eq!(target.gateway, None);
    assert_eq!(target.gateway_usage, GatewayUsage::NoneOrLocal);
    let report = probe("rdp file direct", opts).await;
    assert_no_fail(&report);
    assert_report!(report, report.gateway.is_none());
    assert_report_eq!(report, report.target.port, xrdp.port);
    assert_healthy(&report);

    // Through the gateway: usage 1 (always), profile usage 1 (explicit).
    let via = write_rdp(
        dir.path(),
        "gateway.rdp",
        &connection_file(xrdp.port, Some((&gw, 1))),
    );
    let (opts, target) = options_from_file(&via, &ca);
    let g = target.gateway.as_ref().expect("the file uses the gateway");
    assert_eq!((g.host.as_str(), g.port), ("localhost", nginx.port));
    assert_eq!(target.gateway_usage, GatewayUsage::Always);
    let report = probe("rdp file via gateway", opts).await;
    assert_no_fail(&report);
    expect_finding(&report, "gateway.live");
    let section = gateway_section(&report);
    assert_report_eq!(report, section.port, nginx.port);
    assert_report_eq!(report, section.trusted, Some(true));
    assert_healthy(&report);

    // Gateway named but usage 0: the client does not use it, so neither does the check.
    let unused = write_rdp(
        dir.path(),
        "unused.rdp",
        &connection_file(xrdp.port, Some((&gw, 0))),
    );
    let (opts, target) = options_from_file(&unused, &ca);
    assert_eq!(target.gateway, None);
    assert_eq!(target.gateway_usage, GatewayUsage::Never);
    assert!(opts.gateway.is_none());
    let report = probe("rdp file gateway unused", opts).await;
    assert_report!(report, report.gateway.is_none());
    assert_no_fail(&report);

    drop(nginx);
    drop(xrdp);
}
