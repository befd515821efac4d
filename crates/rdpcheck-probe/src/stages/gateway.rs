//! The RD Gateway hop (MS-TSGU HTTP transport), unauthenticated: TLS as the client validates it,
//! then `RDG_OUT_DATA /remoteDesktopGateway/` without credentials. A live gateway answers 401.

use std::net::IpAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;

use super::{http, net, tls, trust};
use crate::observe::{GatewayTls, HttpOutcome};

/// A fresh `{GUID}` for RDG-Connection-Id, as the client sends one per connection.
fn guid() -> String {
    let b: [u8; 16] = rand::random();
    let hex =
        |r: std::ops::Range<usize>| b[r].iter().map(|x| format!("{x:02X}")).collect::<String>();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        hex(0..4),
        hex(4..6),
        hex(6..8),
        hex(8..10),
        hex(10..16)
    )
}

/// TLS with the record-only verifier (so a bad certificate is still recorded), then trust checked
/// the way the client checks it.
pub async fn tls_stage(
    stream: TcpStream,
    host: &str,
    extra_roots: &[Vec<u8>],
    deadline: Instant,
) -> (GatewayTls, Option<tls::Tls>) {
    match tls::handshake(stream, host, true, deadline).await {
        Err(e) => (
            GatewayTls::Failed {
                failure: e.failure,
                received: e.received,
            },
            None,
        ),
        Ok((stream, session)) => {
            let chain: Vec<Vec<u8>> = stream
                .get_ref()
                .1
                .peer_certificates()
                .unwrap_or(&[])
                .iter()
                .map(|c| c.as_ref().to_vec())
                .collect();
            let trust = trust::verify(&chain, host, extra_roots);
            (GatewayTls::Established { session, trust }, Some(stream))
        }
    }
}

pub async fn rdg_out_data(stream: tls::Tls, host: &str, deadline: Instant) -> HttpOutcome {
    let headers = [
        ("Accept", "*/*".to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("Pragma", "no-cache".to_string()),
        ("Connection", "Keep-Alive".to_string()),
        ("User-Agent", "MS-RDGateway/1.0".to_string()),
        ("RDG-Connection-Id", guid()),
    ];
    http::request(
        stream,
        host,
        "RDG_OUT_DATA",
        "/remoteDesktopGateway/",
        &headers,
        deadline,
    )
    .await
}

/// The legacy RPC-over-HTTP proxy on a fresh connection (RD Gateway's fallback, also Exchange's).
pub async fn rpc_in_data(
    addr: IpAddr,
    port: u16,
    host: &str,
    connect: Duration,
    reply: Duration,
) -> Option<HttpOutcome> {
    let (_, _, stream) = net::connect(addr, port, connect).await;
    // Trust was judged on the first connection; this one only asks a question.
    let (tls_stream, _) = tls::handshake(stream?, host, true, Instant::now() + reply)
        .await
        .ok()?;
    let headers = [
        ("Accept", "application/rpc".to_string()),
        ("User-Agent", "MSRPC".to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("Connection", "Keep-Alive".to_string()),
        ("Content-Length", "0".to_string()),
    ];
    Some(
        http::request(
            tls_stream,
            host,
            "RPC_IN_DATA",
            "/rpc/rpcproxy.dll?localhost:3388",
            &headers,
            Instant::now() + reply,
        )
        .await,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn guid_shape() {
        let g = super::guid();
        assert_eq!(g.len(), 38);
        assert!(g.starts_with('{') && g.ends_with('}'));
        assert_eq!(g.matches('-').count(), 4);
    }
}
