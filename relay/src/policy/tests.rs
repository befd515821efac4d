//! The policy as a whole: precedence (deny, exact allows, the built-in ranges, the preset),
//! embedded IPv4, the relay's own addresses, ports and the description. The table of built-in
//! ranges has its own tests (rules.rs); the corpus over the public API is
//! relay/tests/policy_corpus.rs.

use super::*;

fn net(s: &str) -> IpNet {
    s.parse().expect("test network")
}

fn policy(preset: Preset, allow: &[&str], deny: &[&str]) -> Policy {
    Policy::new(
        preset,
        allow.iter().map(|s| net(s)).collect(),
        deny.iter().map(|s| net(s)).collect(),
        Vec::new(),
    )
}

fn reason(p: &Policy, ip: &str) -> String {
    match p.check_ip(ip.parse().expect("test address")) {
        Ok(()) => panic!("{ip} accepted"),
        Err(d) => d.reason,
    }
}

fn passes(p: &Policy, ip: &str) -> bool {
    p.check_ip(ip.parse().expect("test address")).is_ok()
}

#[test]
fn longest_builtin_range_names_the_rule() {
    let p = Policy::default();
    assert_eq!(
        reason(&p, "169.254.169.254"),
        "169.254.169.254 is a cloud metadata address (169.254.169.254/32)"
    );
    assert!(reason(&p, "169.254.1.1").contains("link-local"));
    assert!(reason(&p, "255.255.255.255").contains("broadcast"));
    assert!(reason(&p, "240.0.0.1").contains("reserved"));
    assert!(reason(&p, "100.100.100.200").contains("metadata"));
    assert!(reason(&p, "100.64.0.1").contains("CGNAT"));
    assert!(reason(&p, "4000::1").contains("reserved IPv6"));
}

#[test]
fn embedded_ipv4_is_checked_and_named() {
    let p = Policy::default();
    assert_eq!(
        reason(&p, "::ffff:127.0.0.1"),
        "IPv4-mapped ::ffff:127.0.0.1 embeds 127.0.0.1, a loopback address (127.0.0.0/8)"
    );
    assert!(reason(&p, "64:ff9b::a9fe:a9fe").starts_with("NAT64"));
    assert!(reason(&p, "2002:7f00:1::1").starts_with("6to4"));
    assert!(reason(&p, "::8.8.8.8").contains("IPv4-compatible"));
    assert!(reason(&p, "64:ff9b:1::808:808").contains("local-use NAT64"));
    assert!(passes(&p, "::ffff:10.0.0.5"));
    assert!(passes(&p, "64:ff9b::808:808"));
    assert!(passes(&p, "2002:808:808::1"));
    let public = policy(Preset::Public, &[], &[]);
    assert!(reason(&public, "64:ff9b::a00:5").contains("NAT64"));
    assert!(reason(&public, "2002:c0a8:101::1").contains("private"));
}

#[test]
fn allow_lifts_only_ranges_it_names() {
    let lab = policy(Preset::Local, &["127.0.0.0/8"], &[]);
    assert!(passes(&lab, "127.0.0.1"));
    assert!(passes(&lab, "::ffff:127.0.0.1"));
    let broad = policy(Preset::Local, &["0.0.0.0/0", "169.254.0.0/16"], &[]);
    assert!(reason(&broad, "127.0.0.1").contains("loopback"));
    assert!(passes(&broad, "169.254.1.1"));
    assert!(reason(&broad, "169.254.169.254").contains("metadata"));
    let public = policy(Preset::Public, &["10.1.0.0/16"], &[]);
    assert!(passes(&public, "10.1.2.3"));
    assert!(reason(&public, "10.2.0.1").contains("public policy"));
}

#[test]
fn deny_wins_everywhere() {
    let p = policy(Preset::Local, &["10.9.0.0/24"], &["10.9.0.0/16"]);
    assert_eq!(
        reason(&p, "10.9.0.1"),
        "10.9.0.1 is denied by --deny 10.9.0.0/16"
    );
    assert!(reason(&p, "::ffff:10.9.0.1").contains("--deny 10.9.0.0/16"));
    let v6 = policy(Preset::Local, &[], &["::ffff:0:0/96"]);
    assert!(reason(&v6, "::ffff:8.8.8.8").contains("--deny ::ffff:0.0.0.0/96"));
}

#[test]
fn the_relays_own_addresses_are_refused_unless_allowed_exactly() {
    let own = ["192.0.2.2", "fd00::2", "127.0.0.1"].map(|a| a.parse().expect("ip"));
    let p = policy(Preset::Local, &[], &[]).with_own_addresses(own);
    assert_eq!(
        reason(&p, "fd00::2"),
        "fd00::2 is an address of this relay's own host (only an allow network naming \
         exactly it lifts this)"
    );
    // Before the built-in rule that also refuses it (documentation), and through mappings.
    assert!(reason(&p, "192.0.2.2").contains("own host"));
    assert!(reason(&p, "::ffff:192.0.2.2").contains("own host"));
    assert!(passes(&p, "fd00::3"));
    // Loopback keeps its own rule (and its own way of being allowed).
    assert!(reason(&p, "127.0.0.1").contains("loopback"));
    let lab = policy(Preset::Local, &["127.0.0.0/8"], &[]).with_own_addresses(own);
    assert!(passes(&lab, "127.0.0.1"));
    // A broad allow does not lift it; one naming exactly the address does.
    let broad = policy(Preset::Local, &["fd00::/64", "192.0.2.0/24"], &[]).with_own_addresses(own);
    assert!(reason(&broad, "fd00::2").contains("own host"));
    assert!(reason(&broad, "192.0.2.2").contains("own host"));
    assert!(passes(&broad, "192.0.2.3"));
    let exact =
        policy(Preset::Local, &["fd00::2/128", "192.0.2.2/32"], &[]).with_own_addresses(own);
    assert!(passes(&exact, "fd00::2"));
    assert!(passes(&exact, "192.0.2.2"));
    // Deny still wins.
    let denied = policy(Preset::Local, &["fd00::2/128"], &["fd00::/16"]).with_own_addresses(own);
    assert!(reason(&denied, "fd00::2").contains("--deny"));
}

#[test]
fn the_rule_alone_leaves_the_address_out() {
    let p = policy(Preset::Public, &[], &[]);
    for (ip, rule) in [
        (
            "10.1.2.3",
            "a private network address (10.0.0.0/8), refused by the public policy",
        ),
        ("127.0.0.1", "a loopback address (127.0.0.0/8)"),
        (
            "::ffff:10.1.2.3",
            "a private network address (10.0.0.0/8), refused by the public policy, embedded \
             in an IPv6 address (IPv4-mapped)",
        ),
    ] {
        let d = p.check_ip(ip.parse().expect("ip")).expect_err(ip);
        assert_eq!(d.rule, rule, "{ip}");
        assert!(!d.rule.contains("10.1.2.3") && !d.rule.contains("127.0.0.1"));
        assert!(d.reason.contains(ip), "{}", d.reason);
    }
    assert!(p.hides_resolved_addresses());
    assert!(!Policy::default().hides_resolved_addresses());
}

#[test]
fn corporate_needs_the_allow_list() {
    let p = policy(Preset::Corporate, &["10.20.0.0/16"], &[]);
    assert!(passes(&p, "10.20.1.1"));
    assert!(passes(&p, "::ffff:10.20.1.1"));
    assert!(reason(&p, "10.21.0.1").contains("not in the corporate allow list"));
    assert!(reason(&p, "127.0.0.1").contains("loopback"));
    let none = policy(Preset::Corporate, &[], &[]);
    assert!(reason(&none, "8.8.8.8").contains("(none)"));
}

#[test]
fn ports_tcp_and_udp() {
    let p = Policy::new(Preset::Local, Vec::new(), Vec::new(), vec![3390, 0, 3390]);
    assert_eq!(p.tcp_ports(), &[443, 3389, 3390]);
    assert_eq!(p.udp_ports(), &[3389, 3390]);
    assert!(p.check_port(3390).is_ok());
    assert!(p.check_port(0).is_err());
    let d = p.check_port(22).expect_err("22 refused");
    assert!(d.reason.contains("port 22") && d.reason.contains("443, 3389, 3390"));
    assert!(p.udp_allowed(3389) && p.udp_allowed(3390) && !p.udp_allowed(443));
}

#[test]
fn describe_mentions_everything() {
    let p = policy(Preset::Public, &["10.1.0.0/16"], &["8.8.0.0/16"]);
    let d = p.describe();
    for part in [
        "public",
        "10.1.0.0/16",
        "8.8.0.0/16",
        "443, 3389",
        "UDP ports: 3389",
    ] {
        assert!(d.contains(part), "{part} missing from {d}");
    }
    assert!(Policy::default().describe().contains("Allow: none"));
}
