use super::*;

#[test]
fn authorities_split_into_a_lower_case_host_and_a_port() {
    let split = |s| split_authority(s);
    assert_eq!(split("Relay.Example"), Some(("relay.example".into(), None)));
    assert_eq!(
        split("relay.example.:8080"),
        Some(("relay.example".into(), Some(8080)))
    );
    assert_eq!(split("127.0.0.1:80"), Some(("127.0.0.1".into(), Some(80))));
    assert_eq!(split("[::1]:8080"), Some(("[::1]".into(), Some(8080))));
    assert_eq!(split("[FD00::2]"), Some(("[fd00::2]".into(), None)));
    for bad in [
        "",
        ":8080",
        "::1",
        "[::1",
        "[::1]x",
        "[nothost]:80",
        "a:b:c",
        "a:",
        "a:0",
        "a:65536",
        "a:+1",
        "u@a",
        "a/b",
        "a b",
        "a\u{0}",
        "[fe80::1%25eth0]",
        ".",
    ] {
        assert_eq!(split(bad), None, "{bad:?}");
    }
}

#[test]
fn own_names_are_the_listen_address_the_loopback_names_and_the_public_urls() {
    let names = |listen: &str, ifs: &[&str], public: &[&str]| -> Vec<String> {
        let ifs: Vec<IpAddr> = ifs.iter().map(|a| a.parse().expect("ip")).collect();
        let public: Vec<OwnName> = public
            .iter()
            .map(|u| OwnName::from_public_url(u).expect("url"))
            .collect();
        own_names(listen.parse().expect("listen"), false, &ifs, &public)
            .iter()
            .map(|n| n.origin())
            .collect()
    };
    let loopback = [
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
    ];
    assert_eq!(names("127.0.0.1:8080", &["192.0.2.2"], &[]), loopback);
    assert_eq!(
        names("192.0.2.2:8080", &[], &[]),
        [&loopback[..], &["http://192.0.2.2:8080"]].concat()
    );
    // An unspecified address: every interface address of its family ([::] takes both).
    let ifs = ["192.0.2.2", "fd00::2", "::ffff:198.51.100.7"];
    assert_eq!(
        names("0.0.0.0:8080", &ifs, &[]),
        [
            &loopback[..],
            &["http://192.0.2.2:8080", "http://198.51.100.7:8080"]
        ]
        .concat()
    );
    assert_eq!(
        names("[::]:8080", &ifs, &["https://RDPcheck.example.com/"]),
        [
            &loopback[..],
            &[
                "http://192.0.2.2:8080",
                "http://[fd00::2]:8080",
                "http://198.51.100.7:8080",
                "https://rdpcheck.example.com",
            ]
        ]
        .concat()
    );
}

#[test]
fn public_urls_are_origins() {
    let u = OwnName::from_public_url("https://RDPcheck.Example.com").expect("url");
    assert_eq!(u, OwnName::new(true, "rdpcheck.example.com", 443));
    let u = OwnName::from_public_url(" http://relay.corp:8080/ ").expect("url");
    assert_eq!(u, OwnName::new(false, "relay.corp", 8080));
    assert_eq!(u.origin(), "http://relay.corp:8080");
    for bad in [
        "rdpcheck.example.com",
        "ftp://x",
        "https://x/app",
        "https://u@x",
        "https://",
        "https://x:0",
    ] {
        let e = OwnName::from_public_url(bad).expect_err(bad);
        assert!(e.contains("https://rdpcheck.example.com"), "{e}");
    }
}
