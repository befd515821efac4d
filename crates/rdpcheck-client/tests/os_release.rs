//! The user's Windows version is shown with the release its build names, from the same table
//! as a host's NTLM version (rdpcheck_words::release).

use rdpcheck_client::{judge, ClientFacts, HostFacts};
use rdpcheck_report::ClientFactKey;
use serde_json::Value;

fn os_text(build: u32) -> String {
    os_text_of(build, "Windows 10 Pro")
}

fn os_text_of(build: u32, product: &str) -> String {
    let text = include_str!("fixtures/windows-10-clean.json");
    let mut case: Value = serde_json::from_str(text).expect("fixture");
    case["client"]["os"]["known"]["build"] = build.into();
    case["client"]["os"]["known"]["product"] = product.into();
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
    // A build shared by a client and a server release: the product name picks.
    let client = os_text_of(26100, "Windows 11 Pro");
    assert!(client.ends_with("; release: Windows 11 24H2"), "{client}");
    let server = os_text_of(26100, "Windows Server 2025 Datacenter");
    assert!(
        server.ends_with("; release: Windows Server 2025"),
        "{server}"
    );
    let odd = os_text(12345);
    assert!(
        odd.ends_with("; release: build 10.0.12345: not in rdpcheck's table"),
        "{odd}"
    );
}
