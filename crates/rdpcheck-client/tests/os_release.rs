//! The user's Windows version is shown with the release its build names, from the same table
//! as a host's NTLM version (rdpcheck_words::release).

use rdpcheck_client::{judge, ClientFacts, HostFacts};
use rdpcheck_report::ClientFactKey;
use serde_json::Value;

fn os_text(build: u32) -> String {
    let text = include_str!("fixtures/windows-10-clean.json");
    let mut case: Value = serde_json::from_str(text).expect("fixture");
    case["client"]["os"]["known"]["build"] = build.into();
    let host: HostFacts = serde_json::from_value(case["host"].clone()).expect("host");
    let client: ClientFacts = serde_json::from_value(case["client"].clone()).expect("client");
    let j = judge(&client, &host, "test");
    j.section
        .facts
        .iter()
        .find(|f| f.key == ClientFactKey::Os)
        .and_then(|f| f.value.clone())
        .expect("the OS fact")
}

#[test]
fn the_os_is_shown_with_its_release() {
    let known = os_text(19045);
    assert!(known.ends_with("; release: Windows 10 22H2"), "{known}");
    let eleven = os_text(22631);
    assert!(eleven.contains("; release: Windows 11 23H2"), "{eleven}");
    let odd = os_text(12345);
    assert!(
        odd.ends_with("; release: build 10.0.12345: not in rdpcheck's table"),
        "{odd}"
    );
}
