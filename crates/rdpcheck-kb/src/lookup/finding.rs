//! rdpcheck's own finding codes in pasted text, and the articles filed under a finding code.

use rdpcheck_report::{CodeKey, FindingCode};

use super::{FindingMatch, Unknown};
use crate::data::{kb, Kb};

/// The first part of every finding code, so `tls.alert.x` is read as a finding, not a word.
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

/// Whether a pasted piece should be read as a finding code.
pub(super) fn looks_like_finding(lower: &str) -> bool {
    FINDING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// A finding code (or a family key such as `tls.alert`) and the entry it is filed under.
pub(super) fn finding_match(kb: &Kb, text: &str, lower: &str) -> Result<FindingMatch, Unknown> {
    let unknown = || Unknown {
        text: text.to_string(),
        value: None,
        hint: "not a known rdpcheck finding code (they look like tls.closed_after_hello)"
            .to_string(),
    };
    let key = lower.parse::<CodeKey>().map_err(|_| unknown())?;
    let matched = match key {
        CodeKey::Code(code) => entry_key(kb, code),
        CodeKey::Family(family) => Some(family.prefix().to_string()),
    };
    let info = matched.and_then(|m| kb.finding(&m)).ok_or_else(unknown)?;
    Ok(FindingMatch {
        code: lower.to_string(),
        matched: info.code.clone(),
        meaning: info.meaning.clone(),
        articles: info.articles.clone(),
    })
}

/// The knowledge-base entry a code is filed under: its own, else its family's.
fn entry_key(kb: &Kb, code: FindingCode) -> Option<String> {
    let exact = code.to_string();
    if kb.finding(&exact).is_some() {
        return Some(exact);
    }
    code.family().map(|f| f.prefix().to_string())
}

/// Articles for a finding code: its own entry first, else its family's.
pub fn articles_for_finding(code: FindingCode) -> Vec<String> {
    let kb = kb();
    entry_key(kb, code)
        .and_then(|k| kb.finding(&k))
        .map(|f| f.articles.clone())
        .unwrap_or_default()
}
