//! Not a test: writes real reports from lab servers as fixtures for the wording snapshots
//! (`crates/rdpcheck-words/tests/fixtures/`). Run it when the engine's output changes on purpose:
//!   cargo test -p rdpcheck-labtests --test lab write_report_fixtures -- --ignored
//! then review the new snapshots (`UPDATE_EXPECT=1 cargo test -p rdpcheck-words`).

use std::path::PathBuf;

use rdpcheck_labtests::nginx::{Nginx, NginxSite};
use rdpcheck_labtests::{
    Fault, FaultServer, SecurityLayer, Shadow, ShadowSec, TestCa, TestCert, Xrdp,
};
use rdpcheck_report::Report;

use crate::{fault_opts, probe, real_opts};

pub fn write(name: &str, report: &Report) {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/rdpcheck-words/tests/fixtures");
    std::fs::create_dir_all(&dir).expect("fixture dir");
    let text = serde_json::to_string_pretty(report).expect("serialises");
    std::fs::write(dir.join(format!("{name}.json")), text + "\n").expect("write fixture");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes fixtures; run by hand"]
async fn write_report_fixtures() {
    let cert = TestCert::self_signed();
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &cert);
    write("xrdp-negotiate", &probe("xrdp", real_opts(xrdp.port)).await);
    drop(xrdp);

    let rdp_only = Xrdp::start(SecurityLayer::Rdp, &cert);
    write(
        "xrdp-rdp-only",
        &probe("xrdp rdp", real_opts(rdp_only.port)).await,
    );
    drop(rdp_only);

    let expired = Xrdp::start(SecurityLayer::Tls, &TestCert::expired());
    write(
        "xrdp-expired-cert",
        &probe("xrdp expired", real_opts(expired.port)).await,
    );
    drop(expired);

    let tls10 = Xrdp::start_with(
        SecurityLayer::Negotiate,
        &cert,
        &[
            ("ssl_protocols", "TLSv1"),
            ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ],
    );
    write(
        "xrdp-tls10-only",
        &probe("xrdp tls1.0", real_opts(tls10.port)).await,
    );
    drop(tls10);

    let rsa_only = Xrdp::start_with(SecurityLayer::Negotiate, &cert, &crate::xrdp::RSA_ONLY);
    write(
        "xrdp-rsa-only",
        &probe("xrdp rsa-only", real_opts(rsa_only.port)).await,
    );
    drop(rsa_only);

    let shadow = Shadow::start(ShadowSec::Nla);
    write(
        "shadow-nla",
        &probe("shadow nla", real_opts(shadow.port)).await,
    );
    drop(shadow);

    let closes = FaultServer::start(Fault::CloseAfterRequest).await;
    write(
        "closes-after-request",
        &probe("close", fault_opts(closes.port)).await,
    );

    let ca = TestCa::new();
    let nginx = Nginx::start(NginxSite::Gateway, &ca.issue_leaf());
    let mut opts = fault_opts(closes.port);
    opts.gateway = Some(("localhost".to_string(), nginx.port));
    opts.extra_roots = vec![ca.cert.der.clone()];
    opts.udp = false;
    write("gateway-live", &probe("gateway", opts).await);
}
