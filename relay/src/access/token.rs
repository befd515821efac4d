//! The bearer token, when the operator set `--auth token`.

use rdpcheck_report::wire::error_code;

use super::Access;
use crate::config::Auth;
use crate::reject::Reject;

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
            WRONG_TOKEN
        } else {
            "this relay needs an access token (ask its operator); the page sends it as ?token="
        },
    ))
}

/// The message for a token that was given and is not valid (what the failed-auth throttle counts).
pub const WRONG_TOKEN: &str = "the access token is not valid for this relay";

/// Whether a refusal from [`check`](super::check) is a wrong token (not a missing one).
pub fn is_wrong_token(reject: &Reject) -> bool {
    reject.code == error_code::AUTH_REQUIRED && reject.message == WRONG_TOKEN
}

/// Equal bytes, in a time that depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
