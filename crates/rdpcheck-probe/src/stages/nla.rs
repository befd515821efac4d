//! Credential-free NLA: one CredSSP TSRequest carrying an NTLM NEGOTIATE, then read the CHALLENGE.
//! Stops there. Never sends an AUTHENTICATE message or anything derived from a credential.

use rdpcheck_proto::{credssp, ntlm};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{timeout_at, Instant};

use super::tls::Tls;
use crate::observe::NlaOutcome;

/// CredSSP version we announce (Windows 10+ speak 6).
const CREDSSP_VERSION: u32 = 6;
/// A CHALLENGE-carrying TSRequest is a few hundred bytes; refuse to buffer a hostile length.
const MAX_ANSWER: usize = 64 * 1024;

pub async fn challenge(tls: &mut Tls, deadline: Instant) -> NlaOutcome {
    let request = credssp::ts_request(CREDSSP_VERSION, &ntlm::negotiate_message());
    if let Err(e) = tls.write_all(&request).await {
        return NlaOutcome::NoChallenge(format!("sending the NTLM NEGOTIATE failed: {e}"));
    }
    let _ = tls.flush().await;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let frame = loop {
        match credssp::frame_len(&buf) {
            Ok(Some(len)) if len > MAX_ANSWER => {
                return NlaOutcome::NoChallenge(format!(
                    "the server announced a {len}-byte TSRequest"
                ))
            }
            Ok(Some(len)) if buf.len() >= len => break &buf[..len],
            Ok(_) => {}
            Err(e) => {
                return NlaOutcome::NoChallenge(format!("the answer is not a TSRequest: {e}"))
            }
        }
        match timeout_at(deadline, tls.read(&mut chunk)).await {
            Err(_) => {
                return NlaOutcome::NoChallenge(format!(
                    "no CredSSP answer before the deadline ({} bytes received)",
                    buf.len()
                ))
            }
            Ok(Ok(0)) => {
                return NlaOutcome::NoChallenge(format!(
                    "the server closed the connection after our NTLM NEGOTIATE ({} bytes received)",
                    buf.len()
                ))
            }
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => {
                return NlaOutcome::NoChallenge(format!("reading the answer failed: {e}"))
            }
        }
    };
    let ts = match credssp::parse_ts_request(frame) {
        Ok(ts) => ts,
        Err(e) => return NlaOutcome::NoChallenge(format!("undecodable TSRequest: {e}")),
    };
    if let Some(code) = ts.error_code {
        return NlaOutcome::ServerError(code);
    }
    match ts.nego_token.as_deref().map(ntlm::parse_challenge) {
        Some(Ok(challenge)) => NlaOutcome::Challenge {
            challenge,
            credssp_version: ts.version,
        },
        Some(Err(e)) => NlaOutcome::NoChallenge(format!("undecodable NTLM CHALLENGE: {e}")),
        None => NlaOutcome::NoChallenge("the TSRequest carried no negotiation token".into()),
    }
}
