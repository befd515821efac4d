//! Turns what a user pasted (a code, a dialog, a FreeRDP log line) into recognised codes:
//! `tokens` splits and reads the words around a number, `number` reads numbers and picks their
//! table, `build` assembles a match, `hints` names the nearest category of an unknown number,
//! `finding` recognises rdpcheck's own finding codes, `phrases` whole messages of other clients.

mod build;
mod finding;
mod hints;
mod number;
mod phrases;
#[cfg(test)]
mod tests;
mod tokens;

use serde::{Deserialize, Serialize};

use crate::data::{kb, Kb};
use crate::model::{Cause, CodeEntry, CodeRange, Combo};
use build::{build_match, related};
use number::{parse_number, resolve_number};
use tokens::{context, split_label, trim_punct, Context};

pub use finding::articles_for_finding;

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
    // Whole messages last: a code word inside one is then not left over as unknown.
    for (phrase, m) in phrases::phrase_matches(kb, input) {
        out.unknown
            .retain(|u| !phrase.contains(&u.text.to_ascii_lowercase()));
        // A number that is a word of the message ("up to 5 minutes") is no code of its own.
        let key = dedup_key(&m);
        out.codes.retain(|c| {
            dedup_key(c) == key
                || !phrase
                    .split_whitespace()
                    .any(|w| trim_punct(w).eq_ignore_ascii_case(&c.text))
        });
        push_code(&mut out, m);
    }
    out.combination = find_combo(kb, &out.codes);
    out
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

    if finding::looks_like_finding(&lower) && lower.contains('.') {
        match finding::finding_match(kb, clean, &lower) {
            Ok(f) => {
                if !out.findings.iter().any(|x| x.code == f.code) {
                    out.findings.push(f);
                }
            }
            Err(unknown) => out.unknown.push(unknown),
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
