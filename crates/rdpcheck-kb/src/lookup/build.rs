//! Assembling one recognised code: its entry or range, related codes and candidate causes.

use super::tokens::Context;
use super::{CodeMatch, RelatedCode};
use crate::data::{format_hex, Kb};
use crate::model::{Cause, CodeEntry};

pub(super) fn related(kb: &Kb, ti: usize, e: &CodeEntry) -> RelatedCode {
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

pub(super) fn build_match(
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
