//! Saved connection files written the way Windows writes them (UTF-16LE with a BOM, CRLF), read
//! with `rdpcheck_proto::rdpfile` and probed: a real xrdp as the host, a real nginx as the RD
//! Gateway when the file says to use one. (The CLI's `--rdp-file` runs the same path end to end:
//! crates/rdpcheck-cli/tests/cli_rdp_file.rs.)

use std::time::Duration;

use rdpcheck_labtests::check::{assert_no_fail, expect_finding, pretty};
use rdpcheck_labtests::nginx::{Nginx, NginxSite};
use rdpcheck_labtests::{SecurityLayer, TestCa, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_proto::rdpfile::{self, GatewayUsage};
use rdpcheck_report::VerdictStatus;

use crate::probe;

/// The bytes mstsc's "Save As" writes: a UTF-16LE BOM, then each line UTF-16LE with CRLF.
fn windows_rdp(lines: &[String]) -> Vec<u8> {
    let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// A typical mstsc file for 127.0.0.1:`port`, with `gateway` settings (none: an empty
/// gatewayhostname and usage 4, as mstsc writes "no gateway").
fn connection_file(port: u16, gateway: Option<(&str, i64)>) -> Vec<String> {
    let mut lines: Vec<String> = [
        "screen mode id:i:2",
        "use multimon:i:0",
        "desktopwidth:i:1920",
        "desktopheight:i:1080",
        "session bpp:i:32",
        "compression:i:1",
        "keyboardhook:i:2",
        "connection type:i:7",
        "networkautodetect:i:1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    lines.push(format!("full address:s:127.0.0.1:{port}"));
    lines.extend(
        [
            "authentication level:i:2",
            "prompt for credentials:i:0",
            "negotiate security layer:i:1",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    match gateway {
        Some((host_port, usage)) => {
            lines.push(format!("gatewayhostname:s:{host_port}"));
            lines.push(format!("gatewayusagemethod:i:{usage}"));
            lines.push("gatewaycredentialssource:i:0".into());
            lines.push("gatewayprofileusagemethod:i:1".into());
        }
        None => {
            lines.push("gatewayhostname:s:".into());
            lines.push("gatewayusagemethod:i:4".into());
            lines.push("gatewaycredentialssource:i:4".into());
            lines.push("gatewayprofileusagemethod:i:0".into());
        }
    }
    lines.push("username:s:LAB\\alice".into());
    lines
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
    let direct = dir.path().join("direct.rdp");
    std::fs::write(&direct, windows_rdp(&connection_file(xrdp.port, None))).expect("write");
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
    assert!(report.gateway.is_none(), "{}", pretty(&report));
    assert_eq!(report.target.port, xrdp.port);
    assert_eq!(report.verdict.status, VerdictStatus::Healthy);

    // Through the gateway: usage 1 (always), profile usage 1 (explicit).
    let via = dir.path().join("gateway.rdp");
    std::fs::write(
        &via,
        windows_rdp(&connection_file(xrdp.port, Some((&gw, 1)))),
    )
    .expect("write");
    let (opts, target) = options_from_file(&via, &ca);
    let g = target.gateway.as_ref().expect("the file uses the gateway");
    assert_eq!((g.host.as_str(), g.port), ("localhost", nginx.port));
    assert_eq!(target.gateway_usage, GatewayUsage::Always);
    let report = probe("rdp file via gateway", opts).await;
    assert_no_fail(&report);
    expect_finding(&report, "gateway.live");
    let section = report
        .gateway
        .as_ref()
        .unwrap_or_else(|| panic!("no gateway section\n{}", pretty(&report)));
    assert_eq!(section.port, nginx.port);
    assert_eq!(section.trusted, Some(true), "{}", pretty(&report));
    assert_eq!(report.verdict.status, VerdictStatus::Healthy);

    // Gateway named but usage 0: the client does not use it, so neither does the check.
    let unused = dir.path().join("unused.rdp");
    std::fs::write(
        &unused,
        windows_rdp(&connection_file(xrdp.port, Some((&gw, 0)))),
    )
    .expect("write");
    let (opts, target) = options_from_file(&unused, &ca);
    assert_eq!(target.gateway, None);
    assert_eq!(target.gateway_usage, GatewayUsage::Never);
    assert!(opts.gateway.is_none());
    let report = probe("rdp file gateway unused", opts).await;
    assert!(report.gateway.is_none(), "{}", pretty(&report));
    assert_no_fail(&report);

    drop(nginx);
    drop(xrdp);
}
