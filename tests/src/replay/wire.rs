//! Reading and writing whole messages on a replay connection, each within its step deadline.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use rdpcheck_proto::{credssp, tpkt};

use super::STEP;

/// One whole TPKT frame, or None on EOF, error, time-out or a first byte that is not TPKT.
pub(super) async fn read_tpkt(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; tpkt::HEADER_LEN];
    tokio::time::timeout(STEP, stream.read_exact(&mut header))
        .await
        .ok()?
        .ok()?;
    let len = tpkt::frame_len(&header).ok()??;
    let mut frame = header.to_vec();
    frame.resize(len, 0);
    tokio::time::timeout(STEP, stream.read_exact(&mut frame[tpkt::HEADER_LEN..]))
        .await
        .ok()?
        .ok()?;
    Some(frame)
}

/// One whole TLS record (the ClientHello).
pub(super) async fn read_tls_record(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 5];
    tokio::time::timeout(STEP, stream.read_exact(&mut header))
        .await
        .ok()?
        .ok()?;
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut record = header.to_vec();
    record.resize(5 + len, 0);
    tokio::time::timeout(STEP, stream.read_exact(&mut record[5..]))
        .await
        .ok()?
        .ok()?;
    Some(record)
}

/// One whole DER TSRequest from inside TLS.
pub(super) async fn read_ts_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(len) = credssp::frame_len(&buf).ok()? {
            if buf.len() >= len {
                buf.truncate(len);
                return Some(buf);
            }
        }
        let n = tokio::time::timeout(STEP, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

pub(super) async fn send<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> Option<()> {
    stream.write_all(bytes).await.ok()?;
    stream.flush().await.ok()
}

/// Keep the connection open, discarding input, until the peer closes (bounded by [`STEP`]).
pub(super) async fn hold_until_peer_closes<S: AsyncRead + Unpin>(stream: &mut S) {
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(STEP, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}
