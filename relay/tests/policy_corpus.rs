//! Refusal corpus: what a web page might type to turn the relay into an SSRF tool, run through
//! the same stages the relay uses (normalise the input, check the port, check the address), under
//! both the default local policy and the public policy. Each refusal must come from the expected
//! stage and name the rule, so a regression that refuses for the wrong reason still fails.

use rdpcheck_relay::host::{normalize_target, Host};
use rdpcheck_relay::policy::{Policy, Preset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Input,
    Port,
    Policy,
}

use Stage::{Input, Policy as Addr, Port};

/// Input → port → address, as the relay does (the port is checked before any DNS lookup).
fn run(policy: &Policy, input: &str) -> Result<(Host, u16), (Stage, String)> {
    let (host, port) = normalize_target(input, 3389).map_err(|e| (Input, e.to_string()))?;
    policy.check_port(port).map_err(|d| (Port, d.reason))?;
    if let Host::Ip(ip) = &host {
        policy.check_ip(*ip).map_err(|d| (Addr, d.reason))?;
    }
    Ok((host, port))
}

fn local() -> Policy {
    Policy::default()
}

fn public() -> Policy {
    Policy::new(Preset::Public, Vec::new(), Vec::new(), Vec::new())
}

fn with(preset: Preset, allow: &[&str], deny: &[&str], ports: &[u16]) -> Policy {
    let nets = |v: &[&str]| v.iter().map(|s| s.parse().expect("test network")).collect();
    Policy::new(preset, nets(allow), nets(deny), ports.to_vec())
}

fn expect_refused(policy: &Policy, name: &str, input: &str, stage: Stage, words: &[&str]) {
    match run(policy, input) {
        Ok(v) => panic!("{name}: {input:?} was accepted as {v:?}"),
        Err((got, reason)) => {
            assert_eq!(
                got, stage,
                "{name}: {input:?} refused at the wrong stage: {reason}"
            );
            for w in words {
                assert!(
                    reason.contains(w),
                    "{name}: {input:?} refusal should mention {w:?}: {reason}"
                );
            }
        }
    }
}

fn expect_accepted(policy: &Policy, input: &str) -> (Host, u16) {
    match run(policy, input) {
        Ok(v) => v,
        Err((stage, reason)) => panic!("{input:?} refused at {stage:?}: {reason}"),
    }
}

/// (input, stage, words the reason must contain) — refused by both local and public.
const CORPUS: &[(&str, Stage, &[&str])] = &[
    // Loopback in every spelling.
    ("127.0.0.1", Addr, &["127.0.0.1", "loopback"]),
    ("127.255.255.254", Addr, &["loopback"]),
    ("127.0.0.1:3389", Addr, &["loopback"]),
    ("127.0.0.1:443", Addr, &["loopback"]),
    ("  127.0.0.1  ", Addr, &["loopback"]),
    ("127.0.0.1.", Addr, &["loopback"]),
    ("[::1]", Addr, &["::1", "loopback"]),
    ("[::1]:3389", Addr, &["loopback"]),
    ("::1", Addr, &["loopback"]),
    ("0:0:0:0:0:0:0:1", Addr, &["loopback"]),
    ("[0000::1]", Addr, &["loopback"]),
    (
        "::ffff:127.0.0.1",
        Addr,
        &["IPv4-mapped", "127.0.0.1", "loopback"],
    ),
    (
        "[::ffff:7f00:1]",
        Addr,
        &["IPv4-mapped", "127.0.0.1", "loopback"],
    ),
    ("[::FFFF:7F00:1]:443", Addr, &["IPv4-mapped", "loopback"]),
    ("::127.0.0.1", Addr, &["IPv4-compatible", "loopback"]),
    ("::1:3389", Addr, &["IPv4-compatible"]),
    // Odd numeric forms some resolvers read as IPv4.
    ("127.1", Input, &["ambiguous numeric"]),
    ("127.1:3389", Input, &["ambiguous numeric"]),
    ("2130706433", Input, &["ambiguous numeric"]),
    ("0x7f000001", Input, &["ambiguous numeric"]),
    ("0X7F000001", Input, &["ambiguous numeric"]),
    ("0x7f.0.0.1", Input, &["ambiguous numeric"]),
    ("0177.0.0.1", Input, &["ambiguous numeric"]),
    ("017700000001", Input, &["ambiguous numeric"]),
    ("127.0.0.01", Input, &["ambiguous numeric"]),
    ("127.000.000.001", Input, &["ambiguous numeric"]),
    ("0", Input, &["ambiguous numeric"]),
    ("1.2.3.4.5", Input, &["ambiguous numeric"]),
    ("foo.127", Input, &["numeric label"]),
    ("a.0x10", Input, &["numeric label"]),
    (
        "\u{ff11}\u{ff12}\u{ff17}.\u{ff10}.\u{ff10}.\u{ff11}",
        Input,
        &["ASCII"],
    ),
    ("127\u{3002}0\u{3002}0\u{3002}1", Input, &["ASCII"]),
    // Unspecified.
    ("0.0.0.0", Addr, &["unspecified"]),
    ("0.1.2.3", Addr, &["unspecified"]),
    ("[::]", Addr, &["unspecified"]),
    ("::", Addr, &["unspecified"]),
    // Cloud metadata.
    (
        "169.254.169.254",
        Addr,
        &["169.254.169.254", "cloud metadata"],
    ),
    ("169.254.169.254.", Addr, &["cloud metadata"]),
    ("169.254.169.254:443", Addr, &["cloud metadata"]),
    ("169.254.170.2", Addr, &["cloud metadata"]),
    ("[fd00:ec2::254]", Addr, &["cloud metadata"]),
    ("100.100.100.200", Addr, &["cloud metadata"]),
    ("168.63.129.16", Addr, &["cloud metadata"]),
    (
        "::ffff:169.254.169.254",
        Addr,
        &["IPv4-mapped", "cloud metadata"],
    ),
    // Shared address space, NAT64, 6to4, Teredo.
    ("100.64.0.1", Addr, &["CGNAT"]),
    ("64:ff9b::7f00:1", Addr, &["NAT64", "127.0.0.1", "loopback"]),
    (
        "64:ff9b::a9fe:a9fe",
        Addr,
        &["NAT64", "169.254.169.254", "cloud metadata"],
    ),
    ("[64:ff9b::127.0.0.1]:3389", Addr, &["NAT64", "loopback"]),
    ("64:ff9b:1::a00:5", Addr, &["local-use NAT64"]),
    ("2002:7f00:1::1", Addr, &["6to4", "127.0.0.1", "loopback"]),
    ("2002:a9fe:a9fe::", Addr, &["6to4", "cloud metadata"]),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Addr, &["Teredo"]),
    // Link-local, multicast, broadcast, reserved and other special-purpose ranges.
    ("169.254.1.1", Addr, &["link-local"]),
    ("fe80::1", Addr, &["link-local"]),
    ("[fe80::1]:3389", Addr, &["link-local"]),
    ("fe80::1:3389", Addr, &["link-local"]),
    ("[fe80::1%eth0]", Input, &["zone id"]),
    ("fe80::1%eth0", Input, &["zone id"]),
    ("fec0::1", Addr, &["site-local"]),
    ("224.0.0.1", Addr, &["multicast"]),
    ("ff02::1", Addr, &["multicast"]),
    ("255.255.255.255", Addr, &["broadcast"]),
    ("240.0.0.1", Addr, &["reserved"]),
    ("192.0.2.1", Addr, &["documentation"]),
    ("2001:db8::1", Addr, &["documentation"]),
    ("198.18.0.1", Addr, &["benchmarking"]),
    ("192.0.0.8", Addr, &["IETF protocol assignments"]),
    ("100::1", Addr, &["discard-only"]),
    ("::ffff:0:7f00:1", Addr, &["reserved IPv6"]),
    // Not a host: URLs, user info, paths, brackets around non-IPv6, junk.
    ("rdp://x", Input, &["URL"]),
    ("http://127.0.0.1/", Input, &["URL"]),
    ("a@b", Input, &["user info"]),
    ("user@10.0.0.5:3389", Input, &["user info"]),
    ("127.0.0.1/admin", Input, &["path"]),
    ("host?x=1", Input, &["path or query"]),
    ("host#x", Input, &["path or query"]),
    ("[example.com]", Input, &["brackets"]),
    ("[127.0.0.1]:3389", Input, &["brackets"]),
    ("[::1", Input, &["']'"]),
    ("", Input, &["empty"]),
    ("   ", Input, &["empty"]),
    ("a b", Input, &["spaces"]),
    ("127.0.0.1\n", Addr, &["loopback"]),
    ("127.0.0.1\r\nHost: x", Input, &["spaces or control"]),
    ("a..b", Input, &["empty label"]),
    ("127.0.0.1..", Input, &["empty label"]),
    ("-rdp.example.com", Input, &["'-'"]),
    // Ports.
    ("rdp.example.com:0", Input, &["port 0"]),
    ("rdp.example.com:65536", Input, &["above 65535"]),
    ("rdp.example.com:ssh", Input, &["not a number"]),
    ("10.0.0.5:22", Port, &["port 22"]),
    ("10.0.0.5:80", Port, &["port 80"]),
    ("8.8.8.8:6379", Port, &["port 6379"]),
    ("rdp.example.com:25", Port, &["port 25"]),
    ("[2606:4700::1111]:3390", Port, &["port 3390"]),
    ("127.0.0.1:22", Port, &["port 22"]),
];

/// Accepted by local, refused by public as private.
const PUBLIC_ONLY: &[(&str, &[&str])] = &[
    ("10.0.0.5", &["10.0.0.5", "private"]),
    ("10.0.0.5:3389", &["private"]),
    ("172.16.0.1", &["private"]),
    ("172.31.255.254", &["private"]),
    ("192.168.1.1", &["private"]),
    ("fd12::1", &["unique local (private)"]),
    ("[fd12::1]:443", &["private"]),
    ("::ffff:192.168.1.1", &["IPv4-mapped", "private"]),
    ("64:ff9b::a00:5", &["NAT64", "private"]),
    ("2002:c0a8:101::1", &["6to4", "private"]),
];

#[test]
fn corpus_is_large_enough() {
    assert!(CORPUS.len() + PUBLIC_ONLY.len() >= 60);
}

#[test]
fn corpus_refused_by_local_and_public() {
    for (input, stage, words) in CORPUS {
        expect_refused(&local(), "local", input, *stage, words);
        expect_refused(&public(), "public", input, *stage, words);
    }
}

#[test]
fn private_ranges_refused_only_by_public() {
    for (input, words) in PUBLIC_ONLY {
        expect_accepted(&local(), input);
        expect_refused(&public(), "public", input, Addr, words);
        assert!(
            run(&public(), input)
                .err()
                .is_some_and(|(_, r)| r.contains("public policy")),
            "{input}"
        );
    }
}

#[test]
fn local_accepts_ordinary_targets() {
    let p = local();
    let ip = |s: &str| Host::Ip(s.parse().expect("test address"));
    assert_eq!(expect_accepted(&p, "10.0.0.5:3389"), (ip("10.0.0.5"), 3389));
    assert_eq!(
        expect_accepted(&p, "192.168.1.10"),
        (ip("192.168.1.10"), 3389)
    );
    assert_eq!(expect_accepted(&p, "8.8.8.8:443"), (ip("8.8.8.8"), 443));
    assert_eq!(
        expect_accepted(&p, "rdp.example.com"),
        (Host::Name("rdp.example.com".into()), 3389)
    );
    assert_eq!(
        expect_accepted(&p, "münchen.example"),
        (Host::Name("xn--mnchen-3ya.example".into()), 3389)
    );
    assert_eq!(
        expect_accepted(&p, "RDP.Example.COM.:443"),
        (Host::Name("rdp.example.com".into()), 443)
    );
}

#[test]
fn public_accepts_global_addresses() {
    let p = public();
    expect_accepted(&p, "8.8.8.8:3389");
    expect_accepted(&p, "2606:4700::1111");
    expect_accepted(&p, "[2606:4700::1111]:443");
    expect_accepted(&p, "64:ff9b::808:808");
}

#[test]
fn corporate_reaches_only_the_allow_list() {
    let p = with(Preset::Corporate, &["10.20.0.0/16"], &[], &[]);
    expect_accepted(&p, "10.20.1.1");
    expect_accepted(&p, "10.20.1.1:443");
    expect_refused(
        &p,
        "corporate",
        "10.21.0.1",
        Addr,
        &["not in the corporate allow list"],
    );
    expect_refused(
        &p,
        "corporate",
        "8.8.8.8",
        Addr,
        &["not in the corporate allow list"],
    );
    expect_refused(&p, "corporate", "127.0.0.1", Addr, &["loopback"]);
    expect_refused(
        &p,
        "corporate",
        "169.254.169.254",
        Addr,
        &["cloud metadata"],
    );
}

#[test]
fn allow_is_the_lab_override_and_deny_wins() {
    let lab = with(Preset::Local, &["127.0.0.0/8"], &[], &[]);
    expect_accepted(&lab, "127.0.0.1");
    expect_accepted(&lab, "127.0.0.1:3389");
    expect_refused(&lab, "lab", "[::1]", Addr, &["loopback"]);
    expect_refused(&lab, "lab", "127.1", Input, &["ambiguous numeric"]);

    let broad = with(Preset::Local, &["0.0.0.0/0"], &[], &[]);
    expect_refused(&broad, "broad allow", "127.0.0.1", Addr, &["loopback"]);
    expect_refused(
        &broad,
        "broad allow",
        "169.254.169.254",
        Addr,
        &["cloud metadata"],
    );

    let deny = with(Preset::Local, &["10.0.0.0/24"], &["10.0.0.0/8"], &[]);
    expect_refused(
        &deny,
        "deny",
        "10.0.0.5",
        Addr,
        &["denied by --deny 10.0.0.0/8"],
    );
    expect_refused(
        &deny,
        "deny",
        "::ffff:10.0.0.5",
        Addr,
        &["IPv4-mapped", "--deny 10.0.0.0/8"],
    );
    expect_refused(
        &deny,
        "deny",
        "64:ff9b::a00:5",
        Addr,
        &["NAT64", "--deny 10.0.0.0/8"],
    );
    expect_accepted(&deny, "192.168.1.10");
}

#[test]
fn extra_port_accepted() {
    let p = with(Preset::Local, &[], &[], &[3390]);
    expect_accepted(&p, "10.0.0.5:3390");
    expect_accepted(&p, "rdp.example.com:3390");
    assert!(p.udp_allowed(3390) && p.udp_allowed(3389) && !p.udp_allowed(443));
    expect_refused(
        &p,
        "extra port",
        "10.0.0.5:3391",
        Port,
        &["443, 3389, 3390"],
    );
    expect_refused(&local(), "local", "10.0.0.5:3390", Port, &["port 3390"]);
}
