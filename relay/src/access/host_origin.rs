//! The `Host` a request names and a browser's `Origin`, each against the relay's own names (never
//! against each other): the defence against DNS rebinding.

use rdpcheck_report::wire::error_code;

use super::names::{split_authority, OwnName};
use super::{Access, Caller};
use crate::reject::Reject;

/// The `Host` header, and the request target's authority when it has one, must both name the
/// relay.
pub fn check_request_host(access: &Access<'_>, caller: &Caller<'_>) -> Result<(), Reject> {
    check_host(access, caller.host)?;
    match caller.authority {
        Some(authority) => check_host(access, Some(authority)),
        None => Ok(()),
    }
}

/// `host` (a `Host` header: `name[:port]`) must be one of `access.hosts`, compared without case
/// and with the port (a missing port is the scheme's default). No `Host` is refused.
pub fn check_host(access: &Access<'_>, host: Option<&str>) -> Result<(), Reject> {
    let own = host
        .and_then(split_authority)
        .is_some_and(|(name, port)| access.hosts.iter().any(|o| o.matches(&name, port)));
    if own {
        return Ok(());
    }
    let shown: String = host.unwrap_or("").chars().take(100).collect();
    Err(Reject::new(
        error_code::HOST_DENIED,
        match host {
            None => "the request names no host (Host header); this relay answers only to the \
                     names it is served under"
                .to_string(),
            Some(_) => format!(
                "{shown:?} is not a name this relay is served under, so a page reached through \
                 it may not use the relay; if it should, its operator adds it with --public-url"
            ),
        },
    ))
}

/// A browser's `Origin` must be one of the relay's own names (same scheme, host and port) or
/// listed in `access.origins`. No `Origin` header: not a browser, not checked.
pub fn check_origin(access: &Access<'_>, origin: Option<&str>) -> Result<(), Reject> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let origin = origin.trim_end_matches('/');
    if access
        .origins
        .iter()
        .any(|o| o.eq_ignore_ascii_case(origin))
        || is_own_origin(access.hosts, origin)
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

fn is_own_origin(hosts: &[OwnName], origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return false,
    };
    split_authority(authority).is_some_and(|(name, port)| {
        hosts
            .iter()
            .any(|o| o.https == https && o.matches(&name, port))
    })
}
