//! `UdpResponder`: an in-process **fake** RDP-UDP listener on 127.0.0.1. It exists by necessity:
//! no RDP-UDP server runs on Linux (xrdp and the FreeRDP shadow server listen on TCP only), so the
//! UDP stage cannot meet a real one in the lab. It does only the first step of MS-RDPEUDP's
//! handshake (3.1.5.1.3): a valid SYN gets a SYN+ACK whose snSourceAck is the SYN's
//! snInitialSequenceNumber — or, depending on [`UdpBehavior`], silence, garbage, or a SYN+ACK
//! for someone else's SYN.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::{Arc, Mutex};

use rdpcheck_proto::rdpudp::{flags, version, MTU_MAX, SYN_DATAGRAM_LEN};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

/// What the responder does with each datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpBehavior {
    /// Answer a valid SYN like a Windows server: SYN|ACK (plus SYNEX and a SYNDATAEX choosing
    /// the highest common version, at most v2, when the SYN carried one), server ISN, MTUs 1232,
    /// padded to 1232 bytes.
    SynAck,
    /// Answer a valid SYN with a plain v1 SYN+ACK: flags SYN|ACK (0x0005), no SYNDATAEX.
    SynAckV1,
    /// Read and ignore everything.
    Silent,
    /// Answer every datagram with 16 bytes that are not a SYN+ACK.
    Garbage,
    /// Answer a valid SYN with a well-formed SYN+ACK whose snSourceAck is NOT the SYN's ISN
    /// (an answer to someone else's SYN).
    WrongAck,
}

/// The server's own initial sequence number in every SYN+ACK.
pub const SERVER_ISN: u32 = 0xCAFE_BABE;

/// What [`UdpBehavior::Garbage`] sends: flags 0 (no SYN, no ACK).
pub const GARBAGE: [u8; 16] = [
    0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
];

/// A valid client SYN, as far as the responder checks: at least 16 bytes, snSourceAck -1,
/// SYN set and ACK clear. Returns (ISN, offered uUdpVer if a SYNDATAEX says so).
pub fn parse_syn(datagram: &[u8]) -> Option<(u32, Option<u16>)> {
    let header = datagram.get(..16)?;
    let source_ack = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let f = u16::from_be_bytes([header[6], header[7]]);
    if source_ack != u32::MAX || f & flags::SYN == 0 || f & flags::ACK != 0 {
        return None;
    }
    let isn = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let mut offered = None;
    if f & flags::SYNEX != 0 {
        let at = if f & flags::CORRELATION_ID != 0 {
            16 + 32
        } else {
            16
        };
        if let Some(ex) = datagram.get(at..at + 4) {
            if u16::from_be_bytes([ex[0], ex[1]]) & 0x0001 != 0 {
                offered = Some(u16::from_be_bytes([ex[2], ex[3]]));
            }
        }
    }
    Some((isn, offered))
}

/// The SYN+ACK answering a SYN with `client_isn` (MS-RDPEUDP 3.1.5.1.3), padded to 1232 bytes.
/// `version`: `Some(v)` adds SYNEX and a SYNDATAEX with VERSION_INFO_VALID and uUdpVer `v`.
pub fn syn_ack(client_isn: u32, version: Option<u16>) -> Vec<u8> {
    let mut f = flags::SYN | flags::ACK;
    if version.is_some() {
        f |= flags::SYNEX;
    }
    let mut out = Vec::with_capacity(SYN_DATAGRAM_LEN);
    out.extend_from_slice(&client_isn.to_be_bytes());
    out.extend_from_slice(&64u16.to_be_bytes());
    out.extend_from_slice(&f.to_be_bytes());
    out.extend_from_slice(&SERVER_ISN.to_be_bytes());
    out.extend_from_slice(&MTU_MAX.to_be_bytes());
    out.extend_from_slice(&MTU_MAX.to_be_bytes());
    if let Some(v) = version {
        out.extend_from_slice(&0x0001u16.to_be_bytes());
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.resize(SYN_DATAGRAM_LEN, 0);
    out
}

/// The version a server supporting v1 and v2 picks for an offer (`None`: no SYNDATAEX).
fn chosen_version(offered: Option<u16>) -> Option<u16> {
    offered.map(|v| {
        if v >= version::V2 {
            version::V2
        } else {
            version::V1
        }
    })
}

/// Every datagram received, in order (length and the first 16 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub len: usize,
    pub head: Vec<u8>,
    /// Whether it was a valid SYN (see [`parse_syn`]).
    pub valid_syn: bool,
}

/// A running fake RDP-UDP listener; the task stops on drop.
#[derive(Debug)]
pub struct UdpResponder {
    pub port: u16,
    pub behavior: UdpBehavior,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl UdpResponder {
    /// Bind 127.0.0.1:0 (UDP) and serve `behavior` on the current tokio runtime.
    pub async fn start(behavior: UdpBehavior) -> UdpResponder {
        UdpResponder::start_on(0, behavior).await
    }

    /// Bind 127.0.0.1:`port` (UDP; 0 for any), e.g. the port number a TCP server already uses.
    pub async fn start_on(port: u16, behavior: UdpBehavior) -> UdpResponder {
        let socket = StdUdpSocket::bind((Ipv4Addr::LOCALHOST, port))
            .unwrap_or_else(|e| panic!("bind UDP 127.0.0.1:{port}: {e}"));
        UdpResponder::serve(socket, behavior)
    }

    /// Serve `behavior` on a socket bound elsewhere (e.g. inside a network namespace: the
    /// socket stays there), on the current tokio runtime.
    pub fn serve(socket: StdUdpSocket, behavior: UdpBehavior) -> UdpResponder {
        socket
            .set_nonblocking(true)
            .expect("non-blocking UDP socket");
        let socket = UdpSocket::from_std(socket).expect("a UDP socket on this runtime");
        let port = socket.local_addr().expect("local_addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            let mut buf = vec![0u8; 65_536];
            loop {
                let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                    continue;
                };
                let datagram = &buf[..n];
                let syn = parse_syn(datagram);
                if let Ok(mut log) = log.lock() {
                    log.push(Received {
                        len: n,
                        head: datagram[..n.min(16)].to_vec(),
                        valid_syn: syn.is_some(),
                    });
                }
                let reply = match (behavior, syn) {
                    (UdpBehavior::Silent, _) => None,
                    (UdpBehavior::Garbage, _) => Some(GARBAGE.to_vec()),
                    (UdpBehavior::SynAck, Some((isn, offered))) => {
                        Some(syn_ack(isn, chosen_version(offered)))
                    }
                    (UdpBehavior::SynAckV1, Some((isn, _))) => Some(syn_ack(isn, None)),
                    (UdpBehavior::WrongAck, Some((isn, offered))) => {
                        Some(syn_ack(isn.wrapping_add(1), chosen_version(offered)))
                    }
                    // Not a SYN: a real listener drops it.
                    (_, None) => None,
                };
                if let Some(reply) = reply {
                    let _ = socket.send_to(&reply, peer).await;
                }
            }
        });
        UdpResponder {
            port,
            behavior,
            received,
            task,
        }
    }

    /// The datagrams received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for UdpResponder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A UDP port on 127.0.0.1 where nothing listens: bind port 0, note the port, drop the socket.
/// A datagram sent there draws an ICMP port unreachable.
pub fn closed_udp_port() -> u16 {
    let socket =
        StdUdpSocket::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).expect("bind UDP port 0");
    socket.local_addr().expect("local_addr").port()
}
