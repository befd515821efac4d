use super::*;

#[test]
fn http_refusals_keep_the_relays_codes() {
    assert_eq!(refusal_code(421), "host.denied");
    assert_eq!(refusal_code(401), "auth.required");
    assert_eq!(refusal_code(404), "relay.no_key");
}

#[test]
fn relay_urls_in_every_spelling() {
    let u = RelayUrl::parse("https://rdpcheck.example.com").expect("parses");
    assert_eq!(u.probe_url(), "wss://rdpcheck.example.com/api/v1/probe");
    assert_eq!(u.page_url(), "https://rdpcheck.example.com");
    assert_eq!((u.host.as_str(), u.port), ("rdpcheck.example.com", 443));
    let u = RelayUrl::parse("ws://10.0.0.5:8080/api/v1/probe?token=abc").expect("parses");
    assert_eq!(u.probe_url(), "ws://10.0.0.5:8080/api/v1/probe?token=abc");
    assert_eq!(u.page_url(), "http://10.0.0.5:8080");
    assert_eq!(u.port, 8080);
    let u = RelayUrl::parse("http://[fd00::5]:8080/rdp/").expect("parses");
    assert_eq!(u.host, "fd00::5");
    assert_eq!(u.probe_url(), "ws://[fd00::5]:8080/rdp/api/v1/probe");
    assert_eq!(u.page_url(), "http://[fd00::5]:8080/rdp");
    let u = RelayUrl::parse("wss://relay.example/r").expect("parses");
    assert_eq!(u.page_url(), "https://relay.example");
    for bad in [
        "relay.example",
        "ftp://relay.example",
        "https://",
        "https://user:pw@relay.example",
        "not a url",
    ] {
        let e = RelayUrl::parse(bad).expect_err(bad);
        assert!(e.starts_with("--relay "), "{e}");
    }
}
