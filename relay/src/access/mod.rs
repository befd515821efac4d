//! Who may use the relay: the `Host` a request names, a browser page's `Origin`, then the bearer
//! token. Pure: the checks read plain values taken from the request ([`Caller`]) and the
//! operator's settings ([`Access`]), and say why they refuse.
//!
//! The relay trusts no `Host` header. It knows the names it is served under ([`OwnName`]: the
//! listen address, the loopback names, every `public_url`; with an unspecified listen address,
//! the host's interface addresses) and compares the `Host` and the `Origin` with that list, never
//! with each other: a page at `evil.example` whose name was rebound to 127.0.0.1 sends
//! `Host: evil.example:8080` with a matching `Origin`, and is refused. For the WebSocket the
//! decision is made before the upgrade and told in-band after it (browsers cannot read a refused
//! upgrade's status); other requests get `421 Misdirected Request` (see `app.rs`).
//!
//! `names.rs` holds the relay's own names and the authority parser; `host_origin.rs` checks the
//! `Host` and the `Origin` against them; `token.rs` checks the bearer token. This file holds what
//! the checks read ([`Access`], [`Caller`]) and their order ([`check`]). `forwarded.rs` finds the
//! client's address behind a trusted reverse proxy.

use std::collections::HashMap;

use axum::http::{header, HeaderMap, Uri};

use crate::config::Auth;
use crate::reject::Reject;

mod forwarded;
mod host_origin;
mod names;
mod token;

#[cfg(test)]
mod tests;

pub use forwarded::{client_address, is_trusted};
pub use host_origin::{check_host, check_origin, check_request_host};
pub use names::{own_names, split_authority, OwnName};
pub use token::{check_token, constant_time_eq, is_wrong_token, WRONG_TOKEN};

/// The operator's access settings.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// The names the relay is served under ([`own_names`]).
    pub hosts: &'a [OwnName],
    /// Origins allowed besides the relay's own (`--origin`, trailing `/` removed).
    pub origins: &'a [String],
    /// `Some(Auth::Token)` requires one of `tokens`.
    pub auth: Option<Auth>,
    pub tokens: &'a [String],
}

/// What the checks read from a request, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    /// The `Origin` header; `Some("")` when it is present but not text.
    pub origin: Option<&'a str>,
    /// The `Host` header; `Some("")` when it is present but not text.
    pub host: Option<&'a str>,
    /// The request target's authority (absolute-form `GET http://host/ HTTP/1.1`), if any.
    pub authority: Option<&'a str>,
    /// The `Authorization` header, if present and text.
    pub authorization: Option<&'a str>,
    /// The `token` query parameter (browsers cannot set headers on a WebSocket).
    pub query_token: Option<&'a str>,
}

impl<'a> Caller<'a> {
    pub fn from_request(
        headers: &'a HeaderMap,
        uri: &'a Uri,
        query: &'a HashMap<String, String>,
    ) -> Caller<'a> {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let present = |name| headers.get(name).map(|v| v.to_str().unwrap_or(""));
        Caller {
            origin: present(header::ORIGIN),
            host: present(header::HOST),
            authority: uri.authority().map(|a| a.as_str()),
            authorization: text(header::AUTHORIZATION),
            query_token: query.get("token").map(String::as_str),
        }
    }
}

/// Every check, in order: the host the request names, the origin, the token.
pub fn check(access: &Access<'_>, caller: &Caller<'_>) -> Result<(), Reject> {
    check_request_host(access, caller)?;
    check_origin(access, caller.origin)?;
    check_token(access, caller.authorization, caller.query_token)
}
