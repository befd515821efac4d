//! Share links made by the relay before stages and codes were typed still open, verify, and read
//! back to exactly the JSON that was signed (schema 1 is unchanged). Fixture: tests/data/v1_links.json.

use rdpcheck_report::share::{decode, verify};
use rdpcheck_report::{FindingCode, Plain, Report, Stage, StageStatus, VerdictStatus};

fn fixture(name: &str) -> String {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("data/v1_links.json")).expect("fixture is JSON");
    all[name].as_str().expect("fixture field").to_string()
}

/// Decode, verify and parse one link; the parsed report serialises back to the signed JSON.
fn open(name: &str) -> Report {
    let signed = decode(&fixture(name)).expect("the link decodes");
    assert!(
        verify(&signed, &fixture("public_key")),
        "{name}: the signature verifies"
    );
    let report: Report = serde_json::from_str(&signed.report).expect("a schema 1 report");
    let original: serde_json::Value = serde_json::from_str(&signed.report).expect("JSON");
    let again = serde_json::to_value(&report).expect("serialises");
    assert_eq!(
        again, original,
        "{name}: the typed report does not round-trip"
    );
    report
}

#[test]
fn healthy_xrdp_link_opens_with_typed_stages_and_codes() {
    let r = open("healthy");
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    let names: Vec<Stage> = r.stages.iter().map(|s| s.name).collect();
    assert_eq!(names, Stage::ladder(false, true));
    assert_eq!(
        r.verdict.codes,
        [
            FindingCode::Plain(Plain::SecurityStandardRdpAllowed),
            FindingCode::Plain(Plain::SecurityNlaNotRequired)
        ]
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == Plain::TlsCertSelfSigned));
    assert!(r.relay.is_some());
}

#[test]
fn redacted_link_verifies_too() {
    let r = open("healthy_redacted");
    assert!(r.redacted);
    assert!(!r.target.host.contains("127.0.0.1"));
}

#[test]
fn refused_link_names_the_tcp_stage() {
    let r = open("refused");
    assert_eq!(r.verdict.status, VerdictStatus::Problem);
    assert_eq!(r.verdict.stage, Some(Stage::Tcp));
    assert_eq!(r.verdict.codes, [FindingCode::Plain(Plain::TcpRefused)]);
    let x224 = r.stages.iter().find(|s| s.name == Stage::X224);
    assert_eq!(x224.map(|s| s.status), Some(StageStatus::Skip));
}

#[test]
fn a_tampered_link_does_not_verify() {
    let mut signed = decode(&fixture("refused")).expect("decodes");
    signed.report = signed.report.replace("refused", "accepted");
    assert!(!verify(&signed, &fixture("public_key")));
}
