//! Turns what a user pasted (a code, a dialog, a FreeRDP log line) into recognised codes.

use serde::{Deserialize, Serialize};

use crate::data::{format_hex, kb, Kb};
use crate::model::{Cause, CodeEntry, CodeRange, Combo};

/// The result of [`lookup`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    pub input: String,
    /// Recognised codes, in the order they appear in the input.
    pub codes: Vec<CodeMatch>,
    /// Recognised rdpcheck finding codes.
    pub findings: Vec<FindingMatch>,
    /// Set when a client + extended pair has its own explanation (0x904 / 0x7).
    pub combination: Option<Combo>,
    /// Parts that look like codes but are not known, each with a hint.
    pub unknown: Vec<Unknown>,
    /// Plain words that were skipped (dialog sentences, log prefixes).
    pub ignored: Vec<String>,
}

impl Lookup {
    /// True when at least one code was recognised and nothing code-like was left over.
    pub fn fully_understood(&self) -> bool {
        (!self.codes.is_empty() || !self.findings.is_empty()) && self.unknown.is_empty()
    }
}

/// One recognised code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMatch {
    /// The fragment of the input it came from.
    pub text: String,
    pub table: String,
    pub table_title: String,
    /// What the code is called where users see it ("Error code").
    pub label: String,
    pub value: u32,
    pub hex: String,
    pub decimal: u32,
    /// The table entry, when the value has one.
    pub entry: Option<CodeEntry>,
    /// The range the value falls in, when it has no entry of its own.
    pub range: Option<CodeRange>,
    /// How the input was read ("hexadecimal, because ...").
    pub interpretation: String,
    /// The same number in a related table (extended 7 ↔ ERRINFO 7).
    pub related: Vec<RelatedCode>,
    /// Other tables that also have an entry with this number (for bare, unlabelled input).
    pub also: Vec<RelatedCode>,
    /// Candidate causes, most likely first.
    pub causes: Vec<Cause>,
}

/// A short reference to an entry of another table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedCode {
    pub table: String,
    pub table_title: String,
    pub hex: String,
    pub decimal: u32,
    pub name: String,
    pub meaning: String,
}

/// A recognised probe finding code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingMatch {
    pub code: String,
    /// The finding entry that matched (exact, or the dotted family prefix).
    pub matched: String,
    pub meaning: String,
    pub articles: Vec<String>,
}

/// A code-like part of the input that is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unknown {
    pub text: String,
    pub value: Option<u32>,
    /// "Not known", plus the nearest category where one can be named.
    pub hint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    None,
    Client,
    Extended,
    ErrInfo,
    TlsAlert,
}

#[derive(Debug, Clone, Copy)]
struct Number {
    /// Read as hexadecimal (explicit 0x, hex letters, or bare digits).
    hex: Option<u32>,
    /// Read as decimal (bare digits only).
    dec: Option<u32>,
    explicit_hex: bool,
}

const FINDING_PREFIXES: [&str; 10] = [
    "dns.",
    "tcp.",
    "x224.",
    "security.",
    "tls.",
    "nla.",
    "net.",
    "probe.",
    "gateway.",
    "udp.",
];

const CODE_PREFIXES: [&str; 8] = [
    "errconnect_",
    "errinfo_",
    "e_proxy_",
    "ssl_err_",
    "sec_e_",
    "exdiscreason",
    "disconnectreason",
    "error_",
];

/// Recognises every code in `input`. Never panics.
pub fn lookup(input: &str) -> Lookup {
    let kb = kb();
    let mut out = Lookup {
        input: input.to_string(),
        codes: Vec::new(),
        findings: Vec::new(),
        combination: None,
        unknown: Vec::new(),
        ignored: Vec::new(),
    };
    let mut words: Vec<String> = Vec::new();
    for raw in input.split_whitespace() {
        for piece in split_label(raw) {
            handle_piece(kb, &piece, &mut words, &mut out);
        }
    }
    out.combination = find_combo(kb, &out.codes);
    out
}

/// Splits `code:0x904` into `code:` and `0x904`; leaves times, GUIDs and dates whole.
fn split_label(raw: &str) -> Vec<String> {
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

fn trim_punct(s: &str) -> &str {
    s.trim_matches(|c: char| "()[]{}<>,;:.!?'\"`=".contains(c))
}

fn handle_piece(kb: &Kb, raw: &str, words: &mut Vec<String>, out: &mut Lookup) {
    let clean = trim_punct(raw);
    if clean.is_empty() {
        return;
    }
    let lower = clean.to_ascii_lowercase();

    // Times (10:22:33.456Z), dates, GUIDs and paths are context, not codes.
    if clean.contains(':') || clean.contains('-') || clean.contains('/') || clean.contains('\\') {
        out.ignored.push(clean.to_string());
        return;
    }

    if FINDING_PREFIXES.iter().any(|p| lower.starts_with(p)) && lower.contains('.') {
        match finding_match(kb, &lower) {
            Some(f) => {
                if !out.findings.iter().any(|x| x.code == f.code) {
                    out.findings.push(f);
                }
            }
            None => out.unknown.push(Unknown {
                text: clean.to_string(),
                value: None,
                hint: "not a known rdpcheck finding code (they look like tls.closed_after_hello)"
                    .to_string(),
            }),
        }
        words.clear();
        return;
    }

    if let Some(num) = parse_number(&lower) {
        let ctx = context(words);
        words.clear();
        match resolve_number(kb, clean, num, ctx) {
            Ok(m) => push_code(out, m),
            Err(u) => out.unknown.push(u),
        }
        return;
    }

    if let Some(hits) = kb.names.get(&lower) {
        if let Some(&(ti, ei)) = hits.first() {
            let table = &kb.tables[ti];
            let entry = &table.entries[ei];
            let m = build_match(
                kb,
                clean,
                ti,
                entry.value,
                "symbolic name".to_string(),
                Context::None,
            );
            if let Some(mut m) = m {
                m.also = hits
                    .iter()
                    .skip(1)
                    .map(|&(t, e)| related(kb, t, &kb.tables[t].entries[e]))
                    .collect();
                push_code(out, m);
            }
            words.clear();
            return;
        }
    }

    if looks_like_code(clean, &lower) {
        out.unknown.push(Unknown {
            text: clean.to_string(),
            value: None,
            hint: "not a known code name. Names that are understood look like \
                   ERRCONNECT_CONNECT_TRANSPORT_FAILED, ERRINFO_SERVER_DENIED_CONNECTION, \
                   E_PROXY_TS_CONNECTFAILED, SSL_ERR_LOGON_FAILURE or handshake_failure"
                .to_string(),
        });
        words.clear();
        return;
    }

    words.push(lower.clone());
    out.ignored.push(clean.to_string());
}

fn looks_like_code(clean: &str, lower: &str) -> bool {
    if CODE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let has_underscore = clean.contains('_');
    let upper_snake = has_underscore
        && clean
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    upper_snake || clean.chars().any(|c| c.is_ascii_digit())
}

/// Identity of a code for de-duplication: FreeRDP's ERRINFO class is the server code itself.
fn dedup_key(m: &CodeMatch) -> (String, u32) {
    match (&m.entry, &m.range) {
        (Some(e), _) => (m.table.clone(), e.value),
        (None, Some(r)) if r.related_low16 => ("errinfo".to_string(), m.value & 0xFFFF),
        _ => (m.table.clone(), m.value),
    }
}

fn push_code(out: &mut Lookup, m: CodeMatch) {
    let key = dedup_key(&m);
    if out.codes.iter().any(|x| dedup_key(x) == key) {
        return;
    }
    out.codes.push(m);
}

/// Reads the words just before a number: "Extended error code", "Error code", "protocol error (code".
fn context(words: &[String]) -> Context {
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

fn parse_number(lower: &str) -> Option<Number> {
    if let Some(h) = lower.strip_prefix("0x") {
        if h.is_empty() || h.len() > 8 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(h, 16).ok()?;
        return Some(Number {
            hex: Some(v),
            dec: None,
            explicit_hex: true,
        });
    }
    if !lower.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if lower.chars().all(|c| c.is_ascii_digit()) {
        let dec = lower.parse::<u32>().ok();
        let hex = if lower.len() <= 8 {
            u32::from_str_radix(lower, 16).ok()
        } else {
            None
        };
        if dec.is_none() && hex.is_none() {
            return None;
        }
        return Some(Number {
            hex,
            dec,
            explicit_hex: false,
        });
    }
    if lower.len() <= 8 && lower.chars().all(|c| c.is_ascii_hexdigit()) {
        let v = u32::from_str_radix(lower, 16).ok()?;
        return Some(Number {
            hex: Some(v),
            dec: None,
            explicit_hex: true,
        });
    }
    None
}

fn table_has(kb: &Kb, ti: usize, v: u32) -> bool {
    let t = &kb.tables[ti];
    t.entries
        .iter()
        .any(|e| e.value == v || e.alt_values.contains(&v))
}

fn table_range(kb: &Kb, ti: usize, v: u32) -> bool {
    kb.tables[ti]
        .ranges
        .iter()
        .any(|r| (r.start..=r.end).contains(&v))
}

fn resolve_number(kb: &Kb, text: &str, num: Number, ctx: Context) -> Result<CodeMatch, Unknown> {
    let idx = |id: &str| kb.table(id).map(|(i, _)| i);
    let bare_digits = !num.explicit_hex;
    let hex_note = |v: u32| {
        if bare_digits && num.dec != Some(v) {
            format!(
                "hexadecimal {}, because that is a known Remote Desktop client code \
                 (Windows shows these codes in hex)",
                format_hex(v, 0)
            )
        } else {
            "hexadecimal".to_string()
        }
    };
    let dec_note = |v: u32| {
        if num.hex.is_some() && num.hex != Some(v) {
            format!("decimal {v}")
        } else {
            "number".to_string()
        }
    };
    let labelled = |what: &str, s: String| format!("{s}; labelled as {what} in the input");

    let try_table = |ti: usize, ctx_name: Option<&str>| -> Option<CodeMatch> {
        // Labelled client codes and unlabelled input: hex first, as the dialog prints them.
        let order: Vec<(u32, String)> = match (num.hex, num.dec) {
            (Some(h), Some(d)) if kb.tables[ti].id == "client" || ctx == Context::ErrInfo => {
                vec![(h, hex_note(h)), (d, dec_note(d))]
            }
            (Some(h), Some(d)) => vec![(d, dec_note(d)), (h, hex_note(h))],
            (Some(h), None) => vec![(h, hex_note(h))],
            (None, Some(d)) => vec![(d, dec_note(d))],
            (None, None) => vec![],
        };
        for (v, note) in &order {
            if table_has(kb, ti, *v) || (ctx_name.is_some() && table_range(kb, ti, *v)) {
                let note = match ctx_name {
                    Some(w) => labelled(w, note.clone()),
                    None => note.clone(),
                };
                return build_match(kb, text, ti, *v, note, ctx);
            }
        }
        None
    };

    let labelled_table = match ctx {
        Context::Client => Some(("client", "\"Error code\"")),
        Context::Extended => Some(("extended", "\"Extended error code\"")),
        Context::ErrInfo => Some(("errinfo", "\"protocol error (code: ...)\"")),
        Context::TlsAlert => Some(("tls_alert", "a TLS alert")),
        Context::None => None,
    };
    if let Some((id, what)) = labelled_table {
        if let Some(ti) = idx(id) {
            if let Some(m) = try_table(ti, Some(what)) {
                return Ok(m);
            }
        }
        let v = if ctx == Context::Extended || ctx == Context::TlsAlert {
            num.dec.or(num.hex)
        } else {
            num.hex.or(num.dec)
        };
        return Err(unknown_number(text, v, ctx));
    }

    // No label: client codes first (hex, then decimal), then the other tables by priority,
    // reading bare digits as decimal; ranges last.
    if let Some(ti) = idx("client") {
        if let Some(m) = try_table(ti, None) {
            return Ok(m);
        }
    }
    let values: Vec<(u32, String)> = if num.explicit_hex {
        num.hex
            .map(|h| (h, "hexadecimal".to_string()))
            .into_iter()
            .collect()
    } else {
        num.dec
            .map(|d| (d, "decimal".to_string()))
            .into_iter()
            .collect()
    };
    for (v, note) in &values {
        for ti in 1..kb.tables.len() {
            if table_has(kb, ti, *v) {
                return build_match(kb, text, ti, *v, note.clone(), ctx)
                    .ok_or_else(|| unknown_number(text, Some(*v), ctx));
            }
        }
    }
    for (v, note) in &values {
        for ti in 1..kb.tables.len() {
            if table_range(kb, ti, *v) {
                return build_match(kb, text, ti, *v, note.clone(), ctx)
                    .ok_or_else(|| unknown_number(text, Some(*v), ctx));
            }
        }
    }
    let v = if num.explicit_hex { num.hex } else { num.dec };
    Err(unknown_number(text, v, ctx))
}

fn related(kb: &Kb, ti: usize, e: &CodeEntry) -> RelatedCode {
    let t = &kb.tables[ti];
    RelatedCode {
        table: t.id.clone(),
        table_title: t.title.clone(),
        hex: e.hex.clone(),
        decimal: e.value,
        name: e.name.clone(),
        meaning: e.meaning.clone(),
    }
}

fn build_match(
    kb: &Kb,
    text: &str,
    ti: usize,
    v: u32,
    interpretation: String,
    ctx: Context,
) -> Option<CodeMatch> {
    let t = &kb.tables[ti];
    let entry = t
        .entries
        .iter()
        .find(|e| e.value == v || e.alt_values.contains(&v))
        .cloned();
    let range = if entry.is_none() {
        t.ranges
            .iter()
            .find(|r| (r.start..=r.end).contains(&v))
            .cloned()
    } else {
        None
    };
    if entry.is_none() && range.is_none() {
        return None;
    }
    let mut related_codes = Vec::new();
    let mut causes = entry.as_ref().map(|e| e.causes.clone()).unwrap_or_default();
    if let Some(rel_id) = &t.related_table {
        if let Some((ri, rt)) = kb.table(rel_id) {
            let rv = match &range {
                Some(r) if r.related_low16 => v & 0xFFFF,
                _ => v,
            };
            if let Some(re) = rt.entries.iter().find(|e| e.value == rv) {
                related_codes.push(related(kb, ri, re));
                if causes.is_empty() {
                    causes = re.causes.clone();
                }
            }
        }
    }
    if causes.is_empty() {
        if let Some(r) = &range {
            causes = r
                .articles
                .iter()
                .map(|a| Cause {
                    article: a.clone(),
                    why: String::new(),
                    evidence: Vec::new(),
                })
                .collect();
        }
    }
    let also = if ctx == Context::None && entry.is_some() {
        kb.tables
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ti)
            .filter_map(|(i, ot)| {
                ot.entries
                    .iter()
                    .find(|e| e.value == v)
                    .map(|e| related(kb, i, e))
            })
            .filter(|r| !related_codes.iter().any(|x| x.table == r.table))
            .collect()
    } else {
        Vec::new()
    };
    Some(CodeMatch {
        text: text.to_string(),
        table: t.id.clone(),
        table_title: t.title.clone(),
        label: t.label.clone(),
        value: v,
        hex: entry
            .as_ref()
            .map(|e| e.hex.clone())
            .unwrap_or_else(|| format_hex(v, t.hex_digits)),
        decimal: v,
        entry,
        range,
        interpretation,
        related: related_codes,
        also,
        causes,
    })
}

/// "Not known" plus the nearest category.
fn unknown_number(text: &str, v: Option<u32>, ctx: Context) -> Unknown {
    let Some(v) = v else {
        return Unknown {
            text: text.to_string(),
            value: None,
            hint: "not a number rdpcheck can read".to_string(),
        };
    };
    let hint = family_hint(v, ctx);
    Unknown {
        text: text.to_string(),
        value: Some(v),
        hint,
    }
}

/// The nearest category for an unknown number.
fn family_hint(v: u32, ctx: Context) -> String {
    let hex = format_hex(v, 0);
    let base = format!("{hex} ({v}) is not a known code");
    if v == 3389 || v == 443 || v == 3391 {
        return format!(
            "{base}; {v} is a port number RDP uses (3389 RDP, 443 RD Gateway, 3391 gateway UDP)"
        );
    }
    if (0x100..=0xFFFF).contains(&v) && matches!(ctx, Context::Client | Context::None) {
        let family = match v & 0xFF {
            0x04 => {
                Some("socket / network events (the connection could not be made or was broken)")
            }
            0x06 => Some("security data / encryption (TLS, certificates, encryption methods)"),
            0x07 => {
                Some("Network Level Authentication account errors (credentials, account state)")
            }
            0x08 => Some("internal, timer or licensing problems"),
            _ => None,
        };
        if let Some(f) = family {
            return format!(
                "{base}. As a client error code its low byte {:02X} places it in the family: {f} \
                 (an observed pattern, not documented by Microsoft)",
                v & 0xFF
            );
        }
    }
    if (4096..=32767).contains(&v) && ctx != Context::Client {
        return format!(
            "{base}; it lies in the extended \"protocol error\" range 4096-32767: see the server's \
             RdpCoreTS event log"
        );
    }
    match v >> 16 {
        0x0001 => {
            return format!(
                "{base}; as a FreeRDP error it is server error info {} (not in the table)",
                format_hex(v & 0xFFFF, 0)
            )
        }
        0x0002 => {
            return format!("{base}; it looks like a FreeRDP ERRCONNECT code not in the table")
        }
        0x8007 => {
            return format!(
                "{base}; it is an HRESULT wrapping Windows error {} - `net helpmsg {}` names it",
                v & 0xFFFF,
                v & 0xFFFF
            )
        }
        0x8009 => {
            return format!(
                "{base}; it is a security (SSPI/Schannel) status - `certutil -error {hex}` names it"
            )
        }
        x if x >= 0xC000 => {
            return format!(
                "{base}; it looks like an NTSTATUS value - `certutil -error {hex}` names it"
            )
        }
        _ => {}
    }
    format!(
        "{base}. Codes that are understood: client error codes (0x904), extended codes (0x7), \
         server error info (0x10C9), FreeRDP codes (0x0002000D), TLS alerts (40), RD Gateway \
         HRESULTs (0x800759DD)"
    )
}

fn finding_match(kb: &Kb, lower: &str) -> Option<FindingMatch> {
    let mut key = lower.to_string();
    loop {
        if let Some(f) = kb.finding(&key) {
            return Some(FindingMatch {
                code: lower.to_string(),
                matched: f.code.clone(),
                meaning: f.meaning.clone(),
                articles: f.articles.clone(),
            });
        }
        let pos = key.rfind('.')?;
        key.truncate(pos);
        if !key.contains('.') {
            return None;
        }
    }
}

fn find_combo(kb: &Kb, codes: &[CodeMatch]) -> Option<Combo> {
    let client = codes.iter().find(|c| c.table == "client")?;
    let ext = codes
        .iter()
        .find(|c| c.table == "extended" || c.table == "errinfo")?;
    kb.combos
        .iter()
        .find(|c| c.client == client.value && c.extended == ext.value)
        .cloned()
}

/// Articles for a finding code: exact match first, then the longest dotted prefix.
pub fn articles_for_finding(code: &str) -> Vec<String> {
    let lower = code.trim().to_ascii_lowercase();
    let kb = kb();
    let mut key = lower;
    loop {
        if let Some(f) = kb.finding(&key) {
            return f.articles.clone();
        }
        match key.rfind('.') {
            Some(pos) => key.truncate(pos),
            None => return Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_904_is_hex() {
        let l = lookup("904");
        assert_eq!(l.codes.len(), 1);
        assert_eq!(l.codes[0].table, "client");
        assert_eq!(l.codes[0].value, 0x904);
        assert!(l.codes[0].interpretation.starts_with("hexadecimal 0x904"));
    }

    #[test]
    fn decimal_2308_is_904() {
        let l = lookup("2308");
        assert_eq!(l.codes[0].value, 0x904);
    }

    #[test]
    fn time_and_guid_are_ignored() {
        let l = lookup(
            "Error code: 0x904 Extended error code: 0x7 Timestamp (UTC): 2024-05-01T10:22:33.456Z \
             Activity ID: 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        );
        assert!(l.unknown.is_empty(), "{:?}", l.unknown);
        assert_eq!(l.codes.len(), 2);
        assert!(l.combination.is_some());
    }

    #[test]
    fn protocol_error_context() {
        let l = lookup(
            "Because of a protocol error (code: 0x112f), the remote session will be disconnected.",
        );
        assert_eq!(l.codes[0].table, "errinfo");
        assert_eq!(l.codes[0].value, 0x112F);
    }

    #[test]
    fn extended_range() {
        let l = lookup("Extended error code: 4399");
        assert_eq!(l.codes[0].table, "extended");
        assert!(l.codes[0].range.is_some());
        assert_eq!(
            l.codes[0].related[0].name,
            "ERRINFO_GRAPHICS_SUBSYSTEM_FAILED"
        );
    }

    #[test]
    fn freerdp_errinfo_class() {
        let l = lookup("0x00010007");
        assert_eq!(l.codes[0].table, "freerdp");
        assert_eq!(
            l.codes[0].related[0].name,
            "ERRINFO_SERVER_DENIED_CONNECTION"
        );
    }

    #[test]
    fn finding_prefix() {
        let a = articles_for_finding("tls.alert.bad_record_mac");
        assert!(!a.is_empty());
        assert_eq!(
            articles_for_finding("tls.alert.internal_error")[0],
            "server-certificate"
        );
        assert!(articles_for_finding("nothing.here").is_empty());
    }
}
