//! Light and heavy random loss (2 % and 30 % each way) against a real xrdp: light loss is named
//! and the host still works (a warning); heavy loss fails the check, naming the path.
//! (10 % is check.rs's `a_lossy_link_is_packet_loss`.)

use rdpcheck_labtests::check::pretty;
use rdpcheck_labtests::impair::Impairment;
use rdpcheck_report::{Finding, Severity, VerdictStatus};

use crate::check::{finding, until_named, xrdp_in};
use crate::lab;

#[test]
fn light_loss_is_named_and_the_host_still_works() {
    let Some(mut link) = lab(Impairment::loss(2)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // At 2 % a probe connection has about one chance in twenty of a resend, and the finding
    // wants two connections: forty handshakes make that likely, and up to three checks sure.
    let r = until_named(
        &mut link,
        Impairment::loss(2),
        ("loss 2 %", 40, 3),
        // TCP resends what is lost: every stage still passes.
        |r| assert_ne!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(r)),
        ("net.packet_loss", |_: &Finding| true),
    );
    let f = finding(&r, "net.packet_loss", |_| true).expect("named");
    assert_eq!(
        f.severity,
        Severity::Warn,
        "light loss is a warning: {}",
        f.summary
    );
}

#[test]
fn heavy_loss_fails_the_check_on_the_path() {
    let Some(mut link) = lab(Impairment::loss(30)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // A third of the frames vanish each way: about one segment in five the probe sends has to be
    // resent. A check measures that share from some sixty segments, so now and then one reads
    // below the heavy mark: up to three checks.
    let r = until_named(
        &mut link,
        Impairment::loss(30),
        ("loss 30 %", 10, 3),
        |_| {},
        ("net.packet_loss", |f: &Finding| {
            f.severity == Severity::Fail
        }),
    );
    let f = finding(&r, "net.packet_loss", |_| true).expect("named");
    assert!(f.summary.contains("Heavy packet loss"), "{}", f.summary);
    assert_eq!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(&r));
}
