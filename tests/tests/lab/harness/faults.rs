//! Each fault mode of the fault server, on the wire.

use std::io::ErrorKind;
use std::time::Duration;

use rdpcheck_labtests::fault::{
    confirm_selecting, tls_alert, GARBAGE, HTTP_400, LEGACY_CONFIRM, PARTIAL_TLS_RECORD,
};
use rdpcheck_labtests::{Fault, FaultServer};
use rdpcheck_proto::x224::{self, protocol, FailureCode, Negotiation, RspFlags};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::negotiation;

/// Connect, send a CR, return the stream.
async fn send_cr(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(&x224::connection_request(None, Some(protocol::SSL)))
        .await
        .expect("send CR");
    s
}

/// Read until EOF (Ok(bytes)) or error (Err(kind)), at most `limit`.
async fn read_all(s: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, ErrorKind> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    let res = tokio::time::timeout(limit, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return Err(e.kind()),
            }
        }
    })
    .await;
    match res {
        Ok(Ok(())) => Ok(out),
        Ok(Err(kind)) => Err(kind),
        Err(_) => Err(ErrorKind::TimedOut),
    }
}

/// A minimal TLS record standing in for a ClientHello (the server only frames it).
const FAKE_HELLO: [u8; 9] = [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_modes_on_the_wire() {
    let short = Duration::from_millis(500);

    let server = FaultServer::start(Fault::CloseAfterRequest).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Ok(vec![])
    );
    assert_eq!(server.accepted(), 1);

    let server = FaultServer::start(Fault::ResetAfterRequest).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Err(ErrorKind::ConnectionReset)
    );

    let server = FaultServer::start(Fault::Silent).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Err(ErrorKind::TimedOut)
    );

    let server = FaultServer::start(Fault::Garbage).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; GARBAGE.len()];
    s.read_exact(&mut buf).await.expect("garbage");
    assert_eq!(buf, GARBAGE);

    let server = FaultServer::start(Fault::Http).await;
    assert_eq!(
        read_all(&mut send_cr(server.port).await, short).await,
        Ok(HTTP_400.to_vec())
    );

    let server = FaultServer::start(Fault::LegacyConfirm).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; LEGACY_CONFIRM.len()];
    s.read_exact(&mut buf).await.expect("legacy CC");
    assert_eq!(
        negotiation(x224::decode_reply(&buf).expect("decode")),
        Negotiation::Legacy
    );

    for code in 1..=6u32 {
        let server = FaultServer::start(Fault::NegFailure(code)).await;
        let bytes = read_all(&mut send_cr(server.port).await, short)
            .await
            .expect("failure CC");
        assert_eq!(
            negotiation(x224::decode_reply(&bytes).expect("decode")),
            Negotiation::Failure(FailureCode::from_u32(code))
        );
    }

    let tls_cc = confirm_selecting(protocol::SSL);
    assert_eq!(
        negotiation(x224::decode_reply(&tls_cc).expect("decode")),
        Negotiation::Selected {
            selected: protocol::SSL,
            flags: RspFlags(0)
        }
    );
    for (fault, expect) in [
        (Fault::SelectTlsThenClose, Ok(vec![])),
        (Fault::SelectTlsThenReset, Err(ErrorKind::ConnectionReset)),
        (Fault::SelectTlsThenStall, Err(ErrorKind::TimedOut)),
        (Fault::SelectTlsThenAlert(40), Ok(tls_alert(40).to_vec())),
    ] {
        let server = FaultServer::start(fault).await;
        let mut s = send_cr(server.port).await;
        let mut cc = [0u8; 19];
        s.read_exact(&mut cc).await.expect("CC");
        assert_eq!(cc, tls_cc, "{fault:?}");
        s.write_all(&FAKE_HELLO).await.expect("hello");
        let got = read_all(&mut s, short).await;
        if fault == Fault::SelectTlsThenStall {
            // The partial record arrives, then nothing.
            let mut s2 = send_cr(server.port).await;
            let mut buf = [0u8; 19 + PARTIAL_TLS_RECORD.len()];
            s2.write_all(&FAKE_HELLO).await.expect("hello");
            s2.read_exact(&mut buf).await.expect("partial record");
            assert_eq!(&buf[19..], PARTIAL_TLS_RECORD);
        }
        assert_eq!(got, expect, "{fault:?}");
    }

    let server = FaultServer::start(Fault::Trickle).await;
    let mut s = send_cr(server.port).await;
    let mut buf = [0u8; 19];
    let n = tokio::time::timeout(Duration::from_millis(1500), s.read(&mut buf))
        .await
        .expect("first byte")
        .expect("read");
    assert_eq!(n, 1, "trickle sends one byte at a time");
}
