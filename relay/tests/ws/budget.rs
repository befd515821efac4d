//! Limits that are about what a request costs the relay and the targets, over the wire: the
//! per-target budget is the resolved address's (every spelling of it shares one), rate limits
//! come before any DNS query, the public preset does not tell the address a name resolves to,
//! the relay host's own addresses are refused, and wrong tokens are throttled per client.

use crate::dns::FakeDns;
use crate::harness::{closed_port, probe_request, session, Relay, RelayOptions};

/// A probe with no stability samples and no UDP.
fn quick(target: &str) -> String {
    serde_json::json!({"type": "probe", "target": target, "samples": 0, "udp": false}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spelling_of_an_address_shares_its_per_target_budget() {
    let dns = FakeDns::start().await;
    let port = closed_port();
    let (port_s, dns_s) = (port.to_string(), dns.addr.to_string());
    let relay = Relay::start(
        RelayOptions::args(&[
            "--allow",
            "127.0.0.0/8",
            "--allow-port",
            &port_s,
            "--dns-server",
            &dns_s,
        ])
        .with_config("[limits]\nprobes_per_minute_per_target = 2\n"),
    )
    .await;
    let url = relay.ws_url("");
    for target in [
        format!("127.0.0.1:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
    ] {
        let s = session(&url, &[], &quick(&target)).await;
        let last = s.json().pop().expect("messages");
        assert_eq!(last["type"], "report", "{target}: {:#?}", s.texts);
    }
    // A DNS alias of the same address: a new name, the same (spent) address budget.
    let s = session(&url, &[], &quick(&format!("inward.rdpcheck.test:{port}"))).await;
    let message = s.expect_error("limit.rate");
    assert_eq!(
        message,
        "inward.rdpcheck.test was checked too often in the last minute; try again shortly"
    );
    // The literal itself, a third time: refused before any lookup.
    let s = session(&url, &[], &quick(&format!("127.0.0.1:{port}"))).await;
    s.expect_error("limit.rate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_rate_limit_comes_before_any_dns_query() {
    let dns = FakeDns::start().await;
    let dns_s = dns.addr.to_string();
    let relay = Relay::start(
        RelayOptions::args(&["--dns-server", &dns_s])
            .with_config("[limits]\nprobes_per_minute_per_client = 3\n"),
    )
    .await;
    let url = relay.ws_url("");
    // Names the test resolver does not know: each admitted one costs a lookup, then a report.
    for i in 0..3 {
        let s = session(&url, &[], &quick(&format!("n{i}.rdpcheck.test"))).await;
        let last = s.json().pop().expect("messages");
        assert_eq!(last["type"], "report", "{:#?}", s.texts);
    }
    let after_three = dns.queries();
    assert!(after_three >= 3, "{after_three} queries for 3 names");
    for i in 3..20 {
        let s = session(&url, &[], &quick(&format!("n{i}.rdpcheck.test"))).await;
        let message = s.expect_error("limit.rate");
        assert!(
            message.contains("too many checks from your address"),
            "{message}"
        );
    }
    assert_eq!(
        dns.queries(),
        after_three,
        "refused requests were resolved anyway"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_preset_does_not_tell_what_a_name_resolves_to() {
    let dns = FakeDns::start().await;
    let dns_s = dns.addr.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--policy",
        "public",
        "--dns-server",
        &dns_s,
    ]))
    .await;
    let url = relay.ws_url("");
    for (name, address, rule) in [
        (
            "private.rdpcheck.test",
            "10.1.2.3",
            "a private network address (10.0.0.0/8), refused by the public policy",
        ),
        (
            "inward.rdpcheck.test",
            "127.0.0.1",
            "a loopback address (127.0.0.0/8)",
        ),
        (
            "meta.rdpcheck.test",
            "169.254.169.254",
            "a cloud metadata address (169.254.169.254/32)",
        ),
        (
            "inward6.rdpcheck.test",
            "::1",
            "a loopback address (::1/128)",
        ),
    ] {
        let s = session(&url, &[], &probe_request(name)).await;
        let message = s.expect_error("policy.denied");
        assert_eq!(
            message,
            format!(
                "target: {name} resolves to {rule}. This relay's egress policy does not allow it"
            )
        );
        // Not the address (a /32 rule names its one address: cloud metadata is no secret).
        assert!(
            !message.contains(&format!("resolves to {address}")),
            "{message}"
        );
        if !rule.contains(address) {
            assert!(!message.contains(address), "{message}");
        }
    }
    // The operator's log has the address.
    assert!(relay.output().contains("10.1.2.3"), "{}", relay.output());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_hosts_own_addresses_are_refused() {
    let own = rdpcheck_relay::own::interface_addresses();
    assert!(
        !own.is_empty(),
        "this machine has no non-loopback address, so the test cannot check one (it never skips)"
    );
    let relay = Relay::start(RelayOptions::default()).await;
    let url = relay.ws_url("");
    for ip in &own {
        let target = match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        };
        let s = session(&url, &[], &probe_request(&target)).await;
        let message = s.expect_error("policy.denied");
        assert!(
            message.contains("an address of this relay's own host"),
            "{target}: {message}"
        );
    }
}

const GOOD_TOKEN: &str = "budget-test-token-0123456789abcdef";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_tokens_are_throttled_per_client_and_logged_with_its_address() {
    let dir = tempfile::tempdir().expect("tmp");
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, format!("{GOOD_TOKEN}\n")).expect("write tokens");
    let tokens_s = tokens.to_string_lossy().to_string();
    let relay = Relay::start(
        RelayOptions::args(&["--auth", "token", "--token-file", &tokens_s])
            .with_config("[limits]\nfailed_auth_per_minute = 5\n"),
    )
    .await;
    let request = probe_request("127.0.0.1");
    for i in 0..5 {
        let s = session(
            &relay.ws_url(&format!("?token=guess-{i:020}")),
            &[],
            &request,
        )
        .await;
        assert_eq!(
            s.expect_error("auth.required"),
            "the access token is not valid for this relay"
        );
    }
    for query in [
        "?token=guess-99999999999999999999".to_string(),
        format!("?token={GOOD_TOKEN}"),
    ] {
        let s = session(&relay.ws_url(&query), &[], &request).await;
        let message = s.expect_error("limit.rate");
        assert!(
            message.starts_with("too many wrong access tokens from your address"),
            "{message}"
        );
    }
    let log = relay.output();
    let warned = |what: &str| {
        log.lines()
            .filter(|l| l.contains("WARN") && l.contains(what) && l.contains("client=127.0.0.1"))
            .count()
    };
    assert_eq!(warned("wrong access token"), 5, "{log}");
    assert_eq!(warned("token not checked"), 2, "{log}");
}
