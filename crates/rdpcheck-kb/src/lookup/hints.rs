//! "Not known", plus the nearest category that can be named for an unknown number.

use super::tokens::Context;
use super::Unknown;
use crate::data::format_hex;

/// "Not known" plus the nearest category.
pub(super) fn unknown_number(text: &str, v: Option<u32>, ctx: Context) -> Unknown {
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
        // Only the two low bytes for which every documented code agrees; ..06 and ..08 mix
        // out-of-memory, encryption, DNS and licensing codes, so they name no family.
        let family = match v & 0xFF {
            0x04 => Some("name lookup, socket or time-out events"),
            0x07 => Some("Network Level Authentication account errors (SSL_ERR_*)"),
            _ => None,
        };
        if let Some(f) = family {
            return format!(
                "{base}. Every documented client error code ending in {:02X} is one of: {f} \
                 (a pattern in Microsoft's list, not a documented rule)",
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
