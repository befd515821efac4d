//! The relay's WebSocket protocol, version 1 (`GET /api/v1/probe`). Shared by the relay and the
//! page so both sides compile against one definition. Documented in relay/PROTOCOL.md.

use serde::{Deserialize, Serialize};

use crate::{Finding, Stage, StageResult};

/// What the client sends, once, after the socket opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    Probe(ProbeRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeRequest {
    /// `HOST[:PORT]`.
    pub target: String,
    /// `GATEWAY[:PORT]` of an RD Gateway, if the client uses one.
    #[serde(default)]
    pub gateway: Option<String>,
    /// Stability handshakes; the relay caps it.
    #[serde(default)]
    pub samples: Option<u32>,
    /// Send RDP-UDP probes (default true; only to allowed UDP ports).
    #[serde(default)]
    pub udp: Option<bool>,
    /// The client family the verdict's headline is for (`mstsc-win11` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<crate::ClientId>,
}

/// What the relay streams back. The last message is `report` or `error`, then the socket closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// A stage started (`state` = "started") or finished (`state` = "finished", with `result`).
    Stage {
        state: StageState,
        name: Stage,
        at_ms: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<StageResult>,
    },
    Finding {
        finding: Finding,
    },
    /// The final report as text (exactly the signed bytes), its signature and the signer; and the
    /// same report redacted (names and addresses replaced), signed too, for sharing.
    Report {
        report: String,
        signature: String,
        key_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        redacted: Option<SignedReport>,
    },
    /// A refusal or failure, with a stable code and a message for people.
    Error {
        code: String,
        message: String,
    },
}

impl ServerMessage {
    /// Parses one message: the same result as `serde_json::from_str::<ServerMessage>`, read in
    /// two passes (the `type`, then the variant's fields straight from the text) instead of
    /// through serde's buffering of internally tagged enums, which doubles the parsing code of
    /// every type inside (the page's wasm is about 10 KiB smaller).
    pub fn from_json(text: &str) -> serde_json::Result<ServerMessage> {
        #[derive(Deserialize)]
        struct Tag {
            #[serde(rename = "type")]
            kind: String,
        }
        #[derive(Deserialize)]
        struct StageMsg {
            state: StageState,
            name: Stage,
            at_ms: f64,
            #[serde(default)]
            result: Option<StageResult>,
        }
        #[derive(Deserialize)]
        struct FindingMsg {
            finding: Finding,
        }
        #[derive(Deserialize)]
        struct ReportMsg {
            report: String,
            signature: String,
            key_id: String,
            #[serde(default)]
            redacted: Option<SignedReport>,
        }
        #[derive(Deserialize)]
        struct ErrorMsg {
            code: String,
            message: String,
        }
        let tag: Tag = serde_json::from_str(text)?;
        Ok(match tag.kind.as_str() {
            "stage" => {
                let m: StageMsg = serde_json::from_str(text)?;
                ServerMessage::Stage {
                    state: m.state,
                    name: m.name,
                    at_ms: m.at_ms,
                    result: m.result,
                }
            }
            "finding" => ServerMessage::Finding {
                finding: serde_json::from_str::<FindingMsg>(text)?.finding,
            },
            "report" => {
                let m: ReportMsg = serde_json::from_str(text)?;
                ServerMessage::Report {
                    report: m.report,
                    signature: m.signature,
                    key_id: m.key_id,
                    redacted: m.redacted,
                }
            }
            "error" => {
                let m: ErrorMsg = serde_json::from_str(text)?;
                ServerMessage::Error {
                    code: m.code,
                    message: m.message,
                }
            }
            other => {
                return Err(serde::de::Error::unknown_variant(
                    other,
                    &["stage", "finding", "report", "error"],
                ))
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageState {
    Started,
    Finished,
}

/// A report as the relay signed it: `signature` is base64url (no padding) of the Ed25519
/// signature over the UTF-8 bytes of `report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedReport {
    pub report: String,
    pub signature: String,
    pub key_id: String,
}

/// Stable error codes of `ServerMessage::Error`.
pub mod error_code {
    pub const INPUT_INVALID: &str = "input.invalid";
    pub const POLICY_DENIED: &str = "policy.denied";
    pub const LIMIT_RATE: &str = "limit.rate";
    pub const LIMIT_BUSY: &str = "limit.busy";
    pub const AUTH_REQUIRED: &str = "auth.required";
    pub const ORIGIN_DENIED: &str = "origin.denied";
    pub const HOST_DENIED: &str = "host.denied";
    pub const INTERNAL: &str = "internal";
    pub const SHUTDOWN: &str = "shutdown";
}

/// `GET /api/v1/key` (the current key, no `status`), and each key of `GET /api/v1/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyInfo {
    pub key_id: String,
    pub algorithm: String,
    /// base64url (no padding) of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// In a key set: `current` (signs new reports) or `retired` (only verifies old ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A retired key: when it stopped signing (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<String>,
}

/// The `status` of the key that signs new reports.
pub const KEY_CURRENT: &str = "current";
/// The `status` of a key that only verifies reports signed before a rotation.
pub const KEY_RETIRED: &str = "retired";

/// `GET /api/v1/keys`: the current key and the retired ones, so links signed before a key
/// rotation still verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    pub keys: Vec<PublicKeyInfo>,
}

impl KeySet {
    /// The key a link names by `key_id`, else the current key (whose id then differs, which the
    /// verifier reports), else none.
    pub fn for_link(&self, key_id: &str) -> Option<&PublicKeyInfo> {
        self.keys
            .iter()
            .find(|k| k.key_id == key_id)
            .or_else(|| self.current())
    }

    /// The key marked current (or the first, from a set without statuses).
    pub fn current(&self) -> Option<&PublicKeyInfo> {
        self.keys
            .iter()
            .find(|k| k.status.as_deref() == Some(KEY_CURRENT))
            .or(self.keys.first())
    }
}

impl PublicKeyInfo {
    pub fn is_retired(&self) -> bool {
        self.status.as_deref() == Some(KEY_RETIRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `from_json` reads every message exactly as serde's internally tagged enum does.
    #[test]
    fn from_json_matches_serde() {
        let messages = [
            r#"{"type":"stage","state":"started","name":"dns","at_ms":0.0}"#,
            r#"{"type":"stage","state":"finished","name":"dns","at_ms":1.5,"result":{"name":"dns","status":"pass","duration_ms":1.5,"summary":"ok"}}"#,
            r#"{"name":"tcp","type":"stage","state":"started","at_ms":2,"extra":[1,{"a":null}]}"#,
            r#"{"type":"finding","finding":{"code":"tcp.refused","severity":"fail","summary":"s","evidence":"e"}}"#,
            r#"{"type":"report","report":"{}","signature":"c2ln","key_id":"k","redacted":{"report":"{}","signature":"","key_id":"k"}}"#,
            r#"{"type":"report","report":"{}","signature":"c2ln","key_id":"k"}"#,
            r#"{"type":"error","code":"policy.denied","message":"private address"}"#,
        ];
        for text in messages {
            let serde: ServerMessage = serde_json::from_str(text).expect(text);
            assert_eq!(ServerMessage::from_json(text).expect(text), serde, "{text}");
        }
        for bad in [
            r#"{"type":"nope"}"#,
            r#"{"type":"stage","state":"started"}"#,
            r#"{"state":"started"}"#,
            "[]",
            "nonsense",
        ] {
            assert!(ServerMessage::from_json(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<ServerMessage>(bad).is_err(), "{bad}");
        }
    }

    /// `client` is optional, read as a client id, and left out when absent (the page's requests
    /// stay byte for byte what they were).
    #[test]
    fn probe_requests_name_their_client_or_not() {
        let with: ClientMessage =
            serde_json::from_str(r#"{"type":"probe","target":"h","client":"freerdp"}"#)
                .expect("a request");
        let ClientMessage::Probe(r) = &with;
        assert_eq!(r.client, Some(crate::ClientId::FreeRdp));
        let without: ClientMessage =
            serde_json::from_str(r#"{"type":"probe","target":"h"}"#).expect("a request");
        let ClientMessage::Probe(r) = &without;
        assert_eq!(r.client, None);
        assert!(!serde_json::to_string(&without)
            .expect("serialises")
            .contains("client"));
        assert!(serde_json::from_str::<ClientMessage>(
            r#"{"type":"probe","target":"h","client":"mstsc"}"#
        )
        .is_err());
    }
}
