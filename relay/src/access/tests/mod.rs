//! The access checks, by concept: `names.rs` (authorities, own names, public URLs),
//! `host_origin.rs` (the `Host` and the `Origin`), `token.rs`, `forwarded.rs` (the client behind a proxy); here the helpers they share, the
//! order of the checks and how a request is read.

use std::net::{IpAddr, SocketAddr};

use super::*;

mod forwarded;
mod host_origin;
mod names;
mod token;

const TOKEN: &str = "access-test-token-0123456789";

fn listed(origins: &[&str]) -> Vec<String> {
    origins.iter().map(|o| o.to_string()).collect()
}

/// A loopback relay on 127.0.0.1:8080 over plain HTTP.
fn loopback_names() -> Vec<OwnName> {
    own_names(SocketAddr::from(([127, 0, 0, 1], 8080)), false, &[], &[])
}

fn access<'a>(hosts: &'a [OwnName], origins: &'a [String]) -> Access<'a> {
    Access {
        hosts,
        origins,
        auth: None,
        tokens: &[],
    }
}

fn code(r: Result<(), Reject>) -> &'static str {
    r.map(|()| "ok").unwrap_or_else(|r| r.code)
}

fn token_access(tokens: &[String]) -> Access<'_> {
    Access {
        hosts: &[],
        origins: &[],
        auth: Some(Auth::Token),
        tokens,
    }
}

#[test]
fn host_then_origin_then_token() {
    let tokens = listed(&[TOKEN]);
    let hosts = loopback_names();
    let a = Access {
        hosts: &hosts,
        ..token_access(&tokens)
    };
    let foreign = Caller {
        host: Some("evil.example:8080"),
        origin: Some("http://evil.example"),
        ..Caller::default()
    };
    assert_eq!(code(check(&a, &foreign)), "host.denied");
    let evil = Caller {
        host: Some("127.0.0.1:8080"),
        ..foreign
    };
    assert_eq!(code(check(&a, &evil)), "origin.denied");
    let own = Caller {
        origin: Some("http://127.0.0.1:8080"),
        ..evil
    };
    assert_eq!(code(check(&a, &own)), "auth.required");
    let with_token = Caller {
        query_token: Some(TOKEN),
        ..own
    };
    assert_eq!(code(check(&a, &with_token)), "ok");
}

#[test]
fn the_caller_is_read_from_headers_uri_and_query() {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, "relay.example".parse().expect("host"));
    headers.insert(
        header::ORIGIN,
        "http://relay.example".parse().expect("origin"),
    );
    headers.insert(header::AUTHORIZATION, "Bearer t".parse().expect("auth"));
    let query = HashMap::from([("token".to_string(), "q".to_string())]);
    let uri: Uri = "http://other.example:8080/api/v1/probe"
        .parse()
        .expect("uri");
    let c = Caller::from_request(&headers, &uri, &query);
    assert_eq!(c.origin, Some("http://relay.example"));
    assert_eq!(c.host, Some("relay.example"));
    assert_eq!(c.authority, Some("other.example:8080"));
    assert_eq!(c.authorization, Some("Bearer t"));
    assert_eq!(c.query_token, Some("q"));

    // An Origin or Host that is not text is still there (and never matches).
    let mut headers = HeaderMap::new();
    let opaque = axum::http::HeaderValue::from_bytes(b"http://\xff").expect("opaque");
    headers.insert(header::ORIGIN, opaque.clone());
    headers.insert(header::HOST, opaque);
    let empty = HashMap::new();
    let uri: Uri = "/api/v1/probe".parse().expect("uri");
    let c = Caller::from_request(&headers, &uri, &empty);
    assert_eq!(c.origin, Some(""));
    assert_eq!(c.host, Some(""));
    assert_eq!(
        (c.authority, c.authorization, c.query_token),
        (None, None, None)
    );
}
