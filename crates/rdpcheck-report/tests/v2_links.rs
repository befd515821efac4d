//! A two-vantage link the CLI made against a real relay (`rdpcheck probe --relay`, in the netns
//! test of crates/rdpcheck-cli/tests/cli_vantage) keeps opening: both reports parse and read back
//! to exactly their JSON, the relay's half verifies, the local half is unsigned. Fixture:
//! tests/data/v2_links.json.

use rdpcheck_report::share::{decode_link, verify, Link};
use rdpcheck_report::{Report, Stage, VerdictStatus};

fn fixture(name: &str) -> String {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("data/v2_links.json")).expect("fixture is JSON");
    all[name].as_str().expect("fixture field").to_string()
}

fn typed(text: &str) -> Report {
    let report: Report = serde_json::from_str(text).expect("a schema 1 report");
    let original: serde_json::Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(serde_json::to_value(&report).expect("serialises"), original);
    report
}

#[test]
fn a_two_vantage_link_opens_with_both_reports() {
    let Ok(Link::Vantage(link)) = decode_link(&fixture("cut_here_healthy_there")) else {
        panic!("a v2 link");
    };
    assert!(
        verify(&link.relay, &fixture("public_key")),
        "the relay's half verifies"
    );
    assert_eq!(link.relay.key_id, fixture("key_id"));
    let relay = typed(&link.relay.report);
    let local = typed(&link.local);
    assert!(relay.relay.is_some() && local.relay.is_none());
    assert_eq!(relay.verdict.status, VerdictStatus::Healthy);
    assert_eq!(local.verdict.stage, Some(Stage::X224));
    assert_eq!(
        local.target, relay.target,
        "the same address from both sides"
    );

    let mut tampered = link.relay.clone();
    tampered.report = tampered.report.replace("healthy", "problem");
    assert!(!verify(&tampered, &fixture("public_key")));
}
