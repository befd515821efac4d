//! Light and heavy random loss (2 % and 30 % each way) against a real xrdp: light loss is named
//! and the host still works (a warning); heavy loss fails the check, naming the path.
//! (10 % is check.rs's `a_lossy_link_is_packet_loss`.)

use rdpcheck_labtests::check::pretty;
use rdpcheck_labtests::impair::Impairment;
use rdpcheck_report::{Severity, VerdictStatus};

use crate::check::{has, opts, probe, xrdp_in};
use crate::lab;

#[test]
fn light_loss_is_named_and_the_host_still_works() {
    let Some(mut link) = lab(Impairment::loss(2)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let mut last = None;
    // At 2 % a probe connection has about one chance in twenty of a resend, and the finding
    // wants two connections: forty handshakes make that likely, and up to three checks sure.
    for attempt in 1..=3 {
        let r = probe(&format!("loss 2 % #{attempt}"), &link, opts(40));
        // TCP resends what is lost: every stage still passes.
        assert_ne!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(&r));
        if let Some(f) = r.findings.iter().find(|f| f.code == "net.packet_loss") {
            assert_eq!(
                f.severity,
                Severity::Warn,
                "light loss is a warning: {}",
                f.summary
            );
            return;
        }
        last = Some(r);
        link.set(Impairment::loss(2)).expect("reseed the forwarder");
    }
    panic!(
        "no net.packet_loss in three checks over a 2 % loss link; last:\n{}",
        last.map(|r| pretty(&r)).unwrap_or_default()
    );
}

#[test]
fn heavy_loss_fails_the_check_on_the_path() {
    let Some(mut link) = lab(Impairment::loss(30)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    // A third of the frames vanish each way: about one segment in five the probe sends has to be
    // resent. Random, so up to two checks.
    let mut last = None;
    for attempt in 1..=2 {
        let r = probe(&format!("loss 30 % #{attempt}"), &link, opts(10));
        assert_ne!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
        let heavy = r
            .findings
            .iter()
            .find(|f| f.code == "net.packet_loss" && f.severity == Severity::Fail);
        if let Some(f) = heavy {
            assert!(f.summary.contains("Heavy packet loss"), "{}", f.summary);
            return;
        }
        last = Some(r);
        link.set(Impairment::loss(30))
            .expect("reseed the forwarder");
    }
    panic!(
        "no heavy net.packet_loss in two checks over a 30 % loss link; last:\n{}",
        last.map(|r| pretty(&r)).unwrap_or_default()
    );
}
