//! The page's files, embedded at build time, with content types, caching and the CSP.

use sha2::{Digest, Sha256};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Served when the page was not built into this binary.
const NOT_BUILT: &str = "<!doctype html><html lang=en><meta charset=utf-8><title>rdpcheck relay</title>\
<body><h1>rdpcheck relay</h1><p>The web page was not built into this binary. Build it with \
<code>cargo xtask run</code> (or <code>trunk build --release</code> followed by rebuilding the relay). \
The probe API is available at <code>/api/v1/probe</code>; the signing key at <code>/api/v1/key</code>.</p></body></html>";

pub struct Asset {
    pub body: &'static [u8],
    pub content_type: &'static str,
    pub cache: &'static str,
    /// `br` or `gzip` when `body` is a precompressed copy.
    pub encoding: Option<&'static str>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Paths the page routes itself: each serves index.html.
pub fn is_page_route(path: &str) -> bool {
    matches!(path, "/" | "/explain" | "/check" | "/kb" | "/r")
        || path.starts_with("/kb/")
        || path.starts_with("/r/")
}

fn find(rel: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == rel).map(|(_, b)| *b)
}

/// The file at `path`, as a precompressed copy when the client accepts one.
pub fn get_encoded(path: &str, accept_encoding: &str) -> Option<Asset> {
    let mut asset = get(path)?;
    let rel = path.trim_start_matches('/');
    let accepts = |name: &str| {
        accept_encoding.split(',').any(|e| {
            e.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(name))
        })
    };
    for (encoding, suffix) in [("br", ".br"), ("gzip", ".gz")] {
        if accepts(encoding) {
            if let Some(body) = find(&format!("{rel}{suffix}")) {
                asset.body = body;
                asset.encoding = Some(encoding);
                break;
            }
        }
    }
    Some(asset)
}

pub fn get(path: &str) -> Option<Asset> {
    let rel = path.trim_start_matches('/');
    // The compressed copies are served only through content negotiation.
    if rel.ends_with(".br") || rel.ends_with(".gz") {
        return None;
    }
    let body = find(rel)?;
    // Trunk names built files name-<hash>.ext: those never change, cache them for a year.
    let hashed = rel.rsplit_once('-').is_some_and(|(_, tail)| {
        tail.split('.')
            .next()
            .is_some_and(|h| h.len() >= 8 && h.chars().all(|c| c.is_ascii_hexdigit()))
    });
    Some(Asset {
        body,
        content_type: content_type(rel),
        cache: if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        },
        encoding: None,
    })
}

pub fn index() -> Asset {
    get("/index.html").unwrap_or(Asset {
        body: NOT_BUILT.as_bytes(),
        content_type: "text/html; charset=utf-8",
        cache: "no-cache",
        encoding: None,
    })
}

pub fn built() -> bool {
    ASSETS.iter().any(|(p, _)| *p == "index.html")
}

/// A strict CSP: only our own files, wasm allowed, inline scripts only by their exact hash
/// (Trunk's loader is inline), no framing, WebSocket to our own origin.
pub fn content_security_policy() -> String {
    let html = String::from_utf8_lossy(index().body).into_owned();
    let mut hashes = Vec::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body_start = &after[open_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        let body = &body_start[..close];
        if !body.trim().is_empty() {
            use base64::Engine;
            let digest = Sha256::digest(body.as_bytes());
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body_start[close..];
    }
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_types() {
        assert!(is_page_route("/"));
        assert!(is_page_route("/kb/server-certificate"));
        assert!(!is_page_route("/api/v1/key"));
        assert_eq!(content_type("a/b-0123abcd.wasm"), "application/wasm");
    }

    #[test]
    fn compressed_copies_only_by_negotiation() {
        assert!(get("/x.wasm.br").is_none());
        assert!(get("/x.js.gz").is_none());
    }

    #[test]
    fn index_always_exists() {
        let i = index();
        assert!(i.content_type.starts_with("text/html"));
        assert!(!i.body.is_empty());
        assert!(content_security_policy().contains("frame-ancestors 'none'"));
    }
}
