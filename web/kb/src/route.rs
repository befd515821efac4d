//! The page's URLs: which screen a path is, the path of a screen, and query strings. Pure; the
//! router in `ui/router.rs` applies it to the browser's history.

use rdpcheck_web_report::html::percent_encode;

/// Every screen of the page.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Route {
    /// `/`
    Home,
    /// `/explain?q=<pasted text>`
    Explain,
    /// `/check?host=H&port=P&gateway=G` pre-fills the form; the check starts on the user's click.
    Check,
    /// `/kb`, `/kb?q=<search>`
    Kb,
    /// `/kb/codes/<table>`
    KbTable {
        table: String,
    },
    /// `/kb/<article id>`
    KbArticle {
        id: String,
    },
    /// `/r#v1.<payload>`: a shared report.
    Shared,
    NotFound,
}

impl Route {
    /// The screen at `path` (no query, no fragment).
    pub fn from_path(path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        let segments: Vec<String> = path
            .strip_prefix('/')
            .unwrap_or(path)
            .split('/')
            .map(percent_decode)
            .collect();
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        match seg.as_slice() {
            [""] => Route::Home,
            ["explain"] => Route::Explain,
            ["check"] => Route::Check,
            ["kb"] => Route::Kb,
            ["kb", "codes", table] if !table.is_empty() => Route::KbTable {
                table: table.to_string(),
            },
            ["kb", id] if !id.is_empty() && *id != "codes" => {
                Route::KbArticle { id: id.to_string() }
            }
            ["r"] => Route::Shared,
            _ => Route::NotFound,
        }
    }

    pub fn path(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::Explain => "/explain".into(),
            Route::Check => "/check".into(),
            Route::Kb => "/kb".into(),
            Route::KbTable { table } => format!("/kb/codes/{}", percent_encode(table)),
            Route::KbArticle { id } => format!("/kb/{}", percent_encode(id)),
            Route::Shared => "/r".into(),
            Route::NotFound => "/404".into(),
        }
    }

    /// The path with a query string of the non-empty `params`.
    pub fn with_query(&self, params: &[(&str, &str)]) -> String {
        let query: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        if query.is_empty() {
            self.path()
        } else {
            format!("{}?{}", self.path(), query.join("&"))
        }
    }
}

/// The value of `name` in a query string (`a=1&b=2`, with or without `?`), decoded as a form
/// does (`+` is a space); empty when absent.
pub fn query_param(query: &str, name: &str) -> String {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(&k.replace('+', " ")) == name)
                .then(|| percent_decode(&v.replace('+', " ")))
        })
        .next()
        .unwrap_or_default()
}

/// `%XX` sequences to bytes, read as UTF-8 (invalid sequences kept as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_screens_round_trip() {
        for r in [
            Route::Home,
            Route::Explain,
            Route::Check,
            Route::Kb,
            Route::KbTable {
                table: "neg_failure".into(),
            },
            Route::KbArticle {
                id: "server-certificate".into(),
            },
            Route::Shared,
        ] {
            assert_eq!(Route::from_path(&r.path()), r, "{}", r.path());
        }
        assert_eq!(Route::from_path("/kb/"), Route::Kb);
        assert_eq!(Route::from_path("/kb/codes"), Route::NotFound);
        assert_eq!(Route::from_path("/kb/codes/"), Route::NotFound);
        assert_eq!(Route::from_path("/nope"), Route::NotFound);
        assert_eq!(Route::from_path("/explain/x"), Route::NotFound);
        assert_eq!(
            Route::from_path("/kb/a%20b"),
            Route::KbArticle { id: "a b".into() }
        );
    }

    #[test]
    fn queries_are_encoded_and_decoded() {
        let url = Route::Explain.with_query(&[("q", "Error code: 0x904 & 0x7")]);
        assert_eq!(url, "/explain?q=Error%20code%3A%200x904%20%26%200x7");
        let query = url.split_once('?').map(|x| x.1).unwrap_or_default();
        assert_eq!(query_param(query, "q"), "Error code: 0x904 & 0x7");
        assert_eq!(
            Route::Check.with_query(&[("host", "h"), ("port", ""), ("gateway", "g:443")]),
            "/check?host=h&gateway=g%3A443"
        );
        assert_eq!(Route::Kb.with_query(&[("q", "")]), "/kb");
        assert_eq!(query_param("?q=a+b&x=1", "q"), "a b");
        assert_eq!(query_param("x=1", "q"), "");
        assert_eq!(query_param("q=%E2%9C%93%zz", "q"), "✓%zz");
    }
}
