//! The kernel's own view of a probe connection (round trip, retransmissions, MSS), read just
//! before the probe lets the connection go. Linux only; elsewhere nothing (`None`).

#[cfg(target_os = "linux")]
mod linux;
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
mod parse;

use rdpcheck_report::TcpStats;
use tokio::net::TcpStream;

/// What the kernel knows about `stream` now, labelled `connection`; None where it cannot tell.
pub fn read(stream: &TcpStream, connection: &str) -> Option<TcpStats> {
    #[cfg(target_os = "linux")]
    {
        let (local, peer) = (stream.local_addr().ok()?, stream.peer_addr().ok()?);
        let info = linux::query(local, peer).ok()?;
        parse::stats(&info, connection)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (stream, connection);
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// The offsets hold on this kernel: a loopback connection that moved data has an MSS, a
    /// round trip and segments, and no retransmissions.
    #[tokio::test]
    async fn reads_a_real_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.expect("read");
            s.write_all(b"world").await.expect("write");
        });
        let mut client = TcpStream::connect(addr).await.expect("connect");
        client.write_all(b"hello").await.expect("write");
        let mut buf = [0u8; 5];
        client.read_exact(&mut buf).await.expect("read");
        let s = read(&client, "main").expect("kernel figures");
        server.await.expect("server");
        assert_eq!(s.connection, "main");
        assert!(s.snd_mss > 500 && s.snd_mss <= 65_535, "{s:?}");
        assert!(s.rtt_ms > 0.0 && s.rtt_ms < 1000.0, "{s:?}");
        assert!(s.segs_out >= 2 && s.segs_in >= 2, "{s:?}");
        assert_eq!(s.retransmits, 0, "{s:?}");
    }
}
