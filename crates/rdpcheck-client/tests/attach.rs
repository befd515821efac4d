//! HostFacts from a real lab report, and what attaching a judgement does to the verdict.

use rdpcheck_client::facts::{Fact, TlsVersion};
use rdpcheck_client::{attach, judge, ClientFacts, HostFacts};
use rdpcheck_report::{Report, VerdictStatus};

fn lab(name: &str) -> Report {
    let path = format!(
        "{}/../rdpcheck-words/tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("a report")
}

#[test]
fn host_facts_from_lab_reports() {
    let h = HostFacts::from_report(&lab("xrdp-negotiate"));
    assert_eq!(h.host, "127.0.0.1");
    assert_eq!(h.tls_version, Some(TlsVersion::Tls13));
    assert!(!h.nla, "xrdp does not do NLA");
    let h = HostFacts::from_report(&lab("xrdp-tls10-only"));
    assert_eq!(
        h.tls_version,
        Some(TlsVersion::Tls10),
        "from the legacy hello"
    );
    let h = HostFacts::from_report(&lab("shadow-nla"));
    assert!(h.nla);
    // FreeRDP 2.11's shadow answers with a version 6 TSRequest (MS-CSSP: 5 and up carry the fix).
    assert_eq!(h.credssp_version, Some(6));
}

#[test]
fn a_failing_client_finding_turns_healthy_into_problem() {
    let mut report = lab("xrdp-negotiate");
    assert_eq!(report.verdict.status, VerdictStatus::Healthy);
    let host = HostFacts::from_report(&report);
    let mut facts = ClientFacts::default();
    facts.firewall.local_rules = Fact::Known(vec![rdpcheck_client::facts::NamedValue {
        name: "{r}".into(),
        value: "v2.31|Action=Block|Active=TRUE|Dir=Out|Protocol=6|Name=No TCP out|".into(),
    }]);
    let j = judge(&facts, &host, "test");
    attach(&mut report, j);
    assert_eq!(report.verdict.status, VerdictStatus::Problem);
    assert_eq!(report.verdict.stage, None);
    assert_eq!(report.verdict.codes[0], "client.firewall_blocks");
    assert!(report
        .verdict
        .summary
        .starts_with("The host passes every check, but this computer would fail"));
    assert!(report.client.is_some());
    // The report still reads back (schema 1, fields added).
    let text = serde_json::to_string(&report).expect("json");
    let back: Report = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, report);
}

#[test]
fn a_host_problem_stays_the_verdict() {
    let mut report = lab("closes-after-request");
    let before = report.verdict.clone();
    let host = HostFacts::from_report(&report);
    let facts = ClientFacts {
        udp_policy: Fact::Known(1),
        ..ClientFacts::default()
    };
    attach(&mut report, judge(&facts, &host, "test"));
    assert_eq!(report.verdict, before);
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == "client.udp_disabled"));
}
