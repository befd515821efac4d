//! Shared links and their verification against the relay's published key. (The links
//! themselves are made by the report module, web/report: the page opens them but never makes
//! them, so it carries no DEFLATE compressor.)
//!
//! The signature check itself (Ed25519 over the exact report text) is the browser's: WebCrypto
//! where it has Ed25519, otherwise a small compiled verifier loaded on demand (ui/ed25519.rs).
//! This module decides everything around it: [`prepare`] says what to check (or the verdict
//! when there is nothing to check), [`conclude`] turns the check's answer into the banner.

use rdpcheck_report::share::{
    ShareError, MAX_REPORT_BYTES, MAX_VANTAGE_BYTES, PREFIX, VANTAGE_PREFIX,
};
use rdpcheck_report::wire::{KeySet, PublicKeyInfo, SignedReport};

use super::json;

/// Whether a shared report can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Signed by this relay's key and unchanged; `retired_at` when the key has since been
    /// retired by a key rotation (it still verifies what it signed before).
    Verified {
        key_id: String,
        retired_at: Option<String>,
    },
    /// The signature does not match this relay's key over these bytes.
    NotVerified { key_id: String, reason: String },
    /// The relay's key could not be fetched (opened without a relay, or it is down).
    KeyUnavailable { key_id: String, reason: String },
    /// The browser could not run the check (no Ed25519 in WebCrypto, and the page's own
    /// verifier did not load).
    CannotCheck { key_id: String, reason: String },
    /// A report the CLI made on the user's computer (`rdpcheck probe --share-link`): key id
    /// `unsigned`, no signature (PROTOCOL.md). Nothing to verify, nothing failed.
    Local,
}

/// The key id of a v1 link the CLI made from a local report (with an empty signature).
pub const UNSIGNED_KEY_ID: &str = "unsigned";

impl Verification {
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified { .. })
    }

    /// One line for the banner.
    pub fn headline(&self) -> String {
        match self {
            Verification::Verified {
                key_id,
                retired_at: None,
            } => format!("Signed by relay {key_id} — verified"),
            Verification::Verified {
                key_id,
                retired_at: Some(_),
            } => format!("Signed by relay {key_id}, a retired key — verified"),
            Verification::NotVerified { .. } => {
                "Not verified — modified, unsigned, or signed by another relay".to_string()
            }
            Verification::KeyUnavailable { .. } => {
                "Not verified — the relay's key could not be fetched".to_string()
            }
            Verification::CannotCheck { .. } => {
                "Not verified — this browser could not check the signature".to_string()
            }
            Verification::Local => {
                "Local report — from the user's computer, not signed".to_string()
            }
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Verification::Verified {
                retired_at: None, ..
            } => "The report below is exactly what the relay signed.".to_string(),
            Verification::Verified {
                retired_at: Some(at),
                ..
            } => format!(
                "The report below is exactly what the relay signed, with a key it retired on {at} \
                 (the relay has rotated its key since; the old key still verifies its links)."
            ),
            Verification::Local => "rdpcheck made this report on the user's computer \
                (rdpcheck probe --share-link): only a relay signs, so there is no signature to \
                check. Read it as that computer's own view."
                .to_string(),
            Verification::NotVerified { reason, .. }
            | Verification::KeyUnavailable { reason, .. }
            | Verification::CannotCheck { reason, .. } => reason.clone(),
        }
    }
}

/// What is left to do for a signed report and the relay's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Decided without a signature check.
    Done(Verification),
    /// Check this Ed25519 signature (64 bytes) by this key (32 bytes) over the report's text.
    Check {
        public_key: Vec<u8>,
        signature: Vec<u8>,
    },
}

/// Decides what to check: nothing when the key is missing, of another algorithm, or when the
/// link's signature or the key is malformed (then the link is not verified).
pub fn prepare(signed: &SignedReport, key: Result<&PublicKeyInfo, &str>) -> Prepared {
    if is_local(signed) {
        return Prepared::Done(Verification::Local);
    }
    let key = match key {
        Ok(k) => k,
        Err(why) => {
            return Prepared::Done(Verification::KeyUnavailable {
                key_id: signed.key_id.clone(),
                reason: format!(
                    "The link says it was signed by relay key {}, but this page could not fetch its relay's key ({why}). Open the link on the relay that made it.",
                    signed.key_id
                ),
            })
        }
    };
    if !key.algorithm.eq_ignore_ascii_case("ed25519") {
        return Prepared::Done(Verification::NotVerified {
            key_id: signed.key_id.clone(),
            reason: format!(
                "This relay publishes a {} key, which this page cannot check.",
                key.algorithm
            ),
        });
    }
    let public_key = base64url_decode(&key.public_key).filter(|k| k.len() == 32);
    let signature = base64url_decode(&signed.signature).filter(|s| s.len() == 64);
    match (public_key, signature) {
        (Some(public_key), Some(signature)) => Prepared::Check {
            public_key,
            signature,
        },
        _ => Prepared::Done(conclude(signed, key, false)),
    }
}

/// Whether a v1 link's report is the CLI's own, unsigned (key id `unsigned`, no signature).
pub fn is_local(signed: &SignedReport) -> bool {
    signed.key_id == UNSIGNED_KEY_ID && signed.signature.is_empty()
}

/// The verdict once the signature has been checked (`valid`: it is a valid signature by the
/// relay's key over the report's exact text).
pub fn conclude(signed: &SignedReport, key: &PublicKeyInfo, valid: bool) -> Verification {
    let key_id = signed.key_id.clone();
    if valid {
        if key.key_id == signed.key_id {
            let retired_at = key.is_retired().then(|| {
                key.retired_at
                    .clone()
                    .unwrap_or_else(|| "an unknown date".into())
            });
            return Verification::Verified { key_id, retired_at };
        }
        return Verification::NotVerified {
            key_id,
            reason: format!(
                "The signature matches this relay's key, but the link names key {} instead of {}.",
                signed.key_id, key.key_id
            ),
        };
    }
    let reason = if signed.signature.is_empty() {
        "The link carries no signature.".to_string()
    } else if signed.key_id != key.key_id {
        format!(
            "The link names relay key {}; this relay's key is {}. It was signed by another relay, or changed.",
            signed.key_id, key.key_id
        )
    } else {
        "The signature does not match the report: it was changed after the relay signed it."
            .to_string()
    };
    Verification::NotVerified { key_id, reason }
}

/// The verdict when the check could not run at all.
pub fn cannot_check(signed: &SignedReport, why: &str) -> Verification {
    Verification::CannotCheck {
        key_id: signed.key_id.clone(),
        reason: format!(
            "This browser has no Ed25519 in WebCrypto and the page's own verifier could not be loaded ({why}). Reload the page, or open the link in a current browser."
        ),
    }
}

/// The relay's key as `GET /api/v1/key` answers it (`PublicKeyInfo`).
pub fn key_info(text: &str) -> Result<PublicKeyInfo, String> {
    let v = json::parse(text)?;
    key_of(&v)
}

fn key_of(v: &serde_json::Value) -> Result<PublicKeyInfo, String> {
    let o = json::object(v)?;
    Ok(PublicKeyInfo {
        key_id: o.string("key_id")?,
        algorithm: o.string("algorithm")?,
        public_key: o.string("public_key")?,
        status: o.opt_string("status")?,
        retired_at: o.opt_string("retired_at")?,
    })
}

/// The relay's keys as `GET /api/v1/keys` answers them (`KeySet`): the current one and those
/// retired by a key rotation. A key the page cannot read is an error, not left out.
pub fn key_set(text: &str) -> Result<KeySet, String> {
    let v = json::parse(text)?;
    let o = json::object(&v)?;
    let keys = o
        .array("keys")?
        .iter()
        .map(key_of)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err("the relay published no key".into());
    }
    Ok(KeySet { keys })
}

/// What a share link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// `v1.`: one signed report (or the CLI's unsigned one, see [`is_local`]).
    Report(SignedReport),
    /// `v2.`: the user's computer's report (unsigned text) and the relay's signed one.
    Vantage { local: String, relay: SignedReport },
}

impl Opened {
    /// The signed report to verify: the relay's.
    pub fn signed(&self) -> &SignedReport {
        match self {
            Opened::Report(s) | Opened::Vantage { relay: s, .. } => s,
        }
    }
}

/// Decodes a link fragment (`#v1.…` or `#v2.…`) into the signed report(s), as text: the report
/// module reads the reports themselves when it renders them. The same rules and errors as
/// `rdpcheck_report::share::decode_link` (the tests hold them equal), with the page's own
/// base64url reader and JSON reader.
pub fn open(fragment: &str) -> Result<Opened, ShareError> {
    let trimmed = fragment.trim_start_matches('#');
    let (body, limit, v2) = match trimmed.strip_prefix(VANTAGE_PREFIX) {
        Some(body) => (body, MAX_VANTAGE_BYTES, true),
        None => (
            trimmed
                .strip_prefix(PREFIX)
                .ok_or(ShareError::UnknownVersion)?,
            MAX_REPORT_BYTES,
            false,
        ),
    };
    let deflated = base64url_decode(body.trim()).ok_or(ShareError::NotBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, limit).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::NotDeflate,
        },
    )?;
    let text = String::from_utf8(json).map_err(|e| ShareError::NotJson(e.to_string()))?;
    let v = json::parse(&text).map_err(ShareError::NotJson)?;
    let o = json::object(&v).map_err(ShareError::NotJson)?;
    if !v2 {
        return super::session::signed(&o)
            .map(Opened::Report)
            .map_err(ShareError::NotJson);
    }
    let local = o.string("local").map_err(ShareError::NotJson)?;
    let relay = o
        .obj("relay")
        .and_then(|r| super::session::signed(&r))
        .map_err(ShareError::NotJson)?;
    Ok(Opened::Vantage { local, relay })
}

/// The bytes of base64url without padding (RFC 4648 §5), strictly: no padding, no other
/// alphabet, no length that leaves 6 bits, no set bits after the last byte; `None` otherwise.
/// (As the `base64` crate's URL_SAFE_NO_PAD reads it, in a few lines instead of its engine.)
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            n = n << 6 | digit(c)?;
        }
        // A short last chunk: 2 digits = 1 byte (4 spare bits), 3 digits = 2 bytes (2 spare).
        let (len, spare) = match chunk.len() {
            4 => (3, 0),
            3 => (2, 2),
            _ => (1, 4),
        };
        if n & ((1 << spare) - 1) != 0 {
            return None;
        }
        let n = n >> spare;
        for i in (0..len).rev() {
            out.push((n >> (8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
