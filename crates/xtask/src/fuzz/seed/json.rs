//! Just enough JSON for the seeds, without a JSON library (xtask has no dependencies): the
//! fixtures are well-formed, so a string-aware scanner can compact and cut them.

/// `text` as a JSON string literal.
pub(super) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Well-formed JSON without the whitespace between tokens.
pub(super) fn compact_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The elements of the first array under `"key":` in compact JSON, as JSON text.
pub(super) fn array_items(json: &str, key: &str) -> Vec<String> {
    let marker = format!("\"{key}\":[");
    let Some(start) = json.find(&marker).map(|i| i + marker.len()) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut item = String::new();
    let (mut depth, mut in_string, mut escaped) = (0_u32, false, false);
    for c in json[start..].chars() {
        if in_string {
            item.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => break,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    if !item.is_empty() {
        items.push(item);
    }
    items
}

/// The first `"key":"value"` string in compact JSON (no unescaping: enough for names, codes
/// and base64url).
pub(super) fn string_field(json: &str, key: &str) -> Option<String> {
    let marker = format!("\"{key}\":\"");
    let start = json.find(&marker)? + marker.len();
    let end = json[start..].find('"')?;
    Some(json[start..start + end].to_string())
}
