//! The page's files, embedded at build time, with content types, caching and the CSP.

use sha2::{Digest, Sha256};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Served when the page was not built into this binary.
const NOT_BUILT: &str = "<!doctype html><html lang=en><meta charset=utf-8><title>rdpcheck relay</title>\
<body><h1>rdpcheck relay</h1><p>The web page was not built into this binary. Build it with \
<code>cargo xtask run</code> (or <code>trunk build --release</code> followed by rebuilding the relay). \
The probe API is available at <code>/api/v1/probe</code>; the signing key at <code>/api/v1/key</code>.</p></body></html>";

/// One embedded file with the compressed copies relay/build.rs made of it.
pub struct Embedded {
    pub path: &'static str,
    pub raw: &'static [u8],
    pub br: Option<&'static [u8]>,
    pub gzip: Option<&'static [u8]>,
}

pub struct Asset {
    pub body: &'static [u8],
    pub content_type: &'static str,
    pub cache: &'static str,
    /// `br` or `gzip` when `body` is a compressed copy.
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

/// Whether a file's name carries its content hash, so it never changes: Trunk's
/// `name-<hash>.ext` and `name-<hash>_bg.wasm`, and the same names the page's build gives the
/// modules it loads on demand (web/tools/post-build.mjs). Those are cached for a year.
pub fn is_hashed(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('-').is_some_and(|(_, tail)| {
        tail.split('.').next().is_some_and(|h| {
            let h = h.strip_suffix("_bg").unwrap_or(h);
            h.len() >= 8 && h.chars().all(|c| c.is_ascii_hexdigit())
        })
    })
}

fn find(rel: &str) -> Option<&'static Embedded> {
    ASSETS.iter().find(|e| e.path == rel)
}

/// Whether an `Accept-Encoding` header value accepts `coding` (RFC 9110 §12.5.3: a listed
/// coding, or `*`, with a q-value above 0).
pub fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut star = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return q > 0.0;
        }
        if name == "*" {
            star = Some(q > 0.0);
        }
    }
    star.unwrap_or(false)
}

/// The file at `path`, as its brotli copy when the client accepts `br`, else as its gzip copy
/// when it accepts `gzip`, else as it is.
pub fn get_encoded(path: &str, accept_encoding: &str) -> Option<Asset> {
    let (embedded, mut asset) = lookup(path)?;
    let copies = [("br", embedded.br), ("gzip", embedded.gzip)];
    if let Some((encoding, body)) = copies
        .into_iter()
        .find_map(|(e, b)| Some((e, b?)).filter(|_| accepts(accept_encoding, e)))
    {
        asset.body = body;
        asset.encoding = Some(encoding);
    }
    Some(asset)
}

pub fn get(path: &str) -> Option<Asset> {
    lookup(path).map(|(_, a)| a)
}

fn lookup(path: &str) -> Option<(&'static Embedded, Asset)> {
    let rel = path.trim_start_matches('/');
    let embedded = find(rel)?;
    let asset = Asset {
        body: embedded.raw,
        content_type: content_type(rel),
        cache: if is_hashed(rel) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        },
        encoding: None,
    };
    Some((embedded, asset))
}

/// index.html (or the "not built" page), compressed when the client accepts it.
pub fn index_encoded(accept_encoding: &str) -> Asset {
    get_encoded("/index.html", accept_encoding).unwrap_or_else(index)
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
    find("index.html").is_some()
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
    fn hashed_names_are_cached_for_a_year() {
        for name in [
            "rdpcheck-web-37510537f025e08c_bg.wasm",
            "rdpcheck-web-37510537f025e08c.js",
            "rdpcheck-report-ea02af5e8e432837_bg.wasm",
            "rdpcheck-report-ea02af5e8e432837.js",
            "rdpcheck-verify-114cc36643f4842c_bg.wasm",
            "loader-1ce4f505f54b7f46.js",
            "style-76bba8a7c62933a4.css",
            "kb-ecce925ca104ea0f.json",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "rdpcheck-report.js",
            "rdpcheck-verify_bg.wasm",
            "snippets/rdpcheck-web-b8ef45b5390acfc0/src/ui/ondemand.js",
            "snippets/x-0123abcd/a.js",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    /// Every file the page's build names by its content is served for a year, and the modules
    /// loaded on demand come as JavaScript and wasm.
    #[test]
    fn a_built_pages_modules_are_typed_and_cached() {
        if !built() {
            eprintln!("no page built into this test binary (web/dist empty): nothing to check");
            return;
        }
        let index = String::from_utf8_lossy(index().body).into_owned();
        for module in ["rdpcheck-report", "rdpcheck-verify"] {
            let meta = format!("<meta name=\"rdpcheck:{module}\" content=\"/");
            let start = index
                .find(&meta)
                .unwrap_or_else(|| panic!("index.html names the {module} module"))
                + meta.len();
            let js = &index[start..start + index[start..].find('"').unwrap_or(0)];
            let wasm = js.replace(".js", "_bg.wasm");
            for (file, kind) in [(js, "text/javascript"), (wasm.as_str(), "application/wasm")] {
                let a = get(&format!("/{file}")).unwrap_or_else(|| panic!("{file} is embedded"));
                assert!(
                    a.content_type.starts_with(kind),
                    "{file}: {}",
                    a.content_type
                );
                assert_eq!(a.cache, "public, max-age=31536000, immutable", "{file}");
            }
        }
    }

    #[test]
    fn compressed_copies_only_by_negotiation() {
        assert!(get("/x.wasm.br").is_none());
        assert!(get("/x.js.gz").is_none());
        assert!(ASSETS
            .iter()
            .all(|e| !e.path.ends_with(".br") && !e.path.ends_with(".gz")));
    }

    #[test]
    fn accept_encoding_is_parsed_with_q_values() {
        let chromium_https = "gzip, deflate, br, zstd";
        let chromium_http = "gzip, deflate";
        assert!(accepts(chromium_https, "br") && accepts(chromium_https, "gzip"));
        assert!(!accepts(chromium_http, "br") && accepts(chromium_http, "gzip"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("BR;q=0.5", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*;q=0", "gzip"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }

    /// When a page was built into this binary, its wasm, JS, CSS and HTML carry both copies,
    /// each smaller than the file and decoding to it (the gzip one is checked here).
    #[test]
    fn a_built_page_is_embedded_with_brotli_and_gzip_copies() {
        if !built() {
            eprintln!("no page built into this test binary (web/dist empty): nothing to check");
            return;
        }
        let wasm: Vec<_> = ASSETS
            .iter()
            .filter(|e| e.path.ends_with(".wasm"))
            .collect();
        assert!(!wasm.is_empty(), "a built page has a wasm file");
        for e in ASSETS.iter().filter(|e| {
            [".wasm", ".js", ".css", ".html"]
                .iter()
                .any(|x| e.path.ends_with(x))
                && e.raw.len() > 1024
        }) {
            let br =
                e.br.unwrap_or_else(|| panic!("{} has no brotli copy", e.path));
            let gz = e
                .gzip
                .unwrap_or_else(|| panic!("{} has no gzip copy", e.path));
            assert!(
                br.len() < e.raw.len() && gz.len() < e.raw.len(),
                "{}",
                e.path
            );
            assert_eq!(&gz[..3], &[0x1f, 0x8b, 8], "{}: a gzip member", e.path);
            let inflated =
                miniz_oxide::inflate::decompress_to_vec(&gz[10..gz.len() - 8]).expect("inflates");
            assert_eq!(inflated, e.raw, "{}: the gzip copy is the file", e.path);
        }
        let a = get_encoded(&format!("/{}", wasm[0].path), "gzip, deflate, br").expect("wasm");
        assert_eq!(a.encoding, Some("br"));
        let a = get_encoded(&format!("/{}", wasm[0].path), "gzip, deflate").expect("wasm");
        assert_eq!(a.encoding, Some("gzip"));
        let a = get_encoded(&format!("/{}", wasm[0].path), "identity").expect("wasm");
        assert_eq!((a.encoding, a.body.len()), (None, wasm[0].raw.len()));
    }

    #[test]
    fn index_always_exists() {
        let i = index();
        assert!(i.content_type.starts_with("text/html"));
        assert!(!i.body.is_empty());
        assert!(content_security_policy().contains("frame-ancestors 'none'"));
    }
}
