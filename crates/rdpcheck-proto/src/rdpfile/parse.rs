//! Bytes to settings: text decoding (UTF-16 with or without a BOM, UTF-8) and `name:type:value`
//! lines.

use super::{Address, LineProblem, RdpFile, Setting, Value, ADDRESS_SETTINGS, PROBLEM_TEXT_MAX};
use crate::target::{self, IdnaToAscii};
use crate::DecodeError;

/// Parse a `.rdp` file; addresses with non-ASCII names are problems (see [`parse_with`]).
///
/// Errors only when the bytes are not text: UTF-16 with an odd byte count, or bytes that are
/// neither UTF-8 nor (BOM-less) UTF-16.
pub fn parse(bytes: &[u8]) -> Result<RdpFile, DecodeError> {
    parse_with(bytes, None)
}

/// [`parse`], converting non-ASCII host names in address settings with `idna`.
pub fn parse_with(bytes: &[u8], idna: Option<&dyn IdnaToAscii>) -> Result<RdpFile, DecodeError> {
    let text = decode_text(bytes)?;
    let mut file = RdpFile::default();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        // Some writers leave a NUL terminator at the end; it is not a line.
        if raw
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .is_empty()
        {
            continue;
        }
        let setting = parse_line(raw).and_then(|(name, value)| {
            let address = read_address(&name, &value, idna)?;
            Ok((name, value, address))
        });
        match setting {
            Ok((name, value, address)) => {
                if let Some((host, port)) = address {
                    file.addresses.push(Address { line, host, port });
                }
                file.settings.push(Setting { line, name, value });
            }
            Err(reason) => file.problems.push(LineProblem {
                line,
                text: raw.chars().take(PROBLEM_TEXT_MAX).collect(),
                reason,
            }),
        }
    }
    Ok(file)
}

/// The host and port of a non-empty address setting; an empty one means "not set".
fn read_address(
    name: &str,
    value: &Value,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<Option<(target::Host, Option<u16>)>, String> {
    match value {
        Value::Str(text) if ADDRESS_SETTINGS.contains(&name) && !text.trim().is_empty() => {
            target::parse_host_port(text, idna)
                .map(Some)
                .map_err(|e| format!("{name} {e}"))
        }
        _ => Ok(None),
    }
}

fn parse_line(raw: &str) -> Result<(String, Value), String> {
    let mut parts = raw.splitn(3, ':');
    let (Some(name), Some(kind), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected name:type:value (two colons)".into());
    };
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Err("empty setting name".into());
    }
    let value = match kind.trim() {
        "s" | "S" => Value::Str(value.to_string()),
        "i" | "I" => {
            let digits = value.trim();
            Value::Int(
                digits
                    .parse()
                    .map_err(|_| format!("integer value \"{digits}\" is not a number"))?,
            )
        }
        "b" | "B" => Value::Bin(decode_hex(value.trim())?),
        other => {
            return Err(format!(
                "unknown type \"{other}\" (expected s, i or b)",
                other = other.chars().take(16).collect::<String>()
            ))
        }
    };
    Ok((name, value))
}

fn decode_hex(digits: &str) -> Result<Vec<u8>, String> {
    let not_hex = || "binary value is not hex digits".to_string();
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_hex());
    }
    let (pairs, odd) = digits.as_bytes().as_chunks::<2>();
    if !odd.is_empty() {
        return Err(format!(
            "binary value has an odd number of hex digits ({})",
            digits.len()
        ));
    }
    pairs
        .iter()
        .map(|&[hi, lo]| Some(hex_value(hi)? << 4 | hex_value(lo)?))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(not_hex)
}

/// Value of an ASCII hex digit.
fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Bytes to text: BOM first, then a BOM-less UTF-16 guess, then UTF-8.
fn decode_text(bytes: &[u8]) -> Result<String, DecodeError> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, u16::from_be_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => decode_utf8(rest),
        // A file starts with an ASCII setting name, so `xx 00` is UTF-16LE without a BOM.
        [first, 0, ..] if *first != 0 => decode_utf16(bytes, u16::from_le_bytes),
        [0, second, ..] if *second != 0 => decode_utf16(bytes, u16::from_be_bytes),
        _ => decode_utf8(bytes),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let (pairs, odd) = bytes.as_chunks::<2>();
    if !odd.is_empty() {
        return Err(DecodeError::invalid(
            "rdp file encoding",
            format!("UTF-16 text with an odd number of bytes ({})", bytes.len()),
        ));
    }
    let units = pairs.iter().copied().map(unit);
    // A lone surrogate spoils one character, not the file.
    Ok(char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect())
}

fn decode_utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(DecodeError::invalid(
            "rdp file encoding",
            format!(
                "neither UTF-8 nor UTF-16 text (invalid UTF-8 at byte {})",
                e.valid_up_to()
            ),
        )),
    }
}
