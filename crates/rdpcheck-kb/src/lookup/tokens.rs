//! Splitting pasted text into pieces, and reading the words before a number as its label.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    None,
    Client,
    Extended,
    ErrInfo,
    TlsAlert,
    Guacamole,
}

/// Splits `code:0x904` into `code:` and `0x904`; leaves times, GUIDs and dates whole.
pub(super) fn split_label(raw: &str) -> Vec<String> {
    if let Some(pos) = raw.find(':') {
        let (left, right) = raw.split_at(pos);
        let right = &right[1..];
        let left_alpha = !left.is_empty()
            && left
                .chars()
                .all(|c| c.is_ascii_alphabetic() || "([{".contains(c));
        if left_alpha {
            let mut v = vec![format!("{left}:")];
            if !right.is_empty() {
                v.push(right.to_string());
            }
            return v;
        }
    }
    vec![raw.to_string()]
}

pub(super) fn trim_punct(s: &str) -> &str {
    s.trim_matches(|c: char| "()[]{}<>,;:.!?'\"`=".contains(c))
}

/// Reads the words just before a number: "Extended error code", "Error code", "protocol error (code".
pub(super) fn context(words: &[String]) -> Context {
    let n = words.len();
    let last = |k: usize| -> &str {
        if k < n {
            words[n - 1 - k].as_str()
        } else {
            ""
        }
    };
    let window: Vec<&str> = (0..4).map(last).collect();
    let ends_code = matches!(window[0], "code" | "reason" | "error");
    if ends_code && window.contains(&"extended") {
        return Context::Extended;
    }
    if window[0] == "code" && window.contains(&"protocol") {
        return Context::ErrInfo;
    }
    // "Guacamole status 0x0208", "guacd ... status": its 0x02xx overlap client codes.
    if window[0] == "status" && window.iter().any(|w| w.starts_with("guac")) {
        return Context::Guacamole;
    }
    if window[0] == "alert" || (window[0] == "description" && window[1] == "alert") {
        return Context::TlsAlert;
    }
    if (window[0] == "code" && window[1] == "error")
        || (window[0] == "reason" && window[1] == "disconnect")
    {
        return Context::Client;
    }
    Context::None
}
