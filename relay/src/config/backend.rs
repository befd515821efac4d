//! `limits_backend`: the Redis server several relays share their rate budgets through.

use redis::{ConnectionAddr, IntoConnectionInfo};

/// The form every error names.
const EXPECTED: &str =
    "expected redis://HOST:PORT/ (optionally redis://USER:PASSWORD@HOST:PORT/DB)";

/// A checked `redis://` URL: plain TCP (no TLS, no Unix socket: neither is built in).
#[derive(Clone)]
pub struct LimitsBackend {
    /// Opens no connection by itself.
    pub client: redis::Client,
    /// `host:port`, for logs: never the password.
    pub shown: String,
}

// By hand: the derived one would print the password.
impl std::fmt::Debug for LimitsBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LimitsBackend(redis://{}/)", self.shown)
    }
}

impl LimitsBackend {
    pub fn parse(url: &str) -> Result<LimitsBackend, String> {
        let url = url.trim();
        // Errors quote the URL without its password.
        let quoted = format!("{:?}", without_password(url));
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if scheme.as_deref() != Some("redis") {
            return Err(format!(
                "limits_backend: {quoted} is not a redis:// URL; {EXPECTED}"
            ));
        }
        let bad = |e: &dyn std::fmt::Display| format!("limits_backend: {quoted}: {e}; {EXPECTED}");
        let info = url.into_connection_info().map_err(|e| bad(&e))?;
        let shown = match info.addr() {
            ConnectionAddr::Tcp(host, port) if host.contains(':') => format!("[{host}]:{port}"),
            ConnectionAddr::Tcp(host, port) => format!("{host}:{port}"),
            _ => return Err(bad(&"not a TCP address")),
        };
        let client = redis::Client::open(info).map_err(|e| bad(&e))?;
        Ok(LimitsBackend { client, shown })
    }
}

/// `url` with its user and password (up to the authority's last `@`) replaced by `…`.
fn without_password(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (&url[..scheme.len() + 3], rest),
        None => ("", url),
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{scheme}…{}", &rest[at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_urls_are_checked_and_shown_without_the_password() {
        let b = LimitsBackend::parse("redis://127.0.0.1:6380/").expect("plain");
        assert_eq!(b.shown, "127.0.0.1:6380");
        let b = LimitsBackend::parse("redis://:s3cret@redis.internal/2").expect("password, db");
        assert_eq!(b.shown, "redis.internal:6379");
        assert!(!format!("{b:?}").contains("s3cret"));
        assert_eq!(
            LimitsBackend::parse("redis://[::1]:7000/")
                .expect("v6")
                .shown,
            "[::1]:7000"
        );
        for bad in [
            "127.0.0.1:6379",
            "http://127.0.0.1:6379/",
            "rediss://127.0.0.1:6379/",
            "unix:///run/redis.sock",
            "redis://",
            "redis://127.0.0.1:99999/",
            "redis://127.0.0.1:6379/notadb",
            "redis://:s3cret@127.0.0.1:6379/notadb",
            "s3cret@127.0.0.1:6379",
        ] {
            let e = LimitsBackend::parse(bad).expect_err(bad);
            assert!(
                e.starts_with("limits_backend: ") && e.contains("redis://HOST:PORT/"),
                "{bad}: {e}"
            );
            assert!(!e.contains("s3cret"), "{e}");
        }
    }
}
