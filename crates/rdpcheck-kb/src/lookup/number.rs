//! Reading a number as hex and/or decimal, and finding the table it belongs to.

use super::build::build_match;
use super::hints::unknown_number;
use super::tokens::Context;
use super::{CodeMatch, Unknown};
use crate::data::{format_hex, Kb};

#[derive(Debug, Clone, Copy)]
pub(super) struct Number {
    /// Read as hexadecimal (explicit 0x, hex letters, or bare digits).
    hex: Option<u32>,
    /// Read as decimal (bare digits only).
    dec: Option<u32>,
    explicit_hex: bool,
}

pub(super) fn parse_number(lower: &str) -> Option<Number> {
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
    t.numbers
        && t.entries
            .iter()
            .any(|e| e.value == v || e.alt_values.contains(&v))
}

fn table_range(kb: &Kb, ti: usize, v: u32) -> bool {
    kb.tables[ti]
        .ranges
        .iter()
        .any(|r| (r.start..=r.end).contains(&v))
}

pub(super) fn resolve_number(
    kb: &Kb,
    text: &str,
    num: Number,
    ctx: Context,
) -> Result<CodeMatch, Unknown> {
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
        Context::Guacamole => Some(("guacamole", "a Guacamole status")),
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
