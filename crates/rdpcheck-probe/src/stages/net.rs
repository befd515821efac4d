//! TCP connect and the X.224 request/reply exchange shared by every stage that negotiates.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rdpcheck_proto::{sniff, tpkt, x224};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use crate::observe::{ConnectOutcome, ReplyOutcome};

/// The cookie every probe sends: neutral, never a user name.
pub const COOKIE: &str = "rdpcheck";

/// Connect with a deadline; the stream is returned only on success.
pub async fn connect(
    addr: IpAddr,
    port: u16,
    limit: Duration,
) -> (ConnectOutcome, f64, Option<TcpStream>) {
    let start = Instant::now();
    let result = tokio::time::timeout(limit, TcpStream::connect(SocketAddr::new(addr, port))).await;
    let ms = elapsed_ms(start);
    match result {
        Err(_) => (ConnectOutcome::TimedOut, ms, None),
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            (ConnectOutcome::Connected, ms, Some(stream))
        }
        Ok(Err(e)) => (classify_connect_error(&e), ms, None),
    }
}

/// Connect with every segment at most `mss` bytes both ways (TCP_MAXSEG before connect: our
/// SYN announces it, so the server sends small segments too). Linux only; elsewhere None.
pub async fn connect_small_mss(
    addr: IpAddr,
    port: u16,
    mss: u32,
    limit: Duration,
) -> Option<TcpStream> {
    #[cfg(target_os = "linux")]
    {
        let socket = match addr {
            IpAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
            IpAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
        }
        .ok()?;
        socket2::SockRef::from(&socket).set_tcp_mss(mss).ok()?;
        let stream = tokio::time::timeout(limit, socket.connect(SocketAddr::new(addr, port)))
            .await
            .ok()?
            .ok()?;
        let _ = stream.set_nodelay(true);
        Some(stream)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (addr, port, mss, limit);
        None
    }
}

/// Connect like [`connect`], but start over with a fresh SYN whenever one attempt takes longer
/// than `try_limit`: a server whose accept queue is full drops SYNs silently, and the kernel's own
/// retry comes only after its 1 s initial RTO (xrdp's listen backlog is 2, so a burst of probes
/// can meet a full queue). A refusal or unreachable answer ends it at once; `limit` bounds the
/// whole.
pub async fn connect_retrying(
    addr: IpAddr,
    port: u16,
    limit: Duration,
    try_limit: Duration,
) -> (ConnectOutcome, f64, Option<TcpStream>) {
    let start = Instant::now();
    let deadline = start + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (ConnectOutcome::TimedOut, elapsed_ms(start), None);
        }
        let (outcome, _, stream) = connect(addr, port, try_limit.min(left)).await;
        if outcome != ConnectOutcome::TimedOut {
            return (outcome, elapsed_ms(start), stream);
        }
    }
}

fn classify_connect_error(e: &io::Error) -> ConnectOutcome {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => ConnectOutcome::Refused,
        io::ErrorKind::TimedOut => ConnectOutcome::TimedOut,
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            ConnectOutcome::Unreachable(e.to_string())
        }
        _ => ConnectOutcome::Other(e.to_string()),
    }
}

/// Send a Connection Request for `requested` and read the reply until `deadline`.
pub async fn negotiate(stream: &mut TcpStream, requested: u32, deadline: Instant) -> ReplyOutcome {
    let request = x224::connection_request(Some(COOKIE), Some(requested));
    if let Err(e) = stream.write_all(&request).await {
        return io_outcome(&e, 0);
    }
    read_reply(stream, deadline).await
}

/// Read one X.224 reply (or whatever else the peer sends) until `deadline`.
pub async fn read_reply(stream: &mut TcpStream, deadline: Instant) -> ReplyOutcome {
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    let mut chunk = [0u8; 512];
    loop {
        if let Some(done) = judge(&buf) {
            return done;
        }
        quick_ack(stream);
        match timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) if buf.is_empty() => return ReplyOutcome::Silent,
            Err(_) => {
                return ReplyOutcome::Stalled {
                    received: buf.len(),
                }
            }
            Ok(Ok(0)) => {
                return ReplyOutcome::Closed {
                    received: buf.len(),
                }
            }
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => return io_outcome(&e, buf.len()),
        }
    }
}

/// Decide on the bytes so far: `None` means keep reading.
fn judge(buf: &[u8]) -> Option<ReplyOutcome> {
    if buf.is_empty() {
        return None;
    }
    if buf[0] != tpkt::VERSION || (buf.len() >= 2 && buf[1] != 0) {
        return Some(ReplyOutcome::NotRdp {
            peer: sniff::classify(buf).describe(),
            bytes: buf.to_vec(),
        });
    }
    let len = match tpkt::frame_len(buf) {
        Ok(None) => return None,
        Ok(Some(len)) => len,
        Err(e) => {
            return Some(ReplyOutcome::Malformed {
                error: e.to_string(),
                bytes: buf.to_vec(),
            })
        }
    };
    if buf.len() < len {
        return None;
    }
    let frame = buf[..len].to_vec();
    Some(match x224::decode_reply(&frame) {
        Ok(x224::Reply::Confirm {
            negotiation,
            src_ref,
            ..
        }) => ReplyOutcome::Confirm {
            negotiation,
            src_ref,
            bytes: frame,
        },
        Ok(x224::Reply::Disconnect { reason }) => ReplyOutcome::Disconnect {
            detail: format!("X.224 Disconnect Request (reason {reason})"),
            bytes: frame,
        },
        Ok(x224::Reply::Data { payload }) if x224::is_disconnect_provider_ultimatum(&payload) => {
            ReplyOutcome::Disconnect {
                detail: "MCS Disconnect Provider Ultimatum".into(),
                bytes: frame,
            }
        }
        Ok(x224::Reply::Data { .. }) => ReplyOutcome::Malformed {
            error: "a data TPDU where a connection confirm belongs".into(),
            bytes: frame,
        },
        Err(e) => ReplyOutcome::Malformed {
            error: e.to_string(),
            bytes: frame,
        },
    })
}

fn io_outcome(e: &io::Error, received: usize) -> ReplyOutcome {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            ReplyOutcome::Reset { received }
        }
        io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof => {
            ReplyOutcome::Closed { received }
        }
        _ => ReplyOutcome::Io(e.to_string()),
    }
}

/// Acknowledge the server's segments at once. A server that writes its confirm in two segments
/// with Nagle on (FreeRDP does) otherwise waits for our delayed ACK: 40 ms per exchange that a
/// client would not see as the server's own latency. Linux resets the flag after each read.
pub fn quick_ack(stream: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stream;
}

pub fn elapsed_ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Connect and negotiate on a fresh connection; the stream stays open for what follows.
/// `try_limit`: see [`connect_retrying`] (`None`: one attempt).
pub async fn connect_and_negotiate(
    addr: IpAddr,
    port: u16,
    requested: u32,
    connect_limit: Duration,
    try_limit: Option<Duration>,
    reply_limit: Duration,
) -> (ReplyOutcome, Option<TcpStream>) {
    let (outcome, _, stream) = match try_limit {
        Some(each) => connect_retrying(addr, port, connect_limit, each).await,
        None => connect(addr, port, connect_limit).await,
    };
    let Some(mut stream) = stream else {
        return (ReplyOutcome::ConnectFailed(outcome), None);
    };
    let reply = negotiate(&mut stream, requested, Instant::now() + reply_limit).await;
    (reply, Some(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_waits_for_a_whole_frame() {
        assert_eq!(judge(&[]), None);
        assert_eq!(judge(&[3, 0, 0]), None);
        assert_eq!(judge(&[3, 0, 0, 0x13, 0x0e, 0xd0]), None);
    }

    #[test]
    fn judge_names_other_protocols() {
        let Some(ReplyOutcome::NotRdp { peer, .. }) = judge(b"HTTP/1.1 400 Bad Request\r\n") else {
            panic!("not classified")
        };
        assert!(peer.contains("HTTP"), "{peer}");
    }

    #[test]
    fn judge_decodes_a_confirm() {
        let cc = [
            3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0x1f, 8, 0, 2, 0, 0, 0,
        ];
        assert!(matches!(
            judge(&cc),
            Some(ReplyOutcome::Confirm {
                src_ref: 0x1234,
                ..
            })
        ));
    }

    /// A listener with a tiny accept queue that never accepts (its queue fills at once).
    fn full_queue_listener() -> (socket2::Socket, u16, Vec<std::net::TcpStream>) {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        let any = SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0));
        socket.bind(&any.into()).expect("bind");
        socket.listen(0).expect("listen");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port());
        // Fill the queue (backlog 0 holds one; a second may squeeze in): later SYNs are dropped.
        let mut held = Vec::new();
        for _ in 0..3 {
            let addr = SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port));
            if let Ok(s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                held.push(s);
            }
        }
        (socket, port, held)
    }

    #[tokio::test]
    async fn a_refusal_ends_the_retries_at_once() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = closed.local_addr().expect("addr").port();
        drop(closed);
        let local = IpAddr::from([127, 0, 0, 1]);
        let (outcome, _, stream) = connect_retrying(
            local,
            port,
            Duration::from_secs(5),
            Duration::from_millis(50),
        )
        .await;
        assert_eq!(outcome, ConnectOutcome::Refused);
        assert!(stream.is_none());
    }

    #[tokio::test]
    async fn a_dropped_syn_is_retried_until_the_queue_frees() {
        let (listener, port, _held) = full_queue_listener();
        let local = IpAddr::from([127, 0, 0, 1]);
        // Nothing is accepted: every attempt times out, and the whole limit is honoured.
        let (outcome, _, _) = connect_retrying(
            local,
            port,
            Duration::from_millis(400),
            Duration::from_millis(100),
        )
        .await;
        assert_eq!(outcome, ConnectOutcome::TimedOut);
        // Free the queue a little later: a fresh SYN gets through.
        let accepter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            // Drain the queue for a while (bounded), so the retried SYN finds room.
            let _ = listener.set_nonblocking(true);
            let until = std::time::Instant::now() + Duration::from_secs(3);
            let mut accepted = Vec::new();
            while std::time::Instant::now() < until {
                match listener.accept() {
                    Ok(conn) => accepted.push(conn),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
            accepted
        });
        let (outcome, _, stream) = connect_retrying(
            local,
            port,
            Duration::from_secs(5),
            Duration::from_millis(100),
        )
        .await;
        assert_eq!(outcome, ConnectOutcome::Connected);
        assert!(stream.is_some());
        drop(stream);
        let _ = accepter.join();
    }
}
