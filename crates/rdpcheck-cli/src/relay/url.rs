//! The relay's address as the user typed it (`--relay`), and the URLs made from it.

use tokio_tungstenite::tungstenite::http::Uri;

/// Where the relay is, from what the user typed (`https://relay.example`, `wss://relay.example
/// /api/v1/probe`, `http://10.0.0.5:8080/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayUrl {
    pub(super) tls: bool,
    /// Host as in the URL (IPv6 without brackets).
    pub(super) host: String,
    pub(super) port: u16,
    /// `host[:port]` as the Host header and the URLs carry it.
    pub(super) authority: String,
    /// A path prefix the relay is served under (usually empty), without a trailing `/`.
    pub(super) prefix: String,
    /// The query of a WebSocket URL that was given whole (`?token=…`).
    pub(super) query: String,
}

impl RelayUrl {
    pub fn parse(text: &str) -> Result<RelayUrl, String> {
        let bad = |why: &str| {
            format!(
                "--relay {text:?}: {why} (e.g. https://rdpcheck.example.com or ws://10.0.0.5:8080)"
            )
        };
        let uri: Uri = text.trim().parse().map_err(|_| bad("not a URL"))?;
        let tls = match uri.scheme_str() {
            Some("https" | "wss") => true,
            Some("http" | "ws") => false,
            Some(_) => return Err(bad("the scheme must be http, https, ws or wss")),
            None => return Err(bad("the URL needs a scheme")),
        };
        let authority = uri.authority().ok_or_else(|| bad("the URL needs a host"))?;
        if authority.as_str().contains('@') {
            return Err(bad(
                "user names in the URL are not used; give a token with --relay-token",
            ));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(bad("the URL needs a host"));
        }
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let path = uri.path().trim_end_matches('/');
        let prefix = ["/api/v1/probe", "/api/v1/key", "/r"]
            .iter()
            .find_map(|end| path.strip_suffix(end))
            .unwrap_or(path)
            .to_string();
        Ok(RelayUrl {
            tls,
            host,
            port,
            authority: authority.as_str().to_string(),
            prefix,
            query: uri.query().map(|q| format!("?{q}")).unwrap_or_default(),
        })
    }

    /// `wss://host/api/v1/probe`.
    pub fn probe_url(&self) -> String {
        let scheme = if self.tls { "wss" } else { "ws" };
        format!(
            "{scheme}://{}{}/api/v1/probe{}",
            self.authority, self.prefix, self.query
        )
    }

    /// The page's address: `https://host` (share links go to `<page>/r#…`).
    pub fn page_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}", self.authority, self.prefix)
    }
}
