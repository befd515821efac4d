//! The caps and the throttled log lines (the deadlines are tested over the wire: relay/tests/ws/).

use std::net::IpAddr;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

#[test]
fn per_client_and_total_caps() {
    let limits = ConnLimits::new(3, 2);
    let a1 = limits.try_acquire(ip("192.0.2.1")).expect("a1");
    let _a2 = limits.try_acquire(ip("::ffff:192.0.2.1")).expect("a2");
    assert_eq!(
        limits.try_acquire(ip("192.0.2.1")).err(),
        Some(Full::PerClient)
    );
    let _b1 = limits.try_acquire(ip("2001:db8::1")).expect("b1");
    assert_eq!(limits.open(), 3);
    assert_eq!(limits.try_acquire(ip("192.0.2.9")).err(), Some(Full::Total));
    drop(a1);
    assert_eq!(limits.open(), 2);
    // The same /64 is the same client.
    let _b2 = limits.try_acquire(ip("2001:db8::2")).expect("b2");
    assert_eq!(
        limits.try_acquire(ip("2001:db8::3")).err(),
        Some(Full::PerClient)
    );
}

#[tokio::test]
async fn waiting_for_the_slots_to_come_back() {
    let limits = ConnLimits::new(2, 2);
    let held = limits.try_acquire(ip("192.0.2.1")).expect("held");
    assert!(!limits.wait_all_closed(Duration::from_millis(20)).await);
    drop(held);
    assert!(limits.wait_all_closed(Duration::from_millis(20)).await);
}

#[test]
fn the_total_cap_fits_under_the_open_file_limit() {
    assert_eq!(fit_connections(4096, 1024, 32), 1024 - 64 - 128);
    assert_eq!(fit_connections(100, 1_048_576, 32), 100);
    assert_eq!(fit_connections(4096, 100, 32), 1);
}

#[test]
fn flood_logging_is_throttled() {
    let t = Throttled::new();
    assert_eq!(t.due(), Some(0));
    assert_eq!(t.due(), None);
    assert_eq!(t.due(), None);
}

#[test]
fn a_trusted_proxys_connections_count_only_toward_the_total() {
    let limits = ConnLimits::new(3, 1);
    let _a = limits.try_acquire_proxied().expect("a");
    let _b = limits.try_acquire_proxied().expect("b");
    let c = limits.try_acquire(ip("192.0.2.1")).expect("c");
    assert_eq!(limits.try_acquire_proxied().err(), Some(Full::Total));
    drop(c);
    assert_eq!(limits.open(), 2);
    assert!(limits.try_acquire(ip("192.0.2.1")).is_ok());
}
