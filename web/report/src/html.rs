//! Markup and URLs written as text. Every string that comes from a report goes through [`esc`]
//! (or [`push_esc`]): host names, certificate subjects, NTLM names, stage summaries and evidence
//! are written by the probed server as much as by rdpcheck, and a hostile server must not be able
//! to inject markup into the page. Attribute values are always double-quoted and escaped the same
//! way. The markup around them is ours: it has no event-handler attributes, no `style` and no
//! `javascript:` URLs (the relay's CSP would refuse them anyway), which [`audit`] checks in tests.

/// Appends `s` with `& < > " '` replaced by entities: safe as HTML text and inside a
/// double- or single-quoted attribute value.
pub fn push_esc(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Markup being written: [`Out::t`] appends text (escaped), [`Out::m`] markup of our own.
#[derive(Debug, Default)]
pub struct Out(pub String);

impl Out {
    pub fn new() -> Out {
        Out(String::with_capacity(4096))
    }

    /// Our own markup, as it is.
    pub fn m(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Text, escaped.
    pub fn t(&mut self, text: &str) -> &mut Self {
        push_esc(&mut self.0, text);
        self
    }

    /// `<a href="/path">text</a>`: a link to a screen of the page (`path` starts with `/` and
    /// is escaped; the page navigates to it in-page).
    pub fn link(&mut self, path: &str, text: &str) -> &mut Self {
        self.m("<a href=\"").t(path).m("\">").t(text).m("</a>")
    }
}

/// `s` escaped (see [`push_esc`]).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_esc(&mut out, s);
    out
}

/// Percent-encodes everything but unreserved characters (RFC 3986): a path segment or a query
/// value.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// Whitespace runs (newlines included) as single spaces: knowledge-base prose is wrapped in its
/// source files.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks markup this crate wrote: every tag and attribute is one it writes, no event handler,
/// no `style`, no `javascript:` URL, every `&` starts an entity and every text `<` is escaped.
/// A test helper, public so the page's tests can run it on what the module rendered.
pub fn audit(html: &str) -> Result<(), String> {
    const TAGS: &[&str] = &[
        "a",
        "article",
        "br",
        "button",
        "caption",
        "code",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "li",
        "line",
        "ol",
        "p",
        "pre",
        "rect",
        "section",
        "span",
        "strong",
        "summary",
        "svg",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    const ATTRS: &[&str] = &[
        "aria-hidden",
        "aria-label",
        "aria-labelledby",
        "aria-live",
        "class",
        "focusable",
        "height",
        "href",
        "id",
        "open",
        "preserveAspectRatio",
        "role",
        "rx",
        "scope",
        "tabindex",
        "title",
        "type",
        "vector-effect",
        "viewBox",
        "width",
        "x",
        "x1",
        "x2",
        "y",
        "y1",
        "y2",
    ];
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&', '>']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if c == b'>' {
            return Err(format!(
                "a bare > in text: …{}",
                &rest[i..].chars().take(40).collect::<String>()
            ));
        }
        if c == b'&' {
            let entity = after.split(';').next().unwrap_or_default();
            if !matches!(entity, "amp" | "lt" | "gt" | "quot" | "#39") {
                return Err(format!(
                    "a bare & before {:?}",
                    &after.chars().take(12).collect::<String>()
                ));
            }
            rest = &after[entity.len() + 1..];
            continue;
        }
        let end = after.find('>').ok_or("a tag without its >")?;
        let tag = after[..end].trim_end_matches('/');
        rest = &after[end + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !TAGS.contains(&name) {
            return Err(format!("the tag <{name}>"));
        }
        // name="value" pairs (values escaped: no quote inside), or a bare name.
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let n = attrs.find(['=', ' ']).map_or(attrs, |j| &attrs[..j]);
            if !ATTRS.contains(&n) {
                return Err(format!("the attribute {n} on <{name}>"));
            }
            attrs = &attrs[n.len()..];
            if let Some(v) = attrs.strip_prefix("=\"") {
                let close = v.find('"').ok_or("an unclosed attribute value")?;
                let value = &v[..close];
                if value.contains(['<', '>']) {
                    return Err(format!("an unescaped < or > in {n}"));
                }
                let url = value.trim().to_ascii_lowercase();
                let in_page = url.starts_with('/') && !url.starts_with("//");
                if n == "href" && !in_page {
                    return Err(format!("a link that leaves the page: {value}"));
                }
                attrs = &v[close + 1..];
            }
        }
    }
    Ok(())
}

/// Strings a hostile server could put in a certificate subject, an NTLM name or a banner.
#[cfg(test)]
pub(crate) const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "&lt;already escaped&gt; & friends",
    "</code></pre></details><a href=\"//evil.example\">x</a>",
    "<svg onload=alert(1)>",
    "<!-- comment --><![CDATA[ x ]]>",
    "\u{0}nul and \u{202e}bidi",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        for s in HOSTILE {
            let e = esc(s);
            assert!(!e.contains(['<', '>', '"', '\'']), "{e}");
            assert!(audit(&format!("<p title=\"{e}\">{e}</p>")).is_ok(), "{e}");
        }
        assert_eq!(
            esc("a & b <c> \"d\" 'e'"),
            "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;"
        );
        assert_eq!(esc("plain ✓ text"), "plain ✓ text");
        assert_eq!(esc(""), "");
    }

    #[test]
    fn audit_catches_what_escaping_prevents() {
        for bad in [
            "<p onclick=\"x\">",
            "<img src=x>",
            "<p>a > b</p>",
            "<p>&copy;</p>",
            "<a href=\"javascript:alert(1)\">",
            "<a href=\"//evil.example\">",
            "<p style=\"color:red\">",
            "<script>",
        ] {
            assert!(audit(bad).is_err(), "{bad}");
        }
        assert!(audit(
            "<a href=\"/kb/x\">x</a><br/><svg viewBox=\"0 0 1 1\"><line x1=\"0\" /></svg>"
        )
        .is_ok());
    }

    #[test]
    fn urls_are_percent_encoded() {
        assert_eq!(percent_encode("server-certificate"), "server-certificate");
        assert_eq!(percent_encode("a b/\"<>"), "a%20b%2F%22%3C%3E");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(one_line(" a\n  b\tc "), "a b c");
    }
}
