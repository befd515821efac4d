//! `FaultServer`: an in-process tokio TCP server on 127.0.0.1 that **simulates** failures no
//! real RDP server in the lab produces (closing or resetting after the request, silence, garbage,
//! an HTTP server on the RDP port, negotiation failures, a TLS handshake that dies or stalls, a
//! trickling reply). It is a fake, not an RDP implementation: it reads just enough (one whole
//! TPKT, one whole TLS record) to act at the right moment.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::loopback::LoopbackServer;

/// What the fault server does on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Read the X.224 Connection Request, then close (FIN).
    CloseAfterRequest,
    /// Read the X.224 Connection Request, then reset (SO_LINGER 0 → RST).
    ResetAfterRequest,
    /// Accept and read, never answer, keep the socket open.
    Silent,
    /// Answer the request with bytes that are not TPKT (`de ad be ef …`).
    Garbage,
    /// Answer like nginx: `HTTP/1.1 400 Bad Request`.
    Http,
    /// An 11-byte Connection Confirm without RDP_NEG data (pre-RDP 5.2 server).
    LegacyConfirm,
    /// A Connection Confirm carrying RDP_NEG_FAILURE with this failureCode (1..=6).
    NegFailure(u32),
    /// Select TLS, read the ClientHello, close.
    SelectTlsThenClose,
    /// Select TLS, read the ClientHello, reset.
    SelectTlsThenReset,
    /// Select TLS, read the ClientHello, send a partial TLS record and then nothing.
    SelectTlsThenStall,
    /// Send a valid Connection Confirm selecting standard RDP security, one byte per second.
    Trickle,
    /// Select TLS, read the ClientHello, answer with a fatal TLS alert of this description.
    SelectTlsThenAlert(u8),
}

/// X.224 CC without negotiation data (source-ref 0x1234, like xrdp).
pub const LEGACY_CONFIRM: [u8; 11] = [
    0x03, 0x00, 0x00, 0x0B, 0x06, 0xD0, 0x00, 0x00, 0x12, 0x34, 0x00,
];

/// 19-byte X.224 CC carrying RDP_NEG_RSP with `selected` protocol (0 = RDP, 1 = TLS, 2 = HYBRID).
pub fn confirm_selecting(selected: u32) -> [u8; 19] {
    let mut cc = [
        0x03, 0x00, 0x00, 0x13, 0x0E, 0xD0, 0x00, 0x00, 0x12, 0x34, 0x00, // TPKT + X.224 CC
        0x02, 0x00, 0x08, 0x00, 0, 0, 0, 0, // RDP_NEG_RSP, flags 0, length 8
    ];
    cc[15..19].copy_from_slice(&selected.to_le_bytes());
    cc
}

/// 19-byte X.224 CC carrying RDP_NEG_FAILURE with `code`.
pub fn confirm_failure(code: u32) -> [u8; 19] {
    let mut cc = confirm_selecting(0);
    cc[11] = 0x03;
    cc[15..19].copy_from_slice(&code.to_le_bytes());
    cc
}

/// Not TPKT (first byte is not 3), not TLS, not HTTP.
pub const GARBAGE: [u8; 16] = [
    0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB,
];

pub const HTTP_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n";

/// The start of a TLS handshake record (ServerHello, 64 bytes announced) that never completes.
pub const PARTIAL_TLS_RECORD: [u8; 11] = [
    0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3C, 0x03, 0x03,
];

/// Fatal TLS alert record with `description`.
pub fn tls_alert(description: u8) -> [u8; 7] {
    [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]
}

/// A fault server listening on 127.0.0.1:<port>. Stops (and drops every connection) on drop.
#[derive(Debug)]
pub struct FaultServer {
    pub port: u16,
    pub fault: Fault,
    server: LoopbackServer,
}

impl FaultServer {
    /// Bind 127.0.0.1:0 and serve `fault` on the current tokio runtime.
    pub async fn start(fault: Fault) -> FaultServer {
        let server =
            LoopbackServer::spawn("fault server", move |stream| serve(stream, fault)).await;
        FaultServer {
            port: server.port,
            fault,
            server,
        }
    }

    /// Serve `fault` on a listener the caller bound (another address, another namespace).
    pub fn start_on(listener: std::net::TcpListener, fault: Fault) -> FaultServer {
        let server =
            LoopbackServer::spawn_on("fault server", listener, move |stream| serve(stream, fault));
        FaultServer {
            port: server.port,
            fault,
            server,
        }
    }

    /// How many connections were accepted so far.
    pub fn accepted(&self) -> usize {
        self.server.accepted()
    }
}

/// Read one whole TPKT (4-byte header, big-endian total length). If the first byte is not a TPKT
/// version (3), take whatever one read returns. None on EOF or error.
async fn read_tpkt(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 4];
    let n = stream.read(&mut header[..1]).await.ok()?;
    if n == 0 {
        return None;
    }
    if header[0] != 0x03 {
        let mut rest = vec![0u8; 4096];
        let n = stream.read(&mut rest).await.ok()?;
        let mut out = vec![header[0]];
        out.extend_from_slice(&rest[..n]);
        return Some(out);
    }
    stream.read_exact(&mut header[1..]).await.ok()?;
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let mut body = vec![0u8; len.saturating_sub(4)];
    stream.read_exact(&mut body).await.ok()?;
    let mut out = header.to_vec();
    out.extend_from_slice(&body);
    Some(out)
}

/// Read one whole TLS record (5-byte header, big-endian length): the ClientHello.
async fn read_tls_record(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header).await.ok()?;
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let mut out = header.to_vec();
    out.extend_from_slice(&body);
    Some(out)
}

/// Keep the connection open, discarding input, until the peer closes (bounded: 60 s).
async fn hold_until_peer_closes(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}

async fn send(stream: &mut TcpStream, bytes: &[u8]) -> Option<()> {
    stream.write_all(bytes).await.ok()?;
    stream.flush().await.ok()
}

/// Close so the peer sees RST instead of FIN.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Handle one connection; returning drops the stream (FIN) unless a branch reset it.
async fn serve(mut stream: TcpStream, fault: Fault) {
    if read_tpkt(&mut stream).await.is_none() {
        return;
    }
    let s = &mut stream;
    match fault {
        Fault::CloseAfterRequest => {}
        Fault::ResetAfterRequest => reset(stream),
        Fault::Silent => hold_until_peer_closes(s).await,
        Fault::Garbage => {
            if send(s, &GARBAGE).await.is_some() {
                hold_until_peer_closes(s).await;
            }
        }
        Fault::Http => {
            let _ = send(s, HTTP_400).await;
        }
        Fault::LegacyConfirm => {
            if send(s, &LEGACY_CONFIRM).await.is_some() {
                hold_until_peer_closes(s).await;
            }
        }
        Fault::NegFailure(code) => {
            let _ = send(s, &confirm_failure(code)).await;
        }
        Fault::SelectTlsThenClose => {
            let _ = select_tls_read_hello(s).await;
        }
        Fault::SelectTlsThenReset => {
            if select_tls_read_hello(s).await.is_some() {
                reset(stream);
            }
        }
        Fault::SelectTlsThenStall => {
            if select_tls_read_hello(s).await.is_some()
                && send(s, &PARTIAL_TLS_RECORD).await.is_some()
            {
                hold_until_peer_closes(s).await;
            }
        }
        Fault::Trickle => {
            for byte in confirm_selecting(0) {
                if send(s, &[byte]).await.is_none() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            hold_until_peer_closes(s).await;
        }
        Fault::SelectTlsThenAlert(description) => {
            if select_tls_read_hello(s).await.is_some() {
                let _ = send(s, &tls_alert(description)).await;
            }
        }
    }
}

/// Answer with a CC selecting TLS and read the ClientHello record.
async fn select_tls_read_hello(stream: &mut TcpStream) -> Option<Vec<u8>> {
    send(stream, &confirm_selecting(1)).await?;
    read_tls_record(stream).await
}
