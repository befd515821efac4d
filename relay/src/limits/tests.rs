//! The limits alone (no relay): concurrency, rates per name and per address, the auth throttle.

use futures_util::FutureExt;

use super::*;

fn limits(configure: impl FnOnce(&mut config::Limits)) -> Limits {
    let mut cfg = config::Config::resolve(config::Args::default())
        .expect("defaults")
        .limits;
    configure(&mut cfg);
    Limits::new(&cfg, None)
}

// Without a backend nothing waits: the futures are ready at once.
fn admit<'a>(l: &'a Limits, client: IpAddr, names: &[String]) -> Result<Admission<'a>, Refusal> {
    l.admit(client, names, &Metrics::default())
        .now_or_never()
        .expect("local limits never wait")
}

fn addresses(l: &Limits, name: &str, ips: &[IpAddr]) -> Result<(), Refusal> {
    l.check_addresses(name, ips, &Metrics::default())
        .now_or_never()
        .expect("local limits never wait")
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

fn admitted(r: Result<Admission<'_>, Refusal>) -> Admission<'_> {
    match r {
        Ok(a) => a,
        Err(Refusal::Rate(_, m) | Refusal::Busy(_, m)) => panic!("refused: {m}"),
    }
}

#[test]
fn clients_are_addresses_and_ipv6_slash_64s() {
    assert_eq!(client_key(ip("192.0.2.1")), ip("192.0.2.1"));
    assert_eq!(client_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    assert_eq!(client_key(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
    assert_eq!(client_key(ip("2001:db8:1:2::ffff")), ip("2001:db8:1:2::"));
    assert_ne!(client_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
}

#[test]
fn every_spelling_of_an_address_shares_its_budget() {
    let l = limits(|c| c.per_target_per_minute = 2);
    assert!(addresses(&l, "a.example", &[ip("10.0.0.5")]).is_ok());
    assert!(addresses(&l, "b.example", &[ip("::ffff:10.0.0.5")]).is_ok());
    match addresses(&l, "c.example", &[ip("10.0.0.5")]) {
        Err(Refusal::Rate(limit, m)) => assert_eq!(
            (limit, m.as_str()),
            (
                "target_address_rate",
                "c.example was checked too often in the last minute; try again shortly"
            )
        ),
        _ => panic!("the third check of 10.0.0.5 passed"),
    }
    assert!(addresses(&l, "d.example", &[ip("10.0.0.6")]).is_ok());
}

#[test]
fn names_are_limited_before_anything_is_resolved() {
    let l = limits(|c| c.per_target_per_minute = 1);
    let client = ip("192.0.2.1");
    let names = ["rdp.example".to_string()];
    drop(admitted(admit(&l, client, &names)));
    let refused = admit(&l, client, &names)
        .err()
        .expect("the name's budget is spent");
    assert!(matches!(refused, Refusal::Rate(..)));
    assert_eq!(refused.limit(), "target_rate");
    assert!(admit(&l, client, &["other.example".to_string()]).is_ok());
}

#[test]
fn a_busy_refusal_spends_no_rate_budget() {
    let l = limits(|c| {
        c.max_concurrent = 1;
        c.per_client_per_minute = 2;
        c.per_target_per_minute = 2;
    });
    let names = ["rdp.example".to_string()];
    let held = admitted(admit(&l, ip("192.0.2.1"), &names));
    for _ in 0..10 {
        assert!(matches!(
            admit(&l, ip("192.0.2.2"), &names),
            Err(Refusal::Busy("total_concurrency", _))
        ));
    }
    drop(held);
    drop(admitted(admit(&l, ip("192.0.2.2"), &names)));
    assert!(matches!(
        admit(&l, ip("192.0.2.2"), &names),
        Err(Refusal::Rate(..))
    ));
}

#[test]
fn a_clients_ipv6_addresses_share_its_slots() {
    let l = limits(|c| c.max_concurrent_per_client = 1);
    let held = admitted(admit(&l, ip("2001:db8::1"), &[]));
    assert!(matches!(
        admit(&l, ip("2001:db8::2"), &[]),
        Err(Refusal::Busy("client_concurrency", _))
    ));
    assert!(admit(&l, ip("2001:db8:0:1::1"), &[]).is_ok());
    drop(held);
    assert!(admit(&l, ip("2001:db8::2"), &[]).is_ok());
}

#[test]
fn failed_tokens_throttle_the_client_until_its_bucket_drains() {
    let l = limits(|c| c.failed_auth_per_minute = 3);
    let client = ip("192.0.2.1");
    let t0 = Instant::now();
    for i in 0..3 {
        assert_eq!(l.auth_throttled(client, t0), None, "failure {i}");
        l.auth_failed(client, t0);
    }
    let wait = l.auth_throttled(client, t0).expect("throttled after 3");
    assert_eq!(wait, Duration::from_secs(20));
    // Other clients are not affected; the same /64 is.
    assert_eq!(l.auth_throttled(ip("192.0.2.2"), t0), None);
    // Three a minute: one drains every 20 s.
    assert!(l
        .auth_throttled(client, t0 + Duration::from_secs(19))
        .is_some());
    assert_eq!(l.auth_throttled(client, t0 + Duration::from_secs(21)), None);
    l.auth_failed(client, t0 + Duration::from_secs(21));
    assert!(l
        .auth_throttled(client, t0 + Duration::from_secs(21))
        .is_some());
    assert_eq!(
        l.auth_throttled(client, t0 + Duration::from_secs(120)),
        None
    );
}
