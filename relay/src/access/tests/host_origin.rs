use super::*;

#[test]
fn the_host_must_be_one_of_the_relays_names() {
    let hosts = loopback_names();
    let a = access(&hosts, &[]);
    for ok in [
        "127.0.0.1:8080",
        "localhost:8080",
        "LOCALHOST:8080",
        "localhost.:8080",
        "[::1]:8080",
    ] {
        assert_eq!(code(check_host(&a, Some(ok))), "ok", "{ok}");
    }
    for bad in [
        "evil.example:8080",
        "evil.example",
        "127.0.0.1",
        "127.0.0.1:8081",
        "localhost",
        "127.0.0.2:8080",
        "",
    ] {
        assert_eq!(code(check_host(&a, Some(bad))), "host.denied", "{bad}");
    }
    let r = check_host(&a, Some("evil.example:8080")).expect_err("refused");
    assert_eq!(
        r.message,
        "\"evil.example:8080\" is not a name this relay is served under, so a page reached \
         through it may not use the relay; if it should, its operator adds it with \
         --public-url"
    );
    let r = check_host(&a, None).expect_err("no host");
    assert!(r.message.contains("names no host"), "{r}");
    // A public URL without a port: the Host header may leave out the default port.
    let public = [OwnName::from_public_url("https://rdpcheck.example.com").expect("url")];
    let a = access(&public, &[]);
    assert!(check_host(&a, Some("rdpcheck.example.com")).is_ok());
    assert!(check_host(&a, Some("rdpcheck.example.com:443")).is_ok());
    assert!(check_host(&a, Some("rdpcheck.example.com:80")).is_err());
}

#[test]
fn the_target_authority_is_checked_as_well_as_the_host_header() {
    let hosts = loopback_names();
    let a = access(&hosts, &[]);
    let caller = Caller {
        host: Some("127.0.0.1:8080"),
        authority: Some("evil.example:8080"),
        ..Caller::default()
    };
    assert_eq!(code(check_request_host(&a, &caller)), "host.denied");
    let caller = Caller {
        authority: Some("localhost:8080"),
        ..caller
    };
    assert_eq!(code(check_request_host(&a, &caller)), "ok");
}

/// DNS rebinding: the attacker's page sends its own name as both Host and Origin.
#[test]
fn a_rebound_name_is_refused_even_when_host_and_origin_agree() {
    let hosts = loopback_names();
    let a = access(&hosts, &[]);
    let rebound = Caller {
        host: Some("evil.example:8080"),
        origin: Some("http://evil.example:8080"),
        ..Caller::default()
    };
    assert_eq!(code(check(&a, &rebound)), "host.denied");
    // The origin alone no longer follows the Host header.
    assert_eq!(
        code(check_origin(&a, Some("http://evil.example:8080"))),
        "origin.denied"
    );
    let own = Caller {
        host: Some("127.0.0.1:8080"),
        origin: Some("http://127.0.0.1:8080"),
        ..Caller::default()
    };
    assert_eq!(code(check(&a, &own)), "ok");
}

#[test]
fn no_origin_is_not_a_browser_and_passes() {
    let hosts = loopback_names();
    assert_eq!(code(check_origin(&access(&hosts, &[]), None)), "ok");
}

#[test]
fn the_relays_own_origins_pass() {
    let hosts = loopback_names();
    let a = access(&hosts, &[]);
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "HTTP://LocalHost:8080",
        "http://[::1]:8080",
    ] {
        assert_eq!(code(check_origin(&a, Some(ok))), "ok", "{ok}");
    }
    let public = [OwnName::from_public_url("https://rdpcheck.example.com").expect("url")];
    let a = access(&public, &[]);
    assert!(check_origin(&a, Some("https://rdpcheck.example.com")).is_ok());
    assert!(check_origin(&a, Some("https://rdpcheck.example.com:443")).is_ok());
    assert!(check_origin(&a, Some("http://rdpcheck.example.com")).is_err());
}

#[test]
fn other_origins_are_refused_with_the_origin_named() {
    let hosts = loopback_names();
    let a = access(&hosts, &[]);
    let r = check_origin(&a, Some("http://evil.example")).expect_err("refused");
    assert_eq!(r.code, "origin.denied");
    assert_eq!(
        r.message,
        "pages from http://evil.example may not use this relay; its operator can allow them \
         with --origin"
    );
    for bad in [
        // Another port or scheme on the same host is another origin.
        "http://127.0.0.1:8081",
        "https://127.0.0.1:8080",
        "http://127.0.0.1",
        // Not text, no scheme, opaque.
        "",
        "127.0.0.1:8080",
        "null",
        "ws://127.0.0.1:8080",
    ] {
        assert_eq!(code(check_origin(&a, Some(bad))), "origin.denied", "{bad}");
    }
}

#[test]
fn listed_origins_pass_in_any_case_with_or_without_a_slash() {
    let hosts = loopback_names();
    let allowed = listed(&["http://helpdesk.example"]);
    let a = access(&hosts, &allowed);
    assert!(check_origin(&a, Some("http://helpdesk.example")).is_ok());
    assert!(check_origin(&a, Some("HTTP://HelpDesk.Example/")).is_ok());
    assert!(check_origin(&a, Some("https://helpdesk.example")).is_err());
    assert!(check_origin(&a, Some("http://evil.example")).is_err());
}
