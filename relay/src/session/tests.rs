//! The session's steps that need no socket: validation, admission (literal addresses only, so
//! nothing is resolved), the engine's options and the signed report.

use std::net::{IpAddr, Ipv4Addr};

use rdpcheck_probe::observe::DnsOutcome;
use rdpcheck_report::share;
use rdpcheck_report::wire::{ServerMessage, SignedReport};

use super::*;
use crate::state::test_state;

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

fn request(target: &str) -> ProbeRequest {
    ProbeRequest {
        target: target.into(),
        gateway: None,
        samples: None,
        udp: None,
        client: None,
    }
}

fn checked(ip: [u8; 4], port: u16) -> Checked {
    let ip = IpAddr::from(ip);
    Checked {
        host: ip.to_string(),
        port,
        dns: DnsOutcome::Literal(ip),
    }
}

async fn refusal(state: &AppState, request: &ProbeRequest) -> Reject {
    match admit(state, CLIENT, request).await {
        Ok(_) => panic!("{request:?} was admitted"),
        Err(r) => r,
    }
}

#[test]
fn samples_default_to_three_and_are_capped() {
    let state = test_state(|c| c.limits.max_samples = 4);
    let limits = &state.config.limits;
    assert_eq!(validate(&request("x"), limits), Ok(3));
    let four = ProbeRequest {
        samples: Some(4),
        ..request("x")
    };
    assert_eq!(validate(&four, limits), Ok(4));
    let five = ProbeRequest {
        samples: Some(5),
        ..request("x")
    };
    assert_eq!(
        validate(&five, limits),
        Err(Reject::input("samples must be at most 4 on this relay"))
    );
}

#[test]
fn long_targets_are_refused_before_any_lookup() {
    let state = test_state(|_| {});
    let limits = &state.config.limits;
    assert!(validate(&request(&"a".repeat(300)), limits).is_ok());
    assert_eq!(
        validate(&request(&"a".repeat(301)), limits),
        Err(Reject::input("the target is longer than 300 characters"))
    );
}

#[test]
fn options_pin_the_checked_answers() {
    let state = test_state(|c| c.limits.probe_timeout_s = 12);
    let limits = &state.config.limits;
    let with_gateway = ProbeRequest {
        gateway: Some("10.0.0.9".into()),
        ..request("10.0.0.5")
    };
    let opts = probe_options(
        &with_gateway,
        2,
        checked([10, 0, 0, 5], 3389),
        Some(checked([10, 0, 0, 9], 443)),
        limits,
        &state.policy,
    );
    assert_eq!((opts.host.as_str(), opts.port), ("10.0.0.5", 3389));
    assert!(
        matches!(opts.pinned_dns, Some(DnsOutcome::Literal(ip)) if ip.to_string() == "10.0.0.5")
    );
    assert_eq!(opts.gateway, Some(("10.0.0.9".to_string(), 443)));
    assert!(opts.pinned_gateway_dns.is_some());
    assert_eq!(opts.samples, 2);
    assert_eq!(opts.total_timeout, Duration::from_secs(12));
    assert!(opts.udp, "UDP by default to 3389");
}

#[test]
fn udp_only_when_asked_and_allowed() {
    let state = test_state(|_| {});
    let limits = &state.config.limits;
    let no_udp = ProbeRequest {
        udp: Some(false),
        ..request("10.0.0.5")
    };
    let opts = probe_options(
        &no_udp,
        0,
        checked([10, 0, 0, 5], 3389),
        None,
        limits,
        &state.policy,
    );
    assert!(!opts.udp);
    // 443 is an allowed TCP port but not an allowed UDP port.
    let opts = probe_options(
        &request("10.0.0.5:443"),
        0,
        checked([10, 0, 0, 5], 443),
        None,
        limits,
        &state.policy,
    );
    assert!(!opts.udp);
    assert!(opts.gateway.is_none() && opts.pinned_gateway_dns.is_none());
}

#[tokio::test]
async fn admission_refuses_what_the_egress_check_refuses() {
    let state = test_state(|_| {});
    let r = refusal(&state, &request("127.0.0.1")).await;
    assert_eq!(r.code, "policy.denied");
    assert_eq!(
        r.message,
        "target: 127.0.0.1 is a loopback address (127.0.0.0/8). This relay's egress policy does \
         not allow it"
    );
    let r = refusal(&state, &request("10.0.0.5:22")).await;
    assert_eq!(r.code, "policy.denied");
    assert!(r.message.starts_with("target: port 22 "), "{r}");
    let r = refusal(&state, &request("127.1")).await;
    assert_eq!(r.code, "input.invalid");
    assert!(r.message.starts_with("target: \"127.1\" "), "{r}");
    let gateway = ProbeRequest {
        gateway: Some("169.254.169.254".into()),
        ..request("10.0.0.5")
    };
    let r = refusal(&state, &gateway).await;
    assert_eq!(r.code, "policy.denied");
    assert!(
        r.message
            .starts_with("gateway: 169.254.169.254 is a cloud metadata"),
        "{r}"
    );
    let r = refusal(
        &state,
        &ProbeRequest {
            samples: Some(11),
            ..request("10.0.0.5")
        },
    )
    .await;
    assert_eq!(r.code, "input.invalid");
}

#[tokio::test]
async fn an_admitted_request_holds_its_slot_until_dropped() {
    let state = test_state(|c| c.limits.max_concurrent_per_client = 1);
    let blank_gateway = ProbeRequest {
        gateway: Some("  ".into()),
        ..request("10.0.0.5")
    };
    let plan = admit(&state, CLIENT, &blank_gateway)
        .await
        .expect("admitted");
    assert_eq!(
        (plan.options.host.as_str(), plan.options.port),
        ("10.0.0.5", 3389)
    );
    assert!(
        plan.options.gateway.is_none(),
        "a blank gateway is no gateway"
    );
    let r = refusal(&state, &request("10.0.0.6")).await;
    assert_eq!(r.code, "limit.busy");
    drop(plan);
    assert!(admit(&state, CLIENT, &request("10.0.0.6")).await.is_ok());
}

#[tokio::test]
async fn the_per_target_rate_counts_the_normalised_target() {
    let state = test_state(|c| c.limits.per_target_per_minute = 1);
    drop(
        admit(&state, CLIENT, &request("10.0.0.5"))
            .await
            .expect("first"),
    );
    let r = refusal(&state, &request("10.0.0.5:3389")).await;
    assert_eq!(r.code, "limit.rate");
    assert!(
        r.message.starts_with("10.0.0.5 was checked too often"),
        "{r}"
    );
    // Another spelling of the same address, and another port on it, share the budget.
    for other in ["[::ffff:10.0.0.5]", "10.0.0.5:443"] {
        let r = refusal(&state, &request(other)).await;
        assert_eq!(r.code, "limit.rate", "{other}");
    }
}

#[tokio::test]
async fn a_gateway_counts_against_its_own_target_budget() {
    let state = test_state(|c| c.limits.per_target_per_minute = 1);
    let with_gateway = ProbeRequest {
        gateway: Some("10.0.0.9".into()),
        ..request("10.0.0.5")
    };
    drop(admit(&state, CLIENT, &with_gateway).await.expect("first"));
    let r = refusal(&state, &request("10.0.0.9")).await;
    assert_eq!(r.code, "limit.rate");
    assert!(
        r.message.starts_with("10.0.0.9 was checked too often"),
        "{r}"
    );
}

#[tokio::test]
async fn refusals_that_need_no_lookup_do_not_spend_the_clients_budget() {
    let state = test_state(|c| c.limits.per_client_per_minute = 1);
    for _ in 0..5 {
        assert_eq!(
            refusal(&state, &request("127.0.0.1")).await.code,
            "policy.denied"
        );
        assert_eq!(
            refusal(&state, &request("10.0.0.5:22")).await.code,
            "policy.denied"
        );
    }
    drop(
        admit(&state, CLIENT, &request("10.0.0.5"))
            .await
            .expect("admitted"),
    );
    assert_eq!(
        refusal(&state, &request("10.0.0.6")).await.code,
        "limit.rate"
    );
}

#[tokio::test]
async fn the_relays_own_addresses_are_refused() {
    let mut config =
        crate::config::Config::resolve(crate::config::Args::default()).expect("config");
    config.allow = vec!["192.0.2.0/24".parse().expect("net")];
    let state = AppState::new(
        config,
        crate::keys::RelayKey::from_seed([7; 32]),
        vec!["192.0.2.2".parse().expect("ip")],
    );
    let r = refusal(&state, &request("192.0.2.2")).await;
    assert_eq!(r.code, "policy.denied");
    assert!(
        r.message.contains("an address of this relay's own host"),
        "{r}"
    );
    assert!(admit(&state, CLIENT, &request("192.0.2.3")).await.is_ok());
}

#[test]
fn the_report_is_stamped_signed_and_signed_redacted() {
    let state = test_state(|_| {});
    let report: Report = serde_json::from_value(serde_json::json!({
        "schema": 1,
        "tool": {"name": "rdpcheck", "version": "0.1.0"},
        "target": {"host": "rdp.example.com", "port": 3389, "addresses": ["10.0.0.5"]},
        "started_at": "2026-01-01T00:00:00Z",
        "duration_ms": 1.5,
        "stages": [],
        "findings": [],
        "verdict": {"status": "problem", "stage": "tcp", "codes": ["tcp.refused"], "summary": "refused"},
    }))
    .expect("a report");
    let host = report.target.host.clone();
    let ServerMessage::Report {
        report: text,
        signature,
        key_id,
        redacted: Some(redacted),
    } = sign_report(&state, report, "0123456789abcdef".into()).expect("signed")
    else {
        panic!("not a report with a redacted copy");
    };
    assert_eq!(key_id, state.key.key_id);
    let public_key = state.key.public_key_b64();
    let full = SignedReport {
        report: text.clone(),
        signature,
        key_id,
    };
    assert!(
        share::verify(&full, &public_key),
        "the full report verifies"
    );
    assert!(
        share::verify(&redacted, &public_key),
        "the redacted report verifies"
    );
    assert_eq!(redacted.key_id, state.key.key_id);
    let stamped: Report = serde_json::from_str(&text).expect("signed text is a report");
    let stamp = stamped.relay.expect("relay stamp");
    assert_eq!(stamp.key_id, state.key.key_id);
    assert_eq!(stamp.request_id.as_deref(), Some("0123456789abcdef"));
    let redacted_stamp = serde_json::from_str::<Report>(&redacted.report)
        .expect("redacted text is a report")
        .relay
        .expect("redacted relay stamp");
    assert_eq!(
        redacted_stamp.request_id.as_deref(),
        Some("0123456789abcdef"),
        "the redacted copy keeps the request id (it names nobody)"
    );
    assert!(time::OffsetDateTime::parse(
        &stamp.signed_at,
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
    assert!(text.contains(&host) && text.contains("10.0.0.5"));
    assert!(!redacted.report.contains(&host), "{}", redacted.report);
    assert!(!redacted.report.contains("10.0.0.5"), "{}", redacted.report);
}
