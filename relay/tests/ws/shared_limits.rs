//! The rate budgets shared through a real Redis (`--limits-backend`): two relays spend one
//! client's budget together; without Redis a relay limits alone, counts the fallbacks and says
//! so once. Each test starts its own `redis-server` on a free loopback port.

use std::time::{Duration, Instant};

use rdpcheck_labtests::process::closed_port;
use rdpcheck_labtests::redis::Redis;

use crate::harness::ws::{quick_probe, session, Session};
use crate::harness::{Relay, RelayOptions};

/// A relay that may probe `target_port` on loopback, with `per_client` probes a minute, its
/// rates kept in `backend`.
async fn relay(target_port: u16, backend: &str, per_client: u32) -> Relay {
    let port_s = target_port.to_string();
    Relay::start(
        RelayOptions::args(&[
            "--allow",
            "127.0.0.0/8",
            "--allow-port",
            &port_s,
            "--limits-backend",
            backend,
        ])
        .with_config(&format!(
            "[limits]\nprobes_per_minute_per_client = {per_client}\n"
        )),
    )
    .await
}

fn assert_report(s: &Session, what: &str, relay: &Relay) {
    let last = s.json().last().cloned().unwrap_or_default();
    assert_eq!(
        last["type"],
        "report",
        "{what}: {:#?}\n{}",
        s.texts,
        relay.output()
    );
}

fn assert_client_rate(s: &Session, what: &str) {
    let message = s.expect_error("limit.rate");
    assert!(
        message.contains("too many checks from your address"),
        "{what}: {message}"
    );
}

/// The value of an unlabelled series in /metrics.
async fn metric(relay: &Relay, series: &str) -> String {
    let text = relay.get("/metrics").await;
    text.lines()
        .find_map(|l| {
            l.strip_prefix(series)?
                .strip_prefix(' ')
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

fn lines_with(relay: &Relay, needle: &str) -> usize {
    relay
        .output()
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

const WENT_DOWN: &str = "limits backend unavailable";
const CAME_BACK: &str = "limits backend answers again";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_spend_one_clients_budget_together() {
    let redis = Redis::start();
    let target = closed_port();
    let a = relay(target, &redis.url(), 3).await;
    let b = relay(target, &redis.url(), 3).await;
    let probe = quick_probe(target);
    for (n, r) in [(1, &a), (2, &a), (3, &b)] {
        assert_report(
            &session(&r.ws_url(""), &[], &probe).await,
            &format!("probe {n}"),
            r,
        );
    }
    // Three in all: each relay alone would still have budget left.
    assert_client_rate(&session(&a.ws_url(""), &[], &probe).await, "4th on A");
    assert_client_rate(&session(&b.ws_url(""), &[], &probe).await, "5th on B");
    for r in [&a, &b] {
        assert_eq!(
            metric(r, "rdpcheck_limiter_hits_total{limit=\"client_rate\"}").await,
            "1"
        );
        assert_eq!(
            metric(r, "rdpcheck_limits_backend_fallbacks_total").await,
            "0"
        );
        assert_eq!(metric(r, "rdpcheck_limits_backend_up").await, "1");
    }
    // The budgets are Redis counters with a TTL of at most the minute: the client's counted
    // every check, the target name and address only the three the client's budget let through.
    let count = |key: &str| redis.cli(&["GET", key]);
    assert_eq!(count("rdpcheck:rate:client:127.0.0.1"), "5");
    assert_eq!(count("rdpcheck:rate:target:127.0.0.1"), "3");
    assert_eq!(count("rdpcheck:rate:address:127.0.0.1"), "3");
    for key in [
        "rdpcheck:rate:client:127.0.0.1",
        "rdpcheck:rate:target:127.0.0.1",
        "rdpcheck:rate:address:127.0.0.1",
    ] {
        let ttl: i64 = redis.cli(&["PTTL", key]).parse().expect("a TTL");
        assert!((1..=60_000).contains(&ttl), "{key}: PTTL {ttl}");
    }
    assert_eq!(redis.cli(&["DBSIZE"]), "3", "no other keys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_whose_redis_dies_limits_alone_says_so_once_and_shares_again() {
    let mut redis = Redis::start();
    let target = closed_port();
    let relay = relay(target, &redis.url(), 2).await;
    let url = relay.ws_url("");
    let probe = quick_probe(target);
    assert_report(&session(&url, &[], &probe).await, "shared", &relay);
    assert_eq!(redis.cli(&["GET", "rdpcheck:rate:client:127.0.0.1"]), "1");

    redis.kill();
    // The relay's own limiters saw none of the shared checks: two more, then refused.
    for n in 1..=2 {
        let s = session(&url, &[], &probe).await;
        assert_report(&s, &format!("local probe {n}"), &relay);
    }
    assert_client_rate(&session(&url, &[], &probe).await, "local 3rd");
    // Two rate checks per admitted probe (before and after resolving), one for the refused.
    assert_eq!(
        metric(&relay, "rdpcheck_limits_backend_fallbacks_total").await,
        "5"
    );
    assert_eq!(metric(&relay, "rdpcheck_limits_backend_up").await, "0");
    assert_eq!(lines_with(&relay, WENT_DOWN), 1, "{}", relay.output());
    assert!(
        relay
            .output()
            .lines()
            .any(|l| l.contains(WENT_DOWN) && l.contains("WARN")),
        "{}",
        relay.output()
    );

    // Redis again, empty: once a retry reaches it the client's budget is shared (and whole).
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = session(&url, &[], &probe).await;
        if s.json().last().is_some_and(|m| m["type"] == "report") {
            break;
        }
        assert_client_rate(&s, "while the retry is not due");
        assert!(
            Instant::now() < deadline,
            "Redis was not asked again\n{}",
            relay.output()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(metric(&relay, "rdpcheck_limits_backend_up").await, "1");
    assert_eq!(lines_with(&relay, CAME_BACK), 1, "{}", relay.output());
    assert_eq!(lines_with(&relay, WENT_DOWN), 1, "{}", relay.output());
    assert_eq!(redis.cli(&["GET", "rdpcheck:rate:client:127.0.0.1"]), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_serves_with_local_limits_when_redis_never_answers() {
    let target = closed_port();
    let nowhere = format!("redis://127.0.0.1:{}/", closed_port());
    let mut relay = relay(target, &nowhere, 1).await;
    let url = relay.ws_url("");
    let probe = quick_probe(target);
    assert_report(&session(&url, &[], &probe).await, "1st", &relay);
    assert_client_rate(&session(&url, &[], &probe).await, "2nd");
    relay.assert_healthy().await;
    let fallbacks: u64 = metric(&relay, "rdpcheck_limits_backend_fallbacks_total")
        .await
        .parse()
        .expect("a count");
    assert_eq!(
        fallbacks, 3,
        "two checks for the admitted probe, one for the refused"
    );
    assert_eq!(metric(&relay, "rdpcheck_limits_backend_up").await, "0");
    assert_eq!(lines_with(&relay, WENT_DOWN), 1, "{}", relay.output());
}
