//! impair-forwarder: a two-port userspace bridge for the network lab (tests/src/impair/). It
//! reads every frame arriving on one interface through an AF_PACKET socket and writes it to the
//! other after the configured one-way delay, with optional jitter, random loss and a silent drop
//! of packets over a size (an MTU black hole: no ICMP), and optionally a middlebox rule
//! (middlebox.rs: UDP dropped, a reset after the first request, silence after the handshake). This kernel has no netem and no NFQUEUE
//! (research/network-lab.md), so delay needs a program; both TCP ends stay real kernel stacks.
//!
//! Runs inside the lab's middle namespace until killed; prints `ready` once it captures.

mod config;
mod middlebox;
mod schedule;

use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver};
use std::time::Instant;

use nix::sys::socket::{
    bind, recvfrom, send, setsockopt, socket, sockopt, AddressFamily, LinkAddr, MsgFlags, SockFlag,
    SockProtocol, SockType,
};

use config::Config;
use middlebox::Action;
use schedule::{Direction, Fate, Rng};

/// `sll_pkttype` of a frame this host sent (our own writes show up on the capture socket too).
const PACKET_OUTGOING: u8 = 4;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = config::parse(&args).and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("impair-forwarder: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The interface's AF_PACKET address (its index), as getifaddrs lists it: binding a send
/// socket to it needs no unsafe code.
fn link_addr(dev: &str) -> Result<LinkAddr, String> {
    let addrs = nix::ifaddrs::getifaddrs().map_err(|e| format!("getifaddrs: {e}"))?;
    addrs
        .filter(|a| a.interface_name == dev)
        .find_map(|a| a.address.and_then(|s| s.as_link_addr().copied()))
        .ok_or_else(|| format!("no interface {dev}"))
}

/// A socket that only sends, on `dev` (bound with protocol 0: it receives nothing).
fn sender_socket(dev: &str) -> Result<(OwnedFd, usize), String> {
    let addr = link_addr(dev)?;
    let fd = socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .map_err(|e| format!("packet socket: {e}"))?;
    bind(fd.as_raw_fd(), &addr).map_err(|e| format!("bind to {dev}: {e}"))?;
    Ok((fd, addr.ifindex()))
}

/// Sends each frame at its release time; the queue is in release order.
fn send_loop(fd: OwnedFd, queue: Receiver<(Instant, Vec<u8>)>) {
    for (at, frame) in queue {
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
        // A frame the link cannot carry is lost, like on a real link.
        let _ = send(fd.as_raw_fd(), &frame, MsgFlags::empty());
    }
}

fn run(config: Config) -> Result<(), String> {
    let (fd_a, index_a) = sender_socket(&config.dev_a)?;
    let (fd_b, index_b) = sender_socket(&config.dev_b)?;
    let (to_b, queue_b) = channel();
    let (to_a, queue_a) = channel();
    std::thread::spawn(move || send_loop(fd_b, queue_b));
    std::thread::spawn(move || send_loop(fd_a, queue_a));

    let capture = socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::EthAll,
    )
    .map_err(|e| format!("capture socket: {e}"))?;
    // Room for a burst (a TLS flight at full speed) while the reader is descheduled.
    let _ = setsockopt(&capture, sockopt::RcvBuf, &(4 << 20));
    let mut a_to_b = Direction::new(config.a_to_b);
    let mut b_to_a = Direction::new(config.b_to_a);
    let mut rng = Rng::new(config.seed);
    println!("ready {} <-> {}", config.dev_a, config.dev_b);
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = match recvfrom::<LinkAddr>(capture.as_raw_fd(), &mut buf) {
            Ok((n, Some(from))) => (n, from),
            Ok((_, None)) => continue,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(format!("recvfrom: {e}")),
        };
        if from.pkttype() == PACKET_OUTGOING {
            continue;
        }
        let from_a = match from.ifindex() {
            i if i == index_a => true,
            i if i == index_b => false,
            _ => continue,
        };
        let frame = buf.get(..n).unwrap_or_default();
        // Where the frame goes, and where a middlebox's answer goes (back the other way).
        let (onward, back) = match middlebox::judge(config.middlebox, frame, from_a) {
            Action::Pass => (Some(frame.to_vec()), None),
            Action::Drop => (None, None),
            Action::Reply(reply) => (None, Some(reply)),
        };
        let now = Instant::now();
        let (ahead, behind, to_ahead, to_behind) = if from_a {
            (&mut a_to_b, &mut b_to_a, &to_b, &to_a)
        } else {
            (&mut b_to_a, &mut a_to_b, &to_a, &to_b)
        };
        for (frame, direction, queue) in [(onward, ahead, to_ahead), (back, behind, to_behind)] {
            let Some(frame) = frame else { continue };
            if let Fate::Release(at) = direction.fate(frame.len(), now, &mut rng) {
                if queue.send((at, frame)).is_err() {
                    return Err("a sender thread ended".into());
                }
            }
        }
    }
}
