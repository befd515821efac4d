//! The relay's side of `rdpcheck probe --relay URL`: a client of its WebSocket protocol v1
//! (relay/PROTOCOL.md). Reads the relay's key (`GET /api/v1/key`), sends the probe request, passes
//! the relay's stage messages on, and returns its signed report verified against that key — or
//! why there is none (the relay's own refusal code, or `relay.*` for trouble reaching it).
//! Every wait has a deadline.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rdpcheck_report::wire::{
    ClientMessage, ProbeRequest, PublicKeyInfo, ServerMessage, SignedReport,
};
use rdpcheck_report::{failure_code, share, RelayFailure, StageResult};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedSender;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// The most a key answer may hold.
const MAX_KEY_BYTES: usize = 16 * 1024;
/// The most one relay message may hold (a report with a long certificate chain, twice).
const MAX_MESSAGE_BYTES: usize = 8 << 20;
/// Connecting, the TLS handshake, the upgrade, the key: each step.
const STEP: Duration = Duration::from_secs(10);

mod url;
pub use url::RelayUrl;

/// The relay's signed report, verified.
#[derive(Debug, Clone)]
pub struct RelayReport {
    pub signed: SignedReport,
    pub redacted: Option<SignedReport>,
    pub public_key: String,
}

/// What the relay session needs besides the request.
pub struct Session {
    pub url: RelayUrl,
    pub token: Option<String>,
    /// Extra trust anchors (DER) for an HTTPS relay.
    pub extra_roots: Vec<Vec<u8>>,
    /// The whole session (key, upgrade, probe, report) must end within this.
    pub deadline: Duration,
}

fn failure(code: &str, message: impl Into<String>) -> RelayFailure {
    RelayFailure {
        code: code.to_string(),
        message: message.into(),
    }
}

/// Run one probe on the relay; stage results go to `stages` as they arrive.
pub async fn check(
    session: &Session,
    request: ProbeRequest,
    stages: Option<UnboundedSender<StageResult>>,
) -> Result<RelayReport, RelayFailure> {
    let run = async {
        let key = fetch_key(session).await?;
        let signed = probe(session, request, stages).await?;
        verify(signed, key)
    };
    match tokio::time::timeout(session.deadline, run).await {
        Ok(result) => result,
        Err(_) => Err(failure(
            failure_code::PROTOCOL,
            format!(
                "no report from the relay within {} s",
                session.deadline.as_secs()
            ),
        )),
    }
}

fn verify(
    (signed, redacted): (SignedReport, Option<SignedReport>),
    key: PublicKeyInfo,
) -> Result<RelayReport, RelayFailure> {
    let invalid = |what: &str| {
        failure(
            failure_code::SIGNATURE_INVALID,
            format!("{what} (key {}); it is not used", key.key_id),
        )
    };
    if signed.key_id != key.key_id {
        return Err(invalid(&format!(
            "the report is signed by key {}, but the relay's key is another",
            signed.key_id
        )));
    }
    if !share::verify(&signed, &key.public_key) {
        return Err(invalid(
            "the relay's report does not verify against the relay's own key",
        ));
    }
    // A redacted copy that does not verify is left out; the full report stands.
    let redacted = redacted.filter(|r| r.key_id == key.key_id && share::verify(r, &key.public_key));
    Ok(RelayReport {
        signed,
        redacted,
        public_key: key.public_key,
    })
}

/// A byte stream to the relay: TCP, or TLS over TCP.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

async fn connect(session: &Session) -> Result<Box<dyn Io>, RelayFailure> {
    let url = &session.url;
    let unreachable = |e: String| {
        failure(
            failure_code::UNREACHABLE,
            format!("cannot reach the relay at {}: {e}", url.page_url()),
        )
    };
    let tcp = tokio::time::timeout(STEP, TcpStream::connect((url.host.as_str(), url.port)))
        .await
        .map_err(|_| unreachable(format!("no connection within {} s", STEP.as_secs())))?
        .map_err(|e| unreachable(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    if !url.tls {
        return Ok(Box::new(tcp));
    }
    let config = tls_config(&session.extra_roots).map_err(unreachable)?;
    let name = rustls::pki_types::ServerName::try_from(url.host.clone())
        .map_err(|e| unreachable(e.to_string()))?;
    let tls = tokio::time::timeout(
        STEP,
        tokio_rustls::TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .map_err(|_| unreachable("the TLS handshake did not finish".into()))?
    .map_err(|e| unreachable(format!("TLS: {e}")))?;
    Ok(Box::new(tls))
}

/// Public web roots, the platform's roots and `extra` (DER).
fn tls_config(extra: &[Vec<u8>]) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let _ = roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let _ = roots.add_parsable_certificates(
        extra
            .iter()
            .map(|d| rustls::pki_types::CertificateDer::from(d.clone())),
    );
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// `GET /api/v1/key`.
async fn fetch_key(session: &Session) -> Result<PublicKeyInfo, RelayFailure> {
    let url = &session.url;
    let no_key = |e: String| {
        failure(
            failure_code::NO_KEY,
            format!(
                "cannot read the relay's key from {}/api/v1/key: {e}",
                url.page_url()
            ),
        )
    };
    let stream = connect(session).await?;
    let exchange = async {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| no_key(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let req = hyper::Request::builder()
            .uri(format!("{}/api/v1/key", url.prefix))
            .header("Host", url.authority.as_str())
            .header("Accept", "application/json")
            .body(Empty::<Bytes>::new())
            .map_err(|e| no_key(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| no_key(e.to_string()))?;
        let status = resp.status();
        let body = Limited::new(resp.into_body(), MAX_KEY_BYTES)
            .collect()
            .await
            .map_err(|e| no_key(e.to_string()))?
            .to_bytes();
        let text = String::from_utf8_lossy(&body);
        if !status.is_success() {
            // A refusal of the relay's own (a name it is not served under) says why in its body.
            let code = refusal_code(status.as_u16());
            return Err(match text.trim() {
                why if code != failure_code::NO_KEY && !why.is_empty() => failure(code, why),
                why => failure(code, no_key(format!("HTTP {status}: {why}")).message),
            });
        }
        let key: PublicKeyInfo =
            serde_json::from_str(&text).map_err(|e| no_key(format!("not a key ({e})")))?;
        if key.algorithm != "Ed25519" {
            return Err(no_key(format!("unknown algorithm {:?}", key.algorithm)));
        }
        Ok(key)
    };
    tokio::time::timeout(STEP, exchange)
        .await
        .map_err(|_| no_key(format!("no answer within {} s", STEP.as_secs())))?
}

/// The WebSocket session: upgrade, request, stream, report.
async fn probe(
    session: &Session,
    request: ProbeRequest,
    stages: Option<UnboundedSender<StageResult>>,
) -> Result<(SignedReport, Option<SignedReport>), RelayFailure> {
    let url = session.url.probe_url();
    let broken = |e: String| failure(failure_code::PROTOCOL, e);
    let mut req = url
        .as_str()
        .into_client_request()
        .map_err(|e| broken(format!("{url}: {e}")))?;
    if let Some(token) = &session.token {
        let value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| broken("the token has characters a header cannot carry".into()))?;
        req.headers_mut().insert("Authorization", value);
    }
    let stream = connect(session).await?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let (mut ws, _) = tokio::time::timeout(
        STEP,
        tokio_tungstenite::client_async_with_config(req, stream, Some(config)),
    )
    .await
    .map_err(|_| {
        failure(
            failure_code::UNREACHABLE,
            format!("{url}: the WebSocket upgrade did not finish"),
        )
    })?
    .map_err(|e| upgrade_refused(&url, e))?;
    let text =
        serde_json::to_string(&ClientMessage::Probe(request)).map_err(|e| broken(e.to_string()))?;
    ws.send(Message::text(text))
        .await
        .map_err(|e| broken(format!("sending the request: {e}")))?;
    while let Some(message) = ws.next().await {
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(frame)) => {
                return Err(broken(format!(
                    "the relay closed the connection without a report{}",
                    frame
                        .map(|f| format!(" (close {})", u16::from(f.code)))
                        .unwrap_or_default()
                )))
            }
            Ok(_) => continue,
            Err(e) => return Err(broken(format!("reading from the relay: {e}"))),
        };
        match ServerMessage::from_json(&text) {
            Ok(ServerMessage::Stage {
                result: Some(result),
                ..
            }) => {
                if let Some(tx) = &stages {
                    let _ = tx.send(result);
                }
            }
            Ok(ServerMessage::Stage { .. } | ServerMessage::Finding { .. }) => {}
            Ok(ServerMessage::Report {
                report,
                signature,
                key_id,
                redacted,
            }) => {
                let _ = ws.close(None).await;
                return Ok((
                    SignedReport {
                        report,
                        signature,
                        key_id,
                    },
                    redacted,
                ));
            }
            Ok(ServerMessage::Error { code, message }) => {
                let _ = ws.close(None).await;
                return Err(failure(&code, message));
            }
            Err(e) => {
                return Err(broken(format!(
                    "a message the relay sent is not protocol v1: {e}"
                )))
            }
        }
    }
    Err(broken(
        "the relay ended the connection without a report".into(),
    ))
}

/// The code for an HTTP refusal before any WebSocket: the relay's own for a missing token (401,
/// 403) and a name it is not served under (421); otherwise the relay's key could not be read.
fn refusal_code(status: u16) -> &'static str {
    use rdpcheck_report::wire::error_code;
    match status {
        401 | 403 => error_code::AUTH_REQUIRED,
        421 => error_code::HOST_DENIED,
        _ => failure_code::NO_KEY,
    }
}

/// A refused upgrade: before the WebSocket, the relay answers with an HTTP status (421 for a
/// name it is not served under, 503 over a connection cap, 404 for no relay at that path).
fn upgrade_refused(url: &str, e: tokio_tungstenite::tungstenite::Error) -> RelayFailure {
    use tokio_tungstenite::tungstenite::Error;
    match e {
        Error::Http(resp) => {
            let body = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .unwrap_or_default();
            let status = resp.status();
            let code = match refusal_code(status.as_u16()) {
                failure_code::NO_KEY => failure_code::UNREACHABLE,
                other => other,
            };
            failure(
                code,
                format!(
                    "{url}: the relay refused the WebSocket with HTTP {status}{}",
                    if body.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", body.chars().take(200).collect::<String>())
                    }
                ),
            )
        }
        other => failure(failure_code::UNREACHABLE, format!("{url}: {other}")),
    }
}

#[cfg(test)]
mod tests;
