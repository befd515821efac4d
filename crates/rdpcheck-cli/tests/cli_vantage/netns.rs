//! The same address, a different host on each side: the relay (in its own namespace) sees a
//! real xrdp behind 10.213.0.9:3389; this computer (the CLI, in the other namespace) sees a fault
//! server there that closes after the X.224 request. Then both check 10.213.0.2:3389, the same
//! xrdp from both sides.

use std::net::{IpAddr, SocketAddr};

use rdpcheck_labtests::netns::TwoSites;
use rdpcheck_labtests::{Fault, FaultServer, SecurityLayer, TestCert, Xrdp};
use rdpcheck_report::share::{self, Link};
use rdpcheck_report::{Report, Stage, VantageDocument, VantageKind, VerdictStatus};

use crate::lab::{http_get, rdpcheck, Relay};

const RELAY_PORT: u16 = 8080;
const RDP_PORT: u16 = 3389;

#[test]
fn the_comparison_names_the_path_when_the_same_address_hides_two_hosts() {
    let sites = match TwoSites::create() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("SKIPPED: this test needs network namespaces of its own (run as root): {e}");
            return;
        }
    };
    let shared = IpAddr::V4(TwoSites::SHARED);
    let relay_ip = IpAddr::V4(TwoSites::RELAY_ADDR);

    // The relay's side: a real xrdp on every address of its namespace, and the relay, allowed
    // to check its own two addresses (refused by default).
    let xrdp = Xrdp::start_in(
        &sites.relay,
        SecurityLayer::Negotiate,
        &TestCert::self_signed(),
        RDP_PORT,
        shared,
    );
    let relay_addr = SocketAddr::new(relay_ip, RELAY_PORT);
    let relay = Relay::start(
        Some(&sites.relay),
        relay_addr,
        &[
            "--auth",
            "none",
            "--allow",
            &format!("{}/32", TwoSites::SHARED),
            "--allow",
            &format!("{}/32", TwoSites::RELAY_ADDR),
        ],
    );
    // This computer's side: the same address, a server that ends the connection after the RDP
    // request (what a VPN client or security software does).
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let _guard = runtime.enter();
    let listener = sites
        .local
        .enter(move || std::net::TcpListener::bind(SocketAddr::new(shared, RDP_PORT)))
        .expect("bind the fault server in the local namespace");
    let fault = FaultServer::start_on(listener, Fault::CloseAfterRequest);

    let relay_url = format!("http://{relay_addr}");
    let target = format!("{shared}:{RDP_PORT}");
    let base = [
        "probe",
        target.as_str(),
        "--relay",
        relay_url.as_str(),
        "--samples",
        "1",
    ];

    // JSON: the combined document.
    let run = rdpcheck(
        Some(&sites.local),
        &[&base[..], &["--json", "--no-udp"]].concat(),
        &[],
    );
    assert_eq!(
        run.code,
        Some(1),
        "the local verdict decides the exit code: {run:?}\nrelay:\n{}",
        relay.output()
    );
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    assert_eq!(
        doc.local.verdict.stage,
        Some(Stage::X224),
        "{:#?}",
        doc.local.verdict
    );
    assert_eq!(doc.local.verdict.codes[0].to_string(), "x224.closed");
    assert!(
        fault.accepted() >= 1,
        "the local check reached the fault server"
    );
    let relay_error = doc.relay.error.as_ref().map(|e| format!("{e:?}"));
    let signed = doc.relay.signed.as_ref().unwrap_or_else(|| {
        panic!(
            "no relay report: {relay_error:?}\nrelay:\n{}\nxrdp:\n{}",
            relay.output(),
            xrdp.logs()
        )
    });
    let relay_report: Report = share::report(signed).expect("the relay's report");
    assert_eq!(
        relay_report.verdict.status,
        VerdictStatus::Healthy,
        "{:#?}",
        relay_report.verdict
    );
    assert!(relay_report.relay.is_some(), "stamped by the relay");
    let v = doc.vantage.as_ref().expect("a comparison");
    assert_eq!(v.diverges_at, Some(Stage::X224), "{v:#?}");
    assert_eq!(v.kind, VantageKind::LocalFails);
    assert_eq!(v.same_addresses, Some(true), "both reached {shared}");
    assert_eq!(
        v.meaning,
        "The host is fine from the relay; from this computer the connection is cut after the RDP \
         request: something between this computer and the host — a VPN, a firewall, security \
         software — ends it."
    );
    let json: serde_json::Value = run.json();
    assert_eq!(json["vantage"]["diverges_at"], "x224");
    println!(
        "vantage: {}",
        serde_json::to_string_pretty(&json["vantage"]).expect("JSON")
    );

    // The relay's key, read by the test itself, verifies the report the CLI kept.
    let key: serde_json::Value =
        serde_json::from_str(&http_get(&sites.local, relay_addr, "/api/v1/key")).expect("key");
    let public_key = key["public_key"].as_str().expect("public_key");
    assert_eq!(doc.relay.public_key.as_deref(), Some(public_key));
    assert!(share::verify(signed, public_key));
    if let Some(redacted) = &doc.relay.redacted {
        assert!(share::verify(redacted, public_key));
    }

    // The link opens to both reports: the relay's still verifies, the local one is the one printed.
    let link = doc.link.as_deref().expect("a link");
    let fragment = link
        .strip_prefix(&format!("{relay_url}/r#"))
        .unwrap_or_else(|| panic!("a link to the relay's page: {link}"));
    let Ok(Link::Vantage(both)) = share::decode_link(fragment) else {
        panic!("a two-vantage link: {link}");
    };
    assert_eq!(&both.relay, signed);
    assert!(share::verify(&both.relay, public_key));
    assert_eq!(both.local_report().expect("the local report"), doc.local);
    // What the page computes from the link is what the CLI printed.
    let again = rdpcheck_words::vantage::compare(
        &both.local_report().expect("local"),
        &share::report(&both.relay).expect("relay"),
    );
    assert_eq!(&again, v);
    if std::env::var_os("RDPCHECK_WRITE_FIXTURES").is_some() {
        write_fixture(link, public_key, &key["key_id"]);
    }

    // Text: both timelines, the divergence marked, what it means.
    let run = rdpcheck(
        Some(&sites.local),
        &[&base[..], &["--no-udp"]].concat(),
        &[],
    );
    println!("{}", run.stdout);
    assert_eq!(run.code, Some(1), "{run:?}");
    for line in [
        "Two vantage points — ws://10.213.0.2:8080/api/v1/probe",
        "  This computer  not signed (only a relay signs)",
        "  Relay          signed by the relay (key ",
        "                             ^ diverges here",
        "The two sides diverge at the x224 stage.",
        "What it means: The host is fine from the relay; from this computer the connection is cut after the RDP request",
        "    This computer  PROBLEM — mstsc on Windows 11 24H2+ / Server 2025 would fail at the x224 stage",
        "    Relay          HEALTHY — Healthy: mstsc on Windows 11 24H2+ / Server 2025 would reach the logon",
        "  http://10.213.0.2:8080/r#v2.",
    ] {
        assert!(run.stdout.contains(line), "missing {line:?} in:\n{}", run.stdout);
    }

    // A name the relay is not served under (it resolves only on this computer's side): the
    // relay refuses the API (host.denied) before any probe, and the local check still stands —
    // found by its own name, from its own hosts file.
    sites
        .local
        .etc_file(
            "hosts",
            &format!(
                "127.0.0.1 localhost\n{} relay.lab\n{} rdp.lab\n",
                TwoSites::RELAY_ADDR,
                TwoSites::SHARED
            ),
        )
        .expect("hosts file for the local namespace");
    let run = rdpcheck(
        Some(&sites.local),
        &[
            "probe",
            "rdp.lab",
            "--relay",
            &format!("http://relay.lab:{RELAY_PORT}"),
            "--json",
            "--no-udp",
            "--samples",
            "1",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    let error = doc.relay.error.as_ref().expect("refused");
    assert_eq!(error.code, "host.denied", "{error:?}");
    assert!(
        error.message.contains("relay.lab"),
        "the relay's own reason: {error:?}"
    );
    assert_eq!(doc.local.target.addresses, [TwoSites::SHARED.to_string()]);
    assert_eq!(doc.local.verdict.stage, Some(Stage::X224));

    // The relay's veth address has xrdp behind it from both sides: nothing diverges.
    let target = format!("{}:{RDP_PORT}", TwoSites::RELAY_ADDR);
    let run = rdpcheck(
        Some(&sites.local),
        &[
            "probe",
            &target,
            "--relay",
            &relay_url,
            "--samples",
            "1",
            "--json",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}\nrelay:\n{}", relay.output());
    let doc: VantageDocument = serde_json::from_value(run.json()).expect("a vantage document");
    let v = doc
        .vantage
        .as_ref()
        .unwrap_or_else(|| panic!("a comparison: {:?}", doc.relay.error));
    assert_eq!(
        (v.kind, v.diverges_at),
        (VantageKind::BothHealthy, None),
        "{v:#?}"
    );
    assert_eq!(
        v.same_certificate,
        Some(true),
        "the same xrdp, the same certificate"
    );
    assert_eq!(v.same_protocol, Some(true));
    assert!(
        v.meaning.starts_with("The host is fine from both"),
        "{}",
        v.meaning
    );
    let udp = |r: &Report| r.udp.as_ref().map(|u| u.status.clone());
    let relay_report = share::report(doc.relay.signed.as_ref().expect("signed")).expect("report");
    assert_eq!(
        udp(&doc.local),
        udp(&relay_report),
        "UDP asked on both sides"
    );
}

/// crates/rdpcheck-report/tests/data/v2_links.json: a real two-vantage link and the key of the
/// relay that signed its relay half (RDPCHECK_WRITE_FIXTURES=1; see that directory's README).
fn write_fixture(link: &str, public_key: &str, key_id: &serde_json::Value) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rdpcheck-report/tests/data/v2_links.json"
    );
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    let fixture = serde_json::json!({
        "provenance": "crates/rdpcheck-cli/tests/cli_vantage/netns.rs with RDPCHECK_WRITE_FIXTURES=1: \
            the CLI in one network namespace (a fault server closing after the X.224 request \
            behind 10.213.0.9:3389), the relay and xrdp in the other (the same address), \
            diverging at x224",
        "public_key": public_key,
        "key_id": key_id,
        "cut_here_healthy_there": fragment,
    });
    std::fs::write(
        path,
        serde_json::to_string_pretty(&fixture).expect("JSON") + "\n",
    )
    .expect("write v2_links.json");
    eprintln!("wrote {path}");
}
