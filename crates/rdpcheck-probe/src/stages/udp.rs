//! RDP-UDP reachability: a padded SYN datagram to the host's UDP port, up to three tries.
//! Silence proves nothing (filtered, dropped, or a listener that ignores unsolicited SYNs).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rdpcheck_proto::rdpudp;
use tokio::net::UdpSocket;
use tokio::time::Instant;

use super::net::elapsed_ms;
use crate::observe::UdpOutcome;

const TRIES: u32 = 3;
const RECEIVE_WINDOW: u16 = 64;

pub async fn probe(addr: IpAddr, port: u16, wait: Duration) -> UdpOutcome {
    let bind: SocketAddr = match addr {
        IpAddr::V4(_) => "0.0.0.0:0"
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0))),
        IpAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
    };
    let socket = match UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => return UdpOutcome::Error(format!("cannot open a UDP socket: {e}")),
    };
    // Connected, so an ICMP port-unreachable comes back as ECONNREFUSED on the next receive.
    if let Err(e) = socket.connect(SocketAddr::new(addr, port)).await {
        return UdpOutcome::Error(format!("cannot address {addr}:{port}: {e}"));
    }
    let isn: u32 = rand::random();
    let syn = rdpudp::syn_datagram(isn, RECEIVE_WINDOW);
    let mut buf = vec![0u8; 2048];
    let mut unexpected = None;
    for attempt in 1..=TRIES {
        let start = Instant::now();
        if let Err(e) = socket.send(&syn).await {
            if port_unreachable(&e) {
                return UdpOutcome::Closed { tries: attempt };
            }
            return UdpOutcome::Error(format!("sending the SYN failed: {e}"));
        }
        let deadline = start + wait;
        loop {
            match tokio::time::timeout_at(deadline, socket.recv(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) if port_unreachable(&e) => return UdpOutcome::Closed { tries: attempt },
                Ok(Err(e)) => return UdpOutcome::Error(format!("receiving failed: {e}")),
                Ok(Ok(n)) => match rdpudp::parse_reply(&buf[..n], isn) {
                    Ok(rdpudp::UdpReply::SynAck { version, .. }) => {
                        return UdpOutcome::SynAck {
                            tries: attempt,
                            rtt_ms: elapsed_ms(start),
                            version,
                        }
                    }
                    _ => unexpected = Some(buf[..n.min(64)].to_vec()),
                },
            }
        }
    }
    match unexpected {
        Some(bytes) => UdpOutcome::Unexpected {
            tries: TRIES,
            bytes,
        },
        None => UdpOutcome::Silent { tries: TRIES },
    }
}

/// An ICMP port unreachable, as the socket reports it: ECONNREFUSED on Linux; on Windows
/// WSAECONNRESET ("on a UDP-datagram socket this error indicates a previous send operation
/// resulted in an ICMP Port Unreachable message", Winsock recv/recvfrom).
fn port_unreachable(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ConnectionRefused
        || (cfg!(windows) && e.kind() == io::ErrorKind::ConnectionReset)
}
