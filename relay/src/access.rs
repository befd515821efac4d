//! Who may open the probe WebSocket: a browser page's `Origin`, then the bearer token. Pure: the
//! checks read plain values taken from the request ([`Caller`]) and the operator's settings
//! ([`Access`]), and say why they refuse. Decided before the upgrade, told in-band after it
//! (browsers cannot read a refused upgrade's status).

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use rdpcheck_report::wire::error_code;

use crate::config::{Auth, Config};
use crate::reject::Reject;

/// The operator's access settings.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// Origins allowed besides the relay's own (`--origin`, trailing `/` removed).
    pub origins: &'a [String],
    /// `Some(Auth::Token)` requires one of `tokens`.
    pub auth: Option<Auth>,
    pub tokens: &'a [String],
}

impl<'a> Access<'a> {
    pub fn from_config(config: &'a Config) -> Access<'a> {
        Access {
            origins: &config.origins,
            auth: config.auth,
            tokens: &config.tokens,
        }
    }
}

/// What the checks read from an upgrade request, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    /// The `Origin` header; `Some("")` when it is present but not text.
    pub origin: Option<&'a str>,
    /// The `Host` header, if present and text.
    pub host: Option<&'a str>,
    /// The `Authorization` header, if present and text.
    pub authorization: Option<&'a str>,
    /// The `token` query parameter (browsers cannot set headers on a WebSocket).
    pub query_token: Option<&'a str>,
}

impl<'a> Caller<'a> {
    pub fn from_request(headers: &'a HeaderMap, query: &'a HashMap<String, String>) -> Caller<'a> {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        Caller {
            origin: headers
                .get(header::ORIGIN)
                .map(|v| v.to_str().unwrap_or("")),
            host: text(header::HOST),
            authorization: text(header::AUTHORIZATION),
            query_token: query.get("token").map(String::as_str),
        }
    }
}

/// Both checks, origin first.
pub fn check(access: &Access<'_>, caller: &Caller<'_>) -> Result<(), Reject> {
    check_origin(access, caller.origin, caller.host)?;
    check_token(access, caller.authorization, caller.query_token)
}

/// Same origin as the `Host` header, or listed in `access.origins`. No `Origin` header: not a
/// browser, not checked.
pub fn check_origin(
    access: &Access<'_>,
    origin: Option<&str>,
    host: Option<&str>,
) -> Result<(), Reject> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let origin = origin.trim_end_matches('/');
    let host = host.unwrap_or("");
    let authority = origin.split_once("://").map(|(_, a)| a).unwrap_or("");
    let own = !host.is_empty() && authority.eq_ignore_ascii_case(host);
    if own
        || access
            .origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
    {
        return Ok(());
    }
    Err(Reject::new(
        error_code::ORIGIN_DENIED,
        format!(
            "pages from {origin} may not use this relay; its operator can allow them with --origin"
        ),
    ))
}

/// With token auth, `Authorization: Bearer <token>` or else `?token=<token>` must be one of the
/// operator's tokens (compared in constant time, surrounding whitespace ignored).
pub fn check_token(
    access: &Access<'_>,
    authorization: Option<&str>,
    query_token: Option<&str>,
) -> Result<(), Reject> {
    if access.auth != Some(Auth::Token) {
        return Ok(());
    }
    let bearer = authorization.and_then(|h| h.strip_prefix("Bearer "));
    let given = bearer.or(query_token);
    let valid = given.is_some_and(|g| {
        access
            .tokens
            .iter()
            .any(|t| constant_time_eq(t.as_bytes(), g.trim().as_bytes()))
    });
    if valid {
        return Ok(());
    }
    Err(Reject::new(
        error_code::AUTH_REQUIRED,
        if given.is_some() {
            "the access token is not valid for this relay"
        } else {
            "this relay needs an access token (ask its operator); the page sends it as ?token="
        },
    ))
}

/// Equal bytes, in a time that depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "access-test-token-0123456789";

    fn listed(origins: &[&str]) -> Vec<String> {
        origins.iter().map(|o| o.to_string()).collect()
    }

    /// No listed origins, no token auth.
    const OPEN: Access<'static> = Access {
        origins: &[],
        auth: None,
        tokens: &[],
    };

    fn origins(origins: &[String]) -> Access<'_> {
        Access {
            origins,
            auth: None,
            tokens: &[],
        }
    }

    fn code(r: Result<(), Reject>) -> &'static str {
        r.map(|()| "ok").unwrap_or_else(|r| r.code)
    }

    #[test]
    fn no_origin_is_not_a_browser_and_passes() {
        assert_eq!(code(check_origin(&OPEN, None, Some("relay:8080"))), "ok");
        assert_eq!(code(check_origin(&OPEN, None, None)), "ok");
    }

    #[test]
    fn the_relays_own_origin_passes() {
        let host = Some("127.0.0.1:8080");
        assert!(check_origin(&OPEN, Some("http://127.0.0.1:8080"), host).is_ok());
        assert!(check_origin(&OPEN, Some("https://127.0.0.1:8080/"), host).is_ok());
        assert!(check_origin(&OPEN, Some("http://Relay.Example"), Some("relay.example")).is_ok());
    }

    #[test]
    fn other_origins_are_refused_with_the_origin_named() {
        let host = Some("127.0.0.1:8080");
        let r = check_origin(&OPEN, Some("http://evil.example"), host).expect_err("refused");
        assert_eq!(r.code, "origin.denied");
        assert_eq!(
            r.message,
            "pages from http://evil.example may not use this relay; its operator can allow them \
             with --origin"
        );
        // Another port on the same host is another origin.
        let r = check_origin(&OPEN, Some("http://127.0.0.1:8081"), host).expect_err("port");
        assert_eq!(r.code, "origin.denied");
        // Without a Host header nothing is "own"; an Origin that is not text never matches.
        assert!(check_origin(&OPEN, Some("http://127.0.0.1:8080"), None).is_err());
        assert!(check_origin(&OPEN, Some("http://127.0.0.1:8080"), Some("")).is_err());
        assert!(check_origin(&OPEN, Some(""), host).is_err());
        assert!(check_origin(&OPEN, Some("127.0.0.1:8080"), host).is_err());
    }

    #[test]
    fn listed_origins_pass_in_any_case_with_or_without_a_slash() {
        let allowed = listed(&["http://helpdesk.example"]);
        let host = Some("127.0.0.1:8080");
        assert!(check_origin(&origins(&allowed), Some("http://helpdesk.example"), host).is_ok());
        assert!(check_origin(&origins(&allowed), Some("HTTP://HelpDesk.Example/"), host).is_ok());
        assert!(check_origin(&origins(&allowed), Some("https://helpdesk.example"), host).is_err());
        assert!(check_origin(&origins(&allowed), Some("http://evil.example"), host).is_err());
    }

    fn token_access(tokens: &[String]) -> Access<'_> {
        Access {
            origins: &[],
            auth: Some(Auth::Token),
            tokens,
        }
    }

    #[test]
    fn without_token_auth_no_token_is_needed() {
        for auth in [None, Some(Auth::None)] {
            let a = Access {
                origins: &[],
                auth,
                tokens: &[],
            };
            assert!(check_token(&a, None, None).is_ok());
            assert!(check_token(&a, Some("Bearer nonsense"), Some("x")).is_ok());
        }
    }

    #[test]
    fn a_token_passes_as_bearer_header_or_query() {
        let tokens = listed(&[TOKEN]);
        let a = token_access(&tokens);
        let bearer = format!("Bearer {TOKEN}");
        assert!(check_token(&a, Some(&bearer), None).is_ok());
        assert!(check_token(&a, None, Some(TOKEN)).is_ok());
        assert!(check_token(&a, None, Some(&format!(" {TOKEN}\n"))).is_ok());
        // A header that is not a bearer token leaves the query to decide.
        assert!(check_token(&a, Some("Basic dXNlcjpwdw=="), Some(TOKEN)).is_ok());
        // The header wins over the query.
        let r = check_token(&a, Some("Bearer wrong-token-0123456789"), Some(TOKEN));
        assert_eq!(code(r), "auth.required");
    }

    #[test]
    fn missing_and_wrong_tokens_are_told_apart() {
        let tokens = listed(&[TOKEN]);
        let a = token_access(&tokens);
        let missing = check_token(&a, None, None).expect_err("missing");
        assert_eq!(missing.code, "auth.required");
        assert!(
            missing.message.contains("needs an access token"),
            "{missing}"
        );
        let not_bearer = check_token(&a, Some(TOKEN), None).expect_err("no Bearer prefix");
        assert!(not_bearer.message.contains("needs an access token"));
        for wrong in ["wrong-token-0123456789", "", &TOKEN[..TOKEN.len() - 1]] {
            let r = check_token(&a, None, Some(wrong)).expect_err("wrong");
            assert_eq!(r.code, "auth.required");
            assert_eq!(r.message, "the access token is not valid for this relay");
        }
        let r = check_token(&a, Some("bearer access-test-token-0123456789"), None);
        assert!(r.is_err(), "the scheme is matched as sent");
    }

    #[test]
    fn any_listed_token_passes() {
        let tokens = listed(&["first-token-0123456789", TOKEN]);
        let a = token_access(&tokens);
        assert!(check_token(&a, None, Some("first-token-0123456789")).is_ok());
        assert!(check_token(&a, None, Some(TOKEN)).is_ok());
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"\x00", b"\x80"));
    }

    #[test]
    fn origin_is_checked_before_the_token() {
        let tokens = listed(&[TOKEN]);
        let a = token_access(&tokens);
        let evil = Caller {
            origin: Some("http://evil.example"),
            host: Some("127.0.0.1:8080"),
            ..Caller::default()
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
    fn the_caller_is_read_from_headers_and_query() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "relay.example".parse().expect("host"));
        headers.insert(
            header::ORIGIN,
            "http://relay.example".parse().expect("origin"),
        );
        headers.insert(header::AUTHORIZATION, "Bearer t".parse().expect("auth"));
        let query = HashMap::from([("token".to_string(), "q".to_string())]);
        let c = Caller::from_request(&headers, &query);
        assert_eq!(c.origin, Some("http://relay.example"));
        assert_eq!(c.host, Some("relay.example"));
        assert_eq!(c.authorization, Some("Bearer t"));
        assert_eq!(c.query_token, Some("q"));

        // An Origin that is not text is still an Origin (and never matches).
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ORIGIN,
            axum::http::HeaderValue::from_bytes(b"http://\xff").expect("opaque"),
        );
        let empty = HashMap::new();
        let c = Caller::from_request(&headers, &empty);
        assert_eq!(c.origin, Some(""));
        assert_eq!((c.host, c.authorization, c.query_token), (None, None, None));
    }
}
